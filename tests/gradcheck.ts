/**
 * A float64 central-difference gradient checker for the CPU references (`src/ref/`).
 *
 * To check a backward: take a scalar loss L = Σ y ⊙ R with a fixed random R (see
 * {@link weightedSum}), so the backward's dy is R; then check dx, and every parameter gradient
 * (perturbing that parameter with everything else fixed), against L.
 *
 * @module
 */
import { AssertionError } from "node:assert/strict";

/** Float64 machine epsilon (2⁻⁵²). */
const EPS64 = 2.220446049250313e-16;

/** L = Σ_i y[i] · r[i]: the scalar loss whose gradient w.r.t. y is r. */
export function weightedSum(y: ArrayLike<number>, r: ArrayLike<number>): number {
  if (y.length !== r.length) {
    throw new RangeError(`weightedSum: r has length ${r.length}, expected ${y.length} (y's)`);
  }
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}

/**
 * Checks `analytic` ≈ ∂f/∂x by central differences: numeric[i] = (f(x + h·e_i) − f(x − h·e_i))/(2h)
 * in float64, every element. Passes when, for every i,
 * |numeric − analytic| ≤ atol + noise_i + rtol · max(|numeric|, |analytic|),
 * where noise_i = 8·ε·(|f(x+h·e_i)| + |f(x−h·e_i)|)/(2h) is the rounding floor of the difference
 * quotient (ε = 2⁻⁵²): without it a large |f| would make an exact gradient fail.
 *
 * Tolerances: the central difference's truncation error is O(h²·f‴) ≈ 1e-12 for h = 1e-6 and
 * smooth f with O(1) third derivatives, and its rounding error O(ε·|f|/h) ≈ 2e-10·|f|, so the
 * defaults rtol = 1e-6, atol = 1e-8 leave ~100× margin on a correct gradient while a wrong
 * formula (a missing term, a transposed index) is off by O(1) relative and fails. `f` must be
 * smooth within ±h of x (keep ReLU inputs off their kinks). `x` is not modified: f is called on a
 * perturbed copy (which f must not keep).
 *
 * @throws {AssertionError} naming `what`, the worst index, numeric vs analytic, and the count of
 *   failing elements.
 */
export function gradcheck(
  f: (x: Float64Array) => number,
  x: Float64Array,
  analytic: ArrayLike<number>,
  o: { h?: number; rtol?: number; atol?: number; what?: string } = {},
): void {
  const { h = 1e-6, rtol = 1e-6, atol = 1e-8, what = "gradient" } = o;
  if (!(h > 0)) throw new RangeError(`gradcheck: h = ${h}, expected > 0`);
  if (analytic.length !== x.length) {
    throw new AssertionError({
      message: `${what}: analytic gradient has length ${analytic.length}, expected ${x.length}`,
    });
  }
  const xp = Float64Array.from(x);
  let worst = -1, worstExcess = 0, worstNumeric = 0, failures = 0;
  for (let i = 0; i < x.length; i++) {
    xp[i] = x[i] + h;
    const fPlus = f(xp);
    xp[i] = x[i] - h;
    const fMinus = f(xp);
    xp[i] = x[i];
    // Divide by the actually representable step, not the nominal 2h.
    const numeric = (fPlus - fMinus) / ((x[i] + h) - (x[i] - h));
    const a = analytic[i];
    const noise = 8 * EPS64 * (Math.abs(fPlus) + Math.abs(fMinus)) / (2 * h);
    const bound = atol + noise + rtol * Math.max(Math.abs(numeric), Math.abs(a));
    const err = Math.abs(numeric - a);
    // NaN in either fails (err <= bound is false).
    if (!(err <= bound)) {
      failures++;
      const excess = Number.isNaN(err) ? Infinity : err / bound;
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
        worstNumeric = numeric;
      }
    }
  }
  if (worst >= 0) {
    throw new AssertionError({
      message: `${what}: ${failures} of ${x.length} elements disagree; worst index ${worst}: ` +
        `numeric ${worstNumeric}, analytic ${analytic[worst]} (h ${h}, rtol ${rtol}, atol ${atol})`,
    });
  }
}
