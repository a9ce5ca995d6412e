/**
 * The one-sided confidence bounds the checks decide with, at a level chosen by the look plan:
 * distribution-free bounds of a median from order statistics (the sign-test interval), and
 * Clopper–Pearson bounds of a binomial rate. Both are exact (conservative), never asymptotic: the
 * samples are 6 to 20 seeds.
 *
 * @module
 */

import { betaQuantile, binomialCdf } from "./binomial.ts";

/**
 * The rank k (1-based) of the order statistic that is a lower confidence bound for the median at
 * error `alpha`: the largest k with P(Binomial(n, ½) ≤ k − 1) ≤ alpha, so P(x₍ₖ₎ > median) ≤
 * alpha. By symmetry x₍ₙ₊₁₋ₖ₎ is the upper bound. 0 when no rank is small enough (too few
 * seeds for this level: the bound is −∞).
 */
export function medianBoundRank(n: number, alpha: number): number {
  let k = 0;
  while (k < n && binomialCdf(k, n, 0.5) <= alpha) k++;
  return k;
}

/** One-sided bounds [lo, hi] of a median, each at error `alpha`; ±∞ where the sample is too small. */
export function medianBounds(values: readonly number[], alpha: number): [number, number] {
  const sorted = sortedValues(values);
  const k = medianBoundRank(sorted.length, alpha);
  if (k === 0) return [-Infinity, Infinity];
  return [sorted[k - 1], sorted[sorted.length - k]];
}

/**
 * The sample median, ±∞ included (a diverged run ranks below every trained run). With an even
 * count the midpoint of the middle pair; when they are −∞ and +∞ (half the pairs lost on each
 * side) it is 0, the only value symmetric in both, so no statistic is ever NaN.
 */
export function sampleMedian(values: readonly number[]): number {
  const s = sortedValues(values);
  const n = s.length;
  if (n === 0) throw new RangeError("sampleMedian: expected at least one value");
  if (n % 2 === 1) return s[(n - 1) / 2];
  const [a, b] = [s[n / 2 - 1], s[n / 2]];
  if (a === -Infinity && b === Infinity) return 0;
  return a === b ? a : (a + b) / 2;
}

/** Values sorted ascending; NaN is refused (the caller must rank an outcome, not pass a NaN). */
export function sortedValues(values: readonly number[]): number[] {
  if (values.some(Number.isNaN)) {
    throw new RangeError("order statistics: NaN among the values; rank diverged runs as −∞");
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * One-sided Clopper–Pearson bounds [lo, hi] of a rate from k events in n trials, each at error
 * `alpha`: lo = Beta⁻¹(alpha; k, n − k + 1) (0 when k = 0), hi = Beta⁻¹(1 − alpha; k + 1, n − k)
 * (1 when k = n).
 */
export function clopperPearson(k: number, n: number, alpha: number): [number, number] {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || n < 1 || k > n) {
    throw new RangeError(`clopperPearson: k = ${k}, n = ${n}; expected integers 0 ≤ k ≤ n, n ≥ 1`);
  }
  const lo = k === 0 ? 0 : betaQuantile(alpha, k, n - k + 1);
  const hi = k === n ? 1 : betaQuantile(1 - alpha, k + 1, n - k);
  return [lo, hi];
}
