import assert from "node:assert/strict";
import type { JudgedCheck } from "../verdict/check.ts";
import { compareWithBaseline } from "./gate.ts";
import type { ClaimResult, Results, RunEntry } from "./results.ts";
import { results as resultsOf } from "./testing.ts";
import {
  formatSummaryTable,
  markdownSummary,
  runCounts,
  summaryRows,
  timeColumnNote,
} from "./summary.ts";

// ---------------------------------------------------------------------------------------------
// A small builder of valid v2 results.

const SUBJECT = { config: "a", metric: "evalAccuracy", epoch: 3 };

function runEntry(seed: number, value: number, outcome: RunEntry["outcome"] = "trained"): RunEntry {
  return {
    seed,
    outcome,
    divergedAt: outcome === "diverged" ? { epoch: 1, step: 3 } : null,
    values: { "evalAccuracy@3": value },
    run: null,
    failure: null,
  };
}

function threshold(interval: [number, number] | null, decidedAt: number | null) {
  return {
    id: "9-threshold",
    claim: 9,
    kind: "threshold" as const,
    subject: SUBJECT,
    direction: ">=" as const,
    threshold: 0.84,
    judged: {
      n: 6,
      trained: 6,
      estimate: 0.87,
      interval,
      confidence: 0.983,
      decision: decidedAt === null ? "inconclusive" as const : "supported" as const,
      decidedAt,
      counterexamples: [],
    },
  };
}

function claim(o: {
  id: string;
  numbers: number[];
  verdict: ClaimResult["verdict"];
  median: number;
  decidedAt?: number | null;
  seeds?: number;
  title?: string;
  label?: string;
  unit?: "accuracy" | "value";
  checks?: JudgedCheck[];
  mode?: "full" | "quick";
  seed1?: number;
}): ClaimResult {
  const seeds = o.seeds ?? 6;
  return {
    id: o.id,
    title: o.title ?? `claim ${o.id}`,
    source: "nb 11",
    quote: "q",
    claimNumbers: o.numbers,
    lesson: [],
    lessonNotes: [],
    findings: null,
    dependsOn: [],
    mode: o.mode ?? "full",
    configs: [{
      name: "a",
      label: "config a",
      kind: "train",
      config: { lr: 0.1 },
      runs: Array.from(
        { length: seeds },
        (_, i) => runEntry(i + 1, i === 0 ? o.seed1 ?? o.median : o.median),
      ),
      divergence: { k: 0, n: seeds, estimate: 0, interval: [0, 0.4] },
    }],
    metrics: { evalAccuracy: { label: "eval accuracy", unit: o.unit ?? "accuracy" } },
    checks: o.checks ?? [],
    verdict: o.verdict,
    decidedAt: o.decidedAt ?? null,
    seedsUsed: seeds,
    headline: {
      label: o.label ?? "eval accuracy after 3 epochs",
      subject: SUBJECT,
      better: "higher",
      tolerance: 0.01,
      median: o.median,
    },
    comparisons: [],
    lessonPercentiles: [],
    expectedMax: [],
    error: o.verdict === "error" ? "boom" : null,
    seconds: 3,
  };
}

/** Results of `claims` with this file's run figures (1.5 min, 12 trained, 3 reused). */
function results(claims: ClaimResult[], mode: "full" | "quick" = "full"): Results {
  return resultsOf(claims, {
    mode,
    counts: { wallSeconds: 90, runsTrained: 12, runsReused: 3 },
  });
}

function fullResults(): Results {
  return results([
    claim({
      id: "general-relu",
      numbers: [10],
      verdict: "inconclusive",
      median: 0.8612,
      seeds: 20,
      decidedAt: null,
    }),
    claim({
      id: "kaiming-init",
      numbers: [9],
      verdict: "reproduced",
      median: 0.87,
      decidedAt: 6,
      checks: [threshold([0.865, 0.8755], 6)],
    }),
    claim({
      id: "default-init",
      numbers: [7, 8],
      verdict: "not reproduced",
      median: 0.5,
      decidedAt: 10,
      seeds: 10,
      title: "raw | normalised input",
      label: "eval acc | epoch 1",
    }),
    claim({ id: "moments", numbers: [6], verdict: "error", median: 1.01, unit: "value" }),
  ]);
}

// ---------------------------------------------------------------------------------------------

