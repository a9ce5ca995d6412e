import assert from "node:assert/strict";
import { assertClose } from "../../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../../tests/gpu.ts";
import { fmaPeakRef } from "./ref/fma_peak.ts";
import { fmaPeakFlops, fmaPeakKernel, recordFmaPeak } from "./fma_peak.ts";

// Tolerance: every lane value stays ≤ 4.4 in magnitude, so a round adds at most two f32
// roundings (fma may or may not be fused) of ≤ 2⁻²⁴·4.4 ≈ 2.6e-7, which the contraction m < 1
// never amplifies: ≤ 37·5.2e-7 ≈ 1.9e-5 per lane after 37 rounds; the 32-lane sum adds ≤ 31
// roundings of ≤ 2⁻²⁴·150. Bound: 32·1.9e-5 + 31·9e-6 ≈ 9e-4. A dropped or doubled round moves a
// sum by ≈ 2⁻¹⁰·Σ(a − 1) ≈ 0.03, a wrong start value by ≥ 0.01.
const ATOL = 1e-3;

Deno.test({
  name: "fma peak probe matches its float64 reference; untouched past count; FLOPs counted",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    assert.equal(fmaPeakFlops({ count: 10, iters: 3 }), 10 * 3 * 8 * 4 * 2);
    for (const wg of [64, 256]) {
      const k = await fmaPeakKernel(gpu, wg);
      for (
        const s of [{ count: 1003, iters: 37 }, { count: 5, iters: 1 }, { count: 257, iters: 36 }]
      ) {
        const out = gpu.upload(new Float32Array(s.count + 7).fill(NaN), [s.count + 7], {
          dtype: "f32",
        });
        const rec = gpu.recorder("fma peak");
        recordFmaPeak(rec, k, out, s);
        rec.submit();
        const got = await gpu.read(out);
        assertClose(got.subarray(0, s.count), fmaPeakRef(s), {
          atol: ATOL,
          what: `wg ${wg} ${JSON.stringify(s)}`,
        });
        assert.ok(got.subarray(s.count).every(Number.isNaN), "past count stays untouched");
        gpu.destroy(out);
      }
    }
    // One round more is visible: the probe does every round it is asked for.
    const a = fmaPeakRef({ count: 3, iters: 36 }), b = fmaPeakRef({ count: 3, iters: 37 });
    assert.ok(Math.abs(a[2] - b[2]) > 10 * ATOL);
    const k = await fmaPeakKernel(gpu);
    const out = gpu.tensor([4], { label: "out" });
    assert.throws(
      () => recordFmaPeak(gpu.recorder("bad"), k, out, { count: 5, iters: 1 }),
      /fma peak out: 4 elements, expected at least 5/,
    );
    assert.throws(
      () => recordFmaPeak(gpu.recorder("bad"), k, out, { count: 4, iters: 0 }),
      /fma peak iters = 0, expected a positive integer/,
    );
  },
});
