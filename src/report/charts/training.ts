/**
 * Charts of training runs: valid accuracy per epoch against the lesson's numbers and the checks'
 * thresholds, and the final accuracy of every seed with its median, per compared configuration
 * (the per-batch loss chart is in `loss.ts`, re-exported here). Lines are medians over seeds, as
 * the checks are, with a lost (diverged) run ranked worst: it never drags a mean to a value no
 * seed has, and a median that is a lost run is a gap in the line, not a number.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { sampleMedian } from "../../verdict/intervals.ts";
import { formatValue } from "../../verdict/sentence.ts";
import type { AccuracyThreshold, LessonPoint, RunsByConfig } from "../evidence.ts";
import { type Chart, WIDE } from "../plot.ts";

export { LOSS_SMOOTHING, type LossBand, lossBands, lossChart, smoothLosses } from "./loss.ts";

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

/** The rank value of a seed's accuracy: a missing or non-finite one (a lost run) is −∞. */
function ranked(v: number | null | undefined): number {
  return v === null || v === undefined || !Number.isFinite(v) ? -Infinity : v;
}

/** The median over seeds as a line point: NaN (a gap) when the median is a lost run. */
function medianPoint(values: readonly number[]): number {
  const m = sampleMedian(values);
  return Number.isFinite(m) ? m : NaN;
}

/** "#9 ≥ 84.00%", or for two checks at the same place "#15, #17 ≥ 84.00%". */
function thresholdText(t: AccuracyThreshold, claims: readonly number[]): string {
  const op = t.direction === ">=" ? "≥" : "≤";
  return `${claims.map((n) => `#${n}`).join(", ")} ${op} ${formatValue(t.value, "accuracy")}`;
}

/** The median over seeds per configuration and epoch (seed −1): the thick line. */
function epochMedians(runs: RunsByConfig): EpochPoint[] {
  const medians: EpochPoint[] = [];
  for (const [config, seeds] of Object.entries(runs)) {
    const epochs = Math.max(0, ...seeds.map((r) => r.epochs.length));
    for (let e = 1; e <= epochs; e++) {
      const vs = seeds.map((r) => ranked(r.epochs[e - 1]?.validAccuracy));
      medians.push({ config, seed: -1, epoch: e, accuracy: medianPoint(vs) });
    }
  }
  return medians;
}

/** A threshold tick with its label's text. */
type ThresholdTick = AccuracyThreshold & { text: string };

/** The threshold ticks, and their labels with the side each is drawn on. */
function thresholdTicks(
  thresholds: readonly AccuracyThreshold[],
): { ticks: ThresholdTick[]; labels: (ThresholdTick & { left: boolean })[] } {
  // One tick per (epoch, value): two checks at the same place share a label.
  const merged = new Map<string, { t: AccuracyThreshold; claims: number[] }>();
  for (const t of thresholds) {
    const key = `${t.epoch}|${t.value}|${t.direction}`;
    const had = merged.get(key);
    if (had) {
      if (!had.claims.includes(t.claim)) had.claims.push(t.claim);
    } else merged.set(key, { t, claims: [t.claim] });
  }
  // Labels of thresholds judged at the same epoch alternate sides so they do not overprint.
  const ticks = [...merged.values()].map(({ t, claims }) => ({
    ...t,
    text: thresholdText(t, claims),
  }));
  const labels = ticks.map((t) => {
    const same = ticks.filter((u) => u.epoch === t.epoch).sort((a, b) => a.value - b.value);
    return { ...t, left: same.indexOf(t) % 2 === 1 };
  });
  return { ticks, labels };
}

/** The marks of the accuracy chart: chance, the lesson's stars, seeds, medians, thresholds. */
function accuracyMarks(
  { finite, medians, lesson, ticks, labels, showChance }: {
    finite: readonly EpochPoint[];
    medians: readonly EpochPoint[];
    lesson: readonly LessonPoint[];
    ticks: readonly ThresholdTick[];
    labels: readonly (ThresholdTick & { left: boolean })[];
    showChance: boolean;
  },
): Plot.Markish[] {
  return [
    showChance ? Plot.ruleY([CHANCE], { stroke: "#999", strokeDasharray: "2,3" }) : null,
    // Stars first: a seed's dot on top of the lesson's star stays visible.
    Plot.dot(lesson, {
      x: "epoch",
      y: "value",
      fill: "config",
      stroke: "black",
      symbol: "star",
      r: 8,
      title: (l) =>
        `the lesson (${l.label}), ${l.config}, epoch ${l.epoch}: ${
          formatValue(l.value, "accuracy")
        }`,
    }),
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
      title: (p) =>
        `${p.config}, seed ${p.seed}, epoch ${p.epoch}: ${formatValue(p.accuracy, "accuracy")}`,
    }),
    Plot.line(medians, { x: "epoch", y: "accuracy", stroke: "config", strokeWidth: 2.5 }),
    Plot.ruleY(ticks, {
      y: "value",
      x1: (t) => t.epoch - 0.28,
      x2: (t) => t.epoch + 0.28,
      stroke: "#d62728",
      strokeWidth: 2,
      title: (t) => `${t.text} (${t.config}, epoch ${t.epoch})`,
    }),
    ...[false, true].map((left) =>
      Plot.text(labels.filter((t) => t.left === left), {
        x: (t) => left ? t.epoch - 0.3 : t.epoch + 0.3,
        y: "value",
        text: "text",
        textAnchor: left ? "end" : "start",
        fill: "#d62728",
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
        dx: left ? -2 : 2,
      })
    ),
  ];
}

