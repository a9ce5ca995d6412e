/**
 * One training run of the lesson's setup, as claims need it: config → per-epoch metrics,
 * per-batch losses, optional activation statistics, LSUV report and lr/β1 trace, for one seed.
 * Runs are memoised per (config, seed) within a process, so claims that compare against the same
 * baseline configuration on the same seeds share one run.
 *
 * @module
 */

import { z } from "zod";
import { Batcher } from "../data/batches.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { kaimingNormal } from "../init/init.ts";
import { lsuv, type LsuvLayerReport } from "../init/lsuv.ts";
import { getModel } from "../nn/model.ts";
import type { OptimizerSpec } from "../optim/optimizer.ts";
import { deadFractions } from "../train/activation_math.ts";
import type { Callback } from "../train/callback.ts";
import { ActivationStatsCallback } from "../train/callbacks/activation_stats.ts";
import { type EpochMetrics, MetricsCallback } from "../train/callbacks/metrics.ts";
import { HyperRecorder, namedSchedule } from "../train/callbacks/schedule.ts";
import { Learner } from "../train/learner.ts";
import { Rng } from "../util/rng.ts";
import type { TrainRun } from "./evidence.ts";

/** A training configuration with the lesson's defaults (nb 11: MomentumLearner lr 0.2, bs 1024). */
export const TrainConfigSchema = z.object({
  act: z.enum(["relu", "general-relu"]).default("relu"),
  norm: z.enum(["none", "batchnorm", "lesson-batchnorm", "layernorm"]).default("none"),
  init: z.enum(["default", "kaiming", "lsuv"]).default("kaiming"),
  /** x = (x − 0.28)/0.35 on train and valid, as nb 11–12 hard-code; false = raw [0, 1]. */
  inputNorm: z.boolean().default(true),
  /** "momentum-learner": SGD with gradients scaled by 0.85 instead of zeroed (nb 11). */
  learner: z.enum(["momentum-learner", "train"]).default("momentum-learner"),
  opt: z.enum(["sgd", "momentum", "rmsprop", "adam", "adamw"]).default("sgd"),
  lr: z.number().positive().default(0.2),
  wd: z.number().min(0).optional(),
  sched: z.enum(["none", "cosine-batch", "cosine-epoch", "onecycle"]).default("none"),
  bs: z.number().int().min(2).default(1024),
  epochs: z.number().int().min(1).default(3),
  /** A second fit continuing the same model (and MomentumLearner buffer) at another lr. */
  continueWith: z.object({ epochs: z.number().int().min(1), lr: z.number().positive() }).optional(),
  /** Record per-layer activation statistics (post-activation) on training batches. */
  activationStats: z.boolean().default(false),
});
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

export { type TrainRun, TrainRunSchema } from "./evidence.ts";

/** What a training run needs from its caller. */
export interface TrainEnv {
  gpu: Gpu;
  data: () => Promise<GpuFashionMnist>;
  log?: (m: string) => void;
  /** Checked before every batch: an abort ends the run with the signal's reason. */
  signal?: AbortSignal;
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
  const { gpu } = env;
  const data = await env.data();
  const rng = new Rng(seed);
  const normalize = c.inputNorm ? { mean: 0.28, std: 0.35 } : null;
  const train = await Batcher.create(gpu, data.train, {
    batchSize: c.bs,
    shuffle: true,
    seed: rng.derive("data").seed,
    normalize,
  });
  const valid = await Batcher.create(gpu, data.valid, {
    batchSize: 2 * c.bs,
    shuffle: false,
    normalize,
  });
  const gr = c.act === "general-relu";
  const model = await getModel(gpu, {
    act: gr ? { leak: 0.1, sub: 0.4 } : "relu",
    norm: c.norm === "none" ? null : c.norm === "lesson-batchnorm" ? "batchnorm-lesson" : c.norm,
    seed: rng.derive("init").seed,
  });
  try {
    let lsuvReport: LsuvLayerReport[] | null = null;
    if (c.init === "kaiming") {
      kaimingNormal(model, { a: gr ? 0.1 : 0, seed: rng.derive("kaiming").seed });
    }
    if (c.init === "lsuv") {
      // The lesson's LSUV batch: one normalised training batch of bs images.
      const lsuvBatches = await Batcher.create(gpu, data.train, {
        batchSize: c.bs,
        shuffle: true,
        seed: rng.derive("lsuv").seed,
        normalize,
      });
      lsuvBatches.beginEpoch(0);
      const rec = gpu.recorder("lsuv batch");
      const batch = lsuvBatches.record(rec, 0);
      rec.submit();
      lsuvReport = await lsuv(model, batch.x);
      lsuvBatches.destroy();
    }
    const steps = c.epochs * train.batchCount;
    const callbacks: Callback[] = [];
    const signal = env.signal;
    if (signal) callbacks.push({ name: "abort", beforeBatch: () => signal.throwIfAborted() });
    const schedule = namedSchedule(c.sched, { lr: c.lr, epochs: c.epochs, steps });
    if (schedule) callbacks.push(schedule);
    const metrics = new MetricsCallback({
      onEpoch: (m) =>
        env.log?.(
          `  seed ${seed} epoch ${m.epoch}: ${
            m.valid
              ? `valid accuracy ${m.valid.accuracy.toFixed(4)}`
              : `diverged (train loss ${m.train?.loss})`
          }`,
        ),
    });
    const hyper = new HyperRecorder();
    const stats = c.activationStats ? new ActivationStatsCallback() : null;
    callbacks.push(metrics, hyper);
    if (stats) callbacks.push(stats);
    const optimizer: OptimizerSpec = c.learner === "momentum-learner"
      ? { kind: "sgd", lr: c.lr, wd: c.wd }
      : { kind: c.opt, lr: c.lr, wd: c.wd } as OptimizerSpec;
    const learner = new Learner({
      model,
      train,
      valid,
      optimizer,
      callbacks,
      gradMode: c.learner === "momentum-learner"
        ? { kind: "momentum-learner", mom: 0.85 }
        : { kind: "zero" },
    });
    await learner.fit(c.epochs);
    if (c.continueWith && !learner.diverged) {
      await learner.fit(c.continueWith.epochs, { lr: c.continueWith.lr });
    }
    const epochs = metrics.history.map((m: EpochMetrics) => ({
      epoch: m.epoch,
      trainLoss: m.train?.loss ?? null,
      trainAccuracy: m.train?.accuracy ?? null,
      validLoss: m.valid?.loss ?? null,
      validAccuracy: m.valid?.accuracy ?? null,
      seconds: (m.train?.seconds ?? 0) + (m.valid?.seconds ?? 0),
    }));
    return {
      seed,
      epochs,
      batchLosses: metrics.batchLosses,
      diverged: learner.diverged,
      finalValidAccuracy: epochs.at(-1)?.validAccuracy ?? NaN,
      lsuv: lsuvReport,
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
    // Also when LSUV gives up or a callback throws: a failed run must not leak GPU memory.
    train.destroy();
    valid.destroy();
    model.destroy();
  }
}
