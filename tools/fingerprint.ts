/**
 * Bit-identity fingerprints of training (for behaviour-preserving kernel and trainer changes):
 * trains a few short runs that together use every kernel family (both BatchNorms with the fused
 * GeneralReLU, LayerNorm, the separate ReLU pass, LSUV, activation statistics, every optimizer
 * kind, a schedule) and prints one SHA-256 per run over its final parameters, every batch loss,
 * the epoch figures (times excluded) and the activation statistics. Same adapter and driver: the
 * lines of two commits are equal exactly when training is bit-identical.
 *
 * `deno run -A tools/fingerprint.ts [--epochs N] [--seed N] [--data-dir DIR]` (1 epoch, seed 5:
 * about a minute on a 2-core lavapipe). Compare: run it on both commits and `diff` the outputs.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { buildRun, type TrainConfig, TrainConfigSchema } from "../src/bench/run_builder.ts";
import { loadFashionMnistToGpu } from "../src/data/gpu_dataset.ts";
import { getGpu } from "../src/gpu/device.ts";
import type { EpochMetrics, PartMetrics } from "../src/train/callbacks/metrics.ts";

/** The runs: each config is partial (schema defaults fill the rest); `epochs` comes from the flag. */
export const FINGERPRINT_RUNS: readonly { name: string; config: Partial<TrainConfig> }[] = [
  {
    name: "general-relu batchnorm lsuv adam stats",
    config: {
      act: "general-relu",
      norm: "batchnorm",
      init: "lsuv",
      learner: "train",
      opt: "adam",
      lr: 0.01,
      activationStats: true,
    },
  },
  {
    name: "general-relu layernorm momentum-learner",
    config: { act: "general-relu", norm: "layernorm" },
  },
  {
    name: "relu none kaiming sgd",
    config: { act: "relu", norm: "none", learner: "train", opt: "sgd", lr: 0.1 },
  },
  {
    name: "general-relu lesson-batchnorm rmsprop cosine-batch",
    config: {
      act: "general-relu",
      norm: "lesson-batchnorm",
      learner: "train",
      opt: "rmsprop",
      lr: 0.003,
      sched: "cosine-batch",
    },
  },
  {
    name: "relu layernorm momentum cosine-epoch",
    config: {
      norm: "layernorm",
      learner: "train",
      opt: "momentum",
      lr: 0.1,
      sched: "cosine-epoch",
    },
  },
  {
    name: "relu batchnorm default-init adamw onecycle",
    config: {
      norm: "batchnorm",
      init: "default",
      learner: "train",
      opt: "adamw",
      lr: 0.02,
      wd: 0.01,
      sched: "onecycle",
    },
  },
];

/** The epoch figures without their timings (which differ run to run). */
function figures(m: EpochMetrics): unknown {
  const part = (p?: PartMetrics) => p && { loss: p.loss, accuracy: p.accuracy };
  return { epoch: m.epoch, train: part(m.train), valid: part(m.valid) };
}

async function sha256(chunks: readonly Uint8Array[]): Promise<string> {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      epochs: { type: "string", default: "1" },
      seed: { type: "string", default: "5" },
      "data-dir": { type: "string" },
    },
  });
  const epochs = Number(values.epochs), seed = Number(values.seed);
  const gpu = await getGpu();
  const data = await loadFashionMnistToGpu(gpu, { dataDir: values["data-dir"] });
  const text = new TextEncoder();
  for (const { name, config } of FINGERPRINT_RUNS) {
    const c = TrainConfigSchema.parse({ ...config, epochs });
    const run = await buildRun(gpu, data, c, seed);
    try {
      await run.fit();
      const params = await gpu.read(run.model.arena.buffers.params);
      const record = {
        batchLosses: run.metrics.batchLosses,
        epochs: run.metrics.history.map(figures),
        stats: run.stats?.stats.map((s) => ({ ...s, hists: Array.from(s.hists) })) ?? null,
      };
      const hash = await sha256([
        new Uint8Array(params.buffer, params.byteOffset, params.byteLength),
        text.encode(JSON.stringify(record)),
      ]);
      console.log(`${hash}  ${name} (seed ${seed}, ${epochs} epoch(s))`);
    } finally {
      run.destroy();
    }
  }
}
