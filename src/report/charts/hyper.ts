/**
 * Schedules (claims 19–21, 14): the learning rate and β1 (momentum) of every optimizer step, per
 * configuration, as the HyperRecorder logged them.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { RunsByConfig } from "../evidence.ts";
import { type Chart, HALF } from "../plot.ts";

function varies(xs: readonly number[]): boolean {
  return xs.some((x) => x !== xs[0]);
}

/** Whether any configuration changes its lr or β1 during training (a schedule to draw). */
export function hasSchedule(runs: RunsByConfig): boolean {
  return Object.values(runs).some((seeds) =>
    seeds.some((r) => varies(r.hyper.lr) || varies(r.hyper.beta1))
  );
}

/** lr and β1 per step, one line per configuration (first seed: the schedule is seed-free). */
export function hyperChart(runs: RunsByConfig): Chart {
  const rows = Object.entries(runs).flatMap(([config, seeds]) => {
    const r = seeds[0];
    return r
      ? r.hyper.lr.map((lr, i) => ({ config, step: i + 1, lr, beta1: r.hyper.beta1[i] }))
      : [];
  });
  const panel = (key: "lr" | "beta1", label: string): Plot.PlotOptions => ({
    width: HALF,
    height: 280,
    marginLeft: 60,
    marginBottom: 42,
    x: { label: "optimizer step", labelAnchor: "center", labelOffset: 36 },
    // lr from 0 so every phase of a schedule sits on a tick; β1 on nice bounds around its range.
    y: { label, grid: true, nice: true, zero: key === "lr" },
    color: { legend: true, label: "configuration" },
    marks: [Plot.lineY(rows, { x: "step", y: key, stroke: "config", strokeWidth: 1.5 })],
  });
  // β1 is drawn only where a schedule moves it (a constant, or SGD's unused 0, says nothing).
  const betaVaries = Object.values(runs).some((seeds) => varies(seeds[0]?.hyper.beta1 ?? []));
  return {
    id: "schedule",
    title: betaVaries ? "Learning rate and β1 per step" : "Learning rate per step",
    caption: "The hyper-parameters of every optimizer step as recorded during training (the " +
      "schedule is the same for every seed)." +
      (betaVaries ? "" : " β1 stays constant and is not drawn."),
    panels: [
      { label: "Learning rate", options: panel("lr", "learning rate") },
      ...(betaVaries ? [{ label: "β1 (momentum)", options: panel("beta1", "β1") }] : []),
    ],
    columns: 2,
  };
}
