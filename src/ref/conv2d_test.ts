import { deepStrictEqual as assertEquals, throws } from "node:assert/strict";
import { gradcheck, weightedSum } from "../../tests/gradcheck.ts";
import { assertClose } from "../../tests/assert_close.ts";
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import { conv2dBackwardRef, conv2dForwardRef } from "./conv2d.ts";

/** Asserts that fn throws a RangeError whose message contains `text`. */
function assertRangeError(fn: () => unknown, text: string): void {
  throws(fn, (e: unknown) => e instanceof RangeError && e.message.includes(text));
}

const shapes: Conv2dShape[] = [
  { N: 2, C: 3, H: 7, W: 7, F: 5, K: 3, S: 2, P: 1 }, // the lesson's conv
  { N: 2, C: 2, H: 6, W: 5, F: 3, K: 5, S: 1, P: 2 },
  { N: 3, C: 3, H: 4, W: 5, F: 2, K: 1, S: 1, P: 0 },
  { N: 2, C: 2, H: 6, W: 7, F: 3, K: 3, S: 1, P: 0 },
  { N: 1, C: 1, H: 5, W: 9, F: 3, K: 3, S: 2, P: 1 }, // N = 1, C = 1, H ≠ W
  { N: 1, C: 2, H: 8, W: 5, F: 1, K: 3, S: 3, P: 2 }, // stride > kernel reach, big pad, F = 1
];

for (const s of shapes) {
  Deno.test(`conv2d ref gradcheck dx, dw, db: ${JSON.stringify(s)}`, () => {
    const rng = new Rng(17).derive(JSON.stringify(s));
    const { OH, OW } = conv2dOutSize(s);
    const x = rng.fillNormal(new Float64Array(s.N * s.C * s.H * s.W)); // [N, C, H, W]
    const w = rng.fillNormal(new Float64Array(s.F * s.C * s.K * s.K)); // [F, C, K, K]
    const b = rng.fillNormal(new Float64Array(s.F)); // [F]
    const r = rng.fillNormal(new Float64Array(s.N * s.F * OH * OW)); // [N, F, OH, OW] = dout
    const { dx, dw, db } = conv2dBackwardRef(x, w, r, s);
    // L is linear in each argument, so the central difference is exact up to rounding.
    gradcheck((xp) => weightedSum(conv2dForwardRef(xp, w, b, s), r), x, dx, { what: "dx" });
    gradcheck((wp) => weightedSum(conv2dForwardRef(x, wp, b, s), r), w, dw, { what: "dw" });
    gradcheck((bp) => weightedSum(conv2dForwardRef(x, w, bp, s), r), b, db, { what: "db" });
    // A null bias is the same as a zero bias.
    assertEquals(
      conv2dForwardRef(x, w, null, s),
      conv2dForwardRef(x, w, new Float64Array(s.F), s),
    );
  });
}

Deno.test("conv2d ref: hand-computed 1×1×3×3 input, 3×3 kernel, P = 1", () => {
  const s: Conv2dShape = { N: 1, C: 1, H: 3, W: 3, F: 1, K: 3, S: 1, P: 1 };
  const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // [1, 1, 3, 3]
  // A kernel that picks (centre) + 10·(right neighbour) + 100·(lower neighbour).
  const w = Float64Array.from([0, 0, 0, 0, 1, 10, 0, 100, 0]); // [1, 1, 3, 3]
  const y = conv2dForwardRef(x, w, Float64Array.from([0.5]), s);
  // out[y][x] = x[y][x] + 10·x[y][x+1] + 100·x[y+1][x] + 0.5, padding with zeros.
  const expect = [
    [1 + 20 + 400, 2 + 30 + 500, 3 + 0 + 600],
    [4 + 50 + 700, 5 + 60 + 800, 6 + 0 + 900],
    [7 + 80 + 0, 8 + 90 + 0, 9 + 0 + 0],
  ].flat().map((v) => v + 0.5);
  assertEquals(Array.from(y), expect);
  // Stride 2 keeps the corners of the 3×3 output.
  const y2 = conv2dForwardRef(x, w, null, { ...s, S: 2 });
  assertEquals(Array.from(y2), [421, 603, 87, 9]);
});

