/**
 * The one way to build a training run: a validated {@link TrainConfig} and a seed become the
 * model, its init (LSUV on its own seeded batch), the data order, the optimizer, the schedule and
 * the callbacks, ready to fit. `bench` (through `trainRun`), `deno task train`, `deno task perf`
 * and the browser's re-run panel all build runs here, so the same config and seed give the same
 * run bit for bit wherever it is trained.
 *
 * @module
 */

import { z } from "zod";
import { Batcher } from "../data/batches.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { kaimingNormal } from "../init/init.ts";
import { lsuv, type LsuvLayerReport } from "../init/lsuv.ts";
import { getModel, type Model } from "../nn/model.ts";
import type { OptimizerSpec } from "../optim/optimizer.ts";
import { ActivationStatsCallback } from "../train/callbacks/activation_stats.ts";
import { type EpochMetrics, MetricsCallback } from "../train/callbacks/metrics.ts";
import { HyperRecorder, namedSchedule } from "../train/callbacks/schedule.ts";
import { type Callback, Learner } from "../train/learner.ts";
import { Rng } from "../util/rng.ts";
import type { Infer } from "../util/schema.ts";

const trainConfigSchema = z.object({
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
/** @internal zod's type of {@link TrainConfigSchema} (the docs do not follow zod's types). */
type TrainConfigZod = typeof trainConfigSchema;
/** A training configuration with the lesson's defaults (nb 11: MomentumLearner lr 0.2, bs 1024). */
export const TrainConfigSchema: TrainConfigZod = trainConfigSchema;
/** A validated training configuration (every default filled in). */
export type TrainConfig = Infer<typeof TrainConfigSchema>;

/** What the caller adds to a run: callbacks (progress, abort) and a per-epoch hook. */
export interface RunExtras {
  /** Run after the run's own callbacks at equal order (e.g. progress, an abort check). */
  callbacks?: Callback[];
  /** Each finished epoch's metrics (e.g. to print them). */
  onEpoch?: (m: EpochMetrics) => void;
  /** Batches recorded ahead of the GPU (default the Learner's; perf measures others). */
  runAhead?: number;
}

/** A run ready to fit; {@link destroy} frees its GPU memory (also after a failure). */
export interface BuiltRun {
  /** The model, initialised as the config says. */
  model: Model;
  /** The learner that fits it. */
  learner: Learner;
  /** Per-epoch metrics and batch losses of the run. */
  metrics: MetricsCallback;
  /** The lr and β1 of every optimizer step. */
  hyper: HyperRecorder;
  /** Activation statistics (config `activationStats`), else null. */
  stats: ActivationStatsCallback | null;
  /** LSUV's per-layer report (init "lsuv"), else null. */
  lsuv: LsuvLayerReport[] | null;
  /** The config's fits: `epochs`, then `continueWith` unless the first diverged. */
  fit(): Promise<void>;
  /** Frees the model's and the batchers' GPU memory. */
  destroy(): void;
}

/** Builds the run of `config` with `seed` on `data`; see the module doc. */
export async function buildRun(
  gpu: Gpu,
  data: GpuFashionMnist,
  c: TrainConfig,
  seed: number,
  extras: RunExtras = {},
): Promise<BuiltRun> {
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
    norm: c.norm === "none" ? null : c.norm,
    seed: rng.derive("init").seed,
  });
  const destroy = () => {
    train.destroy();
    valid.destroy();
    model.destroy();
  };
  try {
    let lsuvReport: LsuvLayerReport[] | null = null;
    if (c.init === "kaiming") {
      kaimingNormal(model, { a: gr ? 0.1 : 0, seed: rng.derive("kaiming").seed });
    }
    if (c.init === "lsuv") lsuvReport = await lsuvInit(gpu, data, c, rng, model);
    const callbacks: Callback[] = [];
    const steps = c.epochs * train.batchCount;
    const schedule = namedSchedule(c.sched, { lr: c.lr, epochs: c.epochs, steps });
    if (schedule) callbacks.push(schedule);
    const metrics = new MetricsCallback({ onEpoch: extras.onEpoch });
    const hyper = new HyperRecorder();
    const stats = c.activationStats ? new ActivationStatsCallback() : null;
    callbacks.push(metrics, hyper);
    if (stats) callbacks.push(stats);
    callbacks.push(...(extras.callbacks ?? []));
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
      runAhead: extras.runAhead,
    });
    const fit = async () => {
      await learner.fit(c.epochs);
      if (c.continueWith && !learner.diverged) {
        await learner.fit(c.continueWith.epochs, { lr: c.continueWith.lr });
      }
    };
    return { model, learner, metrics, hyper, stats, lsuv: lsuvReport, fit, destroy };
  } catch (err) {
    // LSUV gave up, or a bad config: a failed build must not leak GPU memory.
    destroy();
    throw err;
  }
}

/** The lesson's LSUV: on one normalised training batch of bs images, drawn with its own seed. */
async function lsuvInit(
  gpu: Gpu,
  data: GpuFashionMnist,
  c: TrainConfig,
  rng: Rng,
  model: Model,
): Promise<LsuvLayerReport[]> {
  const lsuvBatches = await Batcher.create(gpu, data.train, {
    batchSize: c.bs,
    shuffle: true,
    seed: rng.derive("lsuv").seed,
    normalize: c.inputNorm ? { mean: 0.28, std: 0.35 } : null,
  });
  try {
    lsuvBatches.beginEpoch(0);
    const rec = gpu.recorder("lsuv batch");
    const batch = lsuvBatches.record(rec, 0);
    rec.submit();
    return await lsuv(model, batch.x);
  } finally {
    lsuvBatches.destroy();
  }
}
