/**
 * Depth survival (claims 1–5): the std of x after each of 50 layers per initialisation, on a log
 * scale. Zeros and non-finite values cannot sit on a log axis, so they are not dropped but drawn
 * in a status strip below: every layer of every case is finite, exactly 0, ±∞ or NaN.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { DepthEvidence } from "../evidence.ts";
import { type Chart, type Panel, WIDE } from "../plot.ts";

/** What a measured std is, for the status strip. */
export type ValueStatus = "finite" | "zero" | "infinite" | "NaN";

/** Classifies a measured value. */
export function valueStatus(v: number): ValueStatus {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return "infinite";
  return v === 0 ? "zero" : "finite";
}

const STATUS_COLORS: Record<ValueStatus, string> = {
  finite: "#cfe8cf",
  zero: "#4a4a4a",
  infinite: "#ff7f0e",
  NaN: "#d62728",
};

/** What the strip's legend calls each status (a reader sees words, never a bare "NaN"). */
export const STATUS_LABELS: Record<ValueStatus, string> = {
  finite: "finite",
  zero: "exactly 0",
  infinite: "±∞ (overflow)",
  NaN: "not a number",
};

/** Seeds drawn in the status strip (each adds a row per case). */
export const STRIP_SEEDS = 3;

/** One layer's std in one case and seed. */
interface LayerStd {
  seed: number;
  name: string;
  layer: number;
  std: number;
}

/** The log-scale panel: every finite, non-zero std per layer, one line per case and seed. */
function stdPanel(plotted: readonly LayerStd[], depth: number, cases: readonly string[]): Panel {
  return {
    options: {
      width: WIDE,
      height: 380,
      marginLeft: 60,
      marginBottom: 40,
      x: { label: "layer", domain: [1, depth], labelAnchor: "center", labelOffset: 34 },
      y: { type: "log", label: "std of x", grid: true, tickFormat: "~e" },
      color: { legend: true, label: "initialisation", domain: cases },
      marks: [
        Plot.ruleY([1], { stroke: "#888", strokeDasharray: "4,3" }),
        Plot.line(plotted, {
          x: "layer",
          y: "std",
          z: (p) => `${p.name}#${p.seed}`,
          stroke: "name",
          strokeWidth: 1.5,
        }),
        Plot.dot(plotted, {
          x: "layer",
          y: "std",
          fill: "name",
          r: 1.8,
          title: (p) => `${p.name}, seed ${p.seed}, layer ${p.layer}: std ${p.std}`,
        }),
      ],
    },
  };
}

/** The status strip: every layer's status per case and seed (the first seeds). */
function statusStripPanel(
  strip: readonly (LayerStd & { status: ValueStatus; label: string })[],
  depth: number,
  cases: readonly string[],
  stripSeeds: readonly number[],
): Panel {
  return {
    label: "Status of every layer's std (per seed)",
    options: {
      width: WIDE,
      height: 64 + 22 * cases.length * stripSeeds.length,
      marginLeft: 260,
      marginBottom: 40,
      x: {
        label: "layer",
        domain: Array.from({ length: depth }, (_, i) => i + 1),
        ticks: [],
        labelAnchor: "center",
        labelOffset: 34,
      },
      y: {
        label: null,
        domain: stripSeeds.flatMap((s) => cases.map((c) => `${c} · seed ${s}`)),
      },
      color: {
        legend: true,
        label: "std",
        domain: Object.values(STATUS_LABELS),
        range: Object.keys(STATUS_LABELS).map((s) => STATUS_COLORS[s as ValueStatus]),
      },
      marks: [
        Plot.cell(strip, {
          x: "layer",
          y: (p) => `${p.name} · seed ${p.seed}`,
          fill: "label",
          inset: 0.5,
          title: (p) =>
            `${p.name}, seed ${p.seed}, layer ${p.layer}: ${
              p.status === "finite" ? p.std : p.label
            }`,
        }),
        Plot.axisX({
          ticks: Array.from({ length: depth }, (_, i) => i + 1).filter((l) =>
            l === 1 || l % 5 === 0
          ),
          label: "layer",
          labelAnchor: "center",
          labelOffset: 34,
        }),
      ],
    },
  };
}

/** Std per layer per case (log y; every seed) and the per-layer status strip (first seeds). */
export function depthSurvivalChart(evidence: DepthEvidence, id = "depth-survival"): Chart {
  const points = evidence.perSeed.flatMap((s) =>
    s.cases.flatMap((c) =>
      c.perLayerStd.map((std, i) => ({ seed: s.seed, name: c.name, layer: i + 1, std }))
    )
  );
  const plotted = points.filter((p) => valueStatus(p.std) === "finite");
  const cases = evidence.perSeed[0].cases.map((c) => c.name);
  const depth = Math.max(...points.map((p) => p.layer));
  const seeds = evidence.perSeed.map((s) => s.seed);
  const all = points.map((p) => {
    const status = valueStatus(p.std);
    return { ...p, status, label: STATUS_LABELS[status] };
  });
  const off = all.filter((p) => p.status !== "finite").length;
  const stripSeeds = seeds.slice(0, STRIP_SEEDS);
  const strip = all.filter((p) => stripSeeds.includes(p.seed));
  const shown = stripSeeds.length < seeds.length
    ? ` (seeds ${stripSeeds.join(", ")} of ${seeds.length} shown)`
    : "";
  return {
    id,
    title: "Std of x after each layer",
    caption:
      `x ← x @ W through ${depth} layers for each initialisation (${seeds.length} seed(s), ` +
      `one line per seed). Log scale: only finite, non-zero stds can be drawn there; the strip ` +
      `below shows every layer's status per seed${shown}. Over all seeds, ${off} of ${all.length} ` +
      `layer stds are exactly 0, ±∞ or not a number.`,
    panels: [stdPanel(plotted, depth, cases), statusStripPanel(strip, depth, cases, stripSeeds)],
    columns: 1,
  };
}
