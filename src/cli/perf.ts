/**
 * `deno task perf`: performance figures, never asserted in tests. GPU wait and readback latency,
 * the arithmetic ceiling (register-only FMA), load rates (and how many FMAs one load costs), a
 * matmul reference, the batch gather, the lesson model's training step (GeneralReLU + BatchNorm,
 * bs 1024 by default): images/s, ms per step, dispatches per step, validation rate (windows of
 * training steps alternate with validation passes), per-layer kernel time and GFLOP/s against the
 * ceiling, whole epochs through the Learner, memory. The summary table is printed last.
 *
 * @module
 */

import { z } from "zod";
import { summarize } from "../bench/stats.ts";
import { Batcher } from "../data/batches.ts";
import { type GpuFashionMnist, loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import { getGpu, type Gpu } from "../gpu/device.ts";
import { defaultTuning, setDefaultTuning } from "../nn/kernels.ts";
import { autotuneConv, type AutotuneResult } from "../perf/autotune.ts";
import { type EpochFigures, measureEpochs } from "../perf/epoch.ts";
import {
  adapterKey,
  convKernelsHash,
  tuningCachePath,
  writeTuningEntry,
} from "../perf/tuning_cache.ts";
import { measureFmaCeiling } from "../perf/fma_ceiling.ts";
import { measureLoadRates } from "../perf/load_rates.ts";
import { measureMatmulCeiling } from "../perf/matmul_ceiling.ts";
import { measureTrainStep, PERF_OPTIMIZER, type StepFigures } from "../perf/train_step.ts";
import { RUN_AHEAD } from "../train/learner.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";
import { useCachedTuning } from "./tuning.ts";

const USAGE = `usage: deno task perf [--data-dir DIR] [--batch-size N] [--steps N] [--epochs N]
                       [--run-ahead K] [--autotune | --untuned] [--json]

  --steps N    timed training steps, in 4 windows each followed by a timed valid pass (default 20)
  --epochs N   whole epochs through the Learner after the steps (default 2; 0 skips them)
  --run-ahead K  batches the Learner records ahead of the GPU in those epochs (default ${RUN_AHEAD})
  --autotune   first time the conv kernels' grid-only parameters on this adapter and store the
               fastest in the tuning cache (bench, train and perf use it; results stay
               bit-identical)
  --untuned    ignore the tuning cache (the kernels' built-in defaults)`;

const Flags = z.object({
  "data-dir": z.string().min(1).optional(),
  "batch-size": z.coerce.number().int().min(2).max(4096).default(1024),
  steps: z.coerce.number().int().min(1).max(10000).default(20),
  epochs: z.coerce.number().int().min(0).max(100).default(2),
  "run-ahead": z.coerce.number().int().min(1).max(64).default(RUN_AHEAD),
  autotune: z.boolean().default(false),
  untuned: z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

interface Row {
  what: string;
  value: number;
  unit: string;
}

type Log = (m: string) => void;

/** GPU wait and readback latency, medians of 15. */
async function latencyRows(gpu: Gpu): Promise<Row[]> {
  const waits: number[] = [];
  const reads: number[] = [];
  const probe = gpu.tensor([1], { label: "probe" });
  for (let i = 0; i < 15; i++) {
    let t = performance.now();
    await gpu.sync();
    waits.push(performance.now() - t);
    t = performance.now();
    await gpu.read(probe);
    reads.push(performance.now() - t);
  }
  return [
    { what: "GPU wait (onSubmittedWorkDone), median", value: summarize(waits).median, unit: "ms" },
    { what: "read() of 4 bytes, median", value: summarize(reads).median, unit: "ms" },
  ];
}

/** The FMA ceiling, the matmul reference and the load rates, with their rows. */
async function ceilingRows(gpu: Gpu, log: Log) {
  const rows: Row[] = [];
  log("measuring the arithmetic ceiling (register-only FMA) and the matmul reference (1024³)…");
  const ceiling = await measureFmaCeiling(gpu);
  const matmul = await measureMatmulCeiling(gpu);
  rows.push(
    { what: `FMA ceiling (WG ${ceiling.workgroupSize})`, value: ceiling.gflops, unit: "GFLOP/s" },
    { what: `matmul 1024³ (WG ${matmul.workgroupSize})`, value: matmul.gflops, unit: "GFLOP/s" },
  );
  log("measuring load rates (cached 64 KiB table)…");
  const loads = await measureLoadRates(gpu);
  for (const l of loads) {
    // FMAs the ceiling runs in the time of one f32 load: what a loaded value must feed to keep
    // a kernel bound by arithmetic rather than by its loads.
    const fmasPerLoad = ceiling.gflops / 2 / l.gfloats;
    rows.push({
      what: `${l.source} loads, ${l.perLane ? "per-invocation" : "shared"} addresses (≈ ${
        fmasPerLoad.toFixed(fmasPerLoad >= 10 ? 0 : 1)
      } FMAs each)`,
      value: l.gfloats,
      unit: "G f32/s",
    });
  }
  return { rows, ceiling, loads };
}

/**
 * The conv tuning this run uses: autotuned now and stored (--autotune), the cached one, or the
 * built-in defaults (--untuned). Returns the autotune result, if any.
 */
async function applyTuning(
  gpu: Gpu,
  data: GpuFashionMnist,
  flags: z.infer<typeof Flags>,
  log: Log,
): Promise<AutotuneResult | null> {
  const bs = flags["batch-size"];
  let tuned: AutotuneResult | null = null;
  if (flags.autotune) {
    log(`autotuning the conv kernels' grid-only parameters (bs ${bs} training step)…`);
    tuned = await autotuneConv(gpu, data, { batchSize: bs, log });
    const path = tuningCachePath();
    if (path === undefined) {
      log("no cache directory (no HOME or XDG_CACHE_HOME): the tuning is used by this run only");
    } else {
      await writeTuningEntry(path, adapterKey(gpu.adapter), {
        conv: tuned.tuning,
        kernels: await convKernelsHash(),
        msPerStep: tuned.msPerStep,
        defaultMsPerStep: tuned.defaultMsPerStep,
        batchSize: bs,
        date: new Date().toISOString(),
      }, log);
      log(`stored in ${path}`);
    }
    setDefaultTuning(gpu, { conv: tuned.tuning });
  } else if (!flags.untuned) {
    await useCachedTuning(gpu, log);
  }
  return tuned;
}

/** Images per second of the batch gather over one epoch. */
async function gatherRow(gpu: Gpu, data: GpuFashionMnist, bs: number): Promise<Row> {
  const gather = await Batcher.create(gpu, data.train, { batchSize: bs, shuffle: true, seed: 0 });
  gather.beginEpoch(0);
  const t0 = performance.now();
  let gathered = 0;
  for (let b = 0; b < gather.batchCount; b++) {
    const rec = gpu.recorder(`gather ${b}`);
    gathered += gather.record(rec, b).count;
    rec.submit();
  }
  await gpu.sync();
  const row = {
    what: `gather, bs ${bs}`,
    value: gathered / ((performance.now() - t0) / 1000),
    unit: "images/s",
  };
  gather.destroy();
  return row;
}

/** The rows of the measured training steps and validation passes. */
function stepRows(step: StepFigures, bs: number): Row[] {
  const trainFlops = step.flopsPerImage * step.trainImagesPerSecond / 1e9;
  const spread = (v: number[]) =>
    `${Math.round(Math.min(...v)).toLocaleString("en-US")}–${
      Math.round(Math.max(...v)).toLocaleString("en-US")
    }`;
  const windows = step.windows.train.length;
  return [
    {
      what:
        `train step (gather+fwd+loss+bwd+${PERF_OPTIMIZER.kind}), bs ${bs}, median of ${windows}`,
      value: step.trainImagesPerSecond,
      unit: `images/s (windows ${spread(step.windows.train)})`,
    },
    { what: "train step", value: step.msPerTrainStep, unit: "ms/step" },
    { what: "train step, model FLOP rate", value: trainFlops, unit: "GFLOP/s" },
    { what: "train step, dispatches", value: step.dispatchesPerTrainStep, unit: "per step" },
    {
      what: `valid forward, bs ${2 * bs}, median of ${windows}`,
      value: step.validImagesPerSecond,
      unit: `images/s (passes ${spread(step.windows.valid)})`,
    },
    {
      what: "valid / train rate, median of back-to-back pairs",
      value: step.validOverTrain,
      unit: `× (pairs ${step.windows.ratio.map((r) => r.toFixed(2)).join(", ")})`,
    },
    { what: "GPU bytes allocated while training", value: step.bytesAllocated, unit: "B" },
  ];
}

/** The rows of whole epochs through the Learner. */
function epochRows(epoch: EpochFigures, runAhead: number): Row[] {
  const rows: Row[] = [
    {
      what: "epoch through the Learner (train + valid)",
      value: epoch.secondsPerEpoch,
      unit: "s",
    },
    {
      what: `epoch, train part (run-ahead ${runAhead})`,
      value: epoch.trainImagesPerSecond,
      unit: "images/s",
    },
    { what: "epoch, readbacks", value: epoch.readbacksPerEpoch, unit: "per epoch" },
  ];
  if (epoch.epochs > 1) {
    rows.push({
      what: `GPU bytes growth, epoch 1 → ${epoch.epochs}`,
      value: epoch.bytesAfterLastEpoch - epoch.bytesAfterFirstEpoch,
      unit: "B",
    });
  }
  return rows;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 || v === 0
    ? Math.round(v).toLocaleString("en-US")
    : v.toFixed(v >= 10 ? 1 : 3);
}

/** Per layer phase and per kernel times of a training step (when timestamps were available). */
function printPhases(step: StepFigures, ceiling: { gflops: number }): void {
  if (step.phases.length === 0) return;
  console.log(
    `\nper layer phase (timestamp queries, ms per training step; ceiling ${
      fmt(ceiling.gflops)
    } GFLOP/s)`,
  );
  const w = Math.max(...step.phases.map((p) => p.phase.length));
  for (const p of step.phases) {
    const g = p.gflops === null
      ? ""
      : `${fmt(p.gflops).padStart(8)} GFLOP/s ${
        (100 * p.gflops / ceiling.gflops).toFixed(0).padStart(4)
      }% of ceiling`;
    console.log(`  ${p.phase.padEnd(w)} ${p.ms.toFixed(3).padStart(9)} ms  ${g}`);
  }
  console.log("\nper kernel (ms per training step, dispatches)");
  const wk = Math.max(...step.kernels.map((k) => k.label.length));
  for (const k of step.kernels) {
    console.log(`  ${k.label.padEnd(wk)} ${k.ms.toFixed(3).padStart(9)} ms  ×${k.dispatches}`);
  }
}

function parse(args: string[]) {
  const parsed = parseFlags(args, {
    "data-dir": { type: "string" },
    "batch-size": { type: "string" },
    steps: { type: "string" },
    epochs: { type: "string" },
    "run-ahead": { type: "string" },
    autotune: { type: "boolean" },
    untuned: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (parsed.flags.help) return parsed;
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  }
  if (parsed.flags.autotune && parsed.flags.untuned) {
    throw new UsageError("--autotune and --untuned exclude each other");
  }
  return parsed;
}

async function main(args: string[]): Promise<number> {
  const { flags } = parse(args);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const bs = flags["batch-size"];
  const log = (m: string) => flags.json || console.error(m);
  const gpu = await getGpu();
  const rows: Row[] = [];

  log("measuring GPU latency…");
  rows.push(...await latencyRows(gpu));
  const { rows: ceilings, ceiling, loads } = await ceilingRows(gpu, log);
  rows.push(...ceilings);

  const data = await loadFashionMnistToGpu(gpu, { dataDir: flags["data-dir"] });
  const tuned = await applyTuning(gpu, data, flags, log);
  const tuning = JSON.stringify(defaultTuning(gpu).conv ?? "defaults");
  log("measuring the gather…");
  rows.push(await gatherRow(gpu, data, bs));

  log(`measuring ${flags.steps} training steps (GeneralReLU + BatchNorm, bs ${bs})…`);
  const step = await measureTrainStep(gpu, data, {
    model: { act: { leak: 0.1, sub: 0.4 }, norm: "batchnorm" },
    batchSize: bs,
    steps: flags.steps,
  });
  rows.push(...stepRows(step, bs));

  let epoch: EpochFigures | null = null;
  if (flags.epochs > 0) {
    log(`measuring ${flags.epochs} epoch(s) through the Learner (train + valid, metrics)…`);
    epoch = await measureEpochs(gpu, data, {
      batchSize: bs,
      epochs: flags.epochs,
      runAhead: flags["run-ahead"],
    });
    rows.push(...epochRows(epoch, flags["run-ahead"]));
  }

  rows.push({ what: "GPU bytes allocated, peak", value: gpu.peakBytesAllocated, unit: "B" });

  if (flags.json) {
    console.log(
      JSON.stringify(
        {
          adapter: gpu.adapter,
          tuning: defaultTuning(gpu),
          autotune: tuned,
          rows,
          ceiling,
          loads,
          step,
          epoch,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  printPhases(step, ceiling);
  console.log(`\nclaimbench perf on ${gpu.adapterName}; conv tuning ${tuning}`);
  const width = Math.max(...rows.map((r) => r.what.length));
  for (const r of rows) {
    console.log(`  ${r.what.padEnd(width)}  ${fmt(r.value).padStart(14)} ${r.unit}`);
  }
  return 0;
}

if (import.meta.main) await runMain("claimbench perf", USAGE, main);
