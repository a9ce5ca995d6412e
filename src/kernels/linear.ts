/**
 * Linear layer y = x·wᵀ + b (PyTorch's [O, I] weights) and its gradients, on the conv kernels:
 * a linear layer is a Conv2d with C = I, F = O, H = W = K = 1, S = 1, P = 0, whose weights
 * [F, C, 1, 1] are laid out exactly like [O, I] and whose activations [N, C, 1, 1] like [N, I].
 *
 * @module
 */
import type { Gpu } from "../gpu/device.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Conv2dShape, LinearShape } from "../shapes.ts";
import {
  type Conv2dKernels,
  conv2dKernels,
  type Conv2dTuning,
  expectElements,
  recordConv2dBackward,
  recordConv2dForward,
} from "./conv2d.ts";

/** Linear kernels are the conv kernels; see {@link Conv2dTuning} for the override constants. */
export type LinearTuning = Conv2dTuning;

/** Compiled pipelines and workspaces (the conv kernels' own). */
export type LinearKernels = Conv2dKernels;

/** Compiles (once per process and tuning) the kernels behind the linear launchers. */
export function linearKernels(
  gpu: Gpu,
  tuning: Partial<LinearTuning> = {},
): Promise<LinearKernels> {
  return conv2dKernels(gpu, tuning);
}

function asConv(s: LinearShape): Conv2dShape {
  for (const name of ["N", "I", "O"] as const) {
    const v = s[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `linear shape ${JSON.stringify(s)}: ${name} = ${v}, expected a positive integer`,
      );
    }
  }
  return { N: s.N, C: s.I, H: 1, W: 1, F: s.O, K: 1, S: 1, P: 0 };
}

function checkTensors(t: Record<string, GpuTensor | null>, s: LinearShape): void {
  const { N, I, O } = s;
  const dims: Record<string, [string, number][]> = {
    x: [["N", N], ["I", I]],
    w: [["O", O], ["I", I]],
    b: [["O", O]],
    y: [["N", N], ["O", O]],
    dy: [["N", N], ["O", O]],
    dx: [["N", N], ["I", I]],
    dw: [["O", O], ["I", I]],
    db: [["O", O]],
  };
  for (const [name, v] of Object.entries(t)) {
    if (v !== null) expectElements(v, { op: "linear", name, dims: dims[name] });
  }
}

/**
 * Records y [N, O] = x [N, I] · w [O, I]ᵀ + b [O] (b may be null). `y` is overwritten and must
 * not share a buffer with x, w or b.
 */
export function recordLinearForward(
  rec: Recorder,
  k: LinearKernels,
  t: {
    x: GpuTensor<"f32">;
    w: GpuTensor<"f32">;
    b: GpuTensor<"f32"> | null;
    y: GpuTensor<"f32">;
  },
  s: LinearShape,
): void {
  const conv = asConv(s);
  checkTensors(t, s);
  recordConv2dForward(rec, k, { x: t.x, w: t.w, b: t.b, out: t.y }, conv);
}

/**
 * Records the linear gradients given dy [N, O]: dx [N, I] = dy·w is overwritten (skipped when
 * null); dw [O, I] += dyᵀ·x and db [O] += Σ_n dy (skipped when null) ACCUMULATE. dw and db may be
 * slices of one buffer; none of dx, dw, db may share a buffer with x, w or dy.
 */
export function recordLinearBackward(
  rec: Recorder,
  k: LinearKernels,
  t: {
    x: GpuTensor<"f32">;
    w: GpuTensor<"f32">;
    dy: GpuTensor<"f32">;
    dx: GpuTensor<"f32"> | null;
    dw: GpuTensor<"f32">;
    db: GpuTensor<"f32"> | null;
  },
  s: LinearShape,
): void {
  const conv = asConv(s);
  checkTensors(t, s);
  recordConv2dBackward(rec, k, { x: t.x, w: t.w, dout: t.dy, dx: t.dx, dw: t.dw, db: t.db }, conv);
}
