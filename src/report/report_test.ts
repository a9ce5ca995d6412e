import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { parseHTML } from "linkedom";
import type { TrainRun } from "../bench/evidence.ts";
import { writeResults } from "../bench/results.ts";
import {
  activationMomentsChart,
  colorDimChart,
  colorDimPng,
  deadChart,
  HIST_BINS,
  parseColor,
  robustDomain,
  statsRuns,
} from "./charts/activations.ts";
import { ewma, ewmaDemoChart, generalRelu, generalReluShapeChart } from "./charts/demos.ts";
import { depthSurvivalChart, valueStatus } from "./charts/depth.ts";
import { claimHistory, historyChart } from "./charts/history.ts";
import { hasSchedule, hyperChart } from "./charts/hyper.ts";
import { lsuvChart } from "./charts/lsuv.ts";
import {
  accuracyChart,
  finalAccuracyChart,
  lossBands,
  lossChart,
  smoothLosses,
} from "./charts/training.ts";
import { claimCharts } from "./claim_page.ts";
import {
  accuracyThresholds,
  claimChecks,
  depthEvidence,
  lessonPoints,
  momentsEvidence,
  trainingRuns,
} from "./evidence.ts";
import { esc, num } from "./html.ts";
import { seedsPhrase } from "./index_page.ts";
import { type Chart, renderPlot } from "./plot.ts";
import { crc32, encodePng } from "./png.ts";
import { renderReport } from "./render.ts";
import { fixtureHistory, fixtureResults, syntheticRun } from "./testdata/fixture.ts";

/** How many marks of each kind (Plot's aria-label on the mark's group) a chart's SVG has. */
function marks(chart: Chart): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of chart.panels) {
    const svg = renderPlot(p.options);
    assert.match(svg, /<svg[^>]*viewBox/);
    for (const m of svg.matchAll(/<g[^>]*aria-label="([a-z-]+)"/g)) {
      counts[m[1]] = (counts[m[1]] ?? 0) + 1;
    }
  }
  return counts;
}

/** Number of SVG elements named `tag` inside the group of mark `label`, over all panels. */
function markElements(chart: Chart, label: string, tag: string): number {
  let n = 0;
  for (const p of chart.panels) {
    const { document } = parseHTML(
      `<html><body>${renderPlot(p.options)}</body></html>`,
    ) as unknown as {
      document: { querySelectorAll(selector: string): { length: number } };
    };
    n += document.querySelectorAll(`g[aria-label="${label}"] ${tag}`).length;
  }
  return n;
}

const runs = (): Record<string, TrainRun[]> => ({
  a: [syntheticRun(1), syntheticRun(2, { diverge: 5 })],
  b: [syntheticRun(1, { level: 0.8 }), syntheticRun(2, { level: 0.8 })],
});

Deno.test("smoothLosses: debiased EWMA (first value kept), NaN poisons the rest", () => {
  const s = smoothLosses([2, 1, 1, NaN, 1], 0.9);
  assert.equal(s[0], 2);
  assert.ok(Math.abs(s[1] - (0.9 * 0.2 + 0.1) / (1 - 0.81)) < 1e-12);
  assert.ok(Number.isNaN(s[3]) && Number.isNaN(s[4]));
});

Deno.test("lossBands: per config and batch, mean/min/max over the seeds that are finite", () => {
  const bands = lossBands({ x: [{ batchLosses: [1, 1] }, { batchLosses: [3, NaN] }] } as never);
  assert.deepEqual(bands.map((b) => [b.batch, b.mean, b.lo, b.hi, b.seeds]), [
    [1, 2, 1, 3, 2],
    [2, 1, 1, 1, 1],
  ]);
});

Deno.test("loss chart: a band and a line per config, a × per diverged seed", () => {
  const chart = lossChart(runs());
  const m = marks(chart);
  assert.equal(m.area, 1);
  assert.equal(m.line, 1);
  assert.equal(markElements(chart, "area", "path"), 2); // one band per config
  assert.equal(markElements(chart, "dot", "path"), 1); // one diverged seed
  assert.match(chart.caption, /diverged \(1\)/);
});

