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

import { compareWithBaseline, type GateReport } from "../bench/gate.ts";
import { appendHistory, historyLine, readHistory } from "../bench/history.ts";
import {
  readResults,
  type Results,
  RESULTS_SCHEMA_VERSION,
  writeAtomic,
  writeResults,
} from "../bench/results.ts";
import {
  formatSummaryTable,
  markdownSummary,
  runCounts,
  summaryRows,
  timeColumnNote,
} from "../bench/summary.ts";
import { renderReport } from "../report/render.ts";
import { writeWebBundle } from "../web/build.ts";
import { loadClaims, runBench, selectClaims } from "../bench/runner.ts";
import { formatClaimList, storedRunSeconds } from "./claim_list.ts";
import { getGpu, type Gpu } from "../gpu/device.ts";
import { stringifyResults } from "../util/json.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import { trainerCodeIdentity } from "../store/code_identity.ts";
import { vulkanDriver } from "../store/driver.ts";
import { defaultRunStoreDir } from "../store/default_dir.ts";
import { RunStore } from "../store/run_store.ts";
import { type RunRecord, RunRecordSchema, RunSource } from "../bench/run_source.ts";
import { describePlan } from "../verdict/plan.ts";
import { type BenchArgs, type BenchFlags, jobCount, parseBenchArgs, USAGE } from "./bench_args.ts";
import { adapterKind } from "../kernels/adapter_variants.ts";
import { TrainerPool } from "./train_pool.ts";
import { ProgressDisplay, stderrSink } from "./progress.ts";
import { useCachedTuning } from "./tuning.ts";
import { EXIT, runMain, UsageError } from "./run_main.ts";
import { mergeOnlyRun, removeStalePages } from "./bench_output.ts";

async function main(args: string[]): Promise<number> {
  const parsed = parseBenchArgs(args);
  if (!parsed) return EXIT.ok;
  const { flags, only } = parsed;
  // Progress: bars over the runs and batches on a TTY, plain lines and a heartbeat off one.
  const display = flags.quiet ? null : new ProgressDisplay(stderrSink());
  const log = (m: string) => display?.log(m);
  const { listClaimFiles } = await import("../bench/registry.ts");
  const known = (await listClaimFiles(new URL("../../benches/", import.meta.url))).map((c) => c.id);
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
  const ran = await runWithStore(gpu, parsed, { store, storeDir, display, log });
  if (typeof ran === "number") return ran;
  const out = await writeOutputs(ran, flags, only, known, log);
  printOutcome(gpu, out, flags);
  return await exitStatus(out.results, out.gate, out.baseline, parsed);
}

/** Runs the bench with the store, Ctrl-C stopping it between batches (an exit code then). */
async function runWithStore(
  gpu: Gpu,
  { flags, plan, shard, only }: BenchArgs,
  o: {
    store: RunStore<RunRecord>;
    storeDir: string;
    display: ProgressDisplay | null;
    log: (m: string) => void;
  },
): Promise<Results | number> {
  const { display, log } = o;
  // Loaded once, on the first run that is not in the store.
  const loaded: { data: Promise<GpuFashionMnist> | null } = { data: null };
  const data = () => loaded.data ??= loadFashionMnistToGpu(gpu, { dataDir: flags["data-dir"] });
  const interrupt = interruptOnCtrlC();
  const { runs, pool, jobs } = runSources(gpu, flags, shard, {
    ...o,
    data,
    signal: interrupt.signal,
  });
  const driver = await vulkanDriver();
  // Full mode: the runner prints the plan.
  if (flags.quick) {
    log(
      "quick mode: seed 1 of every config, compared with the baseline's seed-1 runs; no verdicts",
    );
  }
  log(`run store: ${o.storeDir}${flags.fresh ? " (--fresh: every run trained again)" : ""}`);
  if (pool) log(`training up to ${jobs} runs at once, in worker processes (--jobs ${flags.jobs})`);
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
      concurrency: pool ? jobs : 1,
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
          `store (${o.storeDir}); the same command resumes without retraining them`,
      );
      return EXIT.interrupted;
    }
    throw err;
  } finally {
    await pool?.close();
    interrupt.dispose();
    display?.close();
  }
  if (loaded.data) {
    datasetInfo = (await loaded.data).info;
    results.meta.dataset = datasetInfo;
  }
  return results;
}