Deno.test("summaryRows: sorted by first claim number, estimate in % for accuracy", () => {
  const rows = summaryRows(fullResults(), null);
  assert.deepEqual(rows.map((r) => r.claim), [
    "moments",
    "default-init",
    "kaiming-init",
    "general-relu",
  ]);
  assert.deepEqual(rows.map((r) => r.numbers), ["6", "7,8", "9", "10"]);
  const kaiming = rows[2];
  assert.equal(kaiming.estimate, "87.00% (eval accuracy after 3 epochs)");
  assert.equal(rows[3].estimate, "86.12% (eval accuracy after 3 epochs)");
  assert.equal(rows[0].estimate, "1.01 (eval accuracy after 3 epochs)", "a value unit is not %");
  assert.equal(kaiming.verdict, "reproduced");
  assert.equal(kaiming.seeds, "6");
  assert.equal(rows[3].seeds, "20");
});

Deno.test("summaryRows: interval from the headline's threshold check, in the metric's unit", () => {
  const rows = summaryRows(fullResults(), null);
  assert.equal(rows[2].interval, "[86.50%, 87.55%]");
  assert.equal(rows[1].interval, "–", "no threshold check on the headline");
  // Inside an any-of the headline's threshold leaf is found too.
  const leaf = threshold([0.8, 0.9], 6);
  const anyOf: JudgedCheck = {
    id: "8-any",
    claim: 8,
    kind: "any-of",
    of: [leaf, { ...threshold([0, 1], 6), subject: { ...SUBJECT, config: "b" } }],
    judged: { decision: "supported", decidedAt: 6 },
  };
  const r = summaryRows(
    results([
      claim({ id: "x", numbers: [8], verdict: "reproduced", median: 0.85, checks: [anyOf] }),
    ]),
    null,
  );
  assert.equal(r[0].interval, "[80.00%, 90.00%]");
});

Deno.test("summaryRows: 'decided at' from decidedAt, 'not at N' while inconclusive", () => {
  const rows = summaryRows(fullResults(), null);
  assert.equal(rows[2].decided, "6 seeds");
  assert.equal(rows[1].decided, "10 seeds");
  assert.equal(rows[3].decided, "not at 20");
  assert.equal(rows[0].decided, "–", "an error was not decided");
  assert.ok(rows.every((r) => r.status === "–"), "no gate: no status");
});

Deno.test("summaryRows: each claim's training time, a shared run split between its claims", () => {
  const results = fullResults();
  results.claims[0] = { ...results.claims[0], seconds: 42.4 };
  results.claims[1] = { ...results.claims[1], seconds: 1310 };
  const rows = summaryRows(results, null);
  const time = Object.fromEntries(rows.map((r) => [r.claim, r.time]));
  assert.equal(time[results.claims[0].id], "42 s");
  assert.equal(time[results.claims[1].id], "21.8 min");
  assert.equal(time[results.claims[2].id], "3 s");
});

Deno.test("summaryRows: status from the gate against a baseline (failing marked ✗)", () => {
  const base = fullResults();
  const now = fullResults();
  // kaiming-init: reproduced → not reproduced.
  now.claims[1] = { ...now.claims[1], verdict: "not reproduced" };
  // general-relu: inconclusive → reproduced.
  now.claims[0] = { ...now.claims[0], verdict: "reproduced", decidedAt: 20 };
  const gate = compareWithBaseline(now, base);
  const rows = summaryRows(now, gate);
  const by = Object.fromEntries(rows.map((r) => [r.claim, r.status]));
  assert.equal(by["kaiming-init"], "regressed ✗");
  assert.equal(by["general-relu"], "improved");
  assert.equal(by["default-init"], "same");
  assert.equal(by["moments"], "error ✗");
  assert.equal(rows.find((r) => r.claim === "general-relu")?.decided, "20 seeds");
});

Deno.test("formatSummaryTable: aligned header, rule and one line per claim", () => {
  const rows = summaryRows(fullResults(), null);
  const text = formatSummaryTable(rows);
  const lines = text.split("\n");
  assert.equal(lines.length, 2 + rows.length);
  assert.match(
    lines[0],
    /^claim +# +verdict +estimate +interval +seeds +decided at +vs baseline +time$/,
  );
  assert.match(lines[1], /^-+( +-+){8}$/);
  for (const r of rows) assert.ok(text.includes(r.claim));
  // Columns line up: "verdict" starts at the same offset on every line.
  const at = lines[0].indexOf("verdict");
  for (const [i, r] of rows.entries()) assert.equal(lines[2 + i].indexOf(r.verdict), at);
});

