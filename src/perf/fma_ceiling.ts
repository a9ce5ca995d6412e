import type { Gpu } from "../gpu/device.ts";
import { fmaPeakFlops, fmaPeakKernel, recordFmaPeak } from "../kernels/fma_peak.ts";

/**
 * GFLOP/s of register-only FMA chains on this adapter (the `fma_peak` probe): the arithmetic
 * ceiling no kernel can pass. The work doubles until one launch takes ≥ 150 ms, so the ~11 ms
 * GPU wait stays a small part of the figure; best of 3 at that size and of the workgroup sizes.
 */
export async function measureFmaCeiling(
  gpu: Gpu,
): Promise<{ gflops: number; workgroupSize: number }> {
  const count = 1 << 17;
  const out = gpu.tensor([count], { label: "fma peak out" });
  const run = async (k: Awaited<ReturnType<typeof fmaPeakKernel>>, iters: number) => {
    const t0 = performance.now();
    const rec = gpu.recorder("fma peak");
    recordFmaPeak(rec, k, out, { count, iters });
    rec.submit();
    await gpu.sync();
    return (performance.now() - t0) / 1000;
  };
  let best = { gflops: 0, workgroupSize: 0 };
  try {
    for (const wg of [64, 256]) {
      const k = await fmaPeakKernel(gpu, wg);
      let iters = 64;
      while ((await run(k, iters)) < 0.15 && iters < 1 << 20) iters *= 2;
      for (let r = 0; r < 3; r++) {
        const gflops = fmaPeakFlops({ count, iters }) / (await run(k, iters)) / 1e9;
        if (gflops > best.gflops) best = { gflops, workgroupSize: wg };
      }
    }
  } finally {
    gpu.destroy(out);
  }
  return best;
}
