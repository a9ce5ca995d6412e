/**
 * Known answers for the verdicts' interval machinery (verdicts.md §6): binomial tails as exact
 * fractions, the incomplete beta function against closed forms, order-statistic ranks checked by
 * hand, Clopper–Pearson bounds against tabulated values, and the look plan.
 */

import assert from "node:assert/strict";
import { betaQuantile, binomialCdf, incompleteBeta, logGamma } from "./binomial.ts";
import { clopperPearson, medianBoundRank, medianBounds, sampleMedian } from "./intervals.ts";
import { ALPHA, DEFAULT_LOOKS, describePlan, lookPlan } from "./plan.ts";

/** Asserts |actual − expected| ≤ tol, with a readable message. */
function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} ± ${tol}`,
  );
}

const POW20 = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// logGamma and binomialCdf

Deno.test("logGamma: factorials and Γ(½) = √π", () => {
  let fact = 1;
  for (let n = 1; n <= 20; n++) {
    near(logGamma(n), Math.log(fact), 1e-12, `logGamma(${n})`);
    fact *= n;
  }
  near(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-13, "logGamma(0.5)");
  // Γ(1.5) = √π / 2; the reflection branch: Γ(0.25)·Γ(0.75) = π / sin(π/4) = π√2.
  near(logGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2), 1e-13, "logGamma(1.5)");
  near(logGamma(0.25) + logGamma(0.75), Math.log(Math.PI * Math.SQRT2), 1e-13, "reflection");
});

Deno.test("binomialCdf: p = ½ against exact fractions", () => {
  // P(Bin(n, ½) ≤ k) = Σ_{i ≤ k} C(n, i) / 2^n.
  const cases: [number, number, number][] = [
    [0, 6, 1 / 64],
    [1, 6, 7 / 64],
    [0, 10, 1 / 1024],
    [1, 10, 11 / 1024],
    [2, 10, 56 / 1024],
    [4, 20, 6196 / POW20],
    [5, 20, 21700 / POW20],
    [6, 20, 60460 / POW20],
    [0, 3, 1 / 8],
    [0, 5, 1 / 32],
    [1, 5, 6 / 32],
  ];
  for (const [k, n, p] of cases) near(binomialCdf(k, n, 0.5), p, 1e-14, `P(Bin(${n},½) ≤ ${k})`);
});

Deno.test("binomialCdf: edges k < 0 → 0 and k ≥ n → 1", () => {
  assert.equal(binomialCdf(-1, 6, 0.5), 0);
  assert.equal(binomialCdf(-5, 20, 0.3), 0);
  assert.equal(binomialCdf(6, 6, 0.5), 1);
  assert.equal(binomialCdf(25, 20, 0.3), 1);
});

Deno.test("binomialCdf: p = 0.3 by hand", () => {
  // P(Bin(7, 0.3) ≤ 2) = 0.7^7 + 7·0.3·0.7^6 + 21·0.09·0.7^5
  //                    = 0.0823543 + 0.2470629 + 0.3176523 = 0.6470695.
  near(binomialCdf(2, 7, 0.3), 0.6470695, 1e-13, "P(Bin(7,0.3) ≤ 2)");
  near(binomialCdf(0, 7, 0.3), 0.0823543, 1e-13, "P(Bin(7,0.3) ≤ 0)");
  // The whole distribution sums to 1 at k = n − 1 plus the last term 0.3^7.
  near(binomialCdf(6, 7, 0.3) + 0.3 ** 7, 1, 1e-13, "P(≤ 6) + P(= 7)");
});

// ---------------------------------------------------------------------------------------------
// incompleteBeta and betaQuantile

const XS = [1e-6, 0.01, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.99, 1 - 1e-6];

Deno.test("incompleteBeta: closed forms I_x(1,1), I_x(a,1), I_x(1,b), I_x(2,2), I_x(½,½)", () => {
  for (const x of XS) {
    near(incompleteBeta(x, 1, 1), x, 1e-12, `I_${x}(1,1)`);
    for (const a of [0.5, 2, 3.5, 7]) {
      near(incompleteBeta(x, a, 1), x ** a, 1e-12, `I_${x}(${a},1)`);
    }
    for (const b of [0.5, 2, 4.5, 9]) {
      near(incompleteBeta(x, 1, b), 1 - (1 - x) ** b, 1e-12, `I_${x}(1,${b})`);
    }
    near(incompleteBeta(x, 2, 2), 3 * x * x - 2 * x ** 3, 1e-12, `I_${x}(2,2)`);
    // The arcsine distribution.
    near(
      incompleteBeta(x, 0.5, 0.5),
      (2 / Math.PI) * Math.asin(Math.sqrt(x)),
      1e-12,
      `I_${x}(½,½)`,
    );
  }
});

Deno.test("incompleteBeta: edges x ≤ 0 → 0, x ≥ 1 → 1", () => {
  assert.equal(incompleteBeta(0, 2.5, 3), 0);
  assert.equal(incompleteBeta(-0.1, 2.5, 3), 0);
  assert.equal(incompleteBeta(1, 2.5, 3), 1);
  assert.equal(incompleteBeta(1.5, 2.5, 3), 1);
});

Deno.test("incompleteBeta: symmetry I_x(a,b) = 1 − I_{1−x}(b,a) for non-integer a, b", () => {
  const ab: [number, number][] = [[2.5, 3.7], [0.3, 4.2], [7.5, 1.5], [0.5, 0.5], [11.3, 8.9]];
  for (const [a, b] of ab) {
    for (const x of XS) {
      near(incompleteBeta(x, a, b), 1 - incompleteBeta(1 - x, b, a), 1e-12, `(${x}, ${a}, ${b})`);
    }
  }
  // Reference values (scipy.special.betainc) on both sides of the continued fraction's switch.
  near(incompleteBeta(0.3, 2.5, 3.7), 0.31900317528430866, 1e-13, "I_0.3(2.5,3.7)");
  near(incompleteBeta(0.9, 2.5, 3.7), 0.998542768814887, 1e-13, "I_0.9(2.5,3.7)");
  near(incompleteBeta(0.99, 7.5, 1.5), 0.9844110466935464, 1e-13, "I_0.99(7.5,1.5)");
});

Deno.test("incompleteBeta: monotone in x", () => {
  for (const [a, b] of [[1, 20], [20, 1], [2.5, 3.7], [6, 15]]) {
    let prev = 0;
    for (let i = 1; i < 200; i++) {
      const v = incompleteBeta(i / 200, a, b);
      assert.ok(v >= prev - 1e-15, `I_x(${a},${b}) decreases at x = ${i / 200}`);
      prev = v;
    }
  }
});

Deno.test("betaQuantile inverts incompleteBeta to 1e-10", () => {
  const ab: [number, number][] = [[1, 1], [1, 20], [20, 1], [2.5, 3.7], [0.5, 0.5], [6, 15]];
  for (const [a, b] of ab) {
    for (const q of [1e-4, 0.0125, 0.025, 0.05 / 3, 0.5, 0.9, 0.975, 1 - 1e-4]) {
      const x = betaQuantile(q, a, b);
      assert.ok(x >= 0 && x <= 1, `quantile out of [0, 1]: ${x}`);
      near(incompleteBeta(x, a, b), q, 1e-10, `I(betaQuantile(${q}, ${a}, ${b}))`);
    }
  }
  // Closed forms: Beta(a, 1) quantile q^(1/a), Beta(1, b) quantile 1 − (1 − q)^(1/b).
  near(betaQuantile(0.025, 10, 1), 0.025 ** 0.1, 1e-12, "Beta(10,1)");
  near(betaQuantile(0.975, 1, 6), 1 - 0.025 ** (1 / 6), 1e-12, "Beta(1,6)");
  assert.equal(betaQuantile(0, 2, 3), 0);
  assert.equal(betaQuantile(1, 2, 3), 1);
});

// ---------------------------------------------------------------------------------------------
// Order statistics of the median

Deno.test("medianBoundRank: the spec's ranks (verdicts.md §3)", () => {
  // Rank k is the largest with P(Bin(n, ½) ≤ k − 1) ≤ α. By hand (tails from the test above):
  // α = 0.05/3 = 0.01667: n=6: P(≤0) = 1/64 = 0.0156 ≤ α, P(≤1) = 7/64 > α → 1;
  //   n=10: P(≤1) = 11/1024 = 0.0107 ≤ α, P(≤2) = 56/1024 = 0.0547 > α → 2;
  //   n=20: P(≤4) = 6196/2^20 = 0.0059 ≤ α, P(≤5) = 21700/2^20 = 0.0207 > α → 5.
  const third = 0.05 / 3;
  assert.equal(medianBoundRank(6, third), 1);
  assert.equal(medianBoundRank(10, third), 2);
  assert.equal(medianBoundRank(20, third), 5);
  // α = 0.025: n=20: P(≤5) = 0.0207 ≤ α, P(≤6) = 60460/2^20 = 0.0577 > α → 6; 6 and 10 as above.
  assert.equal(medianBoundRank(6, 0.025), 1);
  assert.equal(medianBoundRank(10, 0.025), 2);
  assert.equal(medianBoundRank(20, 0.025), 6);
  // α = 0.05: n=3: P(≤0) = 1/8 > α → 0; n=5: P(≤0) = 1/32 ≤ α, P(≤1) = 6/32 > α → 1;
  //   n=6: 7/64 = 0.109 > α → 1; n=10: 56/1024 = 0.0547 > α → 2.
  assert.equal(medianBoundRank(3, 0.05), 0);
  assert.equal(medianBoundRank(5, 0.05), 1);
  assert.equal(medianBoundRank(6, 0.05), 1);
  assert.equal(medianBoundRank(10, 0.05), 2);
  // At α = 0.05/3 five seeds are too few: P(≤0) = 1/32 > α.
  assert.equal(medianBoundRank(5, third), 0);
  assert.equal(medianBoundRank(0, third), 0);
});

Deno.test("medianBoundRank: the definition holds for every n up to 40", () => {
  for (const alpha of [0.05 / 3, 0.025, 0.05]) {
    for (let n = 1; n <= 40; n++) {
      const k = medianBoundRank(n, alpha);
      if (k > 0) assert.ok(binomialCdf(k - 1, n, 0.5) <= alpha, `n=${n}: rank ${k} too large`);
      if (k < n) assert.ok(binomialCdf(k, n, 0.5) > alpha, `n=${n}: rank ${k} not the largest`);
    }
  }
});

// A known float edge, not reachable with the plan's α (α/L is never a dyadic fraction): at α
// exactly equal to a tail, binomialCdf(0, 6, ½) sums to 1/64 + 2e-17 instead of 1/64, so the rank
// the docstring defines ("largest k with P(Bin(n, ½) ≤ k − 1) ≤ α") comes out 0 instead of 1.
Deno.test({
  name: "medianBoundRank: α exactly at a binomial tail (float edge, known bug)",

  fn() {
    assert.equal(medianBoundRank(6, 1 / 64), 1);
  },
});

Deno.test("medianBounds: unsorted sample with −∞ entries", () => {
  const third = 0.05 / 3;
  // n = 10, rank 2: the 2nd smallest and 2nd largest.
  const ten = [0.9, -Infinity, 0.85, 0.88, 0.91, 0.87, 0.86, 0.89, 0.93, 0.92];
  assert.deepEqual(medianBounds(ten, third), [0.85, 0.92]);
  // Two lost runs: the 2nd smallest is itself −∞.
  const tenLost = [0.9, -Infinity, 0.85, 0.88, -Infinity, 0.87, 0.86, 0.89, 0.93, 0.92];
  assert.deepEqual(medianBounds(tenLost, third), [-Infinity, 0.92]);
  // n = 6, rank 1: min and max.
  assert.deepEqual(medianBounds([3, 1, -Infinity, 5, 4, 2], third), [-Infinity, 5]);
  assert.deepEqual(medianBounds([3, 1, 6, 5, 4, 2], third), [1, 6]);
  // n = 20, rank 5 at α/3 and rank 6 at 0.025.
  const twenty = Array.from({ length: 20 }, (_, i) => (i * 7) % 20); // a permutation of 0..19
  assert.deepEqual(medianBounds(twenty, third), [4, 15]);
  assert.deepEqual(medianBounds(twenty, 0.025), [5, 14]);
  // The input is left as it was.
  assert.equal(ten[0], 0.9);
});

Deno.test("medianBounds: too small a sample gives [−∞, ∞]", () => {
  assert.deepEqual(medianBounds([1, 2, 3], 0.05), [-Infinity, Infinity]);
  assert.deepEqual(medianBounds([1, 2, 3, 4, 5], 0.05 / 3), [-Infinity, Infinity]);
  assert.deepEqual(medianBounds([], 0.05), [-Infinity, Infinity]);
});

Deno.test("medianBounds: NaN is refused", () => {
  assert.throws(() => medianBounds([1, 2, NaN, 4, 5, 6], 0.05), RangeError);
});

Deno.test("sampleMedian: odd, even, ±∞", () => {
  assert.equal(sampleMedian([3, 1, 2]), 2);
  assert.equal(sampleMedian([4, 1, 3, 2]), 2.5);
  assert.equal(sampleMedian([7]), 7);
  assert.equal(sampleMedian([-Infinity, 1, 2]), 1);
  assert.equal(sampleMedian([-Infinity, -Infinity, 2]), -Infinity);
  // Even with one lost middle value: the midpoint is −∞ (a diverged run ranks lowest).
  assert.equal(sampleMedian([-Infinity, -Infinity, 2, 3]), -Infinity);
  assert.equal(sampleMedian([-Infinity, -Infinity, -Infinity, -Infinity]), -Infinity);
  assert.equal(sampleMedian([1, 2, Infinity, Infinity]), Infinity);
  // Equal middle pair: the value itself (no rounding through the midpoint).
  assert.equal(sampleMedian([0.1, 0.3, 0.3, 0.9]), 0.3);
});

Deno.test("sampleMedian: a −∞/+∞ middle pair gives 0, never NaN", () => {
  assert.equal(sampleMedian([-Infinity, Infinity]), 0);
  assert.equal(sampleMedian([Infinity, -Infinity, -Infinity, Infinity]), 0);
  assert.equal(sampleMedian([Infinity, -Infinity, -Infinity, Infinity, -Infinity, Infinity]), 0);
});

Deno.test("sampleMedian: NaN and empty input throw RangeError", () => {
  assert.throws(() => sampleMedian([1, NaN, 3]), RangeError);
  assert.throws(() => sampleMedian([]), RangeError);
});

// ---------------------------------------------------------------------------------------------
// Clopper–Pearson

Deno.test("clopperPearson: tabulated two-sided 95% intervals (α = 0.025 per side)", () => {
  const table: [number, number, number, number][] = [
    [0, 10, 0, 0.3085],
    [3, 10, 0.0667, 0.6525],
    [10, 10, 0.6915, 1],
    [1, 20, 0.00127, 0.2487],
    [5, 20, 0.0866, 0.4910],
  ];
  for (const [k, n, lo, hi] of table) {
    const [l, h] = clopperPearson(k, n, 0.025);
    near(l, lo, 1e-4, `lo(${k}/${n})`);
    near(h, hi, 1e-4, `hi(${k}/${n})`);
  }
  // Exact ends: k = 0 has lo 0, k = n has hi 1.
  assert.equal(clopperPearson(0, 10, 0.025)[0], 0);
  assert.equal(clopperPearson(10, 10, 0.025)[1], 1);
});

Deno.test("clopperPearson: closed forms at k = 0 and k = n", () => {
  // k = 0: hi solves (1 − p)^n = α; k = n: lo solves p^n = α.
  near(clopperPearson(0, 6, 0.025)[1], 1 - 0.025 ** (1 / 6), 1e-9, "hi(0/6)");
  for (const alpha of [0.025, 0.05 / 3, 0.05]) {
    for (const n of [3, 6, 10, 20]) {
      near(clopperPearson(n, n, alpha)[0], alpha ** (1 / n), 1e-9, `lo(${n}/${n}) at ${alpha}`);
      near(clopperPearson(0, n, alpha)[1], 1 - alpha ** (1 / n), 1e-9, `hi(0/${n}) at ${alpha}`);
    }
  }
});

Deno.test("clopperPearson: the bounds are the binomial tails' roots", () => {
  // lo: P(Bin(n, lo) ≥ k) = α; hi: P(Bin(n, hi) ≤ k) = α.
  const alpha = 0.05 / 3;
  for (const n of [6, 10, 20]) {
    for (let k = 1; k < n; k++) {
      const [lo, hi] = clopperPearson(k, n, alpha);
      assert.ok(lo < k / n && k / n < hi, `${k}/${n} outside [${lo}, ${hi}]`);
      near(1 - binomialCdf(k - 1, n, lo), alpha, 1e-9, `upper tail at lo(${k}/${n})`);
      near(binomialCdf(k, n, hi), alpha, 1e-9, `lower tail at hi(${k}/${n})`);
    }
  }
});

Deno.test("clopperPearson: bad input throws RangeError", () => {
  assert.throws(() => clopperPearson(11, 10, 0.025), RangeError);
  assert.throws(() => clopperPearson(-1, 10, 0.025), RangeError);
  assert.throws(() => clopperPearson(1.5, 10, 0.025), RangeError);
  assert.throws(() => clopperPearson(1, 10.5, 0.025), RangeError);
  assert.throws(() => clopperPearson(0, 0, 0.025), RangeError);
  assert.throws(() => clopperPearson(NaN, 10, 0.025), RangeError);
});

// ---------------------------------------------------------------------------------------------
// The look plan

Deno.test("lookPlan: default 6 → 10 → 20 at α/3 per look", () => {
  const p = lookPlan();
  assert.deepEqual(p.looks, [6, 10, 20]);
  assert.deepEqual(p.looks, [...DEFAULT_LOOKS]);
  assert.equal(p.alpha, ALPHA);
  assert.equal(ALPHA, 0.05);
  near(p.alphaPerLook, 0.05 / 3, 1e-15, "alphaPerLook");
  assert.equal(p.source, "default");
  assert.deepEqual(lookPlan({}), p);
  // The plan is a copy: changing it leaves the default alone.
  p.looks.push(40);
  assert.deepEqual(lookPlan().looks, [6, 10, 20]);
});

Deno.test("lookPlan: --max-seeds truncates the default plan", () => {
  const ten = lookPlan({ maxSeeds: 10 });
  assert.deepEqual(ten.looks, [6, 10]);
  near(ten.alphaPerLook, 0.025, 1e-15, "maxSeeds 10");
  assert.equal(ten.source, "max-seeds");
  const six = lookPlan({ maxSeeds: 6 });
  assert.deepEqual(six.looks, [6]);
  assert.equal(six.alphaPerLook, 0.05);
  assert.equal(six.source, "max-seeds");
  const big = lookPlan({ maxSeeds: 50 });
  assert.deepEqual(big.looks, [6, 10, 20]);
  near(big.alphaPerLook, 0.05 / 3, 1e-15, "maxSeeds 50");
  assert.throws(() => lookPlan({ maxSeeds: 5 }), RangeError);
  assert.throws(() => lookPlan({ maxSeeds: 7.5 }), RangeError);
});

Deno.test("lookPlan: --seeds is one look at the full α", () => {
  const p = lookPlan({ seeds: 3 });
  assert.deepEqual(p.looks, [3]);
  assert.equal(p.alpha, 0.05);
  assert.equal(p.alphaPerLook, 0.05);
  assert.equal(p.source, "fixed-seeds");
  assert.throws(() => lookPlan({ seeds: 0 }), RangeError);
  assert.throws(() => lookPlan({ seeds: 2.5 }), RangeError);
  assert.throws(() => lookPlan({ seeds: 6, maxSeeds: 10 }), RangeError);
});

Deno.test("describePlan: one line for the report", () => {
  assert.equal(
    describePlan(lookPlan()),
    "6 → 10 → 20 seeds, α = 0.05 per check (0.0167 per look, Bonferroni)",
  );
  assert.equal(describePlan(lookPlan({ maxSeeds: 6 })), "6 seeds, α = 0.05 per check");
  assert.equal(
    describePlan(lookPlan({ seeds: 3 })),
    "3 seeds, α = 0.05 per check; fixed count, one look",
  );
});
