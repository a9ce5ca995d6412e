import type { Gpu } from "../../gpu/device.ts";
import type { Kernel } from "../../gpu/pipelines.ts";
import type { Recorder } from "../../gpu/recorder.ts";
import type { GpuTensor } from "../../gpu/tensor.ts";
import { grid2d } from "../../gpu/recorder.ts";
import code from "./matmul.wgsl" with { type: "text" };
import codeVec4 from "./matmul_vec4.wgsl" with { type: "text" };
import type { MatmulShape } from "./shapes.ts";

export type { MatmulShape };

/** The compiled matmuls (general and aligned) and the device their parameters live on. */
export interface MatmulKernels {
  /** The device the parameter uniforms are written on. */
  gpu: Gpu;
  /** Any shape. */
  general: Kernel;
  /** The vec4 path, for shapes where {@link matmulAligned} holds. */
  aligned: Kernel;
}

/** Compiles the register-blocked matmuls with `workgroupSize` invocations per group. */
export async function matmulKernels(gpu: Gpu, workgroupSize = 128): Promise<MatmulKernels> {
  const constants = { WG: workgroupSize };
  const [general, aligned] = await Promise.all([
    gpu.pipelines.get({ label: "matmul", code, constants }),
    gpu.pipelines.get({ label: "matmul_vec4", code: codeVec4, constants }),
  ]);
  return { gpu, general, aligned };
}

/** Whether the aligned vec4 path applies (M % 4, N % 8, K % 4 all zero). */
export function matmulAligned(s: MatmulShape): boolean {
  return s.M % 4 === 0 && s.N % 8 === 0 && s.K % 4 === 0;
}

/** Records C = A · B (C overwritten), on the aligned path when the shape allows it. */
export function recordMatmul(
  rec: Recorder,
  k: MatmulKernels,
  t: { a: GpuTensor<"f32">; b: GpuTensor<"f32">; c: GpuTensor<"f32"> },
  s: MatmulShape,
): void {
  const expected = { a: s.M * s.K, b: s.K * s.N, c: s.M * s.N };
  for (const name of ["a", "b", "c"] as const) {
    if (t[name].size !== expected[name]) {
      throw new RangeError(
        `matmul ${name}: expected ${expected[name]} elements for ${JSON.stringify(s)}, ` +
          `found ${t[name].size}`,
      );
    }
  }
  const colBlocks = Math.ceil(s.N / 8);
  const params = k.gpu.uniform(Uint32Array.of(s.M, s.N, s.K, colBlocks), "matmul.params");
  const kernel = matmulAligned(s) ? k.aligned : k.general;
  const invocations = Math.ceil(s.M / 4) * colBlocks;
  const wg = kernel.spec.constants?.WG ?? 128;
  rec.dispatch(kernel, [t.a, t.b, params, t.c], grid2d(invocations, wg));
}
