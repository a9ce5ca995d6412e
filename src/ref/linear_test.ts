import { AssertionError, deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { gradcheck, weightedSum } from "../../tests/gradcheck.ts";
import type { LinearShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import { linearBackwardRef, linearForwardRef } from "./linear.ts";

/** Asserts that fn throws a RangeError whose message contains `text`. */
function assertRangeError(fn: () => unknown, text: string): void {
  throws(fn, (e: unknown) => e instanceof RangeError && e.message.includes(text));
}

const shapes: LinearShape[] = [
  { N: 3, I: 7, O: 5 },
  { N: 1, I: 5, O: 3 },
  { N: 4, I: 1, O: 1 },
  { N: 5, I: 13, O: 10 },
];

for (const s of shapes) {
  Deno.test(`linear ref gradcheck dx, dw, db: ${JSON.stringify(s)}`, () => {
    const rng = new Rng(23).derive(JSON.stringify(s));
    const x = rng.fillNormal(new Float64Array(s.N * s.I)); // [N, I]
    const w = rng.fillNormal(new Float64Array(s.O * s.I)); // [O, I]
    const b = rng.fillNormal(new Float64Array(s.O)); // [O]
    const r = rng.fillNormal(new Float64Array(s.N * s.O)); // [N, O] = dy
    const { dx, dw, db } = linearBackwardRef(x, w, r, s);
    gradcheck((xp) => weightedSum(linearForwardRef(xp, w, b, s), r), x, dx, { what: "dx" });
    gradcheck((wp) => weightedSum(linearForwardRef(x, wp, b, s), r), w, dw, { what: "dw" });
    gradcheck((bp) => weightedSum(linearForwardRef(x, w, bp, s), r), b, db, { what: "db" });
  });
}

Deno.test("linear ref: hand-computed 2×3 · (2×3)ᵀ + b, and its backward", () => {
  const s: LinearShape = { N: 2, I: 3, O: 2 };
  const x = Float64Array.from([1, 2, 3, 4, 5, 6]); // [2, 3]
  const w = Float64Array.from([1, 0, -1, 0.5, 0.5, 0.5]); // [2, 3]
  const y = linearForwardRef(x, w, Float64Array.from([10, 20]), s);
  assertEquals(Array.from(y), [1 - 3 + 10, 3 + 20, 4 - 6 + 10, 7.5 + 20]);
  assertEquals(Array.from(linearForwardRef(x, w, null, s)), [-2, 3, -2, 7.5]);
  const { dx, dw, db } = linearBackwardRef(x, w, Float64Array.from([1, 2, 0, -2]), s);
  // dx = dy · w
  assertEquals(Array.from(dx), [1 + 1, 1, -1 + 1, -1, -1, -1]);
  // dw = dyᵀ · x
  assertEquals(Array.from(dw), [1, 2, 3, 2 - 8, 4 - 10, 6 - 12]);
  assertEquals(Array.from(db), [1, 0]);
});

Deno.test("linear ref: wrong lengths throw RangeError naming the argument", () => {
  const s: LinearShape = { N: 2, I: 3, O: 4 };
  const x = new Float64Array(6), w = new Float64Array(12);
  assertRangeError(() => linearForwardRef(new Float64Array(5), w, null, s), "x has length 5");
  assertRangeError(() => linearForwardRef(x, new Float64Array(3), null, s), "w has length 3");
  assertRangeError(() => linearForwardRef(x, w, new Float64Array(2), s), "b has length 2");
  assertRangeError(() => linearBackwardRef(x, w, new Float64Array(7), s), "dy has length 7");
});

Deno.test("gradcheck catches a wrong gradient and names the worst index", () => {
  const s: LinearShape = { N: 2, I: 3, O: 2 };
  const rng = new Rng(1);
  const x = rng.fillNormal(new Float64Array(6));
  const w = rng.fillNormal(new Float64Array(6));
  const r = rng.fillNormal(new Float64Array(4));
  const { dw } = linearBackwardRef(x, w, r, s);
  const f = (wp: Float64Array) => weightedSum(linearForwardRef(x, wp, null, s), r);
  gradcheck(f, w, dw, { what: "dw" });
  const wrong = Float64Array.from(dw);
  wrong[4] *= 1 + 1e-4; // a small relative error, far above the 1e-6 tolerance
  throws(
    () => gradcheck(f, w, wrong, { what: "dw" }),
    (e: unknown) => e instanceof AssertionError && /dw: 1 of 6 .*worst index 4/.test(e.message),
  );
  // A NaN in the analytic gradient fails too.
  wrong.set(dw);
  wrong[0] = NaN;
  throws(() => gradcheck(f, w, wrong), AssertionError);
  // The checker leaves x as it was.
  const w0 = Float64Array.from(w);
  gradcheck(f, w, dw);
  assertEquals(w, w0);
});
