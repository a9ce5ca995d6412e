/**
 * Conv2d forward and backward (input, weight and bias gradients) as implicit GEMMs in WGSL.
 *
 * - forward: `conv2d_pack.wgsl` lays weights and bias out as vec4 over 4 filters in 64 KiB
 *   windows of a uniform buffer; `conv2d_forward.wgsl` runs once per window (and per channel pass
 *   when one filter block's C·K·K weights exceed a window; later passes add to the output).
 * - input gradient: the same with the weights packed over channels, `conv2d_backward_input.wgsl`.
 * - weight and bias gradients: `conv2d_pack_dout.wgsl` transposes dout to [N·OH·OW, F] (vec4 over
 *   4 filters); `conv2d_backward_weight.wgsl` writes one partial sum per chunk of output positions
 *   to a workspace; `conv2d_reduce.wgsl` adds the chunks in order to dw and db.
 *
 * No atomics anywhere: every sum has a fixed order, so reruns are bit-identical. Each kernel comes
 * in register-block heights of 1, 2 and 4 quads (4, 8, 16 filters or channels) up to the tuning's
 * maximum; a launch uses the smallest that covers the rows, so an 8-filter layer does not compute
 * 8 rows of zeros.
 *
 * The pipelines and their tuning are in `conv2d_kernels.ts`, the weight packing in
 * `conv2d_pack.ts` and the weight gradient in `conv2d_weight_gradient.ts`; this module re-exports
 * what other modules use of them.
 *
 * @module
 */
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";
import { type Conv2dKernels, quadsFor } from "./conv2d_kernels.ts";
import { packPlan, recordPack, windows } from "./conv2d_pack.ts";
import { recordConv2dWeightGradient } from "./conv2d_weight_gradient.ts";
import { grid2d } from "../gpu/recorder.ts";
import { CONV2D_BACKWARD_INPUT_PARAMS, CONV2D_FORWARD_PARAMS } from "./params.ts";

export {
  type ByQuads,
  CONV2D_WGSL,
  type Conv2dKernels,
  conv2dKernels,
  type Conv2dTuning,
  DEFAULT_CONV2D_TUNING,
  GRID_ONLY_CONV2D_PARAMS,
} from "./conv2d_kernels.ts";
export {
  recordConv2dWeightGradient,
  type WeightPlan,
  weightPlan,
} from "./conv2d_weight_gradient.ts";

type Dims = readonly (readonly [string, number])[];

function convDims(s: Conv2dShape): Record<string, Dims> {
  const { OH, OW } = conv2dOutSize(s);
  const { N, C, H, W, F, K } = s;
  const x: Dims = [["N", N], ["C", C], ["H", H], ["W", W]];
  const w: Dims = [["F", F], ["C", C], ["K", K], ["K", K]];
  const out: Dims = [["N", N], ["F", F], ["OH", OH], ["OW", OW]];
  return { x, w, b: [["F", F]], out, dout: out, dx: x, dw: w, db: [["F", F]] };
}

/**
 * Throws a RangeError naming the tensor unless it is f32 with exactly the element count of `dims`
 * (dimension letter and size), e.g. `conv2d w: expected 72 elements [8,1,3,3], found 80`.
 */
export function expectElements(
  t: GpuTensor,
  { op, name, dims }: { op: string; name: string; dims: Dims },
): void {
  const expected = dims.reduce((a, [, v]) => a * v, 1);
  if (t.size !== expected) {
    throw new RangeError(
      `${op} ${name}: expected ${expected} elements [${dims.map(([, v]) => v).join(",")}], ` +
        `found ${t.size} (${name} is [${dims.map(([d]) => d).join(", ")}])`,
    );
  }
  if (t.dtype !== "f32") {
    throw new RangeError(`${op} ${name}: expected dtype f32, found ${t.dtype}`);
  }
}

function checkTensors(t: Record<string, GpuTensor | null>, s: Conv2dShape): void {
  const dims = convDims(s);
  for (const [name, v] of Object.entries(t)) {
    if (v !== null) expectElements(v, { op: "conv2d", name, dims: dims[name] });
  }
  // Kernels index with u32 (and i32 for x offsets): keep every tensor below 2^31 elements.
  const { OH, OW } = conv2dOutSize(s);
  const biggest = Math.max(s.N * s.C * s.H * s.W, s.N * s.F * OH * OW);
  if (biggest >= 2 ** 31) {
    throw new RangeError(`conv2d shape ${JSON.stringify(s)}: ${biggest} elements ≥ 2^31`);
  }
}

/**
 * Records out [N, F, OH, OW] = conv2d(x [N, C, H, W], w [F, C, K, K]) + b [F] (b may be null).
 * `out` is overwritten. Tensors may be slices of larger buffers; `out` must not share a buffer
 * with x, w or b. One-channel K3 S2 P1 convs with W % 4 == 0 take the `forwardC1` kernel
 * (bit-identical) unless `options.generic` (for tests).
 */
