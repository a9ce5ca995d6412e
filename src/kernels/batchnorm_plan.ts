/**
 * Validation and work split of the BatchNorm2d passes: shape, options and tuning checks, and the
 * chunking of the per-channel reductions.
 *
 * @module
 */
import type { GpuTensor } from "../gpu/tensor.ts";
import type { BatchNormOptions, NormShape } from "../shapes.ts";

/** Override constants of the batchnorm*.wgsl kernels. */
export interface BatchNormTuning {
  /** Invocations per workgroup, every pass (default 256). */
  workgroupSize?: number;
  /** Elementwise passes (apply, dx): elements per invocation (default 4). */
  perInvocation?: number;
  /** Reduction passes: values per invocation per chunk (default 16). */
  chunkPerInvocation?: number;
  /** Fan-in of the in-workgroup merge tree (default 16; ≥ 2). */
  fanIn?: number;
  /**
   * Elementwise passes with one channel per workgroup when H·W % 4 == 0 (default true: its
   * constants load once per workgroup); false keeps the flat vec4 passes. Same per-element
   * arithmetic either way (bit-identical, tested).
   */
  perChannel?: boolean;
}

/**
 * Validates shape and options; returns sizes, whether the reductions run on vec4s (H·W % 4 == 0),
 * values per chunk T, the chunk count G and the settings. `k` is the compiled kernels
 * (`BatchNormKernels`), of which only the chunk size matters here.
 */
export function plan(
  what: string,
  k: { readonly chunk: number },
  s: NormShape,
  o: BatchNormOptions,
): {
  M: number;
  HW: number;
  count: number;
  vecStats: boolean;
  T: number;
  G: number;
  momentum: number;
  eps: number;
} {
  for (const name of ["N", "C", "H", "W"] as const) {
    const v = s[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${what}: shape ${name} = ${v}, expected a positive integer`);
    }
  }
  if (o.variant !== "lesson" && o.variant !== "standard") {
    throw new RangeError(`${what}: variant ${o.variant}, expected "lesson" or "standard"`);
  }
  const momentum = o.momentum ?? 0.1, eps = o.eps ?? 1e-5;
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${what}: momentum ${momentum}, expected a number in [0, 1]`);
  }
  if (!(eps >= 0 && Number.isFinite(eps))) {
    throw new RangeError(`${what}: eps ${eps}, expected a finite number ≥ 0`);
  }
  const HW = s.H * s.W, M = s.N * HW, count = M * s.C;
  if (o.training && M < 2) {
    throw new RangeError(`${what}: M = N·H·W = ${M} values per channel, expected ≥ 2`);
  }
  // Counts are merged as f32 (exact to 2^24); indices are u32.
  if (M > 2 ** 24 || count >= 2 ** 32) {
    throw new RangeError(`${what}: shape ${JSON.stringify(s)} too large (M ≤ 2^24 supported)`);
  }
  const vecStats = HW % 4 === 0;
  const T = vecStats ? 4 * k.chunk : k.chunk;
  const G = Math.ceil(M / T);
  if (s.C > 65535 || G > 65535) {
    throw new RangeError(`${what}: C = ${s.C} and G = ${G} chunks must be ≤ 65535`);
  }
  return { M, HW, count, vecStats, T, G, momentum, eps };
}

/** Throws unless every tensor is f32 with count ([N, C, H, W]) or C ([C]) elements. */
export function checkTensors(
  what: string,
  count: number,
  C: number,
  big: Record<string, GpuTensor>,
  perChannel: Record<string, GpuTensor>,
): void {
  for (
    const [group, size, shape] of [[big, count, "[N, C, H, W]"], [perChannel, C, "[C]"]] as const
  ) {
    for (const [name, t] of Object.entries(group)) {
      if (t.dtype !== "f32" || t.size !== size) {
        throw new RangeError(
          `${what}: ${name} ${t.describe()} must be f32 with ${size} elements ${shape}`,
        );
      }
    }
  }
}

/** Throws unless every size in the tuning is an integer in [1, 1024] (fanIn ≥ 2). */
export function checkTuning(what: string, tuning: Required<BatchNormTuning>): void {
  for (const [name, v] of Object.entries(tuning)) {
    if (typeof v !== "number") continue; // perChannel: a switch, not a size
    if (!Number.isInteger(v) || v < (name === "fanIn" ? 2 : 1) || v > 1024) {
      throw new RangeError(`${what} tuning: ${name} = ${v}, expected an integer in [1, 1024]`);
    }
  }
}
