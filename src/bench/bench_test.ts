import assert from "node:assert/strict";
import { checkAgainstBaseline, formatCheckTable } from "./check.ts";
import { appendHistory, historyLine, readHistory } from "./history.ts";
import { parseResults, stringifyResults } from "./json.ts";
import { type ClaimResult, readResults, type Results, writeResults } from "./results.ts";
import { selectClaims } from "./runner.ts";
import type { Claim } from "./contract.ts";

function claimResult(
  id: string,
  verdict: ClaimResult["verdict"],
  value: number,
  tolerance = 0.01,
): ClaimResult {
  return {
    id,
    title: id,
    source: "nb 11",
    quote: "q",
    claimNumbers: [1],
    lesson: { accuracy: 0.85 },
    mode: "full",
    quickNote: null,
    seeds: [1, 2, 3],
    config: {},
    evidence: { perSeed: [value, NaN, Infinity] },
    headline: {
      name: "median accuracy",
      value,
      tolerance,
      perSeed: [value, value, value],
      summary: { n: 3, mean: value, std: 0, median: value, ci95: [value, value] },
    },
    verdict,
    explanation: `${id} measured ${value}`,
    seconds: 1,
  };
}

function results(claims: ClaimResult[]): Results {
  return {
    meta: {
      schema: 1,
      date: "2026-11-25T00:00:00.000Z",
      commit: "abc",
      denoVersion: "2.9.6",
      adapter: {
        description: "llvmpipe",
        vendor: "",
        architecture: "",
        device: "",
        isFallbackAdapter: true,
        features: [],
        limits: {},
      },
      mode: "full",
      seeds: [1, 2, 3],
      wallSeconds: 3,
      dataset: null,
      shard: null,
    },
    claims,
  };
}

Deno.test("check: errors and pass→fail flips and metric drops fail; honest failures and gains do not", () => {
  const baseline = results([
    claimResult("a", "pass", 0.87),
    claimResult("b", "pass", 0.87),
    claimResult("c", "fail", 0.80),
    claimResult("d", "fail", 0.80),
    claimResult("e", "pass", 0.87),
    claimResult("f", "pass", 0.87),
  ]);
  const now = results([
    claimResult("a", "pass", 0.865), // within tolerance
    claimResult("b", "fail", 0.865), // verdict flip within the metric tolerance
    claimResult("c", "fail", 0.80), // still failing honestly
    claimResult("d", "pass", 0.86), // improvement
    claimResult("e", "pass", 0.85), // dropped 0.02 > 0.01
    claimResult("f", "error", NaN),
    claimResult("g", "pass", 0.9), // not in the baseline
  ]);
  const rows = checkAgainstBaseline(now, baseline);
  const status = Object.fromEntries(rows.map((r) => [r.id, [r.status, r.failing]]));
  assert.deepEqual(status, {
    a: ["ok", false],
    b: ["regressed-verdict", true],
    c: ["expected-fail", false],
    d: ["improved", false],
    e: ["regressed-metric", true],
    f: ["error", true],
    g: ["new", false],
  });
  assert.match(formatCheckTable(rows), /regressed-verdict ✗/);
  assert.ok(checkAgainstBaseline(now, null).every((r) => r.failing === (r.status === "error")));
});

Deno.test("results.json: atomic write, NaN/Infinity kept, a bad file is a clear error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out/results.json`;
    const r = results([claimResult("a", "pass", 0.87)]);
    await writeResults(path, r);
    assert.deepEqual([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name), ["results.json"]);
    const back = await readResults(path);
    assert.deepEqual((back.claims[0].evidence as { perSeed: number[] }).perSeed, [
      0.87,
      NaN,
      Infinity,
    ]);
    await Deno.writeTextFile(path, '{"meta": {}}');
    await assert.rejects(
      () => readResults(path),
      /results\.json: expected results schema version 1, found/,
    );
    await assert.rejects(
      () => readResults(`${dir}/none.json`),
      /none\.json: expected a results\.json/,
    );
    assert.deepEqual(parseResults(stringifyResults({ x: -Infinity })), { x: -Infinity });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("history: complete lines appended; a truncated last line is skipped with a warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/history.jsonl`;
    await appendHistory(path, historyLine(results([claimResult("a", "pass", 0.87)])));
    await appendHistory(path, historyLine(results([claimResult("a", "fail", NaN)])));
    await Deno.writeTextFile(path, '{"date": "2026-11-25", "com', { append: true });
    const warnings: string[] = [];
    const lines = await readHistory(path, (m) => warnings.push(m));
    assert.equal(lines.length, 2);
    assert.ok(Number.isNaN(lines[1].claims.a.headline));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /history\.jsonl:3: skipping/);
    assert.deepEqual(await readHistory(`${dir}/missing.jsonl`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("selectClaims: --only, unknown ids, deterministic shards covering every claim once", () => {
  const claims = ["a", "b", "c", "d", "e"].map((id) => ({ id }) as Claim);
  assert.deepEqual(selectClaims(claims, { only: ["c", "a"] }).map((c) => c.id), ["a", "c"]);
  assert.throws(() => selectClaims(claims, { only: ["zz"] }), /unknown claim zz/);
  const shards = [1, 2, 3].map((index) =>
    selectClaims(claims, { shard: { index, count: 3 } }).map((c) => c.id)
  );
  assert.deepEqual(shards, [["a", "d"], ["b", "e"], ["c"]]);
});

Deno.test("check: a quick run is compared with the full baseline on the same seeds", () => {
  const full = claimResult("a", "pass", 0.87);
  full.headline!.perSeed = [0.85, 0.87, 0.88]; // seeds 1, 2, 3; median 0.87
  const quick: ClaimResult = {
    ...claimResult("a", "fail", 0.85),
    mode: "quick",
    seeds: [1],
  };
  quick.headline!.perSeed = [0.85];
  const [row] = checkAgainstBaseline(results([quick]), results([full]));
  assert.equal(row.baseline, "pass 0.8500", "seed 1's baseline value, not the 3-seed median");
  assert.equal(row.status, "regressed-verdict");
  assert.equal(row.failing, false, "a 1-seed verdict vs a 3-seed one is shown, not gated");
  quick.headline!.value = 0.83;
  const [worse] = checkAgainstBaseline(results([quick]), results([full]));
  assert.equal(worse.failing, true, "a 2-point drop on the same seed still fails");
});

Deno.test("mergeResults: shards combine in id order; mismatched or overlapping shards are errors", async () => {
  const { mergeResults } = await import("./merge.ts");
  const a = results([claimResult("b", "pass", 0.87)]);
  const b = results([claimResult("a", "fail", 0.8)]);
  b.meta.wallSeconds = 10;
  const merged = mergeResults([{ path: "1.json", results: a }, { path: "2.json", results: b }]);
  assert.deepEqual(merged.claims.map((c) => c.id), ["a", "b"]);
  assert.equal(merged.meta.wallSeconds, 10);
  assert.throws(
    () => mergeResults([{ path: "1.json", results: a }, { path: "3.json", results: a }]),
    /claim b is in both 1\.json and 3\.json/,
  );
  const other = results([claimResult("c", "pass", 0.9)]);
  other.meta.mode = "quick";
  assert.throws(
    () => mergeResults([{ path: "1.json", results: a }, { path: "4.json", results: other }]),
    /4\.json has mode quick/,
  );
});