/**
 * Where the bench's training runs come from: the store, else trained here or, with more than one
 * job, in a pool of worker processes (nothing to start for --no-train).
 */
function runSources(
  gpu: Gpu,
  flags: BenchFlags,
  shard: BenchArgs["shard"],
  o: {
    store: RunStore<RunRecord>;
    storeDir: string;
    display: ProgressDisplay | null;
    log: (m: string) => void;
    data: () => Promise<GpuFashionMnist>;
    signal: AbortSignal;
  },
): { runs: RunSource; pool: TrainerPool | null; jobs: number } {
  const jobs = jobCount(flags.jobs, adapterKind(gpu.adapter), navigator.hardwareConcurrency);
  const pool = jobs > 1 && !flags["no-train"]
    ? new TrainerPool({
      size: jobs,
      store: o.store,
      storeDir: o.storeDir,
      dataDir: flags["data-dir"],
      signal: o.signal,
    })
    : null;
  const display = o.display;
  const runs = new RunSource({
    gpu,
    data: o.data,
    store: flags.fresh ? null : o.store,
    saveTo: o.store,
    log: flags.quiet ? undefined : o.log,
    signal: o.signal,
    onBatch: display ? (p, run) => display.batch(p, run) : undefined,
    shard,
    train: !flags["no-train"],
    trainer: pool ?? undefined,
  });
  return { runs, pool, jobs };
}

/**
 * Ctrl-C: aborts the signal (training stops after the current batch, every finished run kept);
 * a second one quits at once.
 */
function interruptOnCtrlC(): { signal: AbortSignal; dispose(): void } {
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) Deno.exit(EXIT.interrupted);
    console.error(
      "\nclaimbench: interrupted; stopping after the current batch (Ctrl-C again quits now)",
    );
    interrupt.abort(new DOMException("interrupted by Ctrl-C", "AbortError"));
  };
  Deno.addSignalListener("SIGINT", onSigint);
  return {
    signal: interrupt.signal,
    dispose: () => Deno.removeSignalListener("SIGINT", onSigint),
  };
}

/** What the outputs step wrote and found. */
interface Outputs {
  results: Results;
  target: string;
  pages: string[];
  baseline: Results | null;
  gate: GateReport | null;
}

/** results.json (merged for --only), history, the report and its bundle, the gate's comparison. */
async function writeOutputs(
  ran: Results,
  flags: BenchFlags,
  only: string[] | undefined,
  known: string[],
  log: (m: string) => void,
): Promise<Outputs> {
  let results = ran;
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
  return { results, target, pages, baseline, gate };
}

/** The terminal summary (or --json), and the Markdown summary where asked. */
function printOutcome(gpu: Gpu, out: Outputs, flags: BenchFlags): void {
  const { results, gate } = out;
  if (flags.json) {
    console.log(stringifyResults(results, 2));
  } else {
    console.log(
      `\nclaimbench ${results.meta.mode} run: ${results.claims.length} claim(s), ` +
        `${(results.meta.wallSeconds / 60).toFixed(1)} min on ${gpu.adapterName}` +
        `${results.meta.driver ? ` (${results.meta.driver})` : ""}; ${runCounts(results.meta)}; ` +
        `results in ${out.target}/results.json, ` +
        `report in ${out.pages[0]}`,
    );
    if (results.meta.plan) console.log(`plan: ${describePlan(results.meta.plan)}\n`);
    for (const n of gate?.environmentNotes ?? []) console.log(`note: ${n}`);
    console.log(formatSummaryTable(summaryRows(results, gate)));
    const note = timeColumnNote(results.meta);
    if (note) console.log(note);
    for (const c of results.claims.filter((c) => c.error)) console.log(`\n${c.id}: ${c.error}`);
    for (const r of gate?.rows.filter((r) => r.notes.length > 0) ?? []) {
      console.log(`\n${r.id} vs baseline (${r.status}):`);
      for (const n of r.notes.slice(0, 8)) console.log(`  ${n}`);
    }
  }
}

/** Summaries, --update-baseline, then the exit code: incomplete, broke, regressed or ok. */
async function exitStatus(
  results: Results,
  gate: GateReport | null,
  baseline: Results | null,
  { flags, shard }: BenchArgs,
): Promise<number> {
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
