import { AssertionError } from "node:assert/strict";

/**
 * Asserts |actual[i] − expected[i]| ≤ atol + rtol·|expected[i]| for every i, and that lengths
 * match. `atol` may be per element (e.g. scaled by the sum of |terms| each output adds up). NaN anywhere fails (a poisoned output that was never written stays NaN). The message
 * names the first offending index and the worst error.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: { atol?: number | ArrayLike<number>; rtol?: number; what?: string } = {},
): void {
  const { atol = 0, rtol = 0, what = "values" } = tolerance;
  if (actual.length !== expected.length) {
    throw new AssertionError({
      message: `${what}: length ${actual.length}, expected ${expected.length}`,
    });
  }
  let bad = -1, worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const a = typeof atol === "number" ? atol : atol[i];
    const ok = err <= a + rtol * Math.abs(expected[i]);
    if (!ok || Number.isNaN(actual[i])) {
      if (bad < 0) bad = i;
      worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
    }
  }
  if (bad >= 0) {
    throw new AssertionError({
      message: `${what}: index ${bad}: got ${actual[bad]}, expected ${expected[bad]} ` +
        `(atol ${typeof atol === "number" ? atol : atol[bad]}, rtol ${rtol}; worst error ${worst})`,
    });
  }
}