/** Valid accuracy per epoch: every seed, the median, the lesson's numbers and the thresholds. */
export function accuracyChart(
  runs: RunsByConfig,
  lesson: readonly LessonPoint[],
  thresholds: readonly AccuracyThreshold[],
): Chart {
  const points = epochPoints(runs);
  const finite = points.filter((p) => Number.isFinite(p.accuracy));
  const medians = epochMedians(runs);
  const missing = points.length - finite.length;
  const lows = [...finite.map((p) => p.accuracy), ...lesson.map((l) => l.value)];
  const showChance = lows.some((v) => v < 0.5);
  const maxEpoch = Math.max(1, ...points.map((p) => p.epoch), ...thresholds.map((t) => t.epoch));
  const { ticks, labels } = thresholdTicks(thresholds);
  const configs = Object.keys(runs);
  return {
    id: "accuracy",
    title: "Valid accuracy per epoch",
    caption: "Thin lines and dots: each seed; thick line: the median over seeds (a diverged seed " +
      "ranks lowest; the line breaks where the median is a diverged seed). ★ the lesson's " +
      "number; red ticks: the threshold a check judges at that epoch (≥ or ≤)" +
      (showChance ? "; grey line: chance (10%)" : "") +
      (missing
        ? `. ${missing} (seed, epoch) accuracies missing: the run diverged before it.`
        : "."),
    panels: [{
      options: {
        width: WIDE,
        height: 360,
        marginRight: 120,
        x: {
          label: "epoch",
          ticks: Array.from({ length: maxEpoch }, (_, i) => i + 1),
          tickFormat: "d",
          domain: [0.7, maxEpoch + 0.3],
        },
        y: { label: "valid accuracy", grid: true, tickFormat: ".1%" },
        color: { legend: true, label: "configuration", domain: configs },
        marks: accuracyMarks({ finite, medians, lesson, ticks, labels, showChance }),
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

/** The marks of the final-accuracy chart: the lesson's stars, medians, seeds, lost seeds. */
function finalAccuracyMarks(
  { finalLesson, medians, ok, bad, left }: {
    finalLesson: readonly LessonPoint[];
    medians: readonly { config: string; median: number }[];
    ok: readonly FinalPoint[];
    bad: readonly FinalPoint[];
    left: number;
  },
): Plot.Markish[] {
  return [
    Plot.dot(finalLesson, {
      y: "config",
      x: "value",
      symbol: "star",
      fill: "config",
      stroke: "black",
      r: 9,
      title: (l) => `the lesson (${l.label}): ${formatValue(l.value, "accuracy")}`,
    }),
    Plot.tickX(medians, {
      y: "config",
      x: "median",
      stroke: "black",
      strokeWidth: 2.5,
      title: (m) => `median: ${formatValue(m.median, "accuracy")}`,
    }),
    Plot.dot(ok, {
      y: "config",
      x: "accuracy",
      fill: "config",
      r: 5,
      stroke: "white",
      title: (p) => `${p.config}, seed ${p.seed}: ${formatValue(p.accuracy, "accuracy")}`,
    }),
    Plot.dot(bad, {
      y: "config",
      x: () => left,
      symbol: "times",
      stroke: "#d62728",
      r: 6,
      strokeWidth: 2.5,
      title: (p) => `${p.config}, seed ${p.seed}: diverged (no final accuracy)`,
    }),
  ];
}

/** Per configuration: the final accuracy of every seed and their median (lost seeds rank lowest). */
export function finalAccuracyChart(runs: RunsByConfig, lesson: readonly LessonPoint[]): Chart {
  const configs = Object.keys(runs);
  const finals: FinalPoint[] = configs.flatMap((config) =>
    runs[config].map((r) => ({ config, seed: r.seed, accuracy: r.finalValidAccuracy }))
  );
  const ok = finals.filter((p) => Number.isFinite(p.accuracy));
  const bad = finals.filter((p) => !Number.isFinite(p.accuracy));
  const medians = configs.flatMap((config) => {
    const vs = runs[config].map((r) => ranked(r.finalValidAccuracy));
    const median = vs.length ? medianPoint(vs) : NaN;
    return Number.isFinite(median) ? [{ config, median }] : [];
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
  const longest = Math.max(0, ...configs.map((c) => c.length));
  return {
    id: "final-accuracy",
    title: "Final valid accuracy by seed",
    caption: "Dots: each seed's accuracy after its last epoch; black tick: the median over seeds " +
      "(a diverged seed ranks lowest); ★ the lesson's number, drawn under the dots." +
      (bad.length
        ? ` × at the left edge: ${bad.length} seed(s) with no final accuracy (diverged).`
        : ""),
    panels: [{
      options: {
        width: WIDE,
        height: 84 + 46 * configs.length,
        marginLeft: Math.min(360, Math.max(130, 7 * longest + 16)),
        marginRight: 30,
        marginBottom: 44,
        x: {
          label: "valid accuracy after the last epoch",
          domain: [left, hi + pad],
          grid: true,
          tickFormat: ".1%",
          labelAnchor: "center",
          labelOffset: 38,
        },
        y: { label: null, domain: configs },
        color: { domain: configs },
        marks: finalAccuracyMarks({ finalLesson, medians, ok, bad, left }),
      },
    }],
  };
}
