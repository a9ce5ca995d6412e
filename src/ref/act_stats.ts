/**
 * Float64 CPU reference of the activation statistics (fast.ai lesson 17's `append_stats`), written
 * from the spec for testing the WGSL kernel: mean and unbiased std over all elements, and
 * `torch.histc(|x|, bins=40, min=0, max=10)`.
 *
 * @module
 */

/** Bins of the |x| histogram over [0, 10]. */
const BINS = 40;
const MAX = 10;

/**
 * Mean and UNBIASED std (torch `.std()`: NaN for a single element) of all elements of `x` (any
 * shape, flattened), two-pass; and the 40-bin histogram of |x| over [0, 10]: bin = ⌊|x|·40/10⌋
 * for |x| < 10, |x| == 10 in bin 39, |x| > 10 and NaN not counted.
 */
export function actStatsRef(x: ArrayLike<number>): {
  mean: number;
  std: number;
  hist: Float64Array; // [40]
} {
  const L = x.length;
  if (L < 1) throw new RangeError(`actStats ref: x has ${L} elements, expected ≥ 1`);
  let sum = 0;
  for (let i = 0; i < L; i++) sum += x[i];
  const mean = sum / L;
  let m2 = 0;
  for (let i = 0; i < L; i++) m2 += (x[i] - mean) ** 2;
  const hist = new Float64Array(BINS);
  for (let i = 0; i < L; i++) {
    const a = Math.abs(x[i]);
    if (!(a <= MAX)) continue; // above the range, or NaN
    hist[Math.min(Math.floor((a * BINS) / MAX), BINS - 1)]++;
  }
  return { mean, std: L > 1 ? Math.sqrt(m2 / (L - 1)) : NaN, hist };
}
