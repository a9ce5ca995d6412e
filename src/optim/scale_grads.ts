/**
 * The lesson's MomentumLearner (nb 11): instead of zeroing the gradients after each step, it
 * multiplies them by `mom` (0.85), so the next backward accumulates onto them and plain SGD then
 * performs heavy-ball momentum without dampening (claim 22).
 *
 * @module
 */

import { paramBlock } from "../kernels/param_block.ts";
import type { Gpu } from "../gpu/device.ts";
import type { Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { grid2d } from "../gpu/recorder.ts";
import code from "./scale_grads.wgsl" with { type: "text" };

/** The `Params` uniform struct of scale_grads.wgsl, declared once (its test parses the WGSL). */
export const SCALE_GRADS_PARAMS = paramBlock("Params", [["n4", "u32"], ["factor", "f32"]]);

/** The compiled scale kernel and the device its parameter uniforms come from. */
export interface ScaleGradsKernel {
  readonly kernel: Kernel;
  /** @internal Parameter uniforms come from here. */
  readonly gpu: Gpu;
}

/** Compiles (once per device and workgroup size) the in-place gradient scale kernel. */
export async function scaleGradsKernel(
  gpu: Gpu,
  options: { workgroupSize?: number } = {},
): Promise<ScaleGradsKernel> {
  const WG = options.workgroupSize ?? 256;
  if (!Number.isInteger(WG) || WG < 1 || WG > 1024) {
    throw new RangeError(`scaleGrads: workgroupSize = ${WG}, expected an integer 1..1024`);
  }
  const kernel = await gpu.pipelines.get({ label: "scale_grads", code, constants: { WG } });
  return { kernel, gpu };
}

/**
 * Records grads ← grads · factor in place (`grads` [P] with P a multiple of 4, e.g. a model's
 * whole gradient arena). The factor goes in a content-cached uniform: a constant factor costs
 * one small buffer, created on the first call.
 */
export function recordScaleGrads(
  rec: Recorder,
  k: ScaleGradsKernel,
  grads: GpuTensor<"f32">,
  factor: number,
): void {
  if (!Number.isFinite(factor)) {
    throw new RangeError(`scaleGrads: factor = ${factor}, expected a finite number`);
  }
  if (grads.dtype !== "f32" || grads.size % 4 !== 0) {
    throw new RangeError(
      `scaleGrads ${grads.describe()}: expected f32 with a multiple of 4 elements`,
    );
  }
  const n4 = grads.size / 4;
  const params = k.gpu.uniform(SCALE_GRADS_PARAMS.pack({ n4, factor }), "scale_grads.params");
  rec.dispatch(k.kernel, [params, grads], grid2d(n4, k.kernel.spec.constants!.WG));
}
