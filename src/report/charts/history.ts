/**
 * The history trend (the bench's history lines): each claim's headline (the median over seeds)
 * over past runs, coloured by verdict, shaped by mode (full or quick), one small panel per claim,
 * with the baseline's headline as a line and the band its tolerance allows on the worse side.
 * Lines written before results schema 2 have pass/fail verdicts; they plot in the same colours
 * as reproduced / not reproduced.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { HistoryLine } from "../../bench/history.ts";
import { formatValue } from "../../verdict/sentence.ts";
import { type Chart, HALF, type Panel } from "../plot.ts";

/** Verdict colours shared by badges and charts (old pass/fail lines as reproduced / not). */
export const VERDICT_COLORS: Record<string, string> = {
  "reproduced": "#2ca02c",
  "not reproduced": "#d62728",
  "inconclusive": "#d98b00",
  "not judged": "#4f6478",
  "incomplete": "#8a6fb0",
  "error": "#7f7f7f",
  "pass": "#2ca02c",
  "fail": "#d62728",
};

/** One claim's headline in one run. */
export interface HistoryPoint {
  run: number;
  date: Date;
  commit: string;
  mode: string;
  /** The verdict as the line recorded it (old lines: pass/fail). */
  verdict: string;
  value: number;
  seeds: number | null;
}

/** The history of one claim, in run order (runs without it are skipped). */
export function claimHistory(lines: readonly HistoryLine[], id: string): HistoryPoint[] {
  return lines.flatMap((l, run) => {
    const c = l.claims[id];
    return c
      ? [{
        run: run + 1,
        date: new Date(l.date),
        commit: l.commit.slice(0, 10),
        mode: l.mode,
        verdict: c.verdict,
        value: c.headline ?? NaN,
        seeds: c.seeds ?? null,
      }]
      : [];
  });
}

/** Whole-number ticks over 1…n, at most about 8 of them. */
export function runTicks(n: number): number[] {
  const step = Math.max(1, Math.ceil(n / 8));
  const ticks: number[] = [];
  for (let t = 1; t <= Math.max(1, n); t += step) ticks.push(t);
  return ticks;
}

/** A claim's panel in the history chart. */
export interface HistoryClaim {
  /** The claim's id (its key in the history lines). */
  id: string;
  /** Panel title: "#10 general-relu". */
  title: string;
  /** The headline's label ("epoch-3 eval accuracy"). */
  label: string;
  /** The headline's unit (how its values are formatted). */
  unit: string;
  /** The baseline's headline for this claim, or null (no baseline, or not in it). */
  baseline?: BaselineHeadline | null;
}

/** A claim's headline in the baseline, with the gate's tolerance on it. */
export interface BaselineHeadline {
  /** The baseline's headline: its median over seeds. */
  median: number;
  /** Which direction is better. */
  better: "higher" | "lower";
  /** How far the headline may move in the worse direction before the gate fails it. */
  tolerance: number;
}

/** The band the gate allows around the baseline: from its median to the worse limit. */
export function toleranceBand(b: BaselineHeadline): { y1: number; y2: number } {
  return b.better === "higher"
    ? { y1: b.median - b.tolerance, y2: b.median }
    : { y1: b.median, y2: b.median + b.tolerance };
}

function when(p: HistoryPoint): string {
  return Number.isNaN(p.date.getTime()) ? "" : `, ${p.date.toISOString().slice(0, 16)}`;
}

/** The baseline's headline as a dashed line, over the band its tolerance allows. */
function baselineMarks(base: BaselineHeadline, runs: number, baseTitle: string): Plot.Markish[] {
  return [
    Plot.rect([toleranceBand(base)], {
      x1: 0.5,
      x2: runs + 0.5,
      y1: "y1",
      y2: "y2",
      fill: "#8fb3d9",
      fillOpacity: 0.25,
      title: () => baseTitle,
    }),
    Plot.ruleY([base.median], {
      stroke: "#4a6f96",
      strokeDasharray: "5,3",
      strokeWidth: 1.5,
      title: () => baseTitle,
    }),
  ];
}