Deno.test("markdownSummary: full run: provenance, counts, table, '|' escaped, gate notes", () => {
  const base = fullResults();
  const now = fullResults();
  now.claims[1] = { ...now.claims[1], verdict: "not reproduced" };
  now.meta.adapter = { ...now.meta.adapter, description: "NVIDIA | H200" };
  const gate = compareWithBaseline(now, base);
  const md = markdownSummary(now, gate);
  assert.ok(md.startsWith("## claimbench full run\n"));
  assert.ok(md.endsWith("\n"));
  assert.ok(md.includes("commit 0123456789ab ·"));
  assert.ok(md.includes("2025-01-02 03:04 UTC"));
  assert.ok(md.includes("6 → 10 → 20 seeds"));
  assert.ok(md.includes("1.5 min (12 runs trained, 3 reused)"));
  assert.ok(md.includes("(mesa-vulkan-drivers 25.0.7)"));
  assert.ok(md.includes("**0 reproduced, 2 not reproduced, 1 inconclusive, 1 errors**"));

  // A "|" in a headline label is escaped in the table, and every row has 9 cells.
  assert.ok(md.includes("eval acc \\| epoch 1"), md);
  const table = md.split("\n").filter((l) => l.startsWith("|"));
  assert.equal(table.length, 2 + now.claims.length);
  for (const l of table) {
    const cells = l.replaceAll("\\|", "").split("|").length - 2;
    assert.equal(cells, 9, l);
  }
  // The title is not a table cell, so a "|" in it cannot break the table.
  assert.ok(!md.includes("raw | normalised"));

  // The gate's environment notes and claim notes follow, escaped.
  assert.ok(md.includes("> the baseline ran on llvmpipe"));
  assert.ok(md.includes("NVIDIA \\| H200"));
  assert.ok(md.includes("**kaiming-init** (regressed)"));
  assert.ok(md.includes("- verdict regressed: reproduced → not reproduced"));
  assert.ok(md.includes("| regressed ✗ |"));
});

Deno.test("markdownSummary: quick mode says it judges nothing", () => {
  const quick = results([
    claim({ id: "kaiming-init", numbers: [9], verdict: "not judged", median: 0.87, seeds: 1 }),
    claim({ id: "moments", numbers: [6], verdict: "error", median: 1, seeds: 1, unit: "value" }),
  ], "quick");
  const md = markdownSummary(quick, null);
  assert.ok(md.startsWith("## claimbench quick run\n"));
  assert.ok(md.includes("quick mode: seed 1 of every config, no verdicts"));
  assert.ok(md.includes("**2 claims run on seed 1; 1 errors**"));
  assert.ok(!md.includes("reproduced,"), "no verdict counts");
  assert.ok(!md.includes("> "), "no gate, no notes");
  const rows = summaryRows(quick, null);
  assert.deepEqual(rows.map((r) => r.decided), ["–", "–"]);
});

Deno.test("runCounts, timeColumnNote: side by side only with --jobs > 1 and more than one run trained", () => {
  const r = fullResults();
  const counts = (jobs: number | undefined, runsTrained: number) => {
    const meta = { ...r.meta, jobs, runsTrained, runsReused: 3 };
    return [runCounts(meta), timeColumnNote(meta)];
  };
  assert.deepEqual(counts(undefined, 12), ["12 runs trained, 3 reused", null]);
  assert.deepEqual(counts(1, 12), ["12 runs trained, 3 reused", null]);
  assert.deepEqual(counts(2, 1), ["1 runs trained, 3 reused", null]);
  const [text, note] = counts(2, 12);
  assert.equal(text, "12 runs trained (2 at once), 3 reused");
  assert.match(
    note ?? "",
    /^time: .*with 2 at once, the column adds up to more than the wall time$/,
  );

  r.meta.jobs = 2;
  const md = markdownSummary(r, null);
  assert.ok(md.includes("1.5 min (12 runs trained (2 at once), 3 reused)"), md);
  assert.ok(md.trimEnd().endsWith(note!), "the note follows the table");
  assert.ok(!markdownSummary(fullResults(), null).includes("time: "), "one job: no note");
});
