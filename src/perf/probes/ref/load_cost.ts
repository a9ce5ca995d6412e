import { LOAD_COST_SLOTS, type LoadCostShape } from "../shapes.ts";

/**
 * Float64 reference of the load-cost probe: invocation i sums the 4 components of slots
 * (base + k·13) mod 4096 for k < iters, with base = i·97 (per lane) or 0 (shared).
 */
export function loadCostRef(
  table: ArrayLike<number>,
  s: LoadCostShape,
  perLane: boolean,
): Float64Array {
  const out = new Float64Array(s.count); // [count]
  for (let i = 0; i < s.count; i++) {
    const base = perLane ? Math.imul(i, 97) >>> 0 : 0;
    let sum = 0;
    for (let k = 0; k < s.iters; k++) {
      const slot = ((base + k * 13) >>> 0) % LOAD_COST_SLOTS;
      for (let c = 0; c < 4; c++) sum += table[slot * 4 + c];
    }
    out[i] = sum;
  }
  return out;
}
