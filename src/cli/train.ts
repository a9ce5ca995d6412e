/**
 * `deno task train`: an ad-hoc experiment on the lesson model and the real Fashion-MNIST, beyond
 * the fixed claims: pick activation, norm, init, optimizer, schedule, batch size, epochs, seed.
 * The run is built by the bench's run builder, so a claim's config and seed train the claim's run
 * bit for bit. Prints per-epoch train/valid accuracy and loss (or one JSON object per epoch with
 * --json); on a terminal, a live bar over the batches (loss, images/s, ETA) on stderr.
 *
 * @module
 */

import { z } from "zod";
import { buildRun, type TrainConfig, TrainConfigSchema } from "../bench/run_builder.ts";
import { epochRecord } from "../bench/training.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import { getGpu } from "../gpu/device.ts";
import type { EpochMetrics } from "../train/callbacks/metrics.ts";
import { formatEpoch, ProgressCallback } from "../train/callbacks/progress.ts";
import { parseCommandFlags } from "./args.ts";
import { ProgressDisplay, stderrSink } from "./progress.ts";
import { runMain } from "./run_main.ts";
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

/** The run the flags describe, in the bench's vocabulary (one run builder for both). */
function configOf(flags: z.infer<typeof Flags>): TrainConfig {
  const momentumLearner = flags.opt === "momentum-learner";
  return TrainConfigSchema.parse({
    act: flags.act,
    norm: flags.norm,
    init: flags.init,
    inputNorm: !flags["no-input-norm"],
    learner: momentumLearner ? "momentum-learner" : "train",
    opt: momentumLearner ? "sgd" : flags.opt,
    lr: flags.lr,
    wd: flags.wd,
    sched: flags.sched,
    bs: flags.bs,
    epochs: flags.epochs,
  });
}

/** The per-epoch JSON line of --json. */
function epochJson(m: EpochMetrics) {
  return { ...epochRecord(m), imagesPerSecond: m.train?.imagesPerSecond ?? null };
}

async function main(args: string[]): Promise<number> {
  const flags = parseCommandFlags(
    args,
    {
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
    },
    Flags,
    USAGE,
  );
  if (!flags) return 0;
  const started = performance.now();
  const config = configOf(flags);
  const gpu = await getGpu();
  // Epoch lines go to stdout; the live bars (a TTY only) and notes to stderr.
  const display = flags.quiet || flags.json ? null : new ProgressDisplay(stderrSink());
  await useCachedTuning(gpu, (m) => display?.log(m));
  const data = await loadFashionMnistToGpu(gpu, { dataDir: flags["data-dir"] });
  const printEpoch = (m: EpochMetrics) => {
    if (flags.json) console.log(JSON.stringify(epochJson(m)));
    else if (display) display.log(formatEpoch(m), { stdout: true });
  };
  const run = await buildRun(gpu, data, config, flags.seed, {
    callbacks: display ? [new ProgressCallback((p) => display.batch(p))] : [],
    onEpoch: printEpoch,
  });
  if (display) {
    display.log(
      `training act=${flags.act} norm=${flags.norm} init=${flags.init} opt=${flags.opt} ` +
        `lr=${flags.lr} sched=${flags.sched} bs=${flags.bs} epochs=${flags.epochs} ` +
        `seed=${flags.seed} on ${gpu.adapterName}`,
      { stdout: true },
    );
  }
  try {
    await run.fit();
  } finally {
    display?.close();
    run.destroy();
  }
  const wall = (performance.now() - started) / 1000;
  if (display) {
    const last = run.metrics.history.at(-1);
    console.log(
      `${run.learner.diverged ? "DIVERGED: non-finite loss; " : ""}final valid accuracy ` +
        `${last?.valid?.accuracy.toFixed(4) ?? "–"}; ${wall.toFixed(1)} s wall; ` +
        `${(gpu.peakBytesAllocated / 2 ** 20).toFixed(1)} MiB GPU peak`,
    );
  }
  return 0;
}

if (import.meta.main) await runMain("claimbench train", USAGE, main);
