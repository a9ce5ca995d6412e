import assert from "node:assert/strict";
import { Slab } from "../../tests/slab.ts";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { softmaxCrossEntropyRef } from "../ref/cross_entropy.ts";
import type { LogitsShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  type CrossEntropyKernels,
  crossEntropyKernels,
  type CrossEntropyTuning,
  recordSoftmaxCrossEntropy,
} from "./cross_entropy.ts";

// Tolerances:
// - per-row loss = log Σexp(z − max) − (z_label − max): a few roundings of |loss| and log K plus
//   exp's error (WGSL allows 3 + 2|x| ulp; only matters where exp(x) is not negligible), summed
//   over ≤ 1024 rows in a fixed tree: totals[0] atol 1e-5·Σ(|loss_n| + 1); the batch mean the
//   same divided by N.
// - dlogits = (p − onehot)/N: p to ~1e-6 relative (exp), so atol 2e-6/N + rtol 1e-5.
// - correct count, N, batch count: exact (small integers in f32).
const REL = 1e-5;

const TUNINGS: CrossEntropyTuning[] = [{}, { workgroupSize: 32, fanIn: 2 }, {
  workgroupSize: 256,
  fanIn: 4,
}];

interface Batch {
  logits: Float32Array; // [N, K]
  labels: Uint32Array; // [N]
}

/** Random logits at `scale`, with some rows holding ties (equal maxima) for the argmax rule. */
function makeBatch(rng: Rng, s: LogitsShape, scale: number, ties: boolean): Batch {
  const logits = rng.fillNormal(new Float32Array(s.N * s.K), 0, scale);
  const labels = Uint32Array.from({ length: s.N }, () => rng.int(s.K));
  if (ties && s.K >= 3) {
    for (let n = 0; n < s.N; n += 3) {
      const row = logits.subarray(n * s.K, (n + 1) * s.K);
      if (n % 2 === 0) {
        row.fill(Math.fround(0.75)); // all equal: only label 0 counts as correct
      } else {
        const [a, b] = [rng.int(s.K), rng.int(s.K)];
        const top = Math.fround(Math.max(...row) + 1);
        row[a] = top;
        row[b] = top; // two maxima: the first index wins
      }
      labels[n] = rng.int(2) === 0 ? 0 : rng.int(s.K);
    }
  }
  return { logits, labels };
}

interface Case {
  what: string;
  k: CrossEntropyKernels;
  s: LogitsShape;
  batches: [Batch, Batch];
  withOutputs: boolean;
  totals0: Float32Array;
  h: Record<string, number>;
  labelsAt: [number, number];
}

Deno.test({
  name: "softmax cross-entropy matches float64 and accumulates totals over two batches",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(31);
    const shapes: [LogitsShape, number, boolean][] = [
      [{ N: 1, K: 10 }, 1, false], // N = 1
      [{ N: 1, K: 10 }, 1, true], // a row of ties
      [{ N: 37, K: 3 }, 2, true],
      [{ N: 5, K: 1 }, 1, false], // one class: loss 0, always correct
      [{ N: 130, K: 10 }, 1, true],
      [{ N: 65, K: 10 }, 1000, false], // large logits: exp underflows except at the max
      [{ N: 1024, K: 10 }, 3, true], // the lesson's batch
      [{ N: 7, K: 1000 }, 30, false],
    ];
    const inputs = new Slab(), outputs = new Slab();
    const labelWords: number[] = [];
    const cases: Case[] = [];
    for (const tuning of TUNINGS) {
      const k = await crossEntropyKernels(gpu, tuning);
      for (const [s, scale, ties] of shapes) {
        for (const withOutputs of [true, false]) {
          const batches: [Batch, Batch] = [
            makeBatch(rng, s, scale, ties),
            makeBatch(rng, s, scale, ties),
          ];
          const totals0 = Float32Array.of(1.5, 2, 3, 4); // accumulated onto
          const h: Record<string, number> = {
            z0: inputs.put(batches[0].logits, [s.N, s.K]),
            z1: inputs.put(batches[1].logits, [s.N, s.K]),
            dz0: outputs.nan([s.N, s.K]),
            dz1: outputs.nan([s.N, s.K]),
            loss: outputs.nan([1]),
            totals: outputs.put(totals0),
          };
          const labelsAt: [number, number] = [0, 0];
          for (const i of [0, 1]) {
            labelsAt[i] = labelWords.length;
            labelWords.push(...batches[i].labels);
            while (labelWords.length % 64 !== 0) labelWords.push(0xdeadbeef);
          }
          const what = `${JSON.stringify(s)} scale ${scale} ties ${ties} outputs ${withOutputs} ` +
            JSON.stringify(tuning);
          cases.push({ what, k, s, batches, withOutputs, totals0, h, labelsAt });
        }
      }
    }
    inputs.upload(gpu, "ce logits");
    outputs.upload(gpu, "ce outputs");
    const labels = gpu.upload(Uint32Array.from(labelWords), [labelWords.length], {
      dtype: "u32",
      label: "ce labels",
    });
    const rec = gpu.recorder("cross entropy test");
    for (const { k, s, withOutputs, h, labelsAt } of cases) {
      for (const i of [0, 1]) {
        recordSoftmaxCrossEntropy(rec, k, {
          logits: inputs.t(h[`z${i}`]),
          labels: labels.slice(labelsAt[i], [s.N]),
          dlogits: withOutputs ? outputs.t(h[`dz${i}`]) : null,
          batchLoss: withOutputs ? outputs.t(h.loss) : null,
          totals: outputs.t(h.totals),
        }, s);
      }
    }
    rec.submit();
    const get = await outputs.read(gpu);
    for (const c of cases) {
      const refs = c.batches.map((b) =>
        softmaxCrossEntropyRef(Float64Array.from(b.logits), b.labels, c.s)
      );
      let lossMag = 0;
      for (const r of refs) for (const l of r.losses) lossMag += Math.abs(l) + 1;
      const totals = get(c.h.totals);
      const expected = [
        c.totals0[0] + refs[0].loss * c.s.N + refs[1].loss * c.s.N,
        c.totals0[1] + refs[0].correct + refs[1].correct,
        c.totals0[2] + 2 * c.s.N,
        c.totals0[3] + 2,
      ];
      assertClose(totals.subarray(0, 1), expected.slice(0, 1), {
        atol: REL * lossMag + 2e-7,
        what: `totals[0] ${c.what}`,
      });
      assert.deepEqual([...totals.subarray(1)], expected.slice(1), `totals[1..3] ${c.what}`);
      for (const i of [0, 1]) {
        const dz = get(c.h[`dz${i}`]);
        if (!c.withOutputs) {
          assert.ok(dz.every(Number.isNaN), `dlogits written although null: ${c.what}`);
          continue;
        }
        assertClose(dz, refs[i].dlogits, {
          atol: 2e-6 / c.s.N,
          rtol: REL,
          what: `dlogits${i} ${c.what}`,
        });
      }
      const loss = get(c.h.loss);
      if (c.withOutputs) {
        // The batch loss is overwritten: it holds the second batch's mean.
        let mag = 0;
        for (const l of refs[1].losses) mag += Math.abs(l) + 1;
        assertClose(loss, [refs[1].loss], { atol: (REL * mag) / c.s.N, what: `loss ${c.what}` });
      } else {
        assert.ok(Number.isNaN(loss[0]), `batchLoss written although null: ${c.what}`);
      }
    }
    for (const t of [labels]) gpu.destroy(t);
    inputs.destroy(gpu);
    outputs.destroy(gpu);
  },
});

