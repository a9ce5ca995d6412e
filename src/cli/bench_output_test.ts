import assert from "node:assert/strict";
import { DataError } from "../data/errors.ts";
import {
  type ClaimResult,
  parseResultsText,
  readResults,
  type Results,
  ResultsSchema,
  writeResults,
} from "../bench/results.ts";
import { claimPageName } from "../report/claim_page.ts";
import { results as resultsOf } from "../bench/testing.ts";
import { mergeOnlyRun, removeStalePages } from "./bench_output.ts";

// ---------------------------------------------------------------------------------------------
// A small builder of valid v2 results.

function claim(id: string, mode: "full" | "quick", median = 0.87): ClaimResult {
  return {
    id,
    title: `claim ${id}`,
    source: "nb 11",
    quote: "q",
    claimNumbers: [9],
    lesson: [],
    lessonNotes: [],
    findings: null,
    dependsOn: [],
    mode,
    configs: [{
      name: "a",
      label: "config a",
      kind: "train",
      config: { lr: 0.1 },
      runs: [{
        seed: 1,
        outcome: "trained",
        divergedAt: null,
        values: { "evalAccuracy@3": median },
        run: null,
        failure: null,
      }],
      divergence: { k: 0, n: 1, estimate: 0, interval: [0, 0.975] },
    }],
    metrics: { evalAccuracy: { label: "eval accuracy", unit: "accuracy" } },
    checks: [],
    verdict: mode === "full" ? "reproduced" : "not judged",
    decidedAt: mode === "full" ? 6 : null,
    seedsUsed: 1,
    headline: {
      label: "eval accuracy after 3 epochs",
      subject: { config: "a", metric: "evalAccuracy", epoch: 3 },
      better: "higher",
      tolerance: 0.01,
      median,
    },
    comparisons: [],
    lessonPercentiles: [],
    expectedMax: [],
    error: null,
    seconds: 1,
  };
}

function results(
  ids: string[],
  mode: "full" | "quick" = "full",
  o: { looks?: number[]; median?: number } = {},
): Results {
  return resultsOf(ids.map((id) => claim(id, mode, o.median)), {
    mode,
    driver: null,
    looks: o.looks,
    counts: { wallSeconds: 10, runsTrained: ids.length },
  });
}

const V1_TEXT = JSON.stringify({
  meta: {
    schema: 1,
    date: "2024-06-01T00:00:00.000Z",
    commit: "abc",
    mode: "full",
    adapter: "llvmpipe",
  },
  claims: [],
});

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bench_output_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// ---------------------------------------------------------------------------------------------

Deno.test("mergeOnlyRun: no results file yet → fresh", async () => {
  await withTemp(async (dir) => {
    const out = await mergeOnlyRun(`${dir}/reports/results.json`, results(["lsuv"]));
    assert.deepEqual(out, { kind: "fresh" });
  });
});

Deno.test("mergeOnlyRun: same mode and plan → merged, other claims kept, claim set the union", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/results.json`;
    await writeResults(
      path,
      results(["batchnorm", "kaiming-init", "lsuv"], "full", { median: 0.8 }),
    );
    const run = results(["lsuv", "adam"], "full", { median: 0.9 });
    const out = await mergeOnlyRun(path, run);
    assert.equal(out.kind, "merged");
    if (out.kind !== "merged") return;
    const ids = out.results.claims.map((c) => c.id);
    assert.deepEqual(ids, ["adam", "batchnorm", "kaiming-init", "lsuv"]);
    assert.deepEqual(out.results.meta.claimSet, ids);
    // The rerun claim replaces the old one; the others are kept as they were.
    const by = Object.fromEntries(out.results.claims.map((c) => [c.id, c.headline.median]));
    assert.equal(by["lsuv"], 0.9);
    assert.equal(by["adam"], 0.9);
    assert.equal(by["batchnorm"], 0.8);
    assert.equal(by["kaiming-init"], 0.8);
    // Provenance is the new run's; the merged file still validates.
    assert.equal(out.results.meta.runsTrained, 2);
    assert.ok(ResultsSchema.safeParse(out.results).success);
    // Quick runs merge with quick runs.
    const qpath = `${dir}/quick.json`;
    await writeResults(qpath, results(["a"], "quick"));
    const q = await mergeOnlyRun(qpath, results(["b"], "quick"));
    assert.equal(q.kind, "merged");
  });
});

Deno.test("mergeOnlyRun: another mode → written elsewhere, with the reason", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/reports/results.json`;
    await writeResults(path, results(["batchnorm"], "full"));
    const out = await mergeOnlyRun(path, results(["lsuv", "adam"], "quick"));
    assert.equal(out.kind, "elsewhere");
    if (out.kind !== "elsewhere") return;
    assert.equal(out.dir, `${dir}/reports-only-lsuv-adam`);
    assert.ok(out.reason.includes(path));
    assert.match(out.reason, /full run, this is a quick run/);
  });
});

