/**
 * The conv2d weight and bias gradients: dout transposed to [N·OH·OW, F] (vec4 over 4 filters),
 * one partial sum per chunk of output positions (split-K), then the chunks added in order to dw
 * and db. No atomics: every sum has a fixed order.
 *
 * @module
 */
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";
import { type Conv2dKernels, type Conv2dTuning, quadsFor } from "./conv2d_kernels.ts";
import { grid2d } from "../gpu/recorder.ts";
import {
  CONV2D_BACKWARD_WEIGHT_PARAMS,
  CONV2D_PACK_DOUT_PARAMS,
  CONV2D_REDUCE_PARAMS,
} from "./params.ts";

/** Weight-gradient work split: one invocation per (chunk, filter block, column block). */
export interface WeightPlan {
  /** Register-block height: 4·Q filters per invocation. */
  Q: number;
  /** Filter blocks of 4·Q filters, column blocks of dwCols columns of the R + 1. */
  NB: number;
  XB: number;
  /** Positions per chunk, and chunks (partials). */
  JC: number;
  Z: number;
}

/**
 * Splits the weight-gradient GEMM (F × R1 with R1 = C·K·K + 1 columns, the last one for the bias,
 * reduction over J = N·OH·OW positions) into invocations.
 */
export function weightPlan(
  { R1, F, J }: { R1: number; F: number; J: number },
  t: Readonly<Conv2dTuning>,
): WeightPlan {
  const Q = quadsFor(F, t.dwQuads);
  const NB = Math.ceil(F / (4 * Q));
  const XB = Math.ceil(R1 / t.dwCols);
  let JC = Math.min(t.chunk, J);
  // Shorter chunks give more invocations (parallelism) at the price of more partials to store
  // and add; below ~16 positions the partials cost more than the chunk.
  while (JC > 16 && NB * XB * Math.ceil(J / JC) < t.minLanes) {
    JC = Math.max(16, Math.ceil(JC / 2));
  }
  return { Q, NB, XB, JC, Z: Math.ceil(J / JC) };
}

/**
 * Records only the accumulated weight and bias gradients (dw += …, and db += … when db is not
 * null) of {@link recordConv2dBackward}. Tensor sizes are not checked here. One-channel K3 S2 P1
 * convs with W % 4 == 0 (and an even chunk) take the `backwardWeightC1` kernel (bit-identical)
 * unless `options.generic` (for tests).
 */
export function recordConv2dWeightGradient(
  rec: Recorder,
  k: Conv2dKernels,
  t: {
    x: GpuTensor<"f32">;
    dout: GpuTensor<"f32">;
    dw: GpuTensor<"f32">;
    db: GpuTensor<"f32"> | null;
  },
  s: Conv2dShape,
  options: { generic?: boolean } = {},
): void {
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  const R = C * K * K;
  const J = N * OH * OW;
  const plan = weightPlan({ R1: R + 1, F, J }, k.tuning);
  const c1 = C === 1 && K === 3 && S === 2 && P === 1 && W % 4 === 0 && plan.JC % 2 === 0 &&
    !options.generic;
  const params = k.gpu.uniform(
    CONV2D_BACKWARD_WEIGHT_PARAMS.pack({
      ...{ N, C, H, W, F, K, S, P, OH, OW, J },
      ...{ JC: plan.JC, Z: plan.Z, NB: plan.NB, XB: plan.XB },
    }),
    "conv2d_backward_weight params",
  );
  const part = k.workspace("partials", Math.ceil((plan.Z * F * (R + 1)) / 4));
  if (c1) {
    rec.dispatch(
      k.backwardWeightC1,
      [t.x, t.dout, params, part],
      grid2d(plan.Z * Math.ceil(F / 4), k.tuning.dwWg),
    );
  } else {
    // dout as [J, NB·Q] vec4 over 4 filters: one vec4 load per 4 filters in the GEMM.
    const row = plan.NB * plan.Q;
    const dt = k.workspace("packed", J * row);
    const packParams = k.gpu.uniform(
      CONV2D_PACK_DOUT_PARAMS.pack({ F, OHW: OH * OW, row, total: J * row }),
      "conv2d_pack_dout params",
    );
    rec.dispatch(k.packDout, [t.dout, packParams, dt], grid2d(J * row, k.tuning.auxWg));
    rec.dispatch(
      k.backwardWeight[plan.Q],
      [t.x, dt.prefix([J * row * 4]), params, part],
      grid2d(plan.Z * plan.NB * plan.XB, k.tuning.dwWg),
    );
  }
  const reduceParams = k.gpu.uniform(
    CONV2D_REDUCE_PARAMS.pack({ F, R, Z: plan.Z, has_db: t.db !== null ? 1 : 0 }),
    "conv2d_reduce params",
  );
  // Without db another buffer fills its binding, never written: not dw, since WebGPU forbids two
  // overlapping writable bindings in one dispatch (Dawn rejects it; wgpu does not check).
  rec.dispatch(
    k.reduce,
    [part, reduceParams, t.dw, t.db ?? k.workspace("packed", 1)],
    grid2d(F * (R + 1), k.tuning.auxWg),
  );
}
