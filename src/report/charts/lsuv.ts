/**
 * LSUV (claim 11): each (activation, conv) pair's output mean and std before and after the
 * layer-sequential unit-variance initialisation, every seed.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { TrainRun } from "../../bench/evidence.ts";
import { type Chart, HALF } from "../plot.ts";

/** Before/after points of every LSUV pair and seed. */
export function lsuvPoints(runs: readonly TrainRun[]) {
  return runs.flatMap((r) =>
    (r.lsuv ?? []).flatMap((l, i) => {
      const layer = `${i}: ${l.conv}`;
      return [
        { seed: r.seed, layer, when: "before", mean: l.before.mean, std: l.before.std },
        { seed: r.seed, layer, when: "after", mean: l.after.mean, std: l.after.std },
      ];
    })
  );
}

/** Per-layer mean and std before and after LSUV (dots per seed; target lines at 0 and 1). */
export function lsuvChart(runs: readonly TrainRun[]): Chart {
  const points = lsuvPoints(runs);
  const iterations = runs.flatMap((r) => (r.lsuv ?? []).map((l) => l.iterations));
  const panel = (key: "mean" | "std", target: number): Plot.PlotOptions => ({
    width: HALF,
    height: 300,
    marginLeft: 50,
    x: { label: null, padding: 0.3 },
    // Inset: the target (often every "after" dot) sits at the edge of the data's extent.
    y: { label: key === "mean" ? "activation mean" : "activation std", grid: true, inset: 12 },
    color: { legend: true, label: "LSUV", domain: ["before", "after"], range: ["#999", "#1f77b4"] },
    marks: [
      Plot.ruleY([target], { stroke: "#2ca02c", strokeDasharray: "4,3" }),
      ...(["before", "after"] as const).map((when) =>
        Plot.dot(points.filter((p) => p.when === when), {
          x: "layer",
          y: key,
          fill: "when",
          r: 4.5,
          dx: when === "before" ? -7 : 7,
          title: (p) => `seed ${p.seed}, ${p.layer}, ${p.when}: ${key} ${p[key]}`,
        })
      ),
    ],
  });
  return {
    id: "lsuv",
    title: "LSUV: per-layer statistics before and after",
    caption: "Each (GeneralReLU, conv) pair's post-activation output on the LSUV batch, before " +
      "and after the initialisation, every seed; green: the target (mean 0, std 1). Iterations " +
      `per layer: ${
        iterations.length ? `${Math.min(...iterations)}–${Math.max(...iterations)}` : "none"
      }.`,
    panels: [
      { label: "Means", options: panel("mean", 0) },
      { label: "Stdevs", options: panel("std", 1) },
    ],
    columns: 2,
  };
}
