/**
 * Activation-statistics charts (lesson-claims.md §6), from the runs that recorded them: per-layer
 * mean and std per training batch, the colour-dimension heatmap (log1p of the 40-bin |x|
 * histogram, bin 0 at the bottom, batch on x) and the dead fraction (y in [0, 1]).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { TrainRun } from "../../bench/evidence.ts";
import { type Chart, HALF, type Panel, WIDE } from "../plot.ts";
import { encodePng, pngDataUrl } from "../png.ts";

/** The histogram's bins: 40 over |x| in [0, 10] (histc, bin width 0.25). */
export const HIST_BINS = 40;
export const HIST_MAX = 10;

/** A run with its activation statistics. */
export type StatsRun = TrainRun & { activationStats: NonNullable<TrainRun["activationStats"]> };

/** The runs of a configuration that recorded activation statistics. */
export function statsRuns(runs: readonly TrainRun[]): StatsRun[] {
  return runs.filter((r): r is StatsRun => r.activationStats !== null);
}

interface LayerPoint {
  seed: string;
  layer: string;
  batch: number;
  value: number;
}

function layerSeries(
  runs: readonly StatsRun[],
  pick: (s: StatsRun["activationStats"][number]) => readonly number[],
): LayerPoint[] {
  return runs.flatMap((r) =>
    r.activationStats.flatMap((s, layer) =>
      pick(s).map((value, b) => ({
        seed: `seed ${r.seed}`,
        layer: `${layer}: ${s.layer}`,
        batch: b + 1,
        value,
      }))
    )
  );
}

/**
 * A y domain that keeps a blow-up from flattening every other curve: the finite values inside
 * wide Tukey fences (quartiles ± 10 × the interquartile range), padded. Ordinary spikes of
 * training stay inside; a diverging run's 1e30 does not. `clipped` says whether any value lies
 * outside the domain (the caption then says so).
 */
export function robustDomain(
  values: readonly number[],
): { domain: [number, number]; clipped: boolean } {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return { domain: [0, 1], clipped: values.length > 0 };
  const at = (q: number) => v[Math.round(q * (v.length - 1))];
  const iqr = Math.max(at(0.75) - at(0.25), 1e-3 * Math.max(1, Math.abs(at(0.5))));
  const inside = v.filter((x) => x >= at(0.25) - 10 * iqr && x <= at(0.75) + 10 * iqr);
  const lo = inside[0];
  const hi = inside[inside.length - 1];
  const pad = Math.max(hi - lo, 1e-6) * 0.05;
  return { domain: [lo - pad, hi + pad], clipped: inside.length < values.length };
}

function layerLines(
  data: LayerPoint[],
  yLabel: string,
  width: number,
  extra: Plot.PlotOptions = {},
): Plot.PlotOptions {
  const seeds = new Set(data.map((d) => d.seed)).size;
  const { domain } = robustDomain(data.map((d) => d.value));
  return {
    width,
    height: 60 + 150 * seeds,
    marginRight: 60,
    x: { label: "training batch" },
    y: { label: yLabel, grid: true, domain, tickFormat: "~g" },
    fy: { label: null },
    color: { legend: true, label: "layer" },
    ...extra,
    marks: [
      Plot.frame({ stroke: "#ddd" }),
      Plot.lineY(data, {
        x: "batch",
        y: "value",
        fy: "seed",
        stroke: "layer",
        strokeWidth: 1.2,
        clip: true,
      }),
      ...(extra.marks ?? []),
    ],
  };
}

/** Means and stds per layer per batch, side by side, one row per seed (the lesson's plot_stats). */
export function activationMomentsChart(id: string, runs: readonly StatsRun[]): Chart {
  const means = layerSeries(runs, (s) => s.means);
  const stds = layerSeries(runs, (s) => s.stds);
  const clipped = [means, stds].some((d) => robustDomain(d.map((p) => p.value)).clipped);
  return {
    id,
    title: "Activation means and standard deviations",
    caption: "Per training batch, the mean and std of every element of each hooked layer's " +
      "output (post-activation), one row per seed. Healthy training keeps them steady; a " +
      "collapse to 0 means dead activations." +
      (clipped
        ? " Some values (a blow-up, or non-finite) lie outside the axis, which spans the " +
          "bulk of the values (quartiles ± 10 IQR); their lines leave the plot."
        : ""),
    panels: [
      {
        label: "Means",
        options: layerLines(means, "mean", HALF, { marks: [Plot.ruleY([0], { stroke: "#aaa" })] }),
      },
      {
        label: "Stdevs",
        options: layerLines(stds, "std", HALF),
      },
    ],
    columns: 2,
  };
}