export function recordConv2dForward(
  rec: Recorder,
  k: Conv2dKernels,
  t: {
    x: GpuTensor<"f32">;
    w: GpuTensor<"f32">;
    b: GpuTensor<"f32"> | null;
    out: GpuTensor<"f32">;
  },
  s: Conv2dShape,
  options: { generic?: boolean } = {},
): void {
  checkTensors(t, s);
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  const KK = K * K;
  const Q = quadsFor(F, k.tuning.quads);
  const plan = packPlan(C, KK, F, Q, `conv2d ${JSON.stringify(s)}`);
  const packed = recordPack(rec, k, t, plan, {
    rows: F,
    red: C * KK,
    KK,
    rowStride: C * KK,
    outerStride: KK,
  });
  const J = N * OH * OW;
  const c1 = C === 1 && K === 3 && S === 2 && P === 1 && W % 4 === 0 && !options.generic;
  const grid = c1
    ? grid2d(Math.ceil((N * Math.ceil(OH / 4) * (OW / 2)) / k.tuning.wg), 1) // 4-row groups
    : grid2d(Math.ceil(J / (k.tuning.wg * k.tuning.cols)), 1);
  for (let pass = 0; pass < plan.passes; pass++) {
    const c0 = pass * plan.per;
    for (const [fb0, count, window] of windows(packed, plan, pass)) {
      const params = k.gpu.uniform(
        CONV2D_FORWARD_PARAMS.pack({
          ...{ N, C, H, W, F, K, S, P, OH, OW, J, c0 },
          CC: Math.min(plan.per, C - c0),
          fb0,
          BS: plan.BS,
          accumulate: pass > 0 ? 1 : 0,
          bias_at: plan.per * KK * Q,
        }),
        "conv2d_forward params",
      );
      rec.dispatch((c1 ? k.forwardC1 : k.forward)[Q], [t.x, window, params, t.out], [
        ...grid,
        count,
      ]);
    }
  }
}

/**
 * Records the conv gradients given dout [N, F, OH, OW]: dx [N, C, H, W] is overwritten (skipped
 * when null, e.g. for the first layer); dw [F, C, K, K] and db [F] (skipped when null) are
 * ACCUMULATED (+=). dw and db may be slices of one buffer; none of dx, dw, db may share a buffer
 * with x, w or dout.
 */
export function recordConv2dBackward(
  rec: Recorder,
  k: Conv2dKernels,
  t: {
    x: GpuTensor<"f32">;
    w: GpuTensor<"f32">;
    dout: GpuTensor<"f32">;
    dx: GpuTensor<"f32"> | null;
    dw: GpuTensor<"f32">;
    db: GpuTensor<"f32"> | null;
  },
  s: Conv2dShape,
): void {
  checkTensors(t, s);
  if (t.dx !== null) recordConv2dInputGradient(rec, k, { w: t.w, dout: t.dout, dx: t.dx }, s);
  recordConv2dWeightGradient(rec, k, { x: t.x, dout: t.dout, dw: t.dw, db: t.db }, s);
}

/**
 * Records only the input gradient dx [N, C, H, W] (overwritten) of {@link recordConv2dBackward}.
 * Tensor sizes are not checked here.
 */
export function recordConv2dInputGradient(
  rec: Recorder,
  k: Conv2dKernels,
  t: { w: GpuTensor<"f32">; dout: GpuTensor<"f32">; dx: GpuTensor<"f32"> },
  s: Conv2dShape,
): void {
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  const KK = K * K;
  const Q = quadsFor(C, k.tuning.quads);
  const plan = packPlan(F, KK, C, Q, `conv2d ${JSON.stringify(s)}`);
  const packed = recordPack(rec, k, { w: t.w, b: null }, plan, {
    rows: C,
    red: F * KK,
    KK,
    rowStride: KK,
    outerStride: C * KK,
  });
  // The largest phase class has ⌈H/S⌉·⌈W/S⌉ positions per image.
  const Jc = N * Math.ceil(H / S) * Math.ceil(W / S);
  const grid = grid2d(Math.ceil(Jc / (k.tuning.wg * k.tuning.cols)), 1);
  if (S * S * plan.perWindow > 65535) {
    throw new RangeError(`conv2d ${JSON.stringify(s)}: S·S·blocks exceeds 65535 workgroups`);
  }
  for (let pass = 0; pass < plan.passes; pass++) {
    const f0 = pass * plan.per;
    for (const [cb0, count, window] of windows(packed, plan, pass)) {
      const params = k.gpu.uniform(
        CONV2D_BACKWARD_INPUT_PARAMS.pack({
          ...{ N, C, H, W, F, K, S, P, OH, OW, f0 },
          FC: Math.min(plan.per, F - f0),
          cb0,
          NBw: count,
          BS: plan.BS,
          accumulate: pass > 0 ? 1 : 0,
        }),
        "conv2d_backward_input params",
      );
      rec.dispatch(k.backwardInput[Q], [t.dout, window, params, t.dx], [...grid, S * S * count]);
    }
  }
}
