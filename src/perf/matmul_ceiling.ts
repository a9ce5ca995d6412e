import type { Gpu } from "../gpu/device.ts";
import { matmulKernels, recordMatmul } from "./probes/matmul.ts";

/**
 * GFLOP/s of the project's best matmul on this adapter (1024³, aligned vec4 path, the best of
 * the workgroup sizes tried): a reference for the model's kernels; the arithmetic ceiling is
 * `measureFmaCeiling`'s (on lavapipe this matmul is bound by loads, far below it).
 */
export async function measureMatmulCeiling(
  gpu: Gpu,
  size = 1024,
): Promise<{ gflops: number; workgroupSize: number }> {
  const a = gpu.tensor([size, size], { label: "ceiling.a" });
  const b = gpu.tensor([size, size], { label: "ceiling.b" });
  const c = gpu.tensor([size, size], { label: "ceiling.c" });
  const s = { M: size, N: size, K: size };
  let best = { gflops: 0, workgroupSize: 0 };
  for (const wg of [64, 128, 256]) {
    const k = await matmulKernels(gpu, wg);
    const warm = gpu.recorder("ceiling warm-up");
    recordMatmul(warm, k, { a, b, c }, s);
    warm.submit();
    await gpu.sync();
    const reps = 3;
    const t0 = performance.now();
    const rec = gpu.recorder("ceiling");
    for (let i = 0; i < reps; i++) recordMatmul(rec, k, { a, b, c }, s);
    rec.submit();
    await gpu.sync();
    const gflops = (2 * size ** 3 * reps) / ((performance.now() - t0) / 1000) / 1e9;
    if (gflops > best.gflops) best = { gflops, workgroupSize: wg };
  }
  for (const t of [a, b, c]) gpu.destroy(t);
  return best;
}
