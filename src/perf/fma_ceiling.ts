import type { Gpu } from "../gpu/device.ts";
import { fmaPeakFlops, fmaPeakKernel, recordFmaPeak } from "./probes/fma_peak.ts";
import { bestProbeRate } from "./probe_rate.ts";

/**
 * GFLOP/s of register-only FMA chains on this adapter (the `fma_peak` probe): the arithmetic
 * ceiling no kernel can pass. Timed by {@link bestProbeRate}; the best of the workgroup sizes.
 */
export async function measureFmaCeiling(
  gpu: Gpu,
): Promise<{ gflops: number; workgroupSize: number }> {
  const count = 1 << 17;
  const out = gpu.tensor([count], { label: "fma peak out" });
  let best = { gflops: 0, workgroupSize: 0 };
  try {
    for (const wg of [64, 256]) {
      const k = await fmaPeakKernel(gpu, wg);
      const rate = await bestProbeRate(
        gpu,
        (rec, iters) => recordFmaPeak(rec, k, out, { count, iters }),
        (iters) => fmaPeakFlops({ count, iters }),
        64,
      );
      if (rate / 1e9 > best.gflops) best = { gflops: rate / 1e9, workgroupSize: wg };
    }
  } finally {
    gpu.destroy(out);
  }
  return best;
}