Deno.test("accuracy chart: seed dots, mean lines, lesson stars and labelled thresholds", () => {
  const r = runs();
  const lesson = lessonPoints({ evalAccuracyEpoch3: 0.87, bEvalAccuracyEpoch2: 0.8 }, ["a", "b"]);
  const thresholds = [{ claim: 9, epoch: 3, value: 0.84 }, { claim: 10, epoch: 3, value: 0.85 }];
  const chart = accuracyChart(r, lesson, thresholds);
  // 3 epochs × 4 runs, less the 3 epochs the diverged seed never validated (diverged at batch 5).
  assert.equal(markElements(chart, "dot", "circle"), 12 - 3);
  const svg = renderPlot(chart.panels[0].options);
  assert.match(svg, />#9 ≥ 0.84</);
  assert.match(svg, />#10 ≥ 0.85</);
  assert.equal(markElements(chart, "rule", "line"), 2);
  assert.match(chart.caption, /3 epoch result\(s\) missing/);
});

Deno.test("final-accuracy chart: every seed shown, a diverged one as × at the edge", () => {
  const chart = finalAccuracyChart(runs(), [{ config: "a", epoch: 3, value: 0.87 }]);
  assert.equal(markElements(chart, "dot", "circle"), 3);
  assert.match(chart.caption, /1 seed\(s\) with no final accuracy/);
  const m = marks(chart);
  assert.ok(m.rule >= 1 && m.tick >= 1);
});

Deno.test("lessonPoints / accuracyThresholds read the lesson's numbers and the checks", () => {
  assert.deepEqual(
    lessonPoints({
      evalAccuracyEpoch3: 0.849,
      reluEvalAccuracyEpoch3: 0.853,
      normalizedEvalAccuracyEpoch3: 0.853,
      trainAccuracyEpoch3: 0.887,
      reruns: "0.1–0.2",
      nopeEvalAccuracyEpoch3: 0.5,
    }, ["generalRelu", "relu", "kaimingNorm"]),
    [
      { config: "generalRelu", epoch: 3, value: 0.849 },
      { config: "relu", epoch: 3, value: 0.853 },
      { config: "kaimingNorm", epoch: 3, value: 0.853 },
    ],
  );
  const checks = [
    { claim: 13, text: "median ep3 train 0.8835 (need ≥ 0.8750), min 0.8783", ok: true },
    { claim: 13, text: "median ep3 eval 0.8637 (need ≥ 0.8350)", ok: true },
    { claim: 16, text: "mean gain Momentum − SGD +2.28 pts (need ≥ +1.00 pts)", ok: true },
    {
      claim: 21,
      text: "min ep5 eval 1cycle 0.8958 over 3 seeds (need every seed ≥ 0.8970)",
      ok: false,
    },
    { claim: 20, text: "|mean cosine/batch − cosine/epoch| 0.46 pts (need ≤ 1.00 pts)", ok: true },
  ];
  assert.deepEqual(accuracyThresholds(checks), [
    { claim: 13, epoch: 3, value: 0.835 },
    { claim: 21, epoch: 5, value: 0.897 },
  ]);
});

Deno.test("seedsPhrase: one count, or the span per claim, and the mode", () => {
  const f = fixtureResults(); // quick mode, every claim on seeds 1, 2
  assert.equal(seedsPhrase(f), "2 seeds (quick mode)");
  const mixed = {
    ...f,
    claims: f.claims.map((c, i) => ({ ...c, seeds: i === 0 ? [1] : c.seeds })),
  };
  assert.equal(seedsPhrase(mixed), "1–2 seeds per claim (quick mode)");
  const full = { ...f, meta: { ...f.meta, mode: "full" as const } };
  assert.equal(seedsPhrase(full), "2 seeds");
  assert.equal(seedsPhrase({ ...full, claims: [] }), "2 seeds");
});

Deno.test("evidence parts: recognised by shape, anything else is null / empty", () => {
  const f = fixtureResults();
  const by = (id: string) => f.claims.find((c) => c.id === id)!.evidence;
  assert.deepEqual(Object.keys(trainingRuns(by("general-relu"))!), ["generalRelu", "relu"]);
  assert.equal(claimChecks(by("general-relu")).length, 2);
  assert.ok(depthEvidence(by("depth-survival")));
  assert.equal(trainingRuns(by("depth-survival")), null);
  assert.equal(momentsEvidence(by("general-relu")), null);
  assert.equal(trainingRuns(null), null);
  assert.deepEqual(claimChecks({ checks: "nope" }), []);
  const moments = momentsEvidence({
    perSeed: [{
      seed: 1,
      matmulMean: 0.1,
      matmulMeanSq: 101,
      linearMean: 0,
      linearStd: 1,
      reluMean: 0.4,
      reluStd: NaN,
    }],
  });
  assert.ok(moments && Number.isNaN(moments[0].reluStd));
});

Deno.test("activation charts: lines per layer and seed, y clipped past a blow-up, dead in [0, 1]", () => {
  const stats = statsRuns([syntheticRun(1, { stats: true }), syntheticRun(2, { stats: true })]);
  const moments = activationMomentsChart("s", stats);
  assert.equal(moments.panels.length, 2);
  // 4 layers × 2 seeds per panel.
  assert.equal(markElements({ ...moments, panels: [moments.panels[0]] }, "line", "path"), 8);
  assert.match(moments.caption, /outside the axis/); // the fixture's 1e30 mean at batch 21
  const dead = deadChart("d", stats);
  assert.deepEqual((dead.panels[0].options.y as { domain: number[] }).domain, [0, 1]);
  assert.equal(markElements(dead, "line", "path"), 8);
});

Deno.test("robustDomain: ordinary spikes kept, 1e30 and NaN left out and flagged", () => {
  const healthy = Array.from({ length: 100 }, (_, i) => 0.8 + 0.05 * Math.sin(i));
  const a = robustDomain([...healthy, 1.5]);
  assert.ok(a.domain[1] > 1.5 && !a.clipped);
  const b = robustDomain([...healthy, 1e30, NaN]);
  assert.ok(b.domain[1] < 1 && b.clipped);
});

Deno.test("colour dimension: one PNG image per layer and seed; bin 0 is the bottom row", () => {
  const stats = statsRuns([syntheticRun(1, { stats: true })]);
  const chart = colorDimChart("c", stats);
  assert.equal(chart.panels.length, 4);
  assert.equal(markElements(chart, "image", "image"), 4);
  assert.match(renderPlot(chart.panels[0].options), /href="data:image\/png;base64,/);
  // 2 batches: all counts in bin 0 for batch 0, in bin 39 for batch 1.
  const hists = new Array(2 * HIST_BINS).fill(0);
  hists[0] = 100;
  hists[HIST_BINS + 39] = 100;
  const png = colorDimPng(hists, 2);
  const pixels = decodePng(png);
  assert.equal(pixels.width, 2);
  assert.equal(pixels.height, HIST_BINS);
  const yellow = parseColor("#fde725"); // viridis(1)
  const at = (
    x: number,
    y: number,
  ) => [...pixels.rgb.subarray((y * 2 + x) * 3, (y * 2 + x) * 3 + 3)];
  const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 3);
  assert.ok(near(at(0, HIST_BINS - 1), yellow), "batch 0, bin 0 → bottom-left is the maximum");
  assert.ok(near(at(1, 0), yellow), "batch 1, bin 39 → top-right is the maximum");
  assert.ok(!near(at(0, 0), yellow));
  assert.throws(() => colorDimPng([1, 2, 3], 2), /expected 2 × 40 counts/);
});

/** Decodes the PNGs `encodePng` writes (RGB, filter 0), checking every chunk's CRC. */
function decodePng(png: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset);
  let at = 8;
  let width = 0, height = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    assert.equal(view.getUint32(at + 8 + len), crc32(png.subarray(at + 4, at + 8 + len)), type);
    if (type === "IHDR") [width, height] = [view.getUint32(at + 8), view.getUint32(at + 12)];
    if (type === "IDAT") idat.push(data);
    at += 12 + len;
  }
  const raw = new Uint8Array(inflateSync(idat[0]));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (1 + 3 * width)], 0);
    rgb.set(raw.subarray(y * (1 + 3 * width) + 1, (y + 1) * (1 + 3 * width)), y * 3 * width);
  }
  return { width, height, rgb };
}