/** One claim's panel: its headline per run, the baseline behind it; `count` panels in all. */
function historyPanel(
  lines: readonly HistoryLine[],
  claim: HistoryClaim,
  runs: number,
  count: number,
): Panel {
  const points = claimHistory(lines, claim.id);
  const finite = points.filter((p) => Number.isFinite(p.value));
  const missing = points.filter((p) => !Number.isFinite(p.value));
  const label = claim.label.length > 34 ? claim.label.slice(0, 33) + "…" : claim.label;
  const base = claim.baseline && Number.isFinite(claim.baseline.median) ? claim.baseline : null;
  const fmt = (v: number) => formatValue(v, claim.unit);
  const baseTitle = base
    ? `baseline: ${fmt(base.median)}; the gate allows a move of ${base.tolerance} ` +
      `(${base.better === "higher" ? "down" : "up"} to ${
        fmt(
          base.better === "higher" ? base.median - base.tolerance : base.median + base.tolerance,
        )
      })`
    : "";
  return {
    label: claim.title,
    options: {
      // One claim (its own page) gets a half-width panel; small multiples are smaller.
      width: count === 1 ? HALF : 350,
      height: count === 1 ? 240 : 190,
      marginLeft: 60,
      x: {
        label: "run",
        domain: [0.5, runs + 0.5],
        ticks: runTicks(lines.length),
        tickFormat: "d",
      },
      y: {
        label,
        nice: true,
        ticks: 4,
        tickFormat: (v: number) => formatValue(v, claim.unit),
      },
      color: {
        domain: Object.keys(VERDICT_COLORS),
        range: Object.values(VERDICT_COLORS),
      },
      symbol: { domain: ["full", "quick"], range: ["circle", "triangle"] },
      marks: [
        Plot.frame({ stroke: "#ddd" }),
        ...(base ? baselineMarks(base, runs, baseTitle) : []),
        Plot.line(finite, { x: "run", y: "value", stroke: "#bbb" }),
        Plot.dot(finite, {
          x: "run",
          y: "value",
          fill: "verdict",
          symbol: "mode",
          r: 4,
          title: (p) =>
            `run ${p.run} (${p.mode}${when(p)}, ${p.commit}): ` +
            `${formatValue(p.value, claim.unit)}${p.seeds ? ` over ${p.seeds} seeds` : ""} — ` +
            p.verdict,
        }),
        Plot.text(missing, {
          x: "run",
          frameAnchor: "bottom",
          text: (p) => Number.isNaN(p.value) ? "n/a" : "lost",
          fill: "verdict",
          dy: -4,
          title: (p) =>
            `run ${p.run}: ${
              Number.isNaN(p.value) ? "no value recorded" : "the median run was lost (diverged)"
            } — ${p.verdict}`,
        }),
      ],
    },
  };
}

/**
 * Small multiples: one panel per claim, its headline per run (x: run number), the baseline's
 * headline and tolerance band behind it. `historyPath` (where the lines were read) goes into the
 * caption.
 */
export function historyChart(
  lines: readonly HistoryLine[],
  claims: readonly HistoryClaim[],
  historyPath?: string,
): Chart {
  const runs = Math.max(1, lines.length);
  const panels: Panel[] = claims.map((claim) => historyPanel(lines, claim, runs, claims.length));
  return {
    id: "history",
    title: "History: headline per run",
    caption:
      `${lines.length} run(s) from the run history${
        historyPath ? ` (${historyPath})` : ""
      }, oldest first. Each panel: the claim's ` +
      "headline (median over seeds). Colour: verdict (green reproduced, red not reproduced, " +
      "amber inconclusive, blue-grey not judged, purple incomplete, grey error; older pass/fail runs as green/red); " +
      "circle: full mode, triangle: quick mode (1 seed); “lost”: the median run diverged; " +
      "“n/a”: no value." +
      (claims.some((c) => c.baseline && Number.isFinite(c.baseline.median))
        ? " Dashed line: the baseline's headline; shaded: the move its tolerance allows in the " +
          "worse direction (the CI gate fails a shared seed that moves further)."
        : ""),
    panels,
    columns: 3,
  };
}
