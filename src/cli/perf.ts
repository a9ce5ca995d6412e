/**
 * `deno task perf`: performance figures of the pieces that exist so far (never asserted in
 * tests): GPU wait latency, readback latency and the batch gather, in images/s and ms per step.
 *
 * @module
 */

import { z } from "zod";
import { Batcher } from "../data/batches.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import { getGpu } from "../gpu/device.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task perf [--data-dir DIR] [--batch-size N] [--epochs N] [--json]`;

const Flags = z.object({
  "data-dir": z.string().min(1).optional(),
  "batch-size": z.coerce.number().int().min(1).max(60000).default(1024),
  epochs: z.coerce.number().int().min(1).max(100).default(3),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

interface Row {
  what: string;
  value: number;
  unit: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    "data-dir": { type: "string" },
    "batch-size": { type: "string" },
    epochs: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const gpu = await getGpu();
  const rows: Row[] = [];

  const waits: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await gpu.sync();
    waits.push(performance.now() - t);
  }
  rows.push({ what: "GPU wait (onSubmittedWorkDone), median", value: median(waits), unit: "ms" });

  const probe = gpu.tensor([1], { label: "probe" });
  const reads: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await gpu.read(probe);
    reads.push(performance.now() - t);
  }
  rows.push({ what: "read() of 4 bytes, median", value: median(reads), unit: "ms" });

  const data = await loadFashionMnistToGpu(gpu, { dataDir: flags["data-dir"] });
  const batcher = await Batcher.create(gpu, data.train, {
    batchSize: flags["batch-size"],
    shuffle: true,
    seed: 0,
    normalize: data.trainStats,
  });
  batcher.beginEpoch(0);
  const warm = gpu.recorder("warm-up");
  batcher.record(warm, 0);
  warm.submit();
  await gpu.sync();

  // One submit per batch, as a training step will do; one wait at the very end.
  const t0 = performance.now();
  let steps = 0, images = 0;
  for (let epoch = 0; epoch < flags.epochs; epoch++) {
    batcher.beginEpoch(epoch);
    for (let b = 0; b < batcher.batchCount; b++) {
      const rec = gpu.recorder(`gather ${epoch}/${b}`);
      images += batcher.record(rec, b).count;
      rec.submit();
      steps++;
    }
  }
  await gpu.sync();
  const seconds = (performance.now() - t0) / 1000;
  rows.push(
    {
      what: `gather bs ${flags["batch-size"]}, one submit per batch`,
      value: images / seconds,
      unit: "images/s",
    },
    { what: "gather, per step", value: (seconds * 1000) / steps, unit: "ms/step" },
    { what: "gather, dispatches per step", value: 1, unit: "" },
    { what: "GPU bytes allocated", value: gpu.bytesAllocated, unit: "B" },
  );

  if (flags.json) {
    console.log(JSON.stringify({ adapter: gpu.adapter, rows }, null, 2));
    return 0;
  }
  console.log(`claimbench perf on ${gpu.adapterName}`);
  const width = Math.max(...rows.map((r) => r.what.length));
  for (const r of rows) {
    const v = r.value >= 100 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(3);
    console.log(`  ${r.what.padEnd(width)}  ${v.padStart(12)} ${r.unit}`);
  }
  return 0;
}

if (import.meta.main) await runMain("claimbench perf", USAGE, main);