Deno.test("png: CRC-32 known answer; sizes checked", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.throws(() => encodePng(new Uint8Array(5), 1, 2), /expected 6 bytes/);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0), /positive integer/);
  assert.deepEqual(parseColor("rgb(1, 2, 3)"), [1, 2, 3]);
});

Deno.test("depth survival: finite stds on a log axis, every layer in the status strip", () => {
  const ev = depthEvidence(fixtureResults().claims[0].evidence)!;
  const chart = depthSurvivalChart(ev);
  assert.equal(chart.panels.length, 2);
  // 5 cases × 12 layers × 2 seeds cells: zeros and non-finite are drawn, not dropped.
  assert.equal(markElements({ ...chart, panels: [chart.panels[1]] }, "cell", "rect"), 120);
  assert.deepEqual(
    [valueStatus(0), valueStatus(Infinity), valueStatus(NaN), valueStatus(1e-30)],
    ["zero", "infinite", "NaN", "finite"],
  );
  const svg = renderPlot(chart.panels[1].options);
  for (const s of ["zero", "infinite", "NaN"]) assert.match(svg, new RegExp(`>${s}<`));
});

Deno.test("lsuv chart: before and after dots per layer and seed, target lines", () => {
  const chart = lsuvChart([syntheticRun(1, { lsuv: true }), syntheticRun(2, { lsuv: true })]);
  assert.equal(chart.panels.length, 2);
  // per panel: 4 layers × 2 seeds × (before, after)
  assert.equal(markElements({ ...chart, panels: [chart.panels[0]] }, "dot", "circle"), 16);
  assert.match(chart.caption, /Iterations per layer: 10–13/);
});

