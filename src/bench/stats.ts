import type { Summary } from "./contract.ts";

/** Two-sided 95% Student t critical values for 1..30 degrees of freedom. */
const T95 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/**
 * Mean, sample std (n − 1), median and the 95% interval of the mean (Student t) over seeds.
 * Non-finite values propagate (a diverged seed makes the mean NaN or infinite), as measured.
 */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError("summarize: expected at least one value");
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const sorted = [...values].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const t = n > 1 ? (T95[n - 2] ?? 1.96) : 0;
  const half = n > 1 ? (t * std) / Math.sqrt(n) : 0;
  return { n, mean, std, median, ci95: [mean - half, mean + half] };
}
