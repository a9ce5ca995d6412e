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

/**
 * The lesson's readings of its plot, each labelled on its own side of its star (left, below,
 * right): the first two are 0.15 apart in lr and 0.55 in loss, and would overlap above them.
 */
const LESSON = [
  { lr: 0.3, loss: 2.3, label: "flat ≈ 2.30 to lr ≈ 0.3", textAnchor: "end", dx: -10, dy: -8 },
  { lr: 0.45, loss: 1.75, label: "minimum ≈ 1.75 near 0.45", textAnchor: "start", dx: 10, dy: 10 },
  { lr: 0.7, loss: 7, label: "blown up (≈ 7) by 0.7", textAnchor: "start", dx: 10, dy: 0 },
] as const;

/** Log-axis ticks at 1, 2 and 5 of each decade within [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  if (!(lo > 0) || !(hi >= lo)) return ticks;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * 10 ** e).toPrecision(1));
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(t);
    }
  }
  return ticks;
}

/** The finder's marks: the band the checks want, each seed's loss line, the lesson's readings. */
function lrFinderMarks(
  rows: readonly { seed: string; lr: number; loss: number }[],
  top: number,
): Plot.Markish[] {
  return [
    Plot.rectX([{ x1: Math.log10(0.2), x2: Math.log10(0.7) }], {
      x1: "x1",
      x2: "x2",
      fill: "#2e7d32",
      fillOpacity: 0.08,
    }),
    Plot.lineY(rows, {
      x: (d: { lr: number }) => Math.log10(d.lr),
      y: (d) => Math.min(d.loss, top),
      stroke: "seed",
      strokeWidth: 1.4,
    }),
    Plot.dot(LESSON, {
      x: (d: { lr: number }) => Math.log10(d.lr),
      y: "loss",
      symbol: "star",
      r: 6,
      fill: "#111",
      stroke: "white",
    }),
    ...LESSON.map((l) =>
      Plot.text([l], {
        x: (d: { lr: number }) => Math.log10(d.lr),
        y: "loss",
        text: "label",
        textAnchor: l.textAnchor,
        dx: l.dx,
        dy: l.dy,
        fontSize: 11,
        fill: "#111",
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
      })
    ),
  ];
}

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
  const lrs = [...rows.map((r) => r.lr), ...LESSON.map((l) => l.lr)];
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
        // x is log10(lr) on a linear scale, labelled with the lr itself at 1, 2 and 5 per decade:
        // "0.3" reads as a learning rate where Plot's log axis writes "300m", its 1–4 labels
        // collide ("300m400m"), and it blanks the labels of ticks it is given.
        x: {
          label: "learning rate (log scale)",
          labelAnchor: "center",
          labelOffset: 36,
          ticks: logTicks(Math.min(...lrs), Math.max(...lrs)).map(Math.log10),
          tickFormat: (t: number) => String(Number((10 ** t).toPrecision(1))),
        },
        y: { label: "training loss", grid: true, domain: [0, top], clamp: true },
        color: { legend: true, label: "seed" },
        marks: lrFinderMarks(rows, top),
      },
    }],
    columns: 1,
  };
}