Deno.test("schedule chart: drawn only when lr or β1 change; lr and β1 panels", () => {
  assert.equal(hasSchedule({ a: [syntheticRun(1)] }), false);
  const r = { cos: [syntheticRun(1, { schedule: true })] };
  assert.equal(hasSchedule(r), true);
  const chart = hyperChart(r);
  assert.deepEqual(chart.panels.map((p) => p.label), ["Learning rate", "β1 (momentum)"]);
  assert.equal(markElements(chart, "line", "path"), 2);
  // A step schedule with a constant β1: the β1 panel says nothing and is left out.
  const step = syntheticRun(1);
  step.hyper.lr = step.hyper.lr.map((lr, i) => (i < 10 ? lr : lr / 4));
  assert.equal(hasSchedule({ step: [step] }), true);
  assert.deepEqual(hyperChart({ step: [step] }).panels.map((p) => p.label), ["Learning rate"]);
});

Deno.test("demos: GeneralReLU shape and the EWMA momentum demo", () => {
  assert.equal(generalRelu(2, 0.1, 0.4), 1.6);
  assert.ok(Math.abs(generalRelu(-2, 0.1, 0.4) - -0.6) < 1e-12);
  assert.deepEqual(ewma([1, 1], 0.5), [0.5, 0.75]);
  assert.equal(markElements(generalReluShapeChart(), "line", "path"), 2);
  const demo = ewmaDemoChart();
  assert.deepEqual(demo.panels.map((p) => p.label), ["β = 0.5", "β = 0.7", "β = 0.9", "β = 0.99"]);
  assert.equal(markElements(demo, "dot", "circle"), 400);
});

Deno.test("history chart: one panel per claim, a dot per finite run, NaN written out", () => {
  const lines = fixtureHistory();
  assert.equal(claimHistory(lines, "general-relu").length, 3);
  const chart = historyChart(lines, [{ id: "general-relu", headlineName: "median accuracy" }]);
  assert.equal(chart.panels.length, 1);
  const svg = renderPlot(chart.panels[0].options);
  assert.equal(markElements(chart, "dot", "path"), 2);
  assert.match(svg, />NaN</);
});

Deno.test("claimCharts: each claim gets the charts its evidence supports", () => {
  const ids = (id: string) =>
    claimCharts(fixtureResults().claims.find((c) => c.id === id)!).map((c) => c.id);
  assert.deepEqual(ids("depth-survival"), ["depth-survival"]);
  assert.deepEqual(ids("general-relu"), [
    "accuracy",
    "final-accuracy",
    "loss",
    "stats-generalRelu",
    "color-dim-generalRelu",
    "dead-generalRelu",
    "general-relu-shape",
  ]);
  assert.deepEqual(ids("lsuv"), ["accuracy", "final-accuracy", "loss", "lsuv"]);
  assert.deepEqual(ids("schedules"), ["accuracy", "final-accuracy", "loss", "schedule"]);
  assert.deepEqual(ids("moments"), []);
});

Deno.test("html helpers: escaping and numbers (NaN spelled out)", () => {
  assert.equal(esc(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(num(NaN), "NaN");
  assert.equal(num(-Infinity), "-Infinity");
  assert.equal(num(0.86123456), "0.8612");
  assert.equal(num(1.15e-8), "1.15e-8");
  assert.equal(num(null), "—");
});

Deno.test("renderReport: index and one self-contained page per claim", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const results = fixtureResults();
    await writeResults(`${dir}/results.json`, results);
    const written = await renderReport(dir, results, fixtureHistory());
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)), [
      "index.html",
      "depth-survival.html",
      "general-relu.html",
      "lsuv.html",
      "schedules.html",
      "moments.html",
    ]);
    for (const path of written) {
      const html = await Deno.readTextFile(path);
      // Only the re-run panel's inline bootstrap: no script is fetched.
      assert.doesNotMatch(html, /<script[^>]*\bsrc=/i, path);
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, `${path} fetches from the network`);
      assert.match(html, /^<!doctype html>/);
    }
    const index = await Deno.readTextFile(`${dir}/index.html`);
    for (const c of results.claims) assert.match(index, new RegExp(`href="${c.id}.html"`));
    assert.equal([...index.matchAll(/class="badge badge-(pass|fail|error)"/g)].length, 5);
    assert.match(index, /0123456789abcdef/); // commit
    const gr = await Deno.readTextFile(`${dir}/general-relu.html`);
    assert.match(gr, /0 of 2 checks hold/);
    assert.match(gr, /seed 1 diverged/); // the explanation's note after the checks
    const moments = await Deno.readTextFile(`${dir}/moments.html`);
    assert.match(moments, /the GPU device was lost/);
    assert.match(moments, /No headline metric/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
