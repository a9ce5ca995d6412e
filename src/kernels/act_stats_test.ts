import assert from "node:assert/strict";
import { ADAPTER_VARIANTS } from "./adapter_variants.ts";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { actStatsRef } from "../ref/act_stats.ts";
import { Rng } from "../util/rng.ts";
import {
  ACT_STATS_BINS,
  ACT_STATS_WIDTH,
  actStatsKernels,
  type ActStatsTuning,
  recordActStats,
} from "./act_stats.ts";

/** The f32 just below a positive f32 `v`. */
function below(v: number): number {
  const b = new Float32Array([v]);
  new Uint32Array(b.buffer)[0]--;
  return b[0];
}

/** Values at and just below every bin edge 0.25·k, both signs, plus |x| = 10 and beyond. */
function edges(): number[] {
  const out: number[] = [0, -0];
  for (let k = 1; k <= 40; k++) {
    const e = 0.25 * k;
    out.push(e, -e, below(e), -below(e));
  }
  out.push(10, -10, 10.000001, -10.5, 11, 1e6, -3e7);
  return out;
}

/** Random values spread over the histogram's range and a little beyond, with edges mixed in. */
function mixed(rng: Rng, L: number, scale: number, offset = 0): Float32Array {
  const x = new Float32Array(L);
  for (let i = 0; i < L; i++) x[i] = offset + rng.normal(0, scale);
  const e = edges();
  for (let i = 0; i < Math.min(e.length, L); i++) x[rng.int(L)] = e[i];
  return x;
}

interface Case {
  what: string;
  x: Float32Array;
  shape: number[];
}

function cases(rng: Rng): Case[] {
  const c = (what: string, x: Float32Array, shape = [x.length]) => ({ what, x, shape });
  return [
    c("2 values", Float32Array.of(-1.5, 3.25)),
    c("3 values", Float32Array.of(0.25, 10, 10.5)),
    c("edges only", Float32Array.from(edges())),
    c("7 values", mixed(rng, 7, 3)),
    c("odd 3×7×11×13", mixed(rng, 3 * 7 * 11 * 13, 4), [3, 7, 11, 13]),
    c("multiple of 4, 5×4×9×9", mixed(rng, 5 * 4 * 9 * 9, 2.5), [5, 4, 9, 9]),
    c("odd 100003, offset 5", mixed(rng, 100003, 1, 5)),
    c("4096·3 + 1", mixed(rng, 4096 * 3 + 1, 6)),
    c("negative only", mixed(rng, 999, 1, -4).map((v) => -Math.abs(v))),
    c("constant", new Float32Array(1000).fill(0.7)),
    c("1024×8×14×14", mixed(rng, 1024 * 8 * 14 * 14, 1), [1024, 8, 14, 14]),
  ];
}

// Tolerances: the kernel sums in f32: ≤ 128 sequential adds per invocation, Chan merges in a fixed
// tree, and in pass 2 each invocation merges G/WG chunk summaries in sequence (1255 for the
// 1.6M-value case at WG 16 × PER 5). Its rounding grows with those runs: measured ≤ 1e-7 relative
// at the default tuning and 3.2e-6 for that case (std dominated by a −3e7 outlier), so 1e-5 of
// mean|x| (mean) and of the std (std) leaves a 3x margin at the extreme. A value dropped or counted
// twice moves the mean by ~mean|x|/L, too little to see for big L: the exact histogram catches
// that. A std far below mean|x| (the constant case) sits at the rounding floor of the centred
// sums: ulps of mean|x|. Counts are integers: exact.
function checkRow(got: Float32Array, x: Float32Array, what: string) {
  const ref = actStatsRef(x);
  let meanAbs = 0;
  for (const v of x) meanAbs += Math.abs(v);
  meanAbs /= x.length;
  assertClose([got[0]], [ref.mean], { atol: 1e-5 * meanAbs, what: `${what}: mean` });
  assertClose([got[1]], [ref.std], { atol: 1e-6 * meanAbs, rtol: 1e-5, what: `${what}: std` });
  assert.deepEqual(Array.from(got.subarray(2)), Array.from(ref.hist), `${what}: histogram`);
}

const TUNINGS: ActStatsTuning[] = [
  {},
  { workgroupSize: 64, perInvocation: 4, fanIn: 4, privateHistogram: false },
  { workgroupSize: 32, perInvocation: 3, fanIn: 2, vec4: false },
  { workgroupSize: 16, perInvocation: 5, fanIn: 3, vec4: false, privateHistogram: false },
  // The rows of the adapter-variant table.
  ...Object.values(ADAPTER_VARIANTS).map((row) => row.actStats ?? {}),
];

