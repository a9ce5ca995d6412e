/**
 * The LR finder (claim 26): training loss against the learning rate on a log axis, one line per
 * seed, the lesson's by-eye readings marked (flat ≈ 2.30 up to lr ≈ 0.3, minimum ≈ 1.75 near
 * 0.45, blow-up by 0.7) and the checks' band for the minimum's lr ([0.2, 0.7]) shaded.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { z } from "zod";
import type { ConfigResult } from "../../bench/results.ts";
import { type Chart, WIDE } from "../plot.ts";

const Detail = z.object({
  seed: z.number().int(),
  points: z.array(z.object({ lr: z.number(), loss: z.number() })),
});

/** The finder's per-seed points of a probe config, or null when its details are not a finder's. */
export function lrFinderRuns(config: ConfigResult): z.infer<typeof Detail>[] | null {
  const parsed = config.runs.map((r) => Detail.safeParse(r.detail));
  if (parsed.length === 0 || parsed.some((p) => !p.success)) return null;
  return parsed.map((p) => p.data!);
}

/** The lesson's readings of its plot. */
const LESSON = [
  { lr: 0.3, loss: 2.3, label: "flat ≈ 2.30 to lr ≈ 0.3" },
  { lr: 0.45, loss: 1.75, label: "minimum ≈ 1.75 near 0.45" },
  { lr: 0.7, loss: 7, label: "blown up (≈ 7) by 0.7" },
];

/** Loss against lr (log x), one line per seed; non-finite losses are left out and said so. */
export function lrFinderChart(seeds: z.infer<typeof Detail>[]): Chart {
  const rows = seeds.flatMap((s) =>
    s.points.filter((p) => Number.isFinite(p.loss)).map((p) => ({
      seed: `seed ${s.seed}`,
      lr: p.lr,
      loss: p.loss,
    }))
  );
  const dropped = seeds.reduce(
    (n, s) => n + s.points.filter((p) => !Number.isFinite(p.loss)).length,
    0,
  );
  // Losses past ~10 squash the interesting part; the axis stops there and says so.
  const top = 10;
  const clipped = rows.filter((r) => r.loss > top).length;
  return {
    id: "lr-finder",
    title: "LR finder: training loss against learning rate",
    caption: "Each line is one seed's finder (gamma 1.1 from lr 0.01, stopped at 3× the minimum " +
      "loss or a non-finite loss). The shaded band is where the checks want the minimum's lr " +
      "([0.2, 0.7]); stars are the lesson's readings of its plot." +
      (clipped ? ` ${clipped} point(s) above loss ${top} are drawn at the top edge.` : "") +
      (dropped ? ` ${dropped} non-finite loss(es) are not drawn.` : ""),
    panels: [{
      label: "loss against lr",
      options: {
        width: WIDE,
        height: 360,
        marginLeft: 56,
        marginBottom: 44,
        x: {
          type: "log",
          label: "learning rate (log scale)",
          labelAnchor: "center",
          labelOffset: 36,
        },
        y: { label: "training loss", grid: true, domain: [0, top], clamp: true },
        color: { legend: true, label: "seed" },
        marks: [
          Plot.rectX([{ x1: 0.2, x2: 0.7 }], {
            x1: "x1",
            x2: "x2",
            fill: "#2e7d32",
            fillOpacity: 0.08,
          }),
          Plot.lineY(rows, {
            x: "lr",
            y: (d) => Math.min(d.loss, top),
            stroke: "seed",
            strokeWidth: 1.4,
          }),
          Plot.dot(LESSON, {
            x: "lr",
            y: "loss",
            symbol: "star",
            r: 6,
            fill: "#111",
            stroke: "white",
          }),
          Plot.text(LESSON, { x: "lr", y: "loss", text: "label", dy: -12, fontSize: 11 }),
        ],
      },
    }],
    columns: 1,
  };
}
