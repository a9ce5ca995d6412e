/**
 * Lesson figures that are pure functions, drawn next to the evidence they explain: GeneralReLU's
 * shape next to ReLU's, and the exponentially weighted moving average demo of nb 12 (momentum).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { Rng } from "../../util/rng.ts";
import { type Chart, HALF } from "../plot.ts";

/** GeneralRelu(leak, sub): leaky ReLU then a shift down (maxv unused in the lesson). */
export function generalRelu(x: number, leak: number, sub: number): number {
  return (x >= 0 ? x : leak * x) - sub;
}

/** ReLU and GeneralReLU(0.1, 0.4), the lesson's parameters, over x in [−3, 3]. */
export function generalReluShapeChart(leak = 0.1, sub = 0.4): Chart {
  const xs = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);
  const rows = xs.flatMap((x) => [
    { x, y: Math.max(0, x), fn: "ReLU" },
    { x, y: generalRelu(x, leak, sub), fn: `GeneralReLU(${leak}, ${sub})` },
  ]);
  return {
    id: "general-relu-shape",
    title: "GeneralReLU next to ReLU",
    caption: `GeneralReLU lets negative inputs through with slope ${leak} and shifts the output ` +
      `down by ${sub}, so activations can average near 0 instead of staying positive.`,
    panels: [{
      options: {
        width: HALF,
        height: 300,
        marginBottom: 40,
        // Centred under the axis: at the right end the label would sit on the last tick's "3".
        x: { label: "x", grid: true, labelAnchor: "center", labelOffset: 34 },
        y: { label: "activation", grid: true },
        color: { legend: true, label: "function" },
        marks: [
          Plot.ruleX([0], { stroke: "#aaa" }),
          Plot.ruleY([0], { stroke: "#aaa" }),
          Plot.line(rows, { x: "x", y: "y", stroke: "fn", strokeWidth: 2 }),
        ],
      },
    }],
  };
}

/** The EWMA of `ys` starting from 0, as the notebook's loop computes it (no debiasing). */
export function ewma(ys: readonly number[], beta: number): number[] {
  let avg = 0;
  return ys.map((y) => (avg = beta * avg + (1 - beta) * y));
}

/** nb 12's demo data: x = linspace(−4, 4, 100), y = 1 − (x/3)² + randn · 0.1 (seeded). */
export function ewmaDemoData(seed = 42): { x: number; y: number }[] {
  const rng = new Rng(seed);
  return Array.from({ length: 100 }, (_, i) => {
    const x = -4 + (8 * i) / 99;
    return { x, y: 1 - (x / 3) ** 2 + rng.normal() * 0.1 };
  });
}

/** The momentum demo: data and its EWMA for β ∈ {0.5, 0.7, 0.9, 0.99}. */
export function ewmaDemoChart(seed = 42): Chart {
  const data = ewmaDemoData(seed);
  const betas = [0.5, 0.7, 0.9, 0.99];
  return {
    id: "ewma-demo",
    title: "Momentum is an exponentially weighted moving average",
    caption: "nb 12's demo: noisy points y = 1 − (x/3)² + 0.1·randn and their EWMA " +
      "avg ← β·avg + (1 − β)·y from 0. Higher β is smoother but lags to the right; at 0.99 it " +
      "no longer follows the data.",
    panels: betas.map((beta) => {
      const avg = ewma(data.map((d) => d.y), beta);
      return {
        label: `β = ${beta}`,
        options: {
          width: 265,
          height: 220,
          marginLeft: 36,
          marginBottom: 40,
          x: { label: "x", labelAnchor: "center", labelOffset: 34 },
          y: { label: "y", domain: [-1, 1.4] },
          marks: [
            Plot.dot(data, { x: "x", y: "y", r: 2, fill: "#1f77b4", fillOpacity: 0.6 }),
            Plot.line(data.map((d, i) => ({ x: d.x, y: avg[i] })), {
              x: "x",
              y: "y",
              stroke: "#d62728",
              strokeWidth: 2,
            }),
          ],
        },
      };
    }),
    columns: 4,
  };
}
