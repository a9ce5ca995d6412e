import type { Gpu } from "../gpu/device.ts";
import { Batcher } from "./batches.ts";
import type { GpuSplit } from "./gpu_dataset.ts";

/**
 * Mean and std of every value the GPU gather produces over a whole split, computed on the CPU in
 * float64 from read-back batches. A check of the data path, not a per-step tool: it reads back
 * once per batch.
 */
export async function gatheredStats(
  gpu: Gpu,
  split: GpuSplit,
  normalize: { mean: number; std: number } | null,
  batchSize = 1024,
): Promise<{ mean: number; std: number; count: number }> {
  const batcher = await Batcher.create(gpu, split, { batchSize, shuffle: false, normalize });
  try {
    batcher.beginEpoch(0);
    let n = 0, sum = 0, sq = 0;
    for (let b = 0; b < batcher.batchCount; b++) {
      const rec = gpu.recorder(`stats ${split.name} batch ${b}`);
      const batch = batcher.record(rec, b);
      rec.submit();
      const x = await gpu.read(batch.x);
      for (const v of x) {
        sum += v;
        sq += v * v;
      }
      n += x.length;
    }
    const mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), count: n };
  } finally {
    batcher.destroy();
  }
}
