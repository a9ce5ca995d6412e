import { deepStrictEqual as assertEquals, ok, throws } from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { gradcheck } from "../../tests/gradcheck.ts";
import type { LogitsShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import { softmaxCrossEntropyRef } from "./cross_entropy.ts";

function labelsFor(rng: Rng, s: LogitsShape): Uint32Array {
  const labels = new Uint32Array(s.N);
  for (let n = 0; n < s.N; n++) labels[n] = rng.int(s.K);
  return labels;
}

for (const s of [{ N: 5, K: 10 }, { N: 1, K: 3 }, { N: 7, K: 2 }, { N: 3, K: 1 }]) {
  Deno.test(`softmaxCrossEntropy ref gradcheck of the mean loss: ${JSON.stringify(s)}`, () => {
    const rng = new Rng(43).derive(JSON.stringify(s));
    const logits = rng.fillNormal(new Float64Array(s.N * s.K), 0, 3); // [N, K]
    const labels = labelsFor(rng, s);
    const { loss, losses, dlogits } = softmaxCrossEntropyRef(logits, labels, s);
    gradcheck((z) => softmaxCrossEntropyRef(z, labels, s).loss, logits, dlogits, {
      what: "dlogits",
    });
    assertClose([loss], [losses.reduce((a, b) => a + b, 0) / s.N], { rtol: 1e-15 });
    // Each row of dlogits sums to 0 (softmax sums to 1, the one-hot to 1).
    for (let n = 0; n < s.N; n++) {
      const row = dlogits.subarray(n * s.K, (n + 1) * s.K);
      assertClose([row.reduce((a, b) => a + b, 0)], [0], {
        atol: 1e-15,
        what: `Σ dlogits row ${n}`,
      });
    }
  });
}

Deno.test("softmaxCrossEntropy ref: hand-computed K = 2 and uniform logits give ln K", () => {
  // Logits [0, ln 3]: softmax [1/4, 3/4].
  const z = Float64Array.from([0, Math.log(3), 0, Math.log(3)]);
  const r = softmaxCrossEntropyRef(z, [1, 0], { N: 2, K: 2 });
  assertClose(r.losses, [Math.log(4 / 3), Math.log(4)], { rtol: 1e-15 });
  assertClose(r.dlogits, [0.25 / 2, -0.25 / 2, (0.25 - 1) / 2, 0.75 / 2], { rtol: 1e-15 });
  assertEquals(r.correct, 1);
  for (const K of [1, 2, 10, 37]) {
    const u = softmaxCrossEntropyRef(new Float64Array(3 * K).fill(2.5), [0, K - 1, 0], {
      N: 3,
      K,
    });
    assertClose([u.loss], [Math.log(K)], { rtol: 1e-15, atol: 1e-15, what: `uniform K=${K}` });
  }
});

Deno.test("softmaxCrossEntropy ref: stable for logits around ±1000", () => {
  const s: LogitsShape = { N: 4, K: 10 };
  const rng = new Rng(47);
  const z = rng.fillNormal(new Float64Array(s.N * s.K), 0, 2);
  const labels = labelsFor(rng, s);
  const base = softmaxCrossEntropyRef(z, labels, s);
  for (const shift of [1000, -1000, 1e5]) {
    const r = softmaxCrossEntropyRef(z.map((v) => v + shift), labels, s);
    ok(
      Number.isFinite(r.loss) && r.losses.every(Number.isFinite) &&
        r.dlogits.every(Number.isFinite),
    );
    // Softmax is shift-invariant, so only the rounding of z + shift differs.
    assertClose(r.losses, base.losses, { atol: 1e-10 * Math.abs(shift), what: `shift ${shift}` });
    assertClose(r.dlogits, base.dlogits, { atol: 1e-10 * Math.abs(shift), what: `shift ${shift}` });
  }
  // A row with one logit 1000 above the rest: loss 0 for its argmax label, 1000 otherwise.
  const big = softmaxCrossEntropyRef(Float64Array.from([1000, 0, 0, 1000, 0, 0]), [0, 1], {
    N: 2,
    K: 3,
  });
  assertEquals(Array.from(big.losses), [0, 1000]);
  assertEquals(Array.from(big.dlogits), [0, 0, 0, 0.5, -0.5, 0]);
});

Deno.test("softmaxCrossEntropy ref: correct counts argmax hits, the first max winning ties", () => {
  const s: LogitsShape = { N: 5, K: 3 };
  const z = Float64Array.from([
    1,
    3,
    3, // tie between 1 and 2: argmax 1
    1,
    3,
    3,
    7,
    7,
    7, // all tied: argmax 0
    7,
    7,
    7,
    -1,
    -2,
    0.5, // plain argmax 2
  ]);
  assertEquals(softmaxCrossEntropyRef(z, [1, 2, 0, 2, 2], s).correct, 3);
  assertEquals(softmaxCrossEntropyRef(z, [2, 2, 1, 2, 0], s).correct, 0);
});

Deno.test("softmaxCrossEntropy ref: bad labels and lengths throw RangeError", () => {
  const s: LogitsShape = { N: 2, K: 3 };
  const z = new Float64Array(6);
  const has = (text: string) => (e: unknown) => e instanceof RangeError && e.message.includes(text);
  throws(() => softmaxCrossEntropyRef(new Float64Array(5), [0, 0], s), has("logits has length 5"));
  throws(() => softmaxCrossEntropyRef(z, [0], s), has("labels has length 1"));
  throws(() => softmaxCrossEntropyRef(z, [0, 3], s), has("labels[1] = 3"));
  throws(() => softmaxCrossEntropyRef(z, [0.5, 0], s), has("labels[0] = 0.5"));
});
