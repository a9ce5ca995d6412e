import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import { gradcheck, weightedSum } from "../../tests/gradcheck.ts";
import { Rng } from "../util/rng.ts";
import type { GeneralReluOptions } from "../shapes.ts";
import { generalReluBackwardRef, generalReluForwardRef } from "./activations.ts";

const lesson: GeneralReluOptions = { leak: 0.1, sub: 0.4, maxv: null };

Deno.test("generalRelu ref: the lesson's (0.1, 0.4, null) forward", () => {
  const x = Float64Array.from([-3, -0.5, -1e-9, 0, 1e-9, 0.4, 2.5, 100]);
  const y = generalReluForwardRef(x, lesson);
  for (let i = 0; i < x.length; i++) {
    const expect = x[i] >= 0 ? x[i] - 0.4 : 0.1 * x[i] - 0.4;
    assertEquals(y[i], expect, `x = ${x[i]}`);
  }
  assertEquals(Array.from(generalReluForwardRef(Float64Array.from([-2, 3]), lesson)), [
    0.1 * -2 - 0.4,
    3 - 0.4,
  ]);
});

Deno.test("generalRelu ref: plain ReLU, sub only, and the maxv clamp", () => {
  const x = Float64Array.from([-2, -0, 0, 0.5, 3, 7]);
  assertEquals(Array.from(generalReluForwardRef(x)), [0, 0, 0, 0.5, 3, 7]);
  assertEquals(Array.from(generalReluForwardRef(x, { sub: 0.5 })), [-0.5, -0.5, -0.5, 0, 2.5, 6.5]);
  assertEquals(Array.from(generalReluForwardRef(x, { maxv: 2 })), [0, 0, 0, 0.5, 2, 2]);
  // The clamp applies after the shift: t = x − 0.4 is clamped at 6, so x = 6.4 lands exactly on 6.
  const y = generalReluForwardRef(Float64Array.from([-10, 5, 6.4, 8]), { ...lesson, maxv: 6 });
  assertEquals(Array.from(y), [0.1 * -10 - 0.4, 5 - 0.4, 6.4 - 0.4, 6]);
  // maxv clamps every value, whichever branch it came from.
  assertEquals(Array.from(generalReluForwardRef(Float64Array.from([-5, 1]), { maxv: -1 })), [
    -1,
    -1,
  ]);
});

Deno.test("generalRelu ref backward: the x == 0 and t == maxv conventions", () => {
  const dy = Float64Array.from([2, 2, 2]);
  const zeros = Float64Array.from([0, -0, 1e-300]);
  // x == 0 (either sign) takes the leak slope, or 0 for plain ReLU; x > 0 takes 1.
  assertEquals(Array.from(generalReluBackwardRef(zeros, dy, lesson)), [0.2, 0.2, 2]);
  assertEquals(Array.from(generalReluBackwardRef(zeros, dy)), [0, 0, 2]);
  assertEquals(Array.from(generalReluBackwardRef(zeros, dy, { sub: 0.4 })), [0, 0, 2]);
  // t == maxv passes the gradient (t ≤ maxv); t > maxv blocks it. x = 2.5 gives t = 2.5 − 0.5 = 2.
  const at = Float64Array.from([2.5, 2.5 + 1e-12, -3]);
  assertEquals(
    Array.from(generalReluBackwardRef(at, dy, { leak: 0.1, sub: 0.5, maxv: 2 })),
    [2, 0, 0.2],
  );
  // A maxv below the leaky branch's values blocks the negative side too (t = −0.3 − 0.5 > −1).
  assertEquals(
    Array.from(generalReluBackwardRef(Float64Array.from([-3, -20]), dy.subarray(0, 2), {
      leak: 0.1,
      sub: 0.5,
      maxv: -1,
    })),
    [0, 0.2],
  );
});

const settings: GeneralReluOptions[] = [
  {},
  lesson,
  { leak: 0.1, sub: 0.4, maxv: 1.5 },
  { maxv: 0.7 },
  { sub: 0.3 },
  { leak: 0.01 },
  { leak: -0.2, sub: null, maxv: 0.9 },
];

for (const o of settings) {
  Deno.test(`generalRelu ref gradcheck away from kinks: ${JSON.stringify(o)}`, () => {
    const rng = new Rng(29).derive(JSON.stringify(o));
    const leak = o.leak ?? null, sub = o.sub ?? 0, maxv = o.maxv ?? null;
    const x = new Float64Array(257); // odd size, any shape
    for (let i = 0; i < x.length; i++) {
      // Redraw until x is ≥ 1e-3 from the kink at 0 and t is ≥ 1e-3 from maxv, so that
      // x ± h (h = 1e-6) stays on one smooth piece.
      for (;;) {
        const v = rng.uniform(-3, 3);
        const t = (leak != null ? (v >= 0 ? v : leak * v) : Math.max(v, 0)) - sub;
        if (Math.abs(v) > 1e-3 && (maxv == null || Math.abs(t - maxv) > 1e-3)) {
          x[i] = v;
          break;
        }
      }
    }
    const r = rng.fillNormal(new Float64Array(x.length));
    const dx = generalReluBackwardRef(x, r, o);
    gradcheck((xp) => weightedSum(generalReluForwardRef(xp, o), r), x, dx, { what: "dx" });
    // The draw covers both sides of 0 and, with a clamp, both sides of maxv.
    ok(x.some((v) => v < 0) && x.some((v) => v > 0));
    if (maxv != null) {
      const y = generalReluForwardRef(x, o);
      ok(y.some((v) => v === maxv) && y.some((v) => v < maxv), "both sides of maxv");
    }
  });
}

Deno.test("generalRelu ref: bad arguments throw RangeError", () => {
  const x = new Float64Array(3);
  throws(
    () => generalReluBackwardRef(x, new Float64Array(2)),
    (e: unknown) => e instanceof RangeError && e.message.includes("dy has length 2"),
  );
  throws(
    () => generalReluForwardRef(x, { leak: NaN }),
    (e: unknown) => e instanceof RangeError && e.message.includes("leak"),
  );
});