for (const tuning of TUNINGS) {
  Deno.test({
    name: `act stats match the float64 reference, other rows untouched: ${JSON.stringify(tuning)}`,
    ignore: noGpu,
    async fn() {
      const gpu = testGpu();
      const k = await actStatsKernels(gpu, tuning);
      const all = cases(new Rng(11));
      const rows = all.length + 3; // rows 0, 1 and the last stay poisoned
      const out = gpu.upload(
        new Float32Array(rows * ACT_STATS_WIDTH).fill(NaN),
        [rows, ACT_STATS_WIDTH],
        { dtype: "f32", label: "stats" },
      );
      const xs = all.map((c) => gpu.upload(c.x, c.shape, { dtype: "f32", label: c.what }));
      // Every case in one recorder: the chunk partials are reused from dispatch to dispatch.
      const rec = gpu.recorder("act stats");
      all.forEach((_, i) => recordActStats(rec, k, { x: xs[i], out }, i + 2));
      rec.submit();
      const got = await gpu.read(out);
      const rowOf = (r: number) => got.subarray(r * ACT_STATS_WIDTH, (r + 1) * ACT_STATS_WIDTH);
      all.forEach((c, i) => checkRow(rowOf(i + 2), c.x, c.what));
      for (const r of [0, 1, rows - 1]) {
        assert.ok(rowOf(r).every(Number.isNaN), `row ${r} was written`);
      }

      // Rerun into fresh rows of the same buffer: bit-identical.
      const rec2 = gpu.recorder("act stats again");
      recordActStats(rec2, k, { x: xs[xs.length - 1], out }, 0);
      recordActStats(rec2, k, { x: xs[6], out }, 1);
      rec2.submit();
      const again = await gpu.read(out);
      const bits = (a: Float32Array, r: number) =>
        Array.from(new Uint32Array(a.buffer, a.byteOffset + r * 4 * ACT_STATS_WIDTH, 42));
      assert.deepEqual(bits(again, 0), bits(got, all.length + 1), "rerun of the big tensor");
      assert.deepEqual(bits(again, 1), bits(got, 8), "rerun of the 100003 tensor");
      assert.ok(rowOf(rows - 1).every(Number.isNaN));
      for (const t of [out, ...xs]) gpu.destroy(t);
    },
  });
}

Deno.test({
  name: "act stats histogram drops inf and NaN; a row of a repeated stats buffer is rewritten",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await actStatsKernels(gpu);
    const x = Float32Array.of(1, NaN, Infinity, -Infinity, 9.99, 0.1, -NaN);
    const xT = gpu.upload(x, [x.length], { dtype: "f32", label: "x" });
    const clean = Float32Array.of(0.5, -0.5, 2, 2.25);
    const cleanT = gpu.upload(clean, [4], { dtype: "f32", label: "clean" });
    const out = gpu.tensor([2, ACT_STATS_WIDTH], { label: "stats" });
    const rec = gpu.recorder("inf and nan");
    recordActStats(rec, k, { x: xT, out }, 0);
    recordActStats(rec, k, { x: xT, out }, 1);
    recordActStats(rec, k, { x: cleanT, out }, 1); // the same row again: overwritten
    rec.submit();
    const got = await gpu.read(out);
    const hist = Array.from(got.subarray(2, ACT_STATS_WIDTH));
    assert.deepEqual(hist, Array.from(actStatsRef(x).hist));
    assert.equal(hist.reduce((a, b) => a + b, 0), 3);
    checkRow(got.subarray(ACT_STATS_WIDTH), clean, "rewritten row");
    for (const t of [xT, cleanT, out]) gpu.destroy(t);
  },
});

Deno.test({
  name: "act stats refuse bad rows, out shapes, tiny inputs and tunings, naming the value",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await actStatsKernels(gpu);
    const x = gpu.tensor([3, 5]);
    const out = gpu.tensor([4, ACT_STATS_WIDTH]);
    const rec = gpu.recorder("bad");
    assert.throws(() => recordActStats(rec, k, { x, out }, 4), /row 4, expected .*\[0, 4\)/);
    assert.throws(() => recordActStats(rec, k, { x, out }, -1), /row -1/);
    assert.throws(() => recordActStats(rec, k, { x, out }, 1.5), /row 1.5/);
    assert.throws(
      () => recordActStats(rec, k, { x, out: gpu.tensor([4, 40]) }, 0),
      /expected \[rows, 42\]/,
    );
    assert.throws(() => recordActStats(rec, k, { x: gpu.tensor([1]), out }, 0), /1 elements/);
    await assert.rejects(() => actStatsKernels(gpu, { workgroupSize: 0 }), /workgroupSize = 0/);
    await assert.rejects(() => actStatsKernels(gpu, { fanIn: 1 }), /fanIn = 1/);
  },
});

Deno.test("actStatsRef: bins, edges, dropped values, unbiased std", () => {
  const r = actStatsRef([0, 0.25, -0.2499, 9.75, 10, -10, 10.01, NaN]);
  assert.equal(r.hist.length, ACT_STATS_BINS);
  assert.equal(r.hist[0], 2);
  assert.equal(r.hist[1], 1);
  assert.equal(r.hist[39], 3);
  assert.equal(r.hist.reduce((a, b) => a + b, 0), 6);
  const s = actStatsRef([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.equal(s.std, Math.sqrt(5 / 3));
  assert.ok(Number.isNaN(actStatsRef([3]).std));
  assert.throws(() => actStatsRef([]), /0 elements/);
});
