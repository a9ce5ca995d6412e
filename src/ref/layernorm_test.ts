import { throws } from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { gradcheck, weightedSum } from "../../tests/gradcheck.ts";
import type { NormShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import { layerNormBackwardRef, layerNormForwardRef } from "./layernorm.ts";

const shapes: NormShape[] = [
  { N: 3, C: 2, H: 3, W: 2 },
  { N: 1, C: 1, H: 1, W: 2 }, // D = 2, the smallest item the unbiased variance allows
  { N: 2, C: 3, H: 1, W: 5 },
  { N: 4, C: 1, H: 3, W: 3 },
];

for (const s of shapes) {
  const name = JSON.stringify(s);
  const D = s.C * s.H * s.W;

  Deno.test(`layerNorm ref gradcheck dx, dmult, dadd through mean and var: ${name}`, () => {
    const rng = new Rng(37).derive(name);
    const x = rng.fillNormal(new Float64Array(s.N * D), -0.7, 1.8); // [N, C, H, W]
    const r = rng.fillNormal(new Float64Array(x.length)); // [N, C, H, W] = dy
    const mult = rng.uniform(0.5, 1.5), add = rng.normal();
    const fwd = (xp: Float64Array, m: number, a: number) =>
      layerNormForwardRef(xp, { mult: m, add: a }, s);
    const { mean, rstd } = fwd(x, mult, add);
    const { dx, dmult, dadd } = layerNormBackwardRef(x, r, { mult, mean, rstd }, s);
    gradcheck((xp) => weightedSum(fwd(xp, mult, add).y, r), x, dx, { what: "dx" });
    const scalar = (v: number) => Float64Array.of(v);
    gradcheck((mp) => weightedSum(fwd(x, mp[0], add).y, r), scalar(mult), [dmult], {
      what: "dmult",
    });
    gradcheck((ap) => weightedSum(fwd(x, mult, ap[0]).y, r), scalar(add), [dadd], {
      what: "dadd",
    });
    // y is invariant to shifting an item, so Σ dx = 0 per item.
    for (let n = 0; n < s.N; n++) {
      let sum = 0, scale = 0;
      for (let i = 0; i < D; i++) {
        sum += dx[n * D + i];
        scale += Math.abs(dx[n * D + i]);
      }
      assertClose([sum], [0], { atol: 1e-13 * (1 + scale), what: `Σdx, n=${n}` });
    }
  });

  Deno.test(`layerNorm ref forward: per-item mean of y = add, std from the unbiased var: ${name}`, () => {
    const rng = new Rng(41).derive(name);
    const x = rng.fillNormal(new Float64Array(s.N * D), 3, 0.5);
    const mult = 1.3, add = -0.25;
    const { y, mean, rstd } = layerNormForwardRef(x, { mult, add }, s);
    for (let n = 0; n < s.N; n++) {
      let sx = 0, sy = 0;
      for (let i = 0; i < D; i++) {
        sx += x[n * D + i];
        sy += y[n * D + i];
      }
      const mx = sx / D, my = sy / D;
      let ssx = 0, ssy = 0;
      for (let i = 0; i < D; i++) {
        ssx += (x[n * D + i] - mx) ** 2;
        ssy += (y[n * D + i] - my) ** 2;
      }
      assertClose([mean[n], rstd[n]], [mx, 1 / Math.sqrt(ssx / (D - 1) + 1e-5)], {
        rtol: 1e-13,
        what: `mean, rstd of item ${n}`,
      });
      assertClose([my], [add], { atol: 1e-13, what: `mean of y, item ${n}` });
      // The unbiased variance makes y's biased std mult·√((D − 1)/D) (up to eps), not mult.
      const expect = mult * Math.sqrt((ssx / D) / (ssx / (D - 1) + 1e-5));
      assertClose([Math.sqrt(ssy / D)], [expect], { rtol: 1e-12, what: `std of y, item ${n}` });
    }
  });
}

Deno.test("layerNorm ref: hand-computed 2-value items", () => {
  // Item [1, 3]: mean 2, unbiased var (1 + 1)/1 = 2. Item [5, 5]: var 0, so rstd = 1/√eps.
  const s: NormShape = { N: 2, C: 1, H: 1, W: 2 };
  const x = Float64Array.from([1, 3, 5, 5]);
  const { y, mean, rstd } = layerNormForwardRef(x, { mult: 2, add: 1 }, s);
  const r = 1 / Math.sqrt(2 + 1e-5);
  assertClose(mean, [2, 5], { rtol: 1e-15 });
  assertClose(rstd, [r, 1 / Math.sqrt(1e-5)], { rtol: 1e-15 });
  assertClose(y, [1 - 2 * r, 1 + 2 * r, 1, 1], { rtol: 1e-15 });
  // A custom eps.
  const y1 = layerNormForwardRef(x, { mult: 1, add: 0 }, s, { eps: 2 }).y;
  assertClose(y1, [-0.5, 0.5, 0, 0], { rtol: 1e-15 });
  // dy = [1, 0, 0, 0]: dadd = 1, dmult = xhat[0] = −r.
  const { dmult, dadd } = layerNormBackwardRef(x, Float64Array.from([1, 0, 0, 0]), {
    mult: 2,
    mean,
    rstd,
  }, s);
  assertClose([dmult, dadd], [-r, 1], { rtol: 1e-15 });
});

Deno.test("layerNorm ref: D = 1 throws RangeError; wrong lengths name the argument", () => {
  const has = (text: string) => (e: unknown) => e instanceof RangeError && e.message.includes(text);
  const one: NormShape = { N: 3, C: 1, H: 1, W: 1 };
  throws(
    () => layerNormForwardRef(new Float64Array(3), { mult: 1, add: 0 }, one),
    has("D = C·H·W = 1"),
  );
  const cache1 = { mult: 1, mean: new Float64Array(3), rstd: new Float64Array(3) };
  const x3 = new Float64Array(3);
  throws(() => layerNormBackwardRef(x3, x3, cache1, one), has("D = C·H·W = 1"));
  const s: NormShape = { N: 2, C: 1, H: 2, W: 2 };
  const x = new Float64Array(8),
    cache = { mult: 1, mean: new Float64Array(2), rstd: new Float64Array(2) };
  throws(
    () => layerNormForwardRef(new Float64Array(7), { mult: 1, add: 0 }, s),
    has("x has length 7"),
  );
  throws(() => layerNormBackwardRef(x, new Float64Array(9), cache, s), has("dy has length 9"));
  throws(
    () => layerNormBackwardRef(x, x, { ...cache, rstd: new Float64Array(1) }, s),
    has("cache.rstd has length 1"),
  );
});