Deno.test("mergeOnlyRun: another look plan → elsewhere", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/results.json`;
    await writeResults(path, results(["batchnorm"], "full"));
    const out = await mergeOnlyRun(path, results(["lsuv"], "full", { looks: [6, 10] }));
    assert.equal(out.kind, "elsewhere");
    if (out.kind !== "elsewhere") return;
    assert.match(out.reason, /another look plan/);
  });
});

Deno.test("mergeOnlyRun: a schema-1 or unreadable results file → elsewhere, never a throw", async () => {
  await withTemp(async (dir) => {
    const path = `${dir}/results.json`;
    await Deno.writeTextFile(path, V1_TEXT);
    const out = await mergeOnlyRun(path, results(["lsuv"]));
    assert.equal(out.kind, "elsewhere");
    if (out.kind !== "elsewhere") return;
    assert.ok(out.reason.startsWith(`cannot merge into ${path}`), out.reason);
    assert.match(out.reason, /schema version 1/);
    assert.equal(out.dir, `${dir}-only-lsuv`);

    await Deno.writeTextFile(path, '{"meta": {"schema": 2');
    const broken = await mergeOnlyRun(path, results(["lsuv"]));
    assert.equal(broken.kind, "elsewhere");
  });
});

Deno.test("removeStalePages: removes only pages of known ids that the results no longer hold", async () => {
  await withTemp(async (dir) => {
    const page = (id: string) => `${dir}/${claimPageName(id)}`;
    for (const id of ["kaiming-init", "lsuv", "old-claim", "not-a-claim"]) {
      await Deno.writeTextFile(page(id), "<html></html>");
    }
    await Deno.writeTextFile(`${dir}/index.html`, "<html></html>");
    const removed = await removeStalePages(
      dir,
      results(["kaiming-init", "lsuv"]),
      ["kaiming-init", "lsuv", "old-claim", "never-written"],
    );
    assert.deepEqual(removed, [page("old-claim")]);
    const left: string[] = [];
    for await (const e of Deno.readDir(dir)) left.push(e.name);
    assert.deepEqual(
      left.sort(),
      [
        "index.html",
        claimPageName("kaiming-init"),
        claimPageName("lsuv"),
        claimPageName("not-a-claim"),
      ].sort(),
    );
  });
});

Deno.test("parseResultsText: a schema-1 file is a DataError saying 'schema version 1' and to re-run", async () => {
  assert.throws(
    () => parseResultsText("reports/results.json", V1_TEXT),
    (err: unknown) => {
      assert.ok(err instanceof DataError);
      assert.match(err.message, /^reports\/results\.json: /);
      assert.match(err.message, /schema version 1/);
      assert.match(err.message, /re-run/);
      assert.match(err.message, /deno task bench/);
      return true;
    },
  );
  // readResults says the same about a file.
  await withTemp(async (dir) => {
    await Deno.writeTextFile(`${dir}/results.json`, V1_TEXT);
    await assert.rejects(() => readResults(`${dir}/results.json`), /schema version 1/);
    await assert.rejects(() => readResults(`${dir}/missing.json`), DataError);
  });
});

Deno.test("parseResultsText: other versions, bad JSON and invalid v2 are DataErrors naming the problem", () => {
  assert.throws(
    () => parseResultsText("r.json", '{"meta":{"schema":3},"claims":[]}'),
    (e: unknown) => e instanceof DataError && /schema version 3/.test(e.message),
  );
  assert.throws(
    () => parseResultsText("r.json", "[]"),
    (e: unknown) => e instanceof DataError && /schema version null/.test(e.message),
  );
  assert.throws(
    () => parseResultsText("r.json", "{not json"),
    (e: unknown) => e instanceof DataError && /valid JSON/.test(e.message),
  );
  const bad = JSON.parse(JSON.stringify(results(["x"])));
  delete bad.claims[0].headline;
  assert.throws(
    () => parseResultsText("r.json", JSON.stringify(bad)),
    (e: unknown) => e instanceof DataError && /claims\.0\.headline/.test(e.message),
  );
  // A valid v2 file round-trips, NaN included.
  const r = results(["x"], "quick", { median: NaN });
  const back = parseResultsText(
    "r.json",
    JSON.stringify(r, (_k, v) => Number.isNaN(v) ? "NaN" : v),
  );
  assert.ok(Number.isNaN(back.claims[0].headline.median));
});
