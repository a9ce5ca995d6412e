import type { FmaPeakShape } from "../shapes.ts";

/**
 * Float64 reference of the arithmetic-peak probe: per invocation i, 32 lanes starting at
 * (i mod 97)/97 + lane/8, each iterated `iters` times as a ← a·m + c with m = 1 − 2⁻¹⁰ and
 * c = 2⁻¹⁰, then summed.
 */
export function fmaPeakRef(s: FmaPeakShape): Float64Array {
  const m = 1 - 2 ** -10, c = 2 ** -10;
  const out = new Float64Array(s.count); // [count]
  for (let i = 0; i < s.count; i++) {
    const x = (i % 97) / 97;
    let sum = 0;
    for (let lane = 0; lane < 32; lane++) {
      let a = x + lane / 8;
      for (let k = 0; k < s.iters; k++) a = a * m + c;
      sum += a;
    }
    out[i] = sum;
  }
  return out;
}
