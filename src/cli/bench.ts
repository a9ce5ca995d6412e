/**
 * `deno task bench`: reproduces the lesson's claims (one module per claim in `benches/`) under the
 * look plan, reusing stored runs, writes `<out>/results.json` atomically, appends a line to the
 * history next to `<out>`, renders the report, prints the plan and the per-claim table, and with
 * `--check` gates CI against the baseline.
 *
 * Exit codes: 0 ok; 1 the suite broke (a claim errored, or an unexpected error); 2 bad command
 * line; 3 no WebGPU adapter; 4 dataset problem; 5 a claim regressed against the baseline; 6 the
 * run store is unusable.
 *
 * @module
 */

import { z } from "zod";
import { compareWithBaseline, type GateReport } from "../bench/gate.ts";
import { appendHistory, historyLine, readHistory } from "../bench/history.ts";
import {
  readResults,
  type Results,
  RESULTS_SCHEMA_VERSION,
  writeAtomic,
  writeResults,
} from "../bench/results.ts";
import { formatSummaryTable, markdownSummary, summaryRows } from "../bench/summary.ts";
import { renderReport } from "../report/render.ts";
import { writeWebBundle } from "../web/build.ts";
import { loadClaims, runBench, selectClaims } from "../bench/runner.ts";
import { formatClaimList, storedRunSeconds } from "./claim_list.ts";
import { getGpu } from "../gpu/device.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import { trainerCodeIdentity } from "../store/code_identity.ts";
import { vulkanDriver } from "../store/driver.ts";
import { defaultRunStoreDir } from "../store/default_dir.ts";
import { RunStore } from "../store/run_store.ts";
import { type RunRecord, RunRecordSchema, RunSource } from "../store/run_source.ts";
import { describePlan, lookPlan } from "../verdict/plan.ts";
import { parseFlags } from "./args.ts";
import { ProgressDisplay, stderrSink } from "./progress.ts";
import { useCachedTuning } from "./tuning.ts";
import { EXIT, runMain, UsageError } from "./run_main.ts";
import { mergeOnlyRun, removeStalePages } from "./bench_output.ts";

const USAGE = `usage: deno task bench [options]

  --max-seeds N      truncate the look plan 6 → 10 → 20 to looks ≤ N (e.g. 10: looks 6, 10)
  --seeds N          a fixed seed count instead of the plan (one look: exploration only)
  --quick            CI numerics check: seed 1 of every config, no verdicts
  --only ID[,ID]     run only these claims (merged into an existing results file of that mode)
  --out DIR          where results.json and the report go (default reports/latest)
  --runs DIR         the run store (default $CLAIMBENCH_RUNS or ~/.cache/claimbench/runs)
  --fresh            train every run again (the store is still updated)
  --check            compare with the baseline; exit 5 on a regression, 1 on a claim error
  --baseline FILE    the baseline for --check (default reports/baseline.json)
  --update-baseline  write this full run as the baseline (refused for --quick)
  --summary FILE     write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY)
  --shard I/N        train only the I-th of N partitions of the runs (by config and seed); runs
                     of other shards are read from the store if there, else the look is not
                     judged (merge: deno task runs import, then bench --no-train)
  --no-train         train nothing: judge what the store holds; exit 7 if a look lacks runs
  --data-dir DIR     Fashion-MNIST directory (default: found or fetched automatically)
  --quiet            no progress messages
  --json             print results.json to stdout instead of the table
  --list             list the claims, their configs and checks, and what a run costs

exit codes: 0 ok, 1 suite broke (a claim errored), 2 usage, 3 no adapter, 4 dataset,
5 a claim regressed against the baseline, 6 the run store is unusable, 7 incomplete (a look
lacks runs: --no-train), 130 interrupted (Ctrl-C; finished runs are kept: the same command resumes)`;

const count = (name: string) =>
  z.coerce.number({ error: `expected a whole number` }).int("expected a whole number").min(
    1,
    `expected at least 1`,
  ).max(100, "expected at most 100").optional().describe(name);

