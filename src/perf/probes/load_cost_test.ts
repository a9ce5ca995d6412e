import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../../tests/gpu.ts";
import { loadCostRef } from "./ref/load_cost.ts";
import { Rng } from "../../util/rng.ts";
import {
  LOAD_COST_SLOTS,
  loadCostFloats,
  loadCostKernel,
  loadCostTable,
  recordLoadCost,
} from "./load_cost.ts";

// Exact comparison: table values are multiples of 1/8 in [−2, 2), so every partial sum of ≤ 4·101
// of them is a multiple of 1/8 below 2¹⁰ in magnitude, exact in f32 in any summation order. A
// dropped, doubled or misplaced load changes a sum by a nonzero multiple of 1/8 (almost surely).
Deno.test({
  name: "load cost probe (storage/uniform × per-lane/shared) matches its reference exactly",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(11);
    assert.equal(loadCostFloats({ count: 10, iters: 3 }), 120);
    const values = Float32Array.from({ length: LOAD_COST_SLOTS * 4 }, () => rng.int(32) / 8 - 2);
    const table = loadCostTable(gpu, values);
    for (const source of ["storage", "uniform"] as const) {
      for (const perLane of [true, false]) {
        for (const wg of [64, 256]) {
          const k = await loadCostKernel(gpu, { source, perLane }, wg);
          for (
            const s of [{ count: 1003, iters: 37 }, { count: 5, iters: 1 }, {
              count: 300,
              iters: 101,
            }]
          ) {
            const out = gpu.upload(new Float32Array(s.count + 7).fill(NaN), [s.count + 7], {
              dtype: "f32",
            });
            const rec = gpu.recorder("load cost");
            recordLoadCost(rec, k, table, out, s);
            rec.submit();
            const got = await gpu.read(out);
            const want = loadCostRef(values, s, perLane);
            const what = `${source} perLane=${perLane} wg ${wg} ${JSON.stringify(s)}`;
            for (let i = 0; i < s.count; i++) assert.equal(got[i], want[i], `${what}: out[${i}]`);
            assert.ok(got.subarray(s.count).every(Number.isNaN), `${what}: past count untouched`);
            gpu.destroy(out);
          }
        }
      }
    }
    // Per-lane and shared addressing read different slots (the switch is not a no-op).
    const a = loadCostRef(values, { count: 3, iters: 5 }, true);
    const b = loadCostRef(values, { count: 3, iters: 5 }, false);
    assert.notEqual(a[2], b[2]);
    const k = await loadCostKernel(gpu, { source: "storage", perLane: true });
    const out = gpu.tensor([4], { label: "out" });
    assert.throws(
      () => recordLoadCost(gpu.recorder("bad"), k, table, out, { count: 5, iters: 1 }),
      /load cost out: 4 elements, expected at least 5/,
    );
    assert.throws(
      () => recordLoadCost(gpu.recorder("bad"), k, table, out, { count: 4, iters: 0 }),
      /load cost iters = 0, expected a positive integer/,
    );
    assert.throws(
      () => recordLoadCost(gpu.recorder("bad"), k, out, out, { count: 4, iters: 1 }),
      /load cost table: 4 elements, expected 16384/,
    );
    gpu.destroy(out);
    gpu.destroy(table);
  },
});
