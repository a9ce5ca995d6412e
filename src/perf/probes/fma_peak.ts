/**
 * The arithmetic-peak probe (`fma_peak.wgsl`): register-only FMA chains, the compute ceiling
 * `deno task perf` compares the model's kernels with (the matmul is bound by memory on most
 * adapters, so it is a reference, not a ceiling).
 *
 * @module
 */
import type { Gpu } from "../../gpu/device.ts";
import type { Kernel } from "../../gpu/pipelines.ts";
import type { Recorder } from "../../gpu/recorder.ts";
import type { GpuTensor } from "../../gpu/tensor.ts";
import { grid2d } from "../../gpu/recorder.ts";
import code from "./fma_peak.wgsl" with { type: "text" };
import type { FmaPeakShape } from "./shapes.ts";

export type { FmaPeakShape };

/** FLOPs of one launch: 8 vec4 FMAs (64 FLOPs) per round per invocation. */
export function fmaPeakFlops(s: FmaPeakShape): number {
  return s.count * s.iters * 64;
}

/** The compiled probe and the device its parameters live on. */
export interface FmaPeakKernel {
  gpu: Gpu;
  kernel: Kernel;
}

/** Compiles the probe with `workgroupSize` invocations per group. */
export async function fmaPeakKernel(gpu: Gpu, workgroupSize = 256): Promise<FmaPeakKernel> {
  const constants = { WG: workgroupSize };
  return { gpu, kernel: await gpu.pipelines.get({ label: "fma_peak", code, constants }) };
}

/** Records one probe launch writing out[0..count) (one sum per invocation). */
export function recordFmaPeak(
  rec: Recorder,
  k: FmaPeakKernel,
  out: GpuTensor<"f32">,
  s: FmaPeakShape,
): void {
  for (const name of ["count", "iters"] as const) {
    if (!Number.isInteger(s[name]) || s[name] < 1) {
      throw new RangeError(`fma peak ${name} = ${s[name]}, expected a positive integer`);
    }
  }
  if (out.size < s.count) {
    throw new RangeError(`fma peak out: ${out.size} elements, expected at least ${s.count}`);
  }
  const params = k.gpu.uniform(Uint32Array.of(s.count, s.iters), "fma_peak.params");
  const wg = k.kernel.spec.constants?.WG ?? 256;
  rec.dispatch(k.kernel, [params, out], grid2d(s.count, wg));
}