Deno.test({
  name: "softmax cross-entropy: a label ≥ K gives NaN, not an out-of-bounds read",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await crossEntropyKernels(gpu);
    const s = { N: 2, K: 3 };
    const logits = gpu.upload(Float32Array.of(1, 2, 3, 3, 2, 1), [2, 3], { dtype: "f32" });
    const labels = gpu.upload(Uint32Array.of(2, 3), [2], { dtype: "u32" });
    const out = new Slab();
    const [hd, hl, ht] = [out.nan([2, 3]), out.nan([1]), out.put([0, 0, 0, 0])];
    out.upload(gpu, "ce bad label");
    const rec = gpu.recorder("ce bad label");
    recordSoftmaxCrossEntropy(rec, k, {
      logits,
      labels,
      dlogits: out.t(hd),
      batchLoss: out.t(hl),
      totals: out.t(ht),
    }, s);
    rec.submit();
    const get = await out.read(gpu);
    assert.ok(get(hd).subarray(0, 3).every(Number.isFinite), "the valid row stays finite");
    assert.ok(get(hd).subarray(3).every(Number.isNaN), "the bad row is NaN");
    assert.ok(Number.isNaN(get(hl)[0]) && Number.isNaN(get(ht)[0]));
    assert.deepEqual([...get(ht).subarray(1)], [1, 2, 1]);
    for (const t of [logits, labels]) gpu.destroy(t);
    out.destroy(gpu);
  },
});

Deno.test({
  name: "softmax cross-entropy launcher refuses wrong sizes and dtypes, naming the tensor",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await crossEntropyKernels(gpu);
    const s = { N: 4, K: 10 };
    const logits = gpu.tensor([4, 10], { label: "logits" });
    const labels = gpu.tensor([4], { dtype: "u32", label: "labels" });
    const flabels = gpu.tensor([4], { label: "flabels" });
    const totals = gpu.tensor([4], { label: "totals" });
    const t = { logits, labels, dlogits: logits, batchLoss: null, totals };
    const rec = gpu.recorder("bad ce");
    assert.throws(
      () => recordSoftmaxCrossEntropy(rec, k, t, { N: 5, K: 10 }),
      /logits logits\[4×10\] f32 must be f32 with 50 elements/,
    );
    assert.throws(
      () => recordSoftmaxCrossEntropy(rec, k, { ...t, labels: flabels as never }, s),
      /labels flabels\[4\] f32 must be u32/,
    );
    assert.throws(
      () => recordSoftmaxCrossEntropy(rec, k, { ...t, batchLoss: totals }, s),
      /batchLoss totals\[4\]/,
    );
    for (const u of [logits, labels, flabels, totals]) gpu.destroy(u);
  },
});
