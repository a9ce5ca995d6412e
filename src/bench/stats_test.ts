import assert from "node:assert/strict";
import { summarize } from "./stats.ts";

Deno.test("summarize: mean, sample std, median and Student-t 95% interval", () => {
  const s = summarize([0.85, 0.86, 0.87]);
  assert.ok(Math.abs(s.mean - 0.86) < 1e-12);
  assert.ok(Math.abs(s.std - 0.01) < 1e-12);
  assert.equal(s.median, 0.86);
  // t(0.975, 2) = 4.303: half-width 4.303 · 0.01 / √3.
  assert.ok(Math.abs(s.ci95[1] - (0.86 + (4.303 * 0.01) / Math.sqrt(3))) < 1e-12);
  assert.deepEqual(summarize([2]), { n: 1, mean: 2, std: 0, median: 2, ci95: [2, 2] });
  assert.equal(summarize([4, 1, 3, 2]).median, 2.5);
  assert.ok(Number.isNaN(summarize([1, NaN]).mean), "a diverged seed shows");
  assert.throws(() => summarize([]), /at least one/);
});
