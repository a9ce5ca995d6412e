/**
 * The history trend (`reports/history.jsonl`): each claim's headline metric over past runs,
 * coloured by verdict, shaped by mode (full or quick), one small panel per claim.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { HistoryLine } from "../../bench/history.ts";
import type { Chart, Panel } from "../plot.ts";

/** Verdict colours shared by badges and charts. */
export const VERDICT_COLORS = { pass: "#2ca02c", fail: "#d62728", error: "#7f7f7f" } as const;

/** One claim's headline in one run. */
export interface HistoryPoint {
  run: number;
  date: Date;
  commit: string;
  mode: string;
  verdict: keyof typeof VERDICT_COLORS;
  value: number;
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
      }]
      : [];
  });
}

/** Small multiples: one panel per claim id, headline per run (x: run number). */
export function historyChart(
  lines: readonly HistoryLine[],
  claims: readonly { id: string; headlineName: string }[],
): Chart {
  const panels: Panel[] = claims.map(({ id, headlineName }) => {
    const points = claimHistory(lines, id);
    const finite = points.filter((p) => Number.isFinite(p.value));
    const missing = points.filter((p) => !Number.isFinite(p.value));
    return {
      label: id,
      options: {
        width: 350,
        height: 190,
        marginLeft: 55,
        x: { label: "run", domain: [0.5, Math.max(1, lines.length) + 0.5], tickFormat: "d" },
        y: { label: headlineName.length > 34 ? headlineName.slice(0, 33) + "…" : headlineName },
        color: {
          domain: Object.keys(VERDICT_COLORS),
          range: Object.values(VERDICT_COLORS),
        },
        symbol: { domain: ["full", "quick"], range: ["circle", "triangle"] },
        marks: [
          Plot.frame({ stroke: "#ddd" }),
          Plot.line(finite, { x: "run", y: "value", stroke: "#bbb" }),
          Plot.dot(finite, {
            x: "run",
            y: "value",
            fill: "verdict",
            symbol: "mode",
            r: 4,
            title: (p) =>
              `run ${p.run} (${p.mode}, ${p.date.toISOString().slice(0, 16)}, ${p.commit}): ` +
              `${p.value} — ${p.verdict}`,
          }),
          Plot.text(missing, {
            x: "run",
            frameAnchor: "bottom",
            text: () => "NaN",
            fill: "verdict",
            dy: -4,
          }),
        ],
      },
    };
  });
  return {
    id: "history",
    title: "History: headline metric per run",
    caption:
      `${lines.length} run(s) from reports/history.jsonl. Colour: verdict (green pass, red ` +
      "fail, grey error); circle: full mode, triangle: quick mode; NaN: the metric was not finite.",
    panels,
    columns: 3,
  };
}
