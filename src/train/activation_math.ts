/**
 * Pure helpers that turn recorded activation statistics into the lesson's plots (nb 10,
 * `miniai/activations.py`): the colour-dimension matrix and the "dead" fraction. No GPU, no I/O.
 *
 * @module
 */

/** Bins of each |activation| histogram (40 over [0, 10]). */
export const HIST_BINS = 40;

function checkHists(what: string, hists: ArrayLike<number>, batches: number): void {
  if (!Number.isInteger(batches) || batches < 0) {
    throw new RangeError(`${what}: batches = ${batches}, expected a non-negative integer`);
  }
  if (hists.length !== batches * HIST_BINS) {
    throw new RangeError(
      `${what}: ${hists.length} values, expected batches·${HIST_BINS} = ${batches * HIST_BINS}`,
    );
  }
}

/**
 * The lesson's `color_dim` matrix: stacks one layer's per-batch histograms
 * `hists` [batches, 40] (row-major), transposes them to [40, batches] and takes log1p. Row b is
 * bin b (|a| ∈ [0.25·b, 0.25·(b + 1))), column t is batch t; drawn with `origin='lower'`, so row 0
 * (the smallest magnitudes) is the BOTTOM row.
 */
export function colorDim(
  hists: Float32Array | Float64Array, // [batches, 40]
  batches: number,
): Float64Array /* [40, batches] */ {
  checkHists("colorDim", hists, batches);
  const out = new Float64Array(HIST_BINS * batches);
  for (let t = 0; t < batches; t++) {
    for (let b = 0; b < HIST_BINS; b++) out[b * batches + t] = Math.log1p(hists[t * HIST_BINS + b]);
  }
  return out;
}

/**
 * The lesson's `get_min`: the share of a histogram's mass in its lowest bin (|a| < 0.25),
 * `hist[0] / Σ hist`; 0 for an empty histogram. For GeneralReLU(0.1, 0.4) this does not measure
 * dead units: negative inputs map to |a| ≥ 0.4.
 */
export function deadFraction(hist: ArrayLike<number> /* [40] */): number {
  if (hist.length !== HIST_BINS) {
    throw new RangeError(`deadFraction: ${hist.length} bins, expected ${HIST_BINS}`);
  }
  let total = 0;
  for (let b = 0; b < HIST_BINS; b++) total += hist[b];
  return total === 0 ? 0 : hist[0] / total;
}

/** {@link deadFraction} of each batch of `hists` [batches, 40]: a [batches] series. */
export function deadFractions(
  hists: Float32Array | Float64Array, // [batches, 40]
  batches: number,
): Float64Array /* [batches] */ {
  checkHists("deadFractions", hists, batches);
  const out = new Float64Array(batches);
  for (let t = 0; t < batches; t++) {
    out[t] = deadFraction(hists.subarray(t * HIST_BINS, (t + 1) * HIST_BINS));
  }
  return out;
}

/**
 * Splits rows as the activation-stats kernel writes them, `stats` [rows, 42] = (mean, std,
 * hist[40]) per row, into per-row means [rows], stds [rows] and histograms [rows, 40].
 */
export function splitActStats(
  stats: Float32Array | Float64Array, // [rows, 42]
  rows: number,
): { means: Float64Array; stds: Float64Array; hists: Float64Array } {
  const width = 2 + HIST_BINS;
  if (!Number.isInteger(rows) || rows < 0 || stats.length < rows * width) {
    throw new RangeError(
      `splitActStats: ${stats.length} values for ${rows} rows, expected ≥ rows·${width}`,
    );
  }
  const means = new Float64Array(rows);
  const stds = new Float64Array(rows);
  const hists = new Float64Array(rows * HIST_BINS);
  for (let r = 0; r < rows; r++) {
    means[r] = stats[r * width];
    stds[r] = stats[r * width + 1];
    hists.set(stats.subarray(r * width + 2, (r + 1) * width), r * HIST_BINS);
  }
  return { means, stds, hists };
}
