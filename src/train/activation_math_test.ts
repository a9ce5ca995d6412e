import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import {
  colorDim,
  deadFraction,
  deadFractions,
  HIST_BINS,
  splitActStats,
} from "./activation_math.ts";

/** [batches, 40] histograms with recognisable counts: batch t, bin b holds 100·t + b. */
function hists(batches: number): Float32Array {
  const h = new Float32Array(batches * HIST_BINS);
  for (let t = 0; t < batches; t++) {
    for (let b = 0; b < HIST_BINS; b++) h[t * HIST_BINS + b] = 100 * t + b;
  }
  return h;
}

Deno.test("colorDim transposes [batches, 40] to [40, batches] and takes log1p", () => {
  const batches = 3;
  const c = colorDim(hists(batches), batches);
  assert.equal(c.length, HIST_BINS * batches);
  for (let b = 0; b < HIST_BINS; b++) {
    for (let t = 0; t < batches; t++) assert.equal(c[b * batches + t], Math.log1p(100 * t + b));
  }
  // Row 0 (drawn at the bottom) is bin 0 of every batch; an empty bin gives log1p(0) = 0.
  assert.deepEqual(Array.from(c.subarray(0, batches)), [0, Math.log1p(100), Math.log1p(200)]);
  assert.deepEqual(colorDim(new Float64Array(0), 0), new Float64Array(0));
  // Float64 input: the same.
  assert.deepEqual(colorDim(Float64Array.from(hists(2)), 2), colorDim(hists(2), 2));
});

Deno.test("colorDim and deadFractions refuse a length that is not batches·40", () => {
  assert.throws(() => colorDim(new Float32Array(79), 2), /79 values, expected .* = 80/);
  assert.throws(() => deadFractions(new Float32Array(80), 3), /expected .* = 120/);
  assert.throws(() => colorDim(new Float32Array(0), -1), /batches = -1/);
  assert.throws(() => deadFraction([1, 2, 3]), /3 bins, expected 40/);
});

Deno.test("deadFraction is hist[0] / Σ hist, 0 for an empty histogram", () => {
  const h = new Float64Array(HIST_BINS);
  assert.equal(deadFraction(h), 0);
  h[0] = 3;
  h[5] = 1;
  h[39] = 4;
  assert.equal(deadFraction(h), 3 / 8);
  h[0] = 0;
  assert.equal(deadFraction(h), 0);
  const all = new Float64Array(HIST_BINS);
  all[0] = 7;
  assert.equal(deadFraction(all), 1);
});

Deno.test("deadFractions: one value per batch, matching deadFraction on random counts", () => {
  const rng = new Rng(4);
  const batches = 9;
  const h = new Float32Array(batches * HIST_BINS);
  for (let i = 0; i < h.length; i++) h[i] = rng.int(1000);
  h.fill(0, 2 * HIST_BINS, 3 * HIST_BINS); // batch 2 recorded nothing in range
  const d = deadFractions(h, batches);
  assert.equal(d.length, batches);
  for (let t = 0; t < batches; t++) {
    const row = h.subarray(t * HIST_BINS, (t + 1) * HIST_BINS);
    assert.equal(d[t], row[0] / row.reduce((a, b) => a + b, 0) || 0);
    assert.ok(d[t] >= 0 && d[t] <= 1);
  }
  assert.equal(d[2], 0);
});

Deno.test("splitActStats splits [rows, 42] into means, stds and [rows, 40] histograms", () => {
  const rows = 2;
  const stats = new Float32Array(rows * 42 + 42).fill(NaN); // a spare row is ignored
  stats.set([0.5, 1.5, ...hists(1)], 0);
  stats.set([-0.25, 2, ...hists(2).subarray(40)], 42);
  const s = splitActStats(stats, rows);
  assert.deepEqual(Array.from(s.means), [0.5, -0.25]);
  assert.deepEqual(Array.from(s.stds), [1.5, 2]);
  assert.deepEqual(Array.from(s.hists), Array.from(hists(2)));
  assert.throws(() => splitActStats(new Float32Array(83), 2), /83 values for 2 rows/);
});
