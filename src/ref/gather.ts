import type { GatherParams } from "../shapes.ts";

/**
 * CPU reference of the gather kernel in float64: `count` images from rows
 * `order[start…start+count)` of `images` (N_total × pixels u8), scaled to [0, 1] and normalised.
 */
export function gatherRef(
  images: Uint8Array, // [N_total, pixels]
  labels: ArrayLike<number>, // [N_total]
  order: ArrayLike<number>, // [N_total]
  p: GatherParams & { pixels: number },
): { x: Float64Array; y: Uint32Array } {
  const x = new Float64Array(p.count * p.pixels); // [count, 1, H, W]
  const y = new Uint32Array(p.count); // [count]
  for (let n = 0; n < p.count; n++) {
    const row = order[p.start + n];
    y[n] = labels[row];
    for (let i = 0; i < p.pixels; i++) {
      x[n * p.pixels + i] = (images[row * p.pixels + i] / 255 - p.mean) / p.std;
    }
  }
  return { x, y };
}
