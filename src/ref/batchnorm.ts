/**
 * Float64 CPU reference of BatchNorm2d in two variants, written from the math in the ops spec, for
 * testing the WGSL kernels:
 * - "lesson": normalises with the UNBIASED batch variance and its backward treats the batch mean and
 *   variance as constants (dx = dy · mult · rstd);
 * - "standard" (PyTorch's nn.BatchNorm2d): normalises with the BIASED variance, lerps the running var
 *   toward the unbiased one, and backpropagates through the batch statistics.
 * Eval mode (either variant) normalises with the running statistics.
 *
 * @module
 */
import type { BatchNormOptions, NormShape } from "../shapes.ts";

/** Running statistics per channel: mean [C] (init 0) and var [C] (init 1). */
export interface RunningStats {
  mean: Float64Array; // [C]
  var: Float64Array; // [C]
}

function checkLength(name: string, a: ArrayLike<number>, expected: number, what: string): void {
  if (a.length !== expected) {
    throw new RangeError(
      `batchNorm ref: ${name} has length ${a.length}, expected ${expected} ${what}`,
    );
  }
}

function checkShape(s: NormShape): void {
  for (const [name, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`batchNorm ref: shape ${name} = ${v}, expected a positive integer`);
    }
  }
}

function settings(o: BatchNormOptions): { mom: number; eps: number } {
  if (o.variant !== "lesson" && o.variant !== "standard") {
    throw new RangeError(`batchNorm ref: variant ${o.variant}, expected "lesson" or "standard"`);
  }
  const mom = o.momentum ?? 0.1, eps = o.eps ?? 1e-5;
  if (!(mom >= 0 && mom <= 1)) {
    throw new RangeError(`batchNorm ref: momentum ${mom}, expected a number in [0, 1]`);
  }
  if (!(eps >= 0 && Number.isFinite(eps))) {
    throw new RangeError(`batchNorm ref: eps ${eps}, expected a finite number ≥ 0`);
  }
  return { mom, eps };
}

/**
 * y [N, C, H, W] = (x − mean) · rstd · mults + adds per channel, with mean and rstd from the batch
 * (training; M = N·H·W ≥ 2 values per channel, else RangeError) or from `running` (eval). In
 * training `running` is updated IN PLACE: mean and var lerp by momentum toward the batch mean and
 * the UNBIASED batch variance (both variants). Also returns the mean [C] and rstd [C] it used.
 */
export function batchNormForwardRef(
  x: Float64Array, // [N, C, H, W]
  params: { mults: Float64Array; adds: Float64Array }, // [C], [C]
  running: RunningStats, // [C], [C]
  s: NormShape,
  o: BatchNormOptions,
): { y: Float64Array; mean: Float64Array; rstd: Float64Array } {
  checkShape(s);
  const { mom, eps } = settings(o);
  const { N, C, H, W } = s;
  const HW = H * W, M = N * HW;
  checkLength("x", x, N * C * HW, "[N, C, H, W]");
  checkLength("params.mults", params.mults, C, "[C]");
  checkLength("params.adds", params.adds, C, "[C]");
  checkLength("running.mean", running.mean, C, "[C]");
  checkLength("running.var", running.var, C, "[C]");
  const mean = new Float64Array(C); // [C]
  const rstd = new Float64Array(C); // [C]
  if (o.training) {
    if (M < 2) {
      throw new RangeError(`batchNorm ref: M = N·H·W = ${M} values per channel, expected ≥ 2`);
    }
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < HW; i++) sum += x[(n * C + c) * HW + i];
      }
      const m = sum / M;
      // Two-pass variance: exact enough in float64 without cancellation worries.
      let ss = 0;
      for (let n = 0; n < N; n++) {
        for (let i = 0; i < HW; i++) {
          const d = x[(n * C + c) * HW + i] - m;
          ss += d * d;
        }
      }
      const unbiased = ss / (M - 1);
      const v = o.variant === "lesson" ? unbiased : ss / M;
      mean[c] = m;
      rstd[c] = 1 / Math.sqrt(v + eps);
      running.mean[c] += mom * (m - running.mean[c]);
      running.var[c] += mom * (unbiased - running.var[c]);
    }
  } else {
    for (let c = 0; c < C; c++) {
      mean[c] = running.mean[c];
      rstd[c] = 1 / Math.sqrt(running.var[c] + eps);
    }
  }
  const y = new Float64Array(x.length); // [N, C, H, W]
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const scale = rstd[c] * params.mults[c];
      for (let i = 0; i < HW; i++) {
        const j = (n * C + c) * HW + i;
        y[j] = (x[j] - mean[c]) * scale + params.adds[c];
      }
    }
  }
  return { y, mean, rstd };
}

/**
 * Gradients of {@link batchNormForwardRef} given dy [N, C, H, W] and the forward's cache (mults and
 * the mean and rstd it normalised with). dadds[c] = Σ dy, dmults[c] = Σ dy · xhat with
 * xhat = (x − mean) · rstd. dx: "standard" training goes through the batch statistics,
 * dx = mults·rstd/M · (M·dy − Σdy − xhat·Σ(dy·xhat)); "lesson" training and eval treat mean and
 * rstd as constants, dx = dy · mults · rstd. Fresh arrays (not accumulated).
 */
export function batchNormBackwardRef(
  x: Float64Array, // [N, C, H, W]
  dy: Float64Array, // [N, C, H, W]
  cache: { mults: Float64Array; mean: Float64Array; rstd: Float64Array }, // [C] each
  s: NormShape,
  o: BatchNormOptions,
): { dx: Float64Array; dmults: Float64Array; dadds: Float64Array } {
  checkShape(s);
  settings(o);
  const { N, C, H, W } = s;
  const HW = H * W, M = N * HW;
  checkLength("x", x, N * C * HW, "[N, C, H, W]");
  checkLength("dy", dy, N * C * HW, "[N, C, H, W]");
  checkLength("cache.mults", cache.mults, C, "[C]");
  checkLength("cache.mean", cache.mean, C, "[C]");
  checkLength("cache.rstd", cache.rstd, C, "[C]");
  const throughStats = o.training && o.variant === "standard";
  if (throughStats && M < 2) {
    throw new RangeError(`batchNorm ref: M = N·H·W = ${M} values per channel, expected ≥ 2`);
  }
  const dx = new Float64Array(x.length); // [N, C, H, W]
  const dmults = new Float64Array(C); // [C]
  const dadds = new Float64Array(C); // [C]
  for (let c = 0; c < C; c++) {
    const m = cache.mean[c], r = cache.rstd[c];
    let sumDy = 0, sumDyXhat = 0;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < HW; i++) {
        const j = (n * C + c) * HW + i;
        sumDy += dy[j];
        sumDyXhat += dy[j] * (x[j] - m) * r;
      }
    }
    dadds[c] = sumDy;
    dmults[c] = sumDyXhat;
    const k = cache.mults[c] * r;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < HW; i++) {
        const j = (n * C + c) * HW + i;
        dx[j] = throughStats
          ? (k / M) * (M * dy[j] - sumDy - (x[j] - m) * r * sumDyXhat)
          : dy[j] * k;
      }
    }
  }
  return { dx, dmults, dadds };
}
