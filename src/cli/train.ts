/**
 * `deno task train`: an ad-hoc experiment on the lesson model and the real Fashion-MNIST, beyond
 * the fixed claims: pick activation, norm, init, optimizer, schedule, batch size, epochs, seed.
 * Prints per-epoch train/valid accuracy and loss (or one JSON object per epoch with --json).
 *
 * @module
 */

import { z } from "zod";
import { Batcher } from "../data/batches.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import { getGpu } from "../gpu/device.ts";
import { kaimingNormal } from "../init/init.ts";
import { lsuv } from "../init/lsuv.ts";
import { getModel } from "../nn/model.ts";
import type { OptimizerSpec } from "../optim/optimizer.ts";
import type { Callback } from "../train/callback.ts";
import { type EpochMetrics, MetricsCallback } from "../train/callbacks/metrics.ts";
import { formatEpoch, ProgressCallback } from "../train/callbacks/progress.ts";
import { namedSchedule } from "../train/callbacks/schedule.ts";
import { Learner } from "../train/learner.ts";
import { Rng } from "../util/rng.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";
import { useCachedTuning } from "./tuning.ts";

const USAGE = `usage: deno task train [options]

  --act relu|general-relu        block activation (default relu; general-relu = leak 0.1, sub 0.4)
  --norm none|batchnorm|lesson-batchnorm|layernorm            (default none)
  --init default|kaiming|lsuv    weight init (default kaiming, a = 0.1 for general-relu)
  --opt sgd|momentum|rmsprop|adam|adamw|momentum-learner      (default momentum-learner)
  --lr X  --wd X                 learning rate (default 0.2) and decoupled weight decay
  --sched none|cosine-batch|cosine-epoch|onecycle             (default none; onecycle max = lr)
  --bs N  --epochs N  --seed N   batch size (1024), epochs (3), seed (42)
  --input-norm | --no-input-norm x = (x − 0.28)/0.35 as the lesson (default on)
  --data-dir DIR  --json  --quiet`;

const Flags = z.object({
  act: z.enum(["relu", "general-relu"]).default("relu"),
  norm: z.enum(["none", "batchnorm", "lesson-batchnorm", "layernorm"]).default("none"),
  init: z.enum(["default", "kaiming", "lsuv"]).default("kaiming"),
  opt: z.enum(["sgd", "momentum", "rmsprop", "adam", "adamw", "momentum-learner"]).default(
    "momentum-learner",
  ),
  lr: z.coerce.number().positive("expected a positive number").finite().default(0.2),
  wd: z.coerce.number().min(0, "expected ≥ 0").finite().optional(),
  sched: z.enum(["none", "cosine-batch", "cosine-epoch", "onecycle"]).default("none"),
  bs: z.coerce.number().int("expected a whole number").min(2).max(8192).default(1024),
  epochs: z.coerce.number().int("expected a whole number").min(1).max(1000).default(3),
  seed: z.coerce.number().int("expected a whole number").min(0).default(42),
  "input-norm": z.boolean().default(true),
  "no-input-norm": z.boolean().default(false),
  "data-dir": z.string().min(1).optional(),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** The per-epoch JSON line of --json. */
function epochJson(m: EpochMetrics) {
  return {
    epoch: m.epoch,
    trainLoss: m.train?.loss ?? null,
    trainAccuracy: m.train?.accuracy ?? null,
    validLoss: m.valid?.loss ?? null,
    validAccuracy: m.valid?.accuracy ?? null,
    seconds: (m.train?.seconds ?? 0) + (m.valid?.seconds ?? 0),
    imagesPerSecond: m.train?.imagesPerSecond ?? null,
  };
}

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    act: { type: "string" },
    norm: { type: "string" },
    init: { type: "string" },
    opt: { type: "string" },
    lr: { type: "string" },
    wd: { type: "string" },
    sched: { type: "string" },
    bs: { type: "string" },
    epochs: { type: "string" },
    seed: { type: "string" },
    "input-norm": { type: "boolean" },
    "no-input-norm": { type: "boolean" },
    "data-dir": { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const started = performance.now();
  const gpu = await getGpu();
  await useCachedTuning(gpu, (m) => flags.quiet || console.error(m));
  const data = await loadFashionMnistToGpu(gpu, { dataDir: flags["data-dir"] });
  const normalize = flags["no-input-norm"] ? null : { mean: 0.28, std: 0.35 };
  const seeds = new Rng(flags.seed);
  const train = await Batcher.create(gpu, data.train, {
    batchSize: flags.bs,
    shuffle: true,
    seed: seeds.derive("data").seed,
    normalize,
  });
  const valid = await Batcher.create(gpu, data.valid, {
    batchSize: 2 * flags.bs,
    shuffle: false,
    normalize,
  });
  const gr = flags.act === "general-relu";
  const model = await getModel(gpu, {
    act: gr ? { leak: 0.1, sub: 0.4 } : "relu",
    norm: flags.norm === "none"
      ? null
      : flags.norm === "lesson-batchnorm"
      ? "batchnorm-lesson"
      : flags.norm,
    seed: seeds.derive("init").seed,
  });
  if (flags.init === "kaiming") {
    kaimingNormal(model, { a: gr ? 0.1 : 0, seed: seeds.derive("kaiming").seed });
  } else if (flags.init === "lsuv") {
    train.beginEpoch(0);
    const rec = gpu.recorder("lsuv batch");
    const batch = train.record(rec, 0);
    rec.submit();
    await lsuv(model, batch.x);
  }

  const optimizer: OptimizerSpec = flags.opt === "momentum-learner"
    ? { kind: "sgd", lr: flags.lr, wd: flags.wd }
    : { kind: flags.opt, lr: flags.lr, wd: flags.wd };
  const steps = flags.epochs * train.batchCount;
  const callbacks: Callback[] = [];
  const schedule = namedSchedule(flags.sched, { lr: flags.lr, epochs: flags.epochs, steps });
  if (schedule) callbacks.push(schedule);
  const metrics = new MetricsCallback({
    onEpoch: (m) => {
      if (flags.json) console.log(JSON.stringify(epochJson(m)));
      else if (!flags.quiet) console.log(formatEpoch(m));
    },
  });
  callbacks.push(metrics, new ProgressCallback({ quiet: flags.quiet || flags.json }));
  const learner = new Learner({
    model,
    train,
    valid,
    optimizer,
    callbacks,
    gradMode: flags.opt === "momentum-learner"
      ? { kind: "momentum-learner", mom: 0.85 }
      : { kind: "zero" },
  });
  if (!flags.quiet && !flags.json) {
    console.log(
      `training act=${flags.act} norm=${flags.norm} init=${flags.init} opt=${flags.opt} ` +
        `lr=${flags.lr} sched=${flags.sched} bs=${flags.bs} epochs=${flags.epochs} ` +
        `seed=${flags.seed} on ${gpu.adapterName}`,
    );
  }
  await learner.fit(flags.epochs);
  const wall = (performance.now() - started) / 1000;
  if (!flags.json && !flags.quiet) {
    const last = metrics.history.at(-1);
    console.log(
      `${learner.diverged ? "DIVERGED: non-finite loss; " : ""}final valid accuracy ` +
        `${last?.valid?.accuracy.toFixed(4) ?? "–"}; ${wall.toFixed(1)} s wall; ` +
        `${(gpu.peakBytesAllocated / 2 ** 20).toFixed(1)} MiB GPU peak`,
    );
  }
  return 0;
}

if (import.meta.main) await runMain("claimbench train", USAGE, main);
