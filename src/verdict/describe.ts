/**
 * What is reported beside the verdicts, not judged (verdicts.md §4): a config's divergence rate
 * with its Clopper–Pearson interval, P(A > B) over paired seeds for each comparison, where the
 * lesson's single number falls among our seeds, and the expected best of k runs, E[max_k], which
 * shows why one published run tends to sit above a median.
 *
 * @module
 */

import { clopperPearson } from "./intervals.ts";

/** Two-sided 95% intervals for reported (not judged) figures. */
export const REPORT_ALPHA_PER_SIDE = 0.025;

/** A proportion with its two-sided 95% Clopper–Pearson interval. */
export interface Proportion {
  k: number;
  n: number;
  estimate: number;
  interval: [number, number];
}

/** k events in n trials as a proportion with its interval (n = 0: estimate NaN, [0, 1]). */
export function proportion(k: number, n: number): Proportion {
  if (n === 0) return { k, n, estimate: NaN, interval: [0, 1] };
  return { k, n, estimate: k / n, interval: clopperPearson(k, n, REPORT_ALPHA_PER_SIDE) };
}

/**
 * P(A > B) from paired differences: wins over pairs that differ (ties carry no direction), with
 * the interval of that proportion.
 */
export function probabilityAGreater(differences: readonly number[]): Proportion {
  const decided = differences.filter((d) => d !== 0 && !Number.isNaN(d));
  return proportion(decided.filter((d) => d > 0).length, decided.length);
}

/**
 * The percentile (0–100) of `value` among `values` by mid-rank: the share below plus half the
 * share equal. NaN for no values.
 */
export function percentileOf(value: number, values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x));
  if (v.length === 0) return NaN;
  const below = v.filter((x) => x < value).length;
  const equal = v.filter((x) => x === value).length;
  return (100 * (below + equal / 2)) / v.length;
}

/**
 * E[max of k runs] for k = 1…n, drawing k of the n values without replacement:
 * Σᵢ x₍ᵢ₎ · C(i − 1, k − 1) / C(n, k) over the sorted values.
 */
export function expectedMax(values: readonly number[]): number[] {
  const s = [...values].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const n = s.length;
  const out: number[] = [];
  for (let k = 1; k <= n; k++) {
    let sum = 0;
    // C(i − 1, k − 1) / C(n, k) built up as a ratio to stay in floating range.
    for (let i = k; i <= n; i++) sum += s[i - 1] * Math.exp(logC(i - 1, k - 1) - logC(n, k));
    out.push(sum);
  }
  return out;
}

function logC(n: number, k: number): number {
  let r = 0;
  for (let j = 1; j <= k; j++) r += Math.log(n - k + j) - Math.log(j);
  return r;
}
