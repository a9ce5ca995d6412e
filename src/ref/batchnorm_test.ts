import { deepStrictEqual as assertEquals, notDeepStrictEqual, throws } from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { gradcheck, weightedSum } from "../../tests/gradcheck.ts";
import type { BatchNormOptions, NormShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import { batchNormBackwardRef, batchNormForwardRef, type RunningStats } from "./batchnorm.ts";

const shapes: NormShape[] = [
  { N: 3, C: 2, H: 3, W: 2 },
  { N: 2, C: 3, H: 1, W: 1 }, // M = 2, the smallest batch the statistics allow
  { N: 1, C: 2, H: 3, W: 5 }, // N = 1: statistics over space only
  { N: 5, C: 1, H: 2, W: 3 },
];

/** Random inputs off zero mean and unit scale, random params, and R = dy. */
function inputs(s: NormShape, seed: string) {
  const rng = new Rng(31).derive(seed);
  const x = rng.fillNormal(new Float64Array(s.N * s.C * s.H * s.W), 0.5, 2); // [N, C, H, W]
  const mults = rng.fillUniform(new Float64Array(s.C), 0.5, 1.5); // [C]
  const adds = rng.fillNormal(new Float64Array(s.C)); // [C]
  const r = rng.fillNormal(new Float64Array(x.length)); // [N, C, H, W] = dy
  const running: RunningStats = {
    mean: rng.fillNormal(new Float64Array(s.C)), // [C]
    var: rng.fillUniform(new Float64Array(s.C), 0.5, 2), // [C]
  };
  return { x, mults, adds, r, running };
}

function clone(r: RunningStats): RunningStats {
  return { mean: Float64Array.from(r.mean), var: Float64Array.from(r.var) };
}

/** Per-channel mean and biased variance of x [N, C, H, W]. */
function channelStats(x: Float64Array, s: NormShape): { mean: number[]; vb: number[] } {
  const HW = s.H * s.W, M = s.N * HW, mean: number[] = [], vb: number[] = [];
  for (let c = 0; c < s.C; c++) {
    let sum = 0, ss = 0;
    for (let n = 0; n < s.N; n++) for (let i = 0; i < HW; i++) sum += x[(n * s.C + c) * HW + i];
    const m = sum / M;
    for (let n = 0; n < s.N; n++) {
      for (let i = 0; i < HW; i++) ss += (x[(n * s.C + c) * HW + i] - m) ** 2;
    }
    mean.push(m);
    vb.push(ss / M);
  }
  return { mean, vb };
}

for (const s of shapes) {
  const name = JSON.stringify(s);

  Deno.test(`batchNorm ref standard training gradcheck through batch stats: ${name}`, () => {
    const { x, mults, adds, r, running } = inputs(s, `standard ${name}`);
    const o: BatchNormOptions = { variant: "standard", training: true };
    const fwd = (xp: Float64Array, m: Float64Array, a: Float64Array) =>
      batchNormForwardRef(xp, { mults: m, adds: a }, clone(running), s, o);
    const { mean, rstd } = fwd(x, mults, adds);
    const { dx, dmults, dadds } = batchNormBackwardRef(x, r, { mults, mean, rstd }, s, o);
    // Perturbing x moves the batch mean and variance, so this checks the full formula.
    gradcheck((xp) => weightedSum(fwd(xp, mults, adds).y, r), x, dx, { what: "dx" });
    gradcheck((mp) => weightedSum(fwd(x, mp, adds).y, r), mults, dmults, { what: "dmults" });
    gradcheck((ap) => weightedSum(fwd(x, mults, ap).y, r), adds, dadds, { what: "dadds" });
    // With eps = 0, y is invariant to shifting or scaling a channel of x, so per channel
    // Σ dx = 0 and Σ dx·xhat = 0 (with eps > 0 only the first holds).
    const o0: BatchNormOptions = { ...o, eps: 0 };
    const c0 = batchNormForwardRef(x, { mults, adds }, clone(running), s, o0);
    const dx0 = batchNormBackwardRef(x, r, { mults, mean: c0.mean, rstd: c0.rstd }, s, o0).dx;
    const HW = s.H * s.W;
    for (let c = 0; c < s.C; c++) {
      let sum = 0, sum0 = 0, sumXhat0 = 0, scale = 0;
      for (let n = 0; n < s.N; n++) {
        for (let i = 0; i < HW; i++) {
          const j = (n * s.C + c) * HW + i;
          sum += dx[j];
          sum0 += dx0[j];
          sumXhat0 += dx0[j] * (x[j] - c0.mean[c]) * c0.rstd[c];
          scale += Math.abs(dx[j]) + Math.abs(dx0[j]);
        }
      }
      assertClose([sum, sum0, sumXhat0], [0, 0, 0], {
        atol: 1e-13 * (1 + scale),
        what: `Σdx, Σdx (eps 0), Σdx·xhat (eps 0), c=${c}`,
      });
    }
  });

  Deno.test(`batchNorm ref lesson training gradcheck with frozen batch stats: ${name}`, () => {
    const { x, mults, adds, r, running } = inputs(s, `lesson ${name}`);
    const o: BatchNormOptions = { variant: "lesson", training: true };
    const fwd = (xp: Float64Array, m: Float64Array, a: Float64Array) =>
      batchNormForwardRef(xp, { mults: m, adds: a }, clone(running), s, o);
    const { y, mean, rstd } = fwd(x, mults, adds);
    const { dx, dmults, dadds } = batchNormBackwardRef(x, r, { mults, mean, rstd }, s, o);
    // The lesson's backward treats m and v as constants: f uses the unperturbed x's statistics.
    const HW = s.H * s.W;
    const frozen = (xp: Float64Array) => {
      const out = new Float64Array(xp.length);
      for (let n = 0; n < s.N; n++) {
        for (let c = 0; c < s.C; c++) {
          for (let i = 0; i < HW; i++) {
            const j = (n * s.C + c) * HW + i;
            out[j] = (xp[j] - mean[c]) * rstd[c] * mults[c] + adds[c];
          }
        }
      }
      return out;
    };
    assertClose(frozen(x), y, { rtol: 1e-14, atol: 1e-14, what: "frozen forward at x" });
    gradcheck((xp) => weightedSum(frozen(xp), r), x, dx, { what: "dx" });
    gradcheck((mp) => weightedSum(fwd(x, mp, adds).y, r), mults, dmults, { what: "dmults" });
    gradcheck((ap) => weightedSum(fwd(x, mults, ap).y, r), adds, dadds, { what: "dadds" });
    // …and so differs from the true gradient through the statistics (this is the lesson's
    // simplification, not an accident).
    const fullGrad = (xp: Float64Array) => weightedSum(fwd(xp, mults, adds).y, r);
    throws(() => gradcheck(fullGrad, x, dx, { what: "dx through stats" }));
  });

  for (const variant of ["lesson", "standard"] as const) {
    Deno.test(`batchNorm ref ${variant} eval gradcheck with running stats: ${name}`, () => {
      const { x, mults, adds, r, running } = inputs(s, `eval ${variant} ${name}`);
      const o: BatchNormOptions = { variant, training: false };
      const before = clone(running);
      const fwd = (xp: Float64Array, m: Float64Array, a: Float64Array) =>
        batchNormForwardRef(xp, { mults: m, adds: a }, running, s, o);
      const { mean, rstd } = fwd(x, mults, adds);
      assertEquals(running, before, "eval leaves the running stats alone");
      assertEquals(mean, before.mean);
      assertClose(rstd, before.var.map((v) => 1 / Math.sqrt(v + 1e-5)), { rtol: 1e-15 });
      const { dx, dmults, dadds } = batchNormBackwardRef(x, r, { mults, mean, rstd }, s, o);
      gradcheck((xp) => weightedSum(fwd(xp, mults, adds).y, r), x, dx, { what: "dx" });
      gradcheck((mp) => weightedSum(fwd(x, mp, adds).y, r), mults, dmults, { what: "dmults" });
      gradcheck((ap) => weightedSum(fwd(x, mults, ap).y, r), adds, dadds, { what: "dadds" });
      assertEquals(running, before);
    });
  }

  Deno.test(`batchNorm ref standard output: per-channel mean = add, std ≈ mult: ${name}`, () => {
    const { x, mults, adds, running } = inputs(s, `moments ${name}`);
    const o: BatchNormOptions = { variant: "standard", training: true };
    const { y } = batchNormForwardRef(x, { mults, adds }, running, s, o);
    const st = channelStats(x, s), out = channelStats(y, s);
    assertClose(out.mean, adds, { atol: 1e-12, what: "mean of y" });
    // Exactly mult·√(vb/(vb + eps)); within eps/(2·vb) of mult itself.
    const std = out.vb.map(Math.sqrt);
    const expect = st.vb.map((v, c) => mults[c] * Math.sqrt(v / (v + 1e-5)));
    assertClose(std, expect, { rtol: 1e-12, what: "biased std of y" });
    for (let c = 0; c < s.C; c++) {
      const rel = Math.abs(std[c] / mults[c] - 1);
      if (!(rel <= 1e-5 / (2 * st.vb[c]) + 1e-12)) {
        throw new Error(`c=${c}: std ${std[c]} vs mult ${mults[c]}, vb ${st.vb[c]}`);
      }
    }
    // The lesson variant divides by the UNBIASED std, so its output's biased std is
    // mult·√(vb/(vb·M/(M − 1) + eps)) → mult·√((M − 1)/M) as eps → 0, not mult.
    const M = s.N * s.H * s.W;
    const lessonY = batchNormForwardRef(x, { mults, adds }, clone(running), s, {
      variant: "lesson",
      training: true,
    }).y;
    const lessonStd = channelStats(lessonY, s).vb.map(Math.sqrt);
    const lessonExpect = st.vb.map((v, c) => mults[c] * Math.sqrt(v / (v * M / (M - 1) + 1e-5)));
    assertClose(lessonStd, lessonExpect, { rtol: 1e-12, what: "lesson biased std of y" });
  });
}

Deno.test("batchNorm ref: running-stat updates after one step, by hand", () => {
  // One channel, M = 4 values: mean 3, Σ(x − m)² = 4 + 1 + 0 + 9 = 14,
  // unbiased var 14/3, biased var 14/4 = 3.5.
  const s: NormShape = { N: 2, C: 1, H: 1, W: 2 };
  const x = Float64Array.from([1, 2, 3, 6]);
  const params = { mults: Float64Array.from([1]), adds: Float64Array.from([0]) };
  for (const variant of ["lesson", "standard"] as const) {
    const running: RunningStats = { mean: Float64Array.from([0]), var: Float64Array.from([1]) };
    const { mean, rstd, y } = batchNormForwardRef(x, params, running, s, {
      variant,
      training: true,
    });
    // Both variants lerp the running var toward the UNBIASED variance, with momentum 0.1.
    assertClose(running.mean, [0.1 * 3], { rtol: 1e-15, what: `${variant} running mean` });
    assertClose(running.var, [1 + 0.1 * (14 / 3 - 1)], {
      rtol: 1e-15,
      what: `${variant} running var`,
    });
    assertEquals(Array.from(mean), [3]);
    // Normalising: the lesson uses the unbiased variance, standard the biased one.
    const v = variant === "lesson" ? 14 / 3 : 3.5;
    assertClose(rstd, [1 / Math.sqrt(v + 1e-5)], { rtol: 1e-15, what: `${variant} rstd` });
    assertClose(y, [-2, -1, 0, 3].map((d) => d / Math.sqrt(v + 1e-5)), {
      rtol: 1e-15,
      atol: 1e-15,
      what: `${variant} y`,
    });
    // A second step with momentum 0.5 and eps 0 lerps from where the first left off.
    batchNormForwardRef(Float64Array.from([0, 0, 0, 4]), params, running, s, {
      variant,
      training: true,
      momentum: 0.5,
      eps: 0,
    });
    // mean 1, Σ(x − m)² = 1 + 1 + 1 + 9 = 12, unbiased var 4.
    assertClose(running.mean, [0.3 + 0.5 * (1 - 0.3)], { rtol: 1e-15 });
    assertClose(running.var, [(1 + 0.1 * (14 / 3 - 1)) * 0.5 + 0.5 * 4], { rtol: 1e-15 });
  }
});

Deno.test("batchNorm ref: the lesson and standard dx differ, and agree in eval", () => {
  const s: NormShape = { N: 2, C: 2, H: 2, W: 3 };
  const { x, mults, adds, r, running } = inputs(s, "differ");
  const grads = (variant: "lesson" | "standard", training: boolean) => {
    const o: BatchNormOptions = { variant, training };
    const { mean, rstd } = batchNormForwardRef(x, { mults, adds }, clone(running), s, o);
    return batchNormBackwardRef(x, r, { mults, mean, rstd }, s, o);
  };
  notDeepStrictEqual(grads("lesson", true).dx, grads("standard", true).dx);
  assertEquals(grads("lesson", false), grads("standard", false));
});

Deno.test("batchNorm ref: M = 1 in training throws RangeError; eval allows it", () => {
  const s: NormShape = { N: 1, C: 3, H: 1, W: 1 };
  const x = Float64Array.from([1, 2, 3]);
  const params = { mults: new Float64Array(3).fill(1), adds: new Float64Array(3) };
  const running = (): RunningStats => ({
    mean: new Float64Array(3),
    var: new Float64Array(3).fill(1),
  });
  const isM1 = (e: unknown) => e instanceof RangeError && e.message.includes("M = N·H·W = 1");
  for (const variant of ["lesson", "standard"] as const) {
    const o: BatchNormOptions = { variant, training: true };
    throws(() => batchNormForwardRef(x, params, running(), s, o), isM1);
    const { y } = batchNormForwardRef(x, params, running(), s, { variant, training: false });
    assertClose(y, [1, 2, 3].map((v) => v / Math.sqrt(1 + 1e-5)), { rtol: 1e-15 });
  }
  const cache = { mults: params.mults, mean: new Float64Array(3), rstd: new Float64Array(3) };
  throws(
    () => batchNormBackwardRef(x, x, cache, s, { variant: "standard", training: true }),
    isM1,
  );
});

Deno.test("batchNorm ref: wrong lengths throw RangeError naming the argument", () => {
  const s: NormShape = { N: 2, C: 2, H: 1, W: 2 };
  const x = new Float64Array(8), c2 = () => new Float64Array(2), c3 = new Float64Array(3);
  const o: BatchNormOptions = { variant: "standard", training: true };
  const running = (): RunningStats => ({ mean: c2(), var: c2().fill(1) });
  const has = (text: string) => (e: unknown) => e instanceof RangeError && e.message.includes(text);
  throws(
    () => batchNormForwardRef(new Float64Array(7), { mults: c2(), adds: c2() }, running(), s, o),
    has("x has length 7"),
  );
  throws(
    () => batchNormForwardRef(x, { mults: c3, adds: c2() }, running(), s, o),
    has("params.mults has length 3"),
  );
  throws(
    () => batchNormForwardRef(x, { mults: c2(), adds: c2() }, { mean: c3, var: c2() }, s, o),
    has("running.mean has length 3"),
  );
  throws(
    () => batchNormBackwardRef(x, x, { mults: c2(), mean: c2(), rstd: c3 }, s, o),
    has("cache.rstd has length 3"),
  );
  throws(
    () =>
      batchNormBackwardRef(x, new Float64Array(9), { mults: c2(), mean: c2(), rstd: c2() }, s, o),
    has("dy has length 9"),
  );
});