const Flags = z.object({
  only: z.string().regex(
    /^[a-z0-9-]+(,[a-z0-9-]+)*$/,
    "expected claim ids like depth-survival,lsuv",
  ).optional(),
  "max-seeds": count("max-seeds"),
  seeds: count("seeds"),
  quick: z.boolean().default(false),
  out: z.string().min(1).default("reports/latest"),
  runs: z.string().min(1).optional(),
  fresh: z.boolean().default(false),
  check: z.boolean().default(false),
  baseline: z.string().min(1).default("reports/baseline.json"),
  "update-baseline": z.boolean().default(false),
  summary: z.string().min(1).optional(),
  shard: z.string().regex(/^\d+\/\d+$/, "expected I/N like 1/4").refine((s) => {
    const [i, n] = s.split("/").map(Number);
    return n >= 1 && i >= 1 && i <= n;
  }, "expected 1 ≤ I ≤ N").optional(),
  "data-dir": z.string().min(1).optional(),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
  list: z.boolean().default(false),
  "no-train": z.boolean().default(false),
  help: z.boolean().default(false),
});

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    only: { type: "string" },
    "max-seeds": { type: "string" },
    seeds: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    runs: { type: "string" },
    fresh: { type: "boolean" },
    check: { type: "boolean" },
    baseline: { type: "string" },
    "update-baseline": { type: "boolean" },
    summary: { type: "string" },
    shard: { type: "string" },
    "data-dir": { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    list: { type: "boolean" },
    "no-train": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (flags.quick && (flags.seeds !== undefined || flags["max-seeds"] !== undefined)) {
    throw new UsageError("--quick runs seed 1 of every config; it takes no --seeds or --max-seeds");
  }
  if (flags.quick && flags["update-baseline"]) {
    throw new UsageError(
      "--update-baseline: refused for --quick (the baseline is a full run under the look plan)",
    );
  }
  if (flags.only && flags["update-baseline"]) {
    throw new UsageError("--update-baseline: refused with --only (the baseline holds every claim)");
  }
  let plan;
  try {
    plan = lookPlan({ seeds: flags.seeds, maxSeeds: flags["max-seeds"] });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const shard = flags.shard
    ? { index: Number(flags.shard.split("/")[0]), count: Number(flags.shard.split("/")[1]) }
    : undefined;
  // Progress: a bar over the runs on a TTY, plain lines and a heartbeat off one; --quiet: none.
  const display = flags.quiet ? null : new ProgressDisplay(stderrSink());
  const log = (m: string) => display?.log(m);
  const { listClaimFiles } = await import("../bench/registry.ts");
  const known = (await listClaimFiles(new URL("../../benches/", import.meta.url))).map((c) => c.id);
  const only = flags.only?.split(",");
  const unknown = (only ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `--only: unknown claim ${unknown.join(", ")}; known: ${known.join(", ") || "none"}`,
    );
  }
  if (known.length === 0) {
    console.log(
      "claimbench: no claims registered yet (benches/ has no claim modules); nothing to run.",
    );
    return EXIT.ok;
  }
  const storeDir = flags.runs ?? defaultRunStoreDir();
  if (!storeDir) {
    throw new UsageError("--runs: no default run store (HOME unset); pass --runs DIR");
  }
  const store = await RunStore.open<RunRecord>(storeDir, RunRecordSchema, { warn: log });
  await store.sweepTemps();
  if (flags.list) {
    const claims = selectClaims(await loadClaims(new URL("../../benches/", import.meta.url)), {
      only,
    });
    console.log(formatClaimList(claims, await storedRunSeconds(store)));
    return EXIT.ok;
  }
  const gpu = await getGpu();
  await useCachedTuning(gpu, log);
  // Loaded once, on the first run that is not in the store.
  const loaded: { data: Promise<GpuFashionMnist> | null } = { data: null };
  const data = () => loaded.data ??= loadFashionMnistToGpu(gpu, { dataDir: flags["data-dir"] });
  // Ctrl-C: stop after the current batch, keeping every finished run; a second one quits now.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) Deno.exit(EXIT.interrupted);
    console.error(
      "\nclaimbench: interrupted; stopping after the current batch (Ctrl-C again quits now)",
    );
    interrupt.abort(new DOMException("interrupted by Ctrl-C", "AbortError"));
  };
  Deno.addSignalListener("SIGINT", onSigint);
  const runs = new RunSource({
    gpu,
    data,
    store: flags.fresh ? null : store,
    saveTo: store,
    log: flags.quiet ? undefined : log,
    signal: interrupt.signal,
    onBatch: display ? (p) => display.batch(p) : undefined,
    shard,
    train: !flags["no-train"],
  });
  const driver = await vulkanDriver();
  log(
    flags.quick
      ? "quick mode: seed 1 of every config, compared with the baseline's seed-1 runs; no verdicts"
      : `plan: ${describePlan(plan)}`,
  );
  log(`run store: ${storeDir}${flags.fresh ? " (--fresh: every run trained again)" : ""}`);
  let datasetInfo: unknown = null;
  let results: Results;
  try {
    results = await runBench(gpu, {
      only,
      quick: flags.quick,
      plan,
      runs,
      log,
      data,
      signal: interrupt.signal,
      onProgress: (e) => display?.event(e),
      provenance: {
        shard: shard ?? null,
        driver: driver ? `${driver.package} ${driver.version}` : null,
        codeIdentity: await trainerCodeIdentity(),
        dataset: () => datasetInfo,
      },
    });
  } catch (err) {
    if (err instanceof RangeError && /unknown claim/.test(err.message)) {
      throw new UsageError(`--only: ${err.message}`);
    }
    if (interrupt.signal.aborted) {
      console.error(
        `claimbench: stopped; ${runs.counts.trained} run(s) trained in this session are in the ` +
          `store (${storeDir}); the same command resumes without retraining them`,
      );
      return EXIT.interrupted;
    }
    throw err;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    display?.close();
  }
  if (loaded.data) {
    datasetInfo = (await loaded.data).info;
    results.meta.dataset = datasetInfo;
  }
  const outPath = `${flags.out}/results.json`;
  let target = flags.out;
  if (only) {
    const merged = await mergeOnlyRun(outPath, results);
    if (merged.kind === "merged") {
      results = merged.results;
      log(`--only: merged into ${outPath} (${results.meta.claimSet.length} claims kept)`);
    } else if (merged.kind === "elsewhere") {
      target = merged.dir;
      log(`--only: ${merged.reason}; writing to ${target} instead`);
    }
  }
  await writeResults(`${target}/results.json`, results);
  const historyPath = `${parentOf(target)}/history.jsonl`;
  await appendHistory(historyPath, historyLine(results));
  // The report always compares with the baseline; the terminal table and the gate only when asked.
  const baseline = await readBaseline(flags.baseline, log);
  const pages = await renderReport(target, results, await readHistory(historyPath), {
    baseline,
    baselinePath: flags.baseline,
    historyPath,
  });
  await removeStalePages(target, results, known);
  await writeWebBundle(target, (m) => console.error(m));
  const gating = flags.check || flags.summary || Deno.env.get("GITHUB_STEP_SUMMARY");
  const gate: GateReport | null = gating && (baseline || flags.check)
    ? compareWithBaseline(results, baseline)
    : null;
  if (flags.json) {
    const { stringifyResults } = await import("../bench/json.ts");
    console.log(stringifyResults(results, 2));
  } else {
    console.log(
      `\nclaimbench ${results.meta.mode} run: ${results.claims.length} claim(s), ` +
        `${(results.meta.wallSeconds / 60).toFixed(1)} min on ${gpu.adapterName}` +
        `${results.meta.driver ? ` (${results.meta.driver})` : ""}; ${results.meta.runsTrained} ` +
        `runs trained, ${results.meta.runsReused} reused; results in ${target}/results.json, ` +
        `report in ${pages[0]}`,
    );
    if (results.meta.plan) console.log(`plan: ${describePlan(results.meta.plan)}\n`);
    for (const n of gate?.environmentNotes ?? []) console.log(`note: ${n}`);
    console.log(formatSummaryTable(summaryRows(results, gate)));
    for (const c of results.claims.filter((c) => c.error)) console.log(`\n${c.id}: ${c.error}`);
    for (const r of gate?.rows.filter((r) => r.notes.length > 0) ?? []) {
      console.log(`\n${r.id} vs baseline (${r.status}):`);
      for (const n of r.notes.slice(0, 8)) console.log(`  ${n}`);
    }
  }
  const markdown = markdownSummary(results, gate);
  if (flags.summary) await writeAtomic(flags.summary, markdown);
  const stepSummary = Deno.env.get("GITHUB_STEP_SUMMARY");
  if (stepSummary) await Deno.writeTextFile(stepSummary, markdown, { append: true });
  if (flags["update-baseline"]) {
    if (results.claims.some((c) => c.verdict === "error")) {
      console.error("claimbench: --update-baseline refused: a claim errored");
      return EXIT.error;
    }
    await writeResults(flags.baseline, results, { compact: true });
    console.error(`claimbench: baseline written to ${flags.baseline}`);
  }
  const missingRuns = results.meta.missingRuns ?? [];
  if (missingRuns.length > 0) {
    console.error(
      `\nclaimbench: ${missingRuns.length} run(s) a look needs are not in the store:\n` +
        missingRuns.slice(0, 10).map((m) => `  ${m.label}, seed ${m.seed} (${m.claims.join(", ")})`)
          .join("\n") +
        (missingRuns.length > 10 ? `\n  … ${missingRuns.length - 10} more` : ""),
    );
    if (!shard) {
      console.error(
        "claimbench: incomplete: import the shards' runs (deno task runs import DIR…) or run " +
          "without --no-train",
      );
      return EXIT.incomplete;
    }
    console.error(`claimbench: shard ${flags.shard} trained its runs; the merge judges`);
  }
  const errored = results.claims.filter((c) => c.verdict === "error").map((c) => c.id);
  if (errored.length > 0) {
    console.error(`\nclaimbench: the suite broke: ${errored.join(", ")} errored`);
    return EXIT.error;
  }
  if (flags.check && gate) {
    if (!baseline) {
      console.error(`\nclaimbench: no baseline at ${flags.baseline}; only errors fail`);
    }
    if (gate.regressed.length > 0) {
      console.error(`\nclaimbench: check failed: ${gate.regressed.join(", ")} regressed`);
      return EXIT.regressed;
    }
    console.error("\nclaimbench: check passed");
  }
  return EXIT.ok;
}

/** The baseline, or null (missing); a v1 or broken baseline is reported, not a crash. */
async function readBaseline(path: string, log: (m: string) => void): Promise<Results | null> {
  try {
    await Deno.stat(path);
  } catch {
    return null;
  }
  try {
    return await readResults(path);
  } catch (err) {
    log(`claimbench: ${(err as Error).message}; comparing without a baseline`);
    return null;
  }
}

function parentOf(dir: string): string {
  const trimmed = dir.replace(/\/+$/, "");
  return trimmed.includes("/") ? trimmed.slice(0, trimmed.lastIndexOf("/")) || "/" : ".";
}

export { RESULTS_SCHEMA_VERSION };

if (import.meta.main) await runMain("claimbench bench", USAGE, main);
