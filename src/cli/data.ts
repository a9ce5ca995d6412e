/**
 * `deno task data`: finds, verifies and loads Fashion-MNIST onto the GPU, then checks the gather
 * path end to end (normalised train pixels must have mean 0 and std 1). Exit codes: run_main.ts.
 *
 * @module
 */

import { z } from "zod";
import { loadFashionMnist, pixelStats } from "../data/fashion_mnist.ts";
import { uploadFashionMnist } from "../data/gpu_dataset.ts";
import { gatheredStats } from "../data/normalized_stats.ts";
import { getGpu } from "../gpu/device.ts";
import { parseCommandFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE = `usage: deno task data [--data-dir DIR] [--no-download] [--no-gpu] [--json]

Finds Fashion-MNIST (--data-dir, $FASHION_MNIST_DIR, /usr/share/datasets/fashion-mnist, the user
cache, else a verified download), validates the four IDX files, uploads them to the GPU and checks
that the GPU-built normalised batches have mean 0 and std 1 over the train split.`;

const Flags = z.object({
  "data-dir": z.string().min(1, "expected a directory").optional(),
  "no-download": z.boolean().default(false),
  "no-gpu": z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

async function main(args: string[]): Promise<number> {
  const flags = parseCommandFlags(
    args,
    {
      "data-dir": { type: "string" },
      "no-download": { type: "boolean" },
      "no-gpu": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    Flags,
    USAGE,
  );
  if (!flags) return 0;
  const started = performance.now();
  const data = await loadFashionMnist({
    dataDir: flags["data-dir"],
    download: !flags["no-download"],
  });
  const loadMs = performance.now() - started;
  const train = pixelStats(data.train);
  const summary: Record<string, unknown> = {
    dataset: data.info,
    train: {
      count: data.train.count,
      height: data.train.height,
      width: data.train.width,
      ...train,
    },
    valid: { count: data.valid.count, ...pixelStats(data.valid) },
    loadMs: Math.round(loadMs),
  };
  if (!flags["no-gpu"]) {
    const gpu = await getGpu();
    const onGpu = uploadFashionMnist(gpu, data);
    const normalized = await gatheredStats(gpu, onGpu.train, train);
    summary.gpu = {
      adapter: gpu.adapterName,
      bytesAllocated: gpu.bytesAllocated,
      normalizedTrain: normalized,
    };
  }
  if (flags.json) {
    console.log(JSON.stringify(summary, null, 2));
    return 0;
  }
  const fmt = (v: number) => v.toFixed(4);
  const lines = [
    `Fashion-MNIST from ${data.info.dir} (${data.info.origin}), loaded in ${summary.loadMs} ms`,
    `  content SHA-256 ${data.info.canonical ? "matches" : "DOES NOT match"} the official release`,
    `  train ${data.train.count} × ${data.train.height}×${data.train.width}: ` +
    `pixel mean ${fmt(train.mean)} std ${fmt(train.std)}`,
    `  valid ${data.valid.count} (the test split, as the lesson uses it)`,
  ];
  if (summary.gpu) {
    const g = summary.gpu as {
      adapter: string;
      bytesAllocated: number;
      normalizedTrain: { mean: number; std: number };
    };
    lines.push(
      `  GPU ${g.adapter}: ${(g.bytesAllocated / 2 ** 20).toFixed(1)} MiB resident`,
      `  normalised train batches: mean ${fmt(g.normalizedTrain.mean)} std ${
        fmt(g.normalizedTrain.std)
      }`,
    );
  }
  console.log(lines.join("\n"));
  if (!data.info.canonical) {
    console.error("warning: these files differ from the official Fashion-MNIST release");
  }
  return 0;
}

if (import.meta.main) await runMain("claimbench data", USAGE, main);
