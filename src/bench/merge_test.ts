import assert from "node:assert/strict";
import { historyLine, HistoryLineSchema, readHistory } from "./history.ts";
import { mergeResults } from "./merge.ts";
import { claimResult, configResult, results, runEntry } from "./testing.ts";

const shard = (id: string, o: { code?: string; adapter?: string } = {}) =>
  results([claimResult({ id, configs: [configResult("a", [runEntry(1, 0.87)])] })], o);

Deno.test("mergeResults: shards' claims once each, claim set and run counts summed", () => {
  const merged = mergeResults([
    { path: "s2.json", results: shard("zeta") },
    { path: "s1.json", results: shard("alpha") },
  ]);
  assert.deepEqual(merged.claims.map((c) => c.id), ["alpha", "zeta"]);
  assert.deepEqual(merged.meta.claimSet, ["alpha", "zeta"]);
  assert.equal(merged.meta.runsTrained, 2);
  assert.equal(merged.meta.shard, null);
  assert.equal(merged.meta.jobs, 1, "shards from before --jobs count as one at a time");
  const two = shard("beta");
  two.meta.jobs = 2;
  assert.equal(
    mergeResults([{ path: "a", results: shard("a") }, { path: "b", results: two }]).meta.jobs,
    2,
  );
});

Deno.test("mergeResults: refuses a claim in two shards, other code, another adapter", () => {
  assert.throws(
    () => mergeResults([{ path: "a", results: shard("x") }, { path: "b", results: shard("x") }]),
    /claim x is in both a and b/,
  );
  assert.throws(
    () =>
      mergeResults([
        { path: "a", results: shard("x") },
        { path: "b", results: shard("y", { code: `sha256:${"c".repeat(64)}` }) },
      ]),
    /codeIdentity/,
  );
  assert.throws(
    () =>
      mergeResults([
        { path: "a", results: shard("x") },
        { path: "b", results: shard("y", { adapter: "NVIDIA H200" }) },
      ]),
    /ran on NVIDIA H200/,
  );
});

Deno.test("history: a v2 line records verdict, median and seeds; old pass/fail lines still read", async () => {
  const line = historyLine(shard("alpha"));
  assert.deepEqual(line.claims.alpha, { verdict: "reproduced", headline: 0.87, seeds: 1 });
  assert.deepEqual(line.claimSet, ["alpha"]);
  assert.equal(line.jobs, 1);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/history.jsonl`;
    const old = {
      date: "2026-01-01T00:00:00Z",
      commit: "abc",
      mode: "full",
      adapter: "llvmpipe",
      wallSeconds: 1,
      claims: { alpha: { verdict: "pass", headline: "NaN" } },
    };
    await Deno.writeTextFile(path, `${JSON.stringify(old)}\n${JSON.stringify(line)}\n{"trunc`);
    const warnings: string[] = [];
    const lines = await readHistory(path, (m) => warnings.push(m));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].claims.alpha.verdict, "pass");
    assert.ok(Number.isNaN(lines[0].claims.alpha.headline));
    assert.equal(HistoryLineSchema.parse(lines[1]).claims.alpha.seeds, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /:3: skipping an unreadable history line/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
