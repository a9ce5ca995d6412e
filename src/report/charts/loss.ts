/**
 * The training-loss chart: per-batch loss of every seed, smoothed, as a median line over seeds
 * with a min–max band, and a marker where each diverged seed stopped. A diverged seed counts as an
 * infinite loss from there on, so the median never drags to a value no seed has.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { sampleMedian } from "../../verdict/intervals.ts";
import type { RunsByConfig } from "../evidence.ts";
import { type Chart, WIDE } from "../plot.ts";

/** The smoothing of the loss curves: fastai's debiased exponential moving average, β = 0.9. */
export const LOSS_SMOOTHING = 0.9;

/**
 * Debiased EWMA of `xs`. A non-finite value poisons the rest (a diverged run has no loss after
 * it), so the curve stops there instead of hiding the blow-up.
 */
export function smoothLosses(xs: readonly number[], beta = LOSS_SMOOTHING): number[] {
  const out: number[] = [];
  let avg = 0;
  for (let i = 0; i < xs.length; i++) {
    avg = beta * avg + (1 - beta) * xs[i];
    out.push(avg / (1 - beta ** (i + 1)));
  }
  return out;
}

/**
 * Per configuration and batch: the median of the smoothed loss over all seeds (a seed that
 * diverged counts as an infinite loss from there on: NaN when that is the median, a gap), and
 * min and max over the seeds still finite.
 */
export interface LossBand {
  config: string;
  batch: number;
  median: number;
  lo: number;
  hi: number;
  /** Seeds with a finite loss at this batch. */
  seeds: number;
}

/** The loss bands of every configuration. */
export function lossBands(runs: RunsByConfig): LossBand[] {
  const bands: LossBand[] = [];
  for (const [config, seeds] of Object.entries(runs)) {
    const smoothed = seeds.map((r) => smoothLosses(r.batchLosses));
    const n = Math.max(0, ...smoothed.map((s) => s.length));
    for (let b = 0; b < n; b++) {
      const all = smoothed.map((s) => s[b] ?? Infinity).map((v) =>
        Number.isFinite(v) ? v : Infinity
      );
      const vs = all.filter(Number.isFinite);
      if (vs.length === 0) continue;
      const median = sampleMedian(all);
      bands.push({
        config,
        batch: b + 1,
        median: Number.isFinite(median) ? median : NaN,
        lo: Math.min(...vs),
        hi: Math.max(...vs),
        seeds: vs.length,
      });
    }
  }
  return bands;
}

/** Where each diverged run stopped: its last finite smoothed loss, for a marker. */
function divergencePoints(runs: RunsByConfig) {
  const out: { config: string; seed: number; batch: number; loss: number }[] = [];
  for (const [config, seeds] of Object.entries(runs)) {
    for (const r of seeds) {
      if (!r.diverged) continue;
      const s = smoothLosses(r.batchLosses);
      let last = s.length - 1;
      while (last >= 0 && !Number.isFinite(s[last])) last--;
      out.push({ config, seed: r.seed, batch: last + 2, loss: last >= 0 ? s[last] : NaN });
    }
  }
  return out;
}

/** Per-batch training loss, all seeds: median line and min–max band of the smoothed loss. */
export function lossChart(runs: RunsByConfig): Chart {
  const bands = lossBands(runs);
  const diverged = divergencePoints(runs);
  // Clip the y axis at a readable loss so one blow-up does not flatten every other curve.
  const top = Math.min(4, Math.max(0.5, ...bands.map((b) => b.hi)));
  const seedCount = Math.max(...Object.values(runs).map((r) => r.length));
  return {
    id: "loss",
    title: "Training loss per batch",
    caption:
      `Smoothed (debiased EWMA, β = ${LOSS_SMOOTHING}) per-batch training loss; the line is ` +
      `the median over ${seedCount} seed(s) (a diverged seed counts as an infinite loss, so the ` +
      `line stops where most have diverged), the band spans min to max of the finite ones. ` +
      (diverged.length
        ? `× marks where a seed diverged (${diverged.length}); its curve ends there.`
        : "No seed diverged."),
    panels: [{
      options: {
        width: WIDE,
        height: 340,
        marginRight: 20,
        marginBottom: 42,
        x: { label: "training batch", grid: true, labelAnchor: "center", labelOffset: 36 },
        y: { label: "loss (cross-entropy)", domain: [0, top], grid: true },
        color: { legend: true, label: "configuration", domain: Object.keys(runs) },
        marks: [
          Plot.areaY(bands, {
            x: "batch",
            y1: "lo",
            y2: "hi",
            fill: "config",
            fillOpacity: 0.18,
            clip: true,
          }),
          Plot.lineY(bands, {
            x: "batch",
            y: "median",
            stroke: "config",
            strokeWidth: 1.6,
            clip: true,
          }),
          Plot.dot(diverged, {
            x: "batch",
            y: (d) => Number.isFinite(d.loss) ? Math.min(d.loss, top) : top,
            stroke: "config",
            symbol: "times",
            r: 6,
            strokeWidth: 2.5,
            title: (d) => `${d.config}, seed ${d.seed}: diverged after batch ${d.batch - 1}`,
          }),
          Plot.ruleY([0]),
        ],
      },
    }],
  };
}
