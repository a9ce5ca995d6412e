/**
 * The conv2d weight packing: weights (and bias) laid out as vec4 over 4 filters (or channels) in
 * 64 KiB windows of a uniform buffer, split into passes over the reduction when one block's
 * weights exceed a window.
 *
 * @module
 */
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { type Conv2dKernels, WINDOW } from "./conv2d_kernels.ts";
import { grid2d } from "../gpu/recorder.ts";
import { CONV2D_PACK_PARAMS } from "./params.ts";

function roundUp(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}

/** How the weights of one launch are packed: passes over the reduction, blocks of 4·Q rows. */
export interface PackPlan {
  Q: number;
  /** Reduction elements (channels or filters) per pass, and passes. */
  per: number;
  passes: number;
  /** Row blocks (4·Q rows each) and vec4 slots per block (a multiple of 16: 256-byte offsets). */
  blocks: number;
  BS: number;
  /** Blocks per 64 KiB window. */
  perWindow: number;
}

/** Plans the pack of `rows` rows of `outer` reduction elements of K·K taps each, Q quads high. */
export function packPlan(
  outer: number,
  KK: number,
  rows: number,
  Q: number,
  what: string,
): PackPlan {
  // A block holds `per`·K·K·Q weight slots plus Q bias slots.
  const per = Math.min(outer, Math.floor((WINDOW / Q - 1) / KK));
  if (per < 1) {
    throw new RangeError(
      `${what}: K·K = ${KK} taps × ${Q} quads exceed a ${WINDOW}-slot uniform window`,
    );
  }
  const BS = roundUp((per * KK + 1) * Q, 16);
  return {
    Q,
    per,
    passes: Math.ceil(outer / per),
    blocks: Math.ceil(rows / (4 * Q)),
    BS,
    perWindow: Math.floor(WINDOW / BS),
  };
}

/** Records the pack of `w` (and `b`) into the packed workspace; returns the workspace. */
export function recordPack(
  rec: Recorder,
  k: Conv2dKernels,
  t: { w: GpuTensor<"f32">; b: GpuTensor<"f32"> | null },
  plan: PackPlan,
  layout: { rows: number; red: number; KK: number; rowStride: number; outerStride: number },
): GpuTensor<"f32"> {
  const total = plan.passes * plan.blocks * plan.BS;
  const packed = k.workspace("packed", total + WINDOW);
  const params = k.gpu.uniform(
    CONV2D_PACK_PARAMS.pack({
      rows: layout.rows,
      red: layout.red,
      rp: plan.per * layout.KK,
      KK: layout.KK,
      row_stride: layout.rowStride,
      outer_stride: layout.outerStride,
      Q: plan.Q,
      NB: plan.blocks,
      BS: plan.BS,
      total,
      has_bias: t.b !== null ? 1 : 0,
    }),
    "conv2d_pack params",
  );
  rec.dispatch(k.pack, [t.w, t.b ?? t.w, params, packed], grid2d(total, k.tuning.auxWg));
  return packed;
}

/** Windows of one pass: [first block, block count, the 64 KiB window bound for them]. */
export function* windows(
  packed: GpuTensor<"f32">,
  plan: PackPlan,
  pass: number,
): Generator<[number, number, GpuTensor<"f32">]> {
  for (let b0 = 0; b0 < plan.blocks; b0 += plan.perWindow) {
    const start = (pass * plan.blocks + b0) * plan.BS * 4;
    yield [b0, Math.min(plan.perWindow, plan.blocks - b0), packed.slice(start, [WINDOW * 4])];
  }
}