/** Dead fraction per layer per batch (h[0]/Σh), y in [0, 1], one row per seed. */
export function deadChart(id: string, runs: readonly StatsRun[]): Chart {
  const dead = layerSeries(runs, (s) => s.dead);
  return {
    id,
    title: "Dead fraction",
    caption: "Per training batch, the fraction of each layer's |activation| histogram in the " +
      "lowest bin (|x| < 0.25), the lesson's dead_chart. With GeneralReLU(0.1, 0.4) negative " +
      "inputs give |x| ≥ 0.4, so bin 0 holds only small positive pre-activations.",
    panels: [{
      options: layerLines(dead, "fraction in bin 0", WIDE, {
        y: { label: "fraction in bin 0", domain: [0, 1], grid: true },
      }),
    }],
  };
}

/** viridis as RGB bytes at `t` in [0, 1] (from Plot's own colour scale). */
function viridis(): (t: number) => [number, number, number] {
  const scale = Plot.scale({ color: { type: "linear", scheme: "viridis", domain: [0, 1] } });
  const cache = new Map<number, [number, number, number]>();
  return (t) => {
    const key = Math.round(Math.min(1, Math.max(0, t)) * 255);
    let rgb = cache.get(key);
    if (!rgb) {
      rgb = parseColor(String(scale.apply(key / 255)));
      cache.set(key, rgb);
    }
    return rgb;
  };
}

/** "#rrggbb" or "rgb(r, g, b)" → bytes. */
export function parseColor(css: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const rgb = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(css);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new RangeError(`parseColor: unsupported colour ${css}`);
}

/**
 * The colour-dimension image of one layer: log1p(count) of the [batches, 40] histogram as a
 * 40-row PNG, bin 0 at the bottom, batch on x, scaled to the layer's own maximum (as imshow does).
 */
export function colorDimPng(hists: readonly number[], batches: number): Uint8Array {
  if (hists.length !== batches * HIST_BINS) {
    throw new RangeError(
      `colorDimPng: expected ${batches} × ${HIST_BINS} counts, got ${hists.length}`,
    );
  }
  const values = hists.map((c) => Math.log1p(c));
  const max = Math.max(1e-12, ...values);
  const color = viridis();
  const rgb = new Uint8Array(batches * HIST_BINS * 3);
  for (let row = 0; row < HIST_BINS; row++) {
    const bin = HIST_BINS - 1 - row; // top row is the largest magnitude
    for (let b = 0; b < batches; b++) {
      rgb.set(color(values[b * HIST_BINS + bin] / max), (row * batches + b) * 3);
    }
  }
  return encodePng(rgb, batches, HIST_BINS);
}

const DIM = { width: 265, height: 180, top: 18, right: 8, bottom: 34, left: 40 };

/** One layer's colour-dimension panel: axes by Plot, the heatmap as a stretched PNG image. */
function colorDimPanel(label: string, hists: readonly number[], batches: number): Panel {
  const innerW = DIM.width - DIM.left - DIM.right;
  const innerH = DIM.height - DIM.top - DIM.bottom;
  return {
    label,
    options: {
      width: DIM.width,
      height: DIM.height,
      marginTop: DIM.top,
      marginRight: DIM.right,
      marginBottom: DIM.bottom,
      marginLeft: DIM.left,
      x: { domain: [0, batches], label: "batch", ticks: 4 },
      y: { domain: [0, HIST_MAX], label: "|x|", ticks: 5 },
      marks: [
        Plot.image([{ x: batches / 2, y: HIST_MAX / 2 }], {
          x: "x",
          y: "y",
          src: () => pngDataUrl(colorDimPng(hists, batches)),
          width: innerW,
          height: innerH,
          preserveAspectRatio: "none",
          imageRendering: "pixelated",
        }),
        Plot.frame(),
      ],
    },
  };
}

/** The colour-dimension heatmaps: one panel per layer, one row of panels per seed. */
export function colorDimChart(id: string, runs: readonly StatsRun[]): Chart {
  const panels: Panel[] = [];
  let columns = 1;
  for (const r of runs) {
    columns = Math.max(columns, r.activationStats.length);
    r.activationStats.forEach((s, layer) => {
      const n = s.hists.length / HIST_BINS;
      panels.push(colorDimPanel(`seed ${r.seed}, layer ${layer} (${s.layer})`, s.hists, n));
    });
  }
  return {
    id,
    title: "Colour dimension",
    caption: "Per layer, the histogram of |activation| (40 bins over [0, 10]) of every training " +
      "batch, coloured by log1p(count) (viridis, scaled per panel: yellow = most). Bin 0 is at " +
      "the bottom, batch on x. A band hugging the bottom means activations collapsed to 0.",
    panels,
    columns,
  };
}
