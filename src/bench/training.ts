/**
 * One training run of the lesson's setup, as claims need it: config → per-epoch metrics,
 * per-batch losses, optional activation statistics, LSUV report and lr/β1 trace, for one seed.
 * Runs are memoised per (config, seed) within a process, so claims that compare against the same
 * baseline configuration on the same seeds share one run.
 *
 * @module
 */

import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { deadFractions } from "../train/activation_math.ts";
import type { Callback } from "../train/learner.ts";
import type { EpochMetrics } from "../train/callbacks/metrics.ts";
import { type BatchProgress, ProgressCallback } from "../train/callbacks/progress.ts";
import type { TrainRun } from "./evidence.ts";
import { buildRun, type TrainConfig } from "./run_builder.ts";

export { type TrainConfig, TrainConfigSchema } from "./run_builder.ts";
export { type TrainRun, TrainRunSchema } from "./evidence.ts";

/** What a training run needs from its caller. */
export interface TrainEnv {
  gpu: Gpu;
  data: () => Promise<GpuFashionMnist>;
  log?: (m: string) => void;
  /** Checked before every batch: an abort ends the run with the signal's reason. */
  signal?: AbortSignal;
  /** Where the run is, after every batch (progress displays; no readback of its own). */
  onBatch?: (p: BatchProgress) => void;
}

const memo = new Map<string, Promise<TrainRun>>();

/**
 * Forgets the memoised runs: the browser's re-run panel calls it before each run, since the reader
 * may have picked other data since (in a bench process the data never changes).
 */
export function forgetTrainRuns(): void {
  memo.clear();
}

/** Trains `config` with `seed` (memoised per process). */
export function trainRun(
  env: TrainEnv,
  config: TrainConfig,
  seed: number,
): Promise<TrainRun> {
  const key = `${JSON.stringify(config)}#${seed}`;
  let run = memo.get(key);
  if (!run) {
    run = trainOnce(env, config, seed);
    run.catch(() => memo.delete(key));
    memo.set(key, run);
  }
  return run;
}

async function trainOnce(
  env: TrainEnv,
  c: TrainConfig,
  seed: number,
): Promise<TrainRun> {
  const started = performance.now();
  const callbacks: Callback[] = [];
  const signal = env.signal;
  if (signal) callbacks.push({ name: "abort", beforeBatch: () => signal.throwIfAborted() });
  if (env.onBatch) callbacks.push(new ProgressCallback(env.onBatch));
  const run = await buildRun(env.gpu, await env.data(), c, seed, {
    callbacks,
    onEpoch: (m) => env.log?.(`  seed ${seed} ${epochLine(m)}`),
  });
  try {
    await run.fit();
    const epochs = run.metrics.history.map(epochRecord);
    const { stats, hyper } = run;
    return {
      seed,
      epochs,
      batchLosses: run.metrics.batchLosses,
      diverged: run.learner.diverged,
      finalValidAccuracy: epochs.at(-1)?.validAccuracy ?? NaN,
      lsuv: run.lsuv,
      activationStats: stats
        ? stats.stats.map((s) => ({
          layer: s.layer,
          means: s.means,
          stds: s.stds,
          dead: [...deadFractions(s.hists, s.means.length)],
          hists: [...s.hists],
        }))
        : null,
      hyper: { lr: hyper.records.map((r) => r.lr), beta1: hyper.records.map((r) => r.beta1) },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    // Also when a callback throws (an abort): a failed run must not leak GPU memory.
    run.destroy();
  }
}

/** An epoch as a run records it (null where the part did not run). */
export function epochRecord(m: EpochMetrics): TrainRun["epochs"][number] {
  return {
    epoch: m.epoch,
    trainLoss: m.train?.loss ?? null,
    trainAccuracy: m.train?.accuracy ?? null,
    validLoss: m.valid?.loss ?? null,
    validAccuracy: m.valid?.accuracy ?? null,
    seconds: (m.train?.seconds ?? 0) + (m.valid?.seconds ?? 0),
  };
}

/** An epoch's log line: its valid accuracy, or why it has none. */
function epochLine(m: EpochMetrics): string {
  if (m.valid) return `epoch ${m.epoch}: valid accuracy ${m.valid.accuracy.toFixed(4)}`;
  if (m.train && !Number.isFinite(m.train.loss)) {
    return `epoch ${m.epoch}: diverged (train loss ${m.train.loss})`;
  }
  return `epoch ${m.epoch}: stopped before validation`;
}
