import type { Gpu } from "../gpu/device.ts";
import {
  LOAD_COST_SLOTS,
  loadCostFloats,
  loadCostKernel,
  loadCostTable,
  type LoadCostVariant,
  recordLoadCost,
} from "./probes/load_cost.ts";
import { bestProbeRate } from "./probe_rate.ts";

/** One measured load rate of the `load_cost` probe. */
export interface LoadRate extends LoadCostVariant {
  /** f32 values loaded per second (billions), best of the workgroup sizes tried. */
  gfloats: number;
  workgroupSize: number;
}

/** The four variants, in the order `deno task perf` prints them. */
export const LOAD_COST_VARIANTS: readonly LoadCostVariant[] = [
  { source: "storage", perLane: true },
  { source: "storage", perLane: false },
  { source: "uniform", perLane: true },
  { source: "uniform", perLane: false },
];

/**
 * How fast this adapter loads cached data: billions of f32 per second from a 64 KiB table, per
 * variant (storage or uniform buffer; per-invocation or shared addresses). Timed by
 * {@link bestProbeRate}; the best of the workgroup sizes.
 */
export async function measureLoadRates(gpu: Gpu): Promise<LoadRate[]> {
  const count = 1 << 16;
  const table = loadCostTable(gpu, new Float32Array(LOAD_COST_SLOTS * 4).fill(1));
  const out = gpu.tensor([count], { label: "load cost out" });
  const rates: LoadRate[] = [];
  try {
    for (const variant of LOAD_COST_VARIANTS) {
      let best: LoadRate = { ...variant, gfloats: 0, workgroupSize: 0 };
      for (const wg of [64, 256]) {
        const k = await loadCostKernel(gpu, variant, wg);
        const rate = await bestProbeRate(
          gpu,
          (rec, iters) => recordLoadCost(rec, k, table, out, { count, iters }),
          (iters) => loadCostFloats({ count, iters }),
          16,
        );
        if (rate / 1e9 > best.gfloats) {
          best = { ...variant, gfloats: rate / 1e9, workgroupSize: wg };
        }
      }
      rates.push(best);
    }
  } finally {
    gpu.destroy(out);
    gpu.destroy(table);
  }
  return rates;
}