Deno.test("conv2d ref: hand-computed backward of a 1×1×2×2 input, K = 2, two filters", () => {
  const s: Conv2dShape = { N: 1, C: 1, H: 2, W: 2, F: 2, K: 2, S: 1, P: 0 };
  const x = Float64Array.from([1, 2, 3, 4]);
  const w = Float64Array.from([1, 0, 0, -1, 2, 2, 2, 2]); // [2, 1, 2, 2]
  assertEquals(Array.from(conv2dForwardRef(x, w, null, s)), [1 - 4, 20]);
  const { dx, dw, db } = conv2dBackwardRef(x, w, Float64Array.from([3, 0.5]), s);
  assertEquals(Array.from(dx), [3 + 1, 1, 1, -3 + 1]);
  assertEquals(Array.from(dw), [3, 6, 9, 12, 0.5, 1, 1.5, 2]);
  assertEquals(Array.from(db), [3, 0.5]);
});

Deno.test("conv2d ref: K3 S2 P1 output sizes 28→14→7→4→2→1, and the forward agrees", () => {
  const sizes = [28];
  while (sizes.length < 6) {
    const H = sizes[sizes.length - 1];
    sizes.push(conv2dOutSize({ N: 1, C: 1, H, W: H, F: 1, K: 3, S: 2, P: 1 }).OH);
  }
  assertEquals(sizes, [28, 14, 7, 4, 2, 1]);
  const rng = new Rng(3);
  for (const H of [28, 7, 2]) {
    const s: Conv2dShape = { N: 1, C: 1, H, W: H, F: 1, K: 3, S: 2, P: 1 };
    const y = conv2dForwardRef(
      rng.fillNormal(new Float64Array(H * H)),
      new Float64Array(9),
      null,
      s,
    );
    const OH = conv2dOutSize(s).OH;
    assertEquals(y.length, OH * OH);
  }
});

Deno.test("conv2d ref: a 1×1 kernel is a per-pixel matmul over channels", () => {
  const s: Conv2dShape = { N: 2, C: 3, H: 2, W: 3, F: 2, K: 1, S: 1, P: 0 };
  const rng = new Rng(5);
  const x = rng.fillNormal(new Float64Array(2 * 3 * 6));
  const w = rng.fillNormal(new Float64Array(2 * 3));
  const y = conv2dForwardRef(x, w, null, s);
  const expect = new Float64Array(2 * 2 * 6);
  for (let n = 0; n < 2; n++) {
    for (let f = 0; f < 2; f++) {
      for (let p = 0; p < 6; p++) {
        for (let c = 0; c < 3; c++) {
          expect[(n * 2 + f) * 6 + p] += w[f * 3 + c] * x[(n * 3 + c) * 6 + p];
        }
      }
    }
  }
  assertClose(y, expect, { rtol: 1e-15, atol: 1e-15, what: "1×1 conv" });
});

Deno.test("conv2d ref: wrong lengths throw RangeError naming the argument", () => {
  const s: Conv2dShape = { N: 1, C: 2, H: 3, W: 3, F: 2, K: 3, S: 1, P: 1 };
  const x = new Float64Array(18), w = new Float64Array(36);
  assertRangeError(
    () => conv2dForwardRef(new Float64Array(17), w, null, s),
    "x has length 17",
  );
  assertRangeError(
    () => conv2dForwardRef(x, new Float64Array(35), null, s),
    "w has length",
  );
  assertRangeError(() => conv2dForwardRef(x, w, new Float64Array(3), s), "b has length");
  assertRangeError(
    () => conv2dBackwardRef(x, w, new Float64Array(17), s),
    "dout has length",
  );
  assertRangeError(() => conv2dForwardRef(x, w, null, { ...s, K: 7 }), "output would be");
});
