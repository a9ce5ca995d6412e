/**
 * Float64 CPU reference of the lesson's LayerNorm, written from the math in the ops spec, for
 * testing the WGSL kernels: per item over D = C·H·W values, UNBIASED variance, and ONE scalar mult
 * and ONE scalar add shared by all items and elements.
 *
 * @module
 */
import type { NormShape } from "../shapes.ts";

function checkLength(name: string, a: ArrayLike<number>, expected: number, what: string): void {
  if (a.length !== expected) {
    throw new RangeError(
      `layerNorm ref: ${name} has length ${a.length}, expected ${expected} ${what}`,
    );
  }
}

/** Validates the shape and returns D = C·H·W, which must be ≥ 2 for the unbiased variance. */
function itemSize(s: NormShape): number {
  for (const [name, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`layerNorm ref: shape ${name} = ${v}, expected a positive integer`);
    }
  }
  const D = s.C * s.H * s.W;
  if (D < 2) throw new RangeError(`layerNorm ref: D = C·H·W = ${D} values per item, expected ≥ 2`);
  return D;
}

/**
 * y [N, C, H, W] = (x − m) · rstd · mult + add per item n, with m the item's mean, v its unbiased
 * variance (÷(D − 1)) and rstd = 1/√(v + eps), eps default 1e-5. Also returns mean [N], rstd [N].
 */
export function layerNormForwardRef(
  x: Float64Array, // [N, C, H, W]
  params: { mult: number; add: number },
  s: NormShape,
  o: { eps?: number } = {},
): { y: Float64Array; mean: Float64Array; rstd: Float64Array } {
  const D = itemSize(s);
  const { N } = s;
  const eps = o.eps ?? 1e-5;
  if (!(eps >= 0 && Number.isFinite(eps))) {
    throw new RangeError(`layerNorm ref: eps ${eps}, expected a finite number ≥ 0`);
  }
  checkLength("x", x, N * D, "[N, C, H, W]");
  const y = new Float64Array(x.length); // [N, C, H, W]
  const mean = new Float64Array(N); // [N]
  const rstd = new Float64Array(N); // [N]
  for (let n = 0; n < N; n++) {
    let sum = 0;
    for (let i = 0; i < D; i++) sum += x[n * D + i];
    const m = sum / D;
    let ss = 0;
    for (let i = 0; i < D; i++) {
      const d = x[n * D + i] - m;
      ss += d * d;
    }
    const r = 1 / Math.sqrt(ss / (D - 1) + eps);
    mean[n] = m;
    rstd[n] = r;
    for (let i = 0; i < D; i++) y[n * D + i] = (x[n * D + i] - m) * r * params.mult + params.add;
  }
  return { y, mean, rstd };
}

/**
 * Gradients of {@link layerNormForwardRef} through the mean and variance. With g = dy · mult,
 * dx = rstd · (g − mean(g)) − (x − m) · rstd³ · Σ(g · (x − m)) / (D − 1) per item;
 * dmult = Σ_all dy · xhat, dadd = Σ_all dy. Fresh values (not accumulated).
 */
export function layerNormBackwardRef(
  x: Float64Array, // [N, C, H, W]
  dy: Float64Array, // [N, C, H, W]
  cache: { mult: number; mean: Float64Array; rstd: Float64Array }, // mean [N], rstd [N]
  s: NormShape,
): { dx: Float64Array; dmult: number; dadd: number } {
  const D = itemSize(s);
  const { N } = s;
  checkLength("x", x, N * D, "[N, C, H, W]");
  checkLength("dy", dy, N * D, "[N, C, H, W]");
  checkLength("cache.mean", cache.mean, N, "[N]");
  checkLength("cache.rstd", cache.rstd, N, "[N]");
  const dx = new Float64Array(x.length); // [N, C, H, W]
  let dmult = 0, dadd = 0;
  for (let n = 0; n < N; n++) {
    const m = cache.mean[n], r = cache.rstd[n];
    let sumG = 0, sumGd = 0;
    for (let i = 0; i < D; i++) {
      const j = n * D + i;
      const g = dy[j] * cache.mult;
      sumG += g;
      sumGd += g * (x[j] - m);
      dadd += dy[j];
      dmult += dy[j] * (x[j] - m) * r;
    }
    const meanG = sumG / D;
    const k = r * r * r * sumGd / (D - 1);
    for (let i = 0; i < D; i++) {
      const j = n * D + i;
      dx[j] = r * (dy[j] * cache.mult - meanG) - (x[j] - m) * k;
    }
  }
  return { dx, dmult, dadd };
}
