/**
 * Charts of training runs: per-batch loss (every seed, smoothed, with a band over seeds), valid
 * accuracy per epoch against the lesson's numbers and the pass thresholds, and the final accuracy
 * of every seed with its mean and 95% interval, per compared configuration.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { summarize } from "../../bench/stats.ts";
import type { AccuracyThreshold, LessonPoint, RunsByConfig } from "../evidence.ts";
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

/** Per configuration and batch: mean, min and max of the smoothed loss over the seeds. */
export interface LossBand {
  config: string;
  batch: number;
  mean: number;
  lo: number;
  hi: number;
  seeds: number;
}

/** The loss bands of every configuration (finite smoothed values only). */
export function lossBands(runs: RunsByConfig): LossBand[] {
  const bands: LossBand[] = [];
  for (const [config, seeds] of Object.entries(runs)) {
    const smoothed = seeds.map((r) => smoothLosses(r.batchLosses));
    const n = Math.max(0, ...smoothed.map((s) => s.length));
    for (let b = 0; b < n; b++) {
      const vs = smoothed.map((s) => s[b]).filter((v) => v !== undefined && Number.isFinite(v));
      if (vs.length === 0) continue;
      bands.push({
        config,
        batch: b + 1,
        mean: vs.reduce((a, v) => a + v, 0) / vs.length,
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

/** Per-batch training loss, all seeds: mean line and min–max band of the smoothed loss. */
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
      `the mean over ${seedCount} seed(s), the band spans min to max. ` +
      (diverged.length
        ? `× marks where a seed diverged (${diverged.length}); its curve ends there.`
        : "No seed diverged."),
    panels: [{
      options: {
        width: WIDE,
        height: 340,
        marginRight: 20,
        x: { label: "training batch", grid: true },
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
            y: "mean",
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

/** One (configuration, seed, epoch) valid accuracy. */
interface EpochPoint {
  config: string;
  seed: number;
  epoch: number;
  accuracy: number;
}

function epochPoints(runs: RunsByConfig): EpochPoint[] {
  return Object.entries(runs).flatMap(([config, seeds]) =>
    seeds.flatMap((r) =>
      r.epochs.map((e) => ({
        config,
        seed: r.seed,
        epoch: e.epoch,
        accuracy: e.validAccuracy ?? NaN,
      }))
    )
  );
}

const CHANCE = 0.1;

/** Valid accuracy per epoch: every seed, the mean, the lesson's numbers and pass thresholds. */
export function accuracyChart(
  runs: RunsByConfig,
  lesson: readonly LessonPoint[],
  thresholds: readonly AccuracyThreshold[],
): Chart {
  const points = epochPoints(runs);
  const finite = points.filter((p) => Number.isFinite(p.accuracy));
  const means: EpochPoint[] = [];
  for (const [config, seeds] of Object.entries(runs)) {
    const epochs = Math.max(0, ...seeds.map((r) => r.epochs.length));
    for (let e = 1; e <= epochs; e++) {
      const vs = seeds.map((r) => r.epochs[e - 1]?.validAccuracy ?? NaN);
      means.push({ config, seed: -1, epoch: e, accuracy: summarize(vs).mean });
    }
  }
  const missing = points.length - finite.length;
  const lows = [...finite.map((p) => p.accuracy), ...lesson.map((l) => l.value)];
  const showChance = lows.some((v) => v < 0.5);
  const maxEpoch = Math.max(1, ...points.map((p) => p.epoch));
  // Labels of thresholds judged at the same epoch alternate sides so they do not overprint.
  const labels = thresholds.map((t) => {
    const same = thresholds.filter((u) => u.epoch === t.epoch).sort((a, b) => a.value - b.value);
    return { ...t, left: same.indexOf(t) % 2 === 1 };
  });
  return {
    id: "accuracy",
    title: "Valid accuracy per epoch",
    caption: "Thin lines and dots: each seed; thick line: the mean over seeds (broken where a " +
      "seed has no accuracy). ★ the lesson's number; red ticks: the pass threshold at the " +
      "epoch it is judged" + (showChance ? "; grey line: chance (10%)" : "") +
      (missing ? `. ${missing} epoch result(s) missing (diverged or not validated).` : "."),
    panels: [{
      options: {
        width: WIDE,
        height: 360,
        marginRight: 110,
        x: { label: "epoch", ticks: maxEpoch, tickFormat: "d", domain: [0.7, maxEpoch + 0.3] },
        y: { label: "valid accuracy", grid: true, tickFormat: ".1%" },
        color: { legend: true, label: "configuration", domain: Object.keys(runs) },
        marks: [
          showChance ? Plot.ruleY([CHANCE], { stroke: "#999", strokeDasharray: "2,3" }) : null,
          Plot.line(finite, {
            x: "epoch",
            y: "accuracy",
            z: (p) => `${p.config}#${p.seed}`,
            stroke: "config",
            strokeOpacity: 0.35,
          }),
          Plot.dot(finite, {
            x: "epoch",
            y: "accuracy",
            fill: "config",
            r: 2.5,
            title: (p) => `${p.config}, seed ${p.seed}, epoch ${p.epoch}: ${p.accuracy.toFixed(4)}`,
          }),
          Plot.line(means, { x: "epoch", y: "accuracy", stroke: "config", strokeWidth: 2.5 }),
          Plot.dot(lesson, {
            x: "epoch",
            y: "value",
            fill: "config",
            stroke: "black",
            symbol: "star",
            r: 7,
            title: (l) => `lesson, ${l.config}, epoch ${l.epoch}: ${l.value}`,
          }),
          Plot.ruleY(thresholds, {
            y: "value",
            x1: (t) => t.epoch - 0.28,
            x2: (t) => t.epoch + 0.28,
            stroke: "#d62728",
            strokeWidth: 2,
          }),
          ...[false, true].map((left) =>
            Plot.text(labels.filter((t) => t.left === left), {
              x: (t) => left ? t.epoch - 0.3 : t.epoch + 0.3,
              y: "value",
              text: (t) => `#${t.claim} ≥ ${t.value}`,
              textAnchor: left ? "end" : "start",
              fill: "#d62728",
              dx: left ? -2 : 2,
            })
          ),
        ],
      },
    }],
  };
}

/** Final accuracy of one seed (NaN when the run diverged or never validated). */
interface FinalPoint {
  config: string;
  seed: number;
  accuracy: number;
}

/** Per configuration: the final accuracy of every seed, the mean and the 95% interval. */
export function finalAccuracyChart(runs: RunsByConfig, lesson: readonly LessonPoint[]): Chart {
  const configs = Object.keys(runs);
  const finals: FinalPoint[] = configs.flatMap((config) =>
    runs[config].map((r) => ({ config, seed: r.seed, accuracy: r.finalValidAccuracy }))
  );
  const ok = finals.filter((p) => Number.isFinite(p.accuracy));
  const bad = finals.filter((p) => !Number.isFinite(p.accuracy));
  const stats = configs.flatMap((config) => {
    const vs = runs[config].map((r) => r.finalValidAccuracy);
    if (vs.length === 0 || vs.some((v) => !Number.isFinite(v))) return [];
    const s = summarize(vs);
    return [{ config, mean: s.mean, lo: s.ci95[0], hi: s.ci95[1] }];
  });
  // The lesson's number for each configuration's final epoch.
  const finalLesson = lesson.filter((l) =>
    runs[l.config]?.some((r) => r.epochs.length === l.epoch)
  );
  const xs = [...ok.map((p) => p.accuracy), ...finalLesson.map((l) => l.value)];
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  const pad = Math.max(0.005, (hi - lo) * 0.1);
  const left = lo - pad;
  return {
    id: "final-accuracy",
    title: "Final valid accuracy by seed",
    caption: "Dots: each seed's accuracy after its last epoch; bar: mean with its 95% interval " +
      "(Student t); ★ the lesson's number." +
      (bad.length
        ? ` × at the left edge: ${bad.length} seed(s) with no final accuracy (diverged).`
        : ""),
    panels: [{
      options: {
        width: WIDE,
        height: 70 + 46 * configs.length,
        marginLeft: 130,
        marginRight: 30,
        x: { label: "valid accuracy after the last epoch", domain: [left, hi + pad], grid: true },
        y: { label: null, domain: configs },
        color: { domain: configs },
        marks: [
          Plot.ruleY(stats, {
            y: "config",
            x1: "lo",
            x2: "hi",
            stroke: "#555",
            strokeWidth: 3,
            clip: true,
          }),
          Plot.tickX(stats, {
            y: "config",
            x: "mean",
            stroke: "black",
            strokeWidth: 2,
            clip: true,
          }),
          Plot.dot(ok, {
            y: "config",
            x: "accuracy",
            fill: "config",
            r: 5,
            stroke: "white",
            title: (p) => `${p.config}, seed ${p.seed}: ${p.accuracy.toFixed(4)}`,
          }),
          Plot.dot(bad, {
            y: "config",
            x: () => left,
            symbol: "times",
            stroke: "#d62728",
            r: 6,
            strokeWidth: 2.5,
            title: (p) => `${p.config}, seed ${p.seed}: ${p.accuracy} (diverged)`,
          }),
          Plot.dot(finalLesson, {
            y: "config",
            x: "value",
            symbol: "star",
            fill: "gold",
            stroke: "black",
            r: 8,
            title: (l) => `lesson: ${l.value}`,
          }),
        ],
      },
    }],
  };
}
