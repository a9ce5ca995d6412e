import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { parseHTML } from "linkedom";
import type { TrainRun } from "../bench/evidence.ts";
import { readResults, ResultsSchema, writeResults } from "../bench/results.ts";
import { checkStatement } from "../verdict/sentence.ts";
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
import { claimHistory, historyChart, runTicks } from "./charts/history.ts";
import { hasSchedule, hyperChart } from "./charts/hyper.ts";
import { logTicks } from "./charts/lr_finder.ts";
import { lsuvChart } from "./charts/lsuv.ts";
import {
  accuracyChart,
  finalAccuracyChart,
  lossBands,
  lossChart,
  smoothLosses,
} from "./charts/training.ts";
import {
  baselineCell,
  changesSummary,
  compareRun,
  inheritedFrom,
  inheritedText,
} from "./baseline.ts";
import { toleranceBand } from "./charts/history.ts";
import { claimCharts, claimPage, LESSON_FIGURES, quoteHtml, setupLine } from "./claim_page.ts";
import {
  claimNumbers,
  dateToMinute,
  headlineEstimate,
  planText,
  shortCommit,
  verdictReason,
  vocabulary,
} from "./claim_text.ts";
import {
  accuracyThresholds,
  configLabels,
  depthEvidence,
  leafChecks,
  lessonPoints,
  momentsEvidence,
  trainingRuns,
} from "./evidence.ts";
import { badge, chartSection, esc, NARROW_WIDTH, num } from "./html.ts";
import { indexPage, lessonNumber, lessonOrdered } from "./index_page.ts";
import { type Chart, renderPlot } from "./plot.ts";
import { crc32, encodePng } from "./png.ts";
import { renderReport } from "./render.ts";
import {
  fixtureBaseline,
  fixtureHistory,
  fixtureQuickResults,
  fixtureResults,
  syntheticRun,
} from "./testdata/fixture.ts";
import { UNIT_TESTED_CLAIMS } from "./unit_tested.ts";

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

/** A claim of the fixture by id. */
function fixtureClaim(id: string) {
  const c = fixtureResults().claims.find((x) => x.id === id);
  if (!c) throw new Error(`no fixture claim ${id}`);
  return c;
}

/** The visible text of a page: no style, script, pre (config JSON) or attribute values. */
function visibleText(html: string): string {
  const { document } = parseHTML(html) as unknown as {
    document: {
      querySelectorAll(s: string): Iterable<{ remove(): void }>;
      body: { textContent: string };
    };
  };
  for (const el of document.querySelectorAll("style, script, pre")) el.remove();
  return document.body.textContent;
}

/** The text of every element matching `selector`. */
function texts(html: string, selector: string): string[] {
  const { document } = parseHTML(html) as unknown as {
    document: { querySelectorAll(s: string): Iterable<{ textContent: string }> };
  };
  return [...document.querySelectorAll(selector)].map((e) => e.textContent);
}

Deno.test("smoothLosses: debiased EWMA (first value kept), NaN poisons the rest", () => {
  const s = smoothLosses([2, 1, 1, NaN, 1], 0.9);
  assert.equal(s[0], 2);
  assert.ok(Math.abs(s[1] - (0.9 * 0.2 + 0.1) / (1 - 0.81)) < 1e-12);
  assert.ok(Number.isNaN(s[3]) && Number.isNaN(s[4]));
});

Deno.test("lossBands: median over all seeds (a lost seed is an infinite loss), band over finite", () => {
  const bands = lossBands({ x: [{ batchLosses: [1, 1] }, { batchLosses: [3, NaN] }] } as never);
  assert.equal(bands.length, 2);
  assert.deepEqual([bands[0].batch, bands[0].median, bands[0].lo, bands[0].hi, bands[0].seeds], [
    1,
    2,
    1,
    3,
    2,
  ]);
  // Batch 2: one seed finite, one lost: the median is the lost run's, a gap in the line.
  assert.ok(Number.isNaN(bands[1].median));
  assert.deepEqual([bands[1].lo, bands[1].hi, bands[1].seeds], [1, 1, 1]);
});

Deno.test("loss chart: a band and a line per config, a × per diverged seed", () => {
  const chart = lossChart(runs());
  const m = marks(chart);
  assert.equal(m.area, 1);
  assert.equal(m.line, 1);
  assert.equal(markElements(chart, "area", "path"), 2); // one band per config
  assert.equal(markElements(chart, "dot", "path"), 1); // one diverged seed
  assert.match(chart.caption, /diverged \(1\)/);
  assert.match(chart.caption, /median/);
});

Deno.test("accuracy chart: seed dots, median lines, lesson stars, ≥ and ≤ thresholds labelled", () => {
  const lesson = [
    { config: "a", epoch: 3, value: 0.87, label: "nb 11" },
    { config: "b", epoch: 2, value: 0.8, label: "nb 12" },
  ];
  const thresholds = [
    { claim: 9, config: "a", epoch: 3, direction: ">=" as const, value: 0.84 },
    { claim: 15, config: "b", epoch: 3, direction: ">=" as const, value: 0.84 },
    { claim: 7, config: "b", epoch: 1, direction: "<=" as const, value: 0.65 },
  ];
  const chart = accuracyChart(runs(), lesson, thresholds);
  // 3 epochs × 4 runs, less the 3 epochs the diverged seed never validated, plus 2 stars.
  assert.equal(markElements(chart, "dot", "circle"), 12 - 3);
  const svg = renderPlot(chart.panels[0].options);
  assert.match(svg, />#9, #15 ≥ 84.00%</); // two checks at one place share a tick and a label
  assert.match(svg, />#7 ≤ 65.00%</);
  assert.equal(markElements(chart, "rule", "line"), 2);
  assert.match(chart.caption, /3 \(seed, epoch\) accuracies missing/);
});

Deno.test("final-accuracy chart: every seed shown, a diverged one as × at the edge, medians", () => {
  const chart = finalAccuracyChart(runs(), [{ config: "a", epoch: 3, value: 0.87, label: "x" }]);
  assert.equal(markElements(chart, "dot", "circle"), 3);
  assert.match(chart.caption, /1 seed\(s\) with no final accuracy/);
  const m = marks(chart);
  assert.equal(m.tick, 1);
  // a: one trained, one lost → median is the midpoint of −∞ and a value: −∞, no tick; b: a tick.
  assert.equal(markElements(chart, "tick", "line"), 1);
});

Deno.test("fixture: a valid schema-2 results file that survives the JSON round trip", async () => {
  const results = fixtureResults();
  ResultsSchema.parse(results);
  ResultsSchema.parse(fixtureQuickResults());
  const dir = await Deno.makeTempDir();
  try {
    await writeResults(`${dir}/results.json`, results);
    const back = await readResults(`${dir}/results.json`);
    assert.deepEqual(
      back.claims.map((c) => c.headline.median),
      results.claims.map((c) => c.headline.median),
    );
    assert.equal(back.claims.length, results.claims.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fixture: covers every verdict, outcome and check kind the report draws", () => {
  const { claims } = fixtureResults();
  assert.deepEqual(
    new Set(claims.map((c) => c.verdict)),
    new Set(["reproduced", "not reproduced", "inconclusive", "error", "not judged"]),
  );
  const outcomes = new Set(
    claims.flatMap((c) => c.configs.flatMap((x) => x.runs.map((r) => r.outcome))),
  );
  assert.deepEqual(outcomes, new Set(["trained", "collapsed", "diverged", "failed"]));
  const checks = claims.flatMap((c) => c.checks);
  assert.ok(checks.some((c) => c.kind === "any-of"));
  assert.ok(
    leafChecks(checks).some((c) => c.kind === "every-seed" && c.judged.counterexamples.length > 0),
  );
  for (const kind of ["threshold", "superiority", "equivalence", "rate", "every-seed"]) {
    assert.ok(leafChecks(checks).some((c) => c.kind === kind), kind);
  }
  assert.ok(claims.some((c) => c.configs.some((x) => depthEvidence(x) !== null)));
  const values = claims.flatMap((c) =>
    c.configs.flatMap((x) => x.runs.flatMap((r) => Object.values(r.values)))
  );
  assert.ok(values.some(Number.isNaN));
  const bounds = leafChecks(checks).flatMap((c) => c.judged.interval ?? []);
  assert.ok(bounds.includes(Infinity) && bounds.includes(-Infinity));
  // Decided at either look of the 6 → 10 plan.
  assert.deepEqual(new Set(claims.map((c) => c.decidedAt)), new Set([6, 10, null]));
});

Deno.test("evidence: training runs by label, typed thresholds and lesson points, probes by shape", () => {
  const gr = fixtureClaim("general-relu");
  assert.deepEqual(Object.keys(trainingRuns(gr)!), [
    "GeneralReLU + Kaiming(0.1)",
    "ReLU + Kaiming (claim 9)",
  ]);
  assert.deepEqual(accuracyThresholds(gr), [{
    claim: 10,
    config: "GeneralReLU + Kaiming(0.1)",
    epoch: 3,
    direction: ">=",
    value: 0.86,
  }]);
  assert.deepEqual(lessonPoints(gr).map((l) => [l.config, l.epoch, l.value]), [
    ["GeneralReLU + Kaiming(0.1)", 3, 0.872],
    ["ReLU + Kaiming (claim 9)", 3, 0.853],
  ]);
  // A failed LSUV seed has no TrainRun: 9 of 10 runs.
  assert.equal(trainingRuns(fixtureClaim("lsuv"))!["LSUV from the default init"].length, 9);
  // A lesson number with no subject is context only: no star.
  assert.equal(lessonPoints(fixtureClaim("schedules")).length, 1);
  const depth = fixtureClaim("depth-survival");
  assert.equal(trainingRuns(depth), null);
  assert.equal(depthEvidence(depth.configs[0])!.perSeed.length, 6);
  assert.equal(momentsEvidence(depth.configs[0]), null);
  const moments = momentsEvidence(fixtureClaim("moments").configs[0])!;
  assert.equal(moments.length, 2);
  assert.ok(Number.isNaN(moments[1].reluStd));
  assert.equal(depthEvidence(gr.configs[0]), null);
  const odd = {
    ...depth.configs[0],
    runs: depth.configs[0].runs.map((r) => ({ ...r, detail: { nope: 1 } })),
  };
  assert.equal(depthEvidence(odd), null);
  assert.equal(momentsEvidence(odd), null);
  // Two configs with one label are told apart by name.
  const twin = {
    configs: [{ ...gr.configs[0] }, { ...gr.configs[1], label: gr.configs[0].label }],
  };
  assert.deepEqual([...configLabels(twin).values()], [
    "GeneralReLU + Kaiming(0.1) (generalRelu)",
    "GeneralReLU + Kaiming(0.1) (relu)",
  ]);
});

Deno.test("claim text: numbers, commit, date, plan, headline and the verdict's reason", () => {
  assert.equal(claimNumbers([1, 2, 3, 4, 5]), "#1–5");
  assert.equal(claimNumbers([10, 25]), "#10, #25");
  assert.equal(claimNumbers([19, 20]), "#19, #20");
  assert.equal(claimNumbers([]), "");
  assert.equal(shortCommit("0123456789abcdef0123456789abcdef01234567-dirty"), "0123456789-dirty");
  assert.equal(shortCommit("unknown"), "unknown");
  assert.equal(dateToMinute("2026-11-25T04:07:31.412Z"), "2026-11-25 04:07 UTC");
  const f = fixtureResults();
  assert.equal(planText(f.meta), "6 → 10 seeds, α = 0.05 per check (0.025 per look, Bonferroni)");
  assert.equal(
    planText(fixtureQuickResults().meta),
    "quick mode: seed 1 of every config, no verdicts",
  );

  const reason = (id: string) => verdictReason(fixtureClaim(id));
  assert.equal(reason("depth-survival"), "all 3 checks supported at 6 seeds");
  assert.equal(reason("lsuv"), "all 2 checks supported at 10 seeds");
  assert.equal(reason("input-normalization"), "its one check supported at 6 seeds");
  assert.match(
    reason("general-relu"),
    /^#25 in every trained seed: largest dead fraction .* ≤ 0\.3 — held on 3 of 4 trained seeds of 6; fails on seed 3: refuted at 6 seeds$/,
  );
  assert.equal(
    reason("schedules"),
    "inconclusive at 10 seeds: #19 median eval accuracy after epoch 3 of AdamW, cosine per batch ≥ 87.30%",
  );
  assert.equal(reason("moments"), "a@x, seed 3: GPUDeviceLostError: the GPU device was lost");
  assert.match(reason("layernorm"), /^not judged: quick mode/);

  const h = headlineEstimate(fixtureClaim("lsuv"));
  // From the typed subject: the free-text headline label may name the config already.
  assert.equal(h.label, "eval accuracy after epoch 3 of LSUV from the default init");
  assert.match(h.value, /^\d\d\.\d\d%$/);
  assert.match(h.bounds!, /^\d\d\.\d\d% to \d\d\.\d\d%$/);
  assert.match(h.boundsNote!, /check #11, each at 97\.5%, 10 seeds/);
  // A lost run as the lower bound is −∞, never NaN; no deciding check: no bounds.
  assert.match(headlineEstimate(fixtureClaim("general-relu")).bounds!, /^−∞ to /);
  assert.equal(headlineEstimate(fixtureClaim("depth-survival")).bounds, null);
});

Deno.test("setupLine: a training config in one line; anything else is null", () => {
  assert.equal(
    setupLine({
      act: "relu",
      init: "kaiming",
      inputNorm: false,
      learner: "momentum-learner",
      opt: "sgd",
      lr: 0.2,
      bs: 1024,
      epochs: 3,
    }),
    "relu activation, kaiming init, raw [0, 1] input, sgd (momentum-learner), lr 0.2, batch 1024, 3 epochs",
  );
  assert.match(
    setupLine({ opt: "sgd", epochs: 3, continueWith: { epochs: 2, lr: 0.05 } })!,
    /3 epochs then 2 at lr 0\.05/,
  );
  assert.equal(setupLine({ rows: 200 }), null);
  assert.equal(setupLine(null), null);
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

Deno.test("depth survival: finite stds on a log axis, the first seeds' layers in the status strip", () => {
  const ev = depthEvidence(fixtureClaim("depth-survival").configs[0])!;
  const chart = depthSurvivalChart(ev);
  assert.equal(chart.panels.length, 2);
  // 5 cases × 12 layers × 3 of the 6 seeds: zeros and non-finite are drawn, not dropped.
  assert.equal(markElements({ ...chart, panels: [chart.panels[1]] }, "cell", "rect"), 180);
  assert.match(chart.caption, /seeds 1, 2, 3 of 6 shown/);
  assert.deepEqual(
    [valueStatus(0), valueStatus(Infinity), valueStatus(NaN), valueStatus(1e-30)],
    ["zero", "infinite", "NaN", "finite"],
  );
  const svg = renderPlot(chart.panels[1].options);
  for (const s of ["exactly 0", "±∞ (overflow)", "not a number"]) {
    assert.ok(svg.includes(`>${s}<`), s);
  }
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

Deno.test("history chart: old pass/fail and new verdicts, lost and missing medians written out", () => {
  const lines = fixtureHistory();
  assert.equal(claimHistory(lines, "general-relu").length, 4);
  assert.deepEqual(claimHistory(lines, "general-relu").map((p) => p.verdict), [
    "pass",
    "fail",
    "not judged",
    "not reproduced",
  ]);
  const chart = historyChart(lines, [{
    id: "general-relu",
    title: "#10, #25 general-relu",
    label: "epoch-3 eval accuracy",
    unit: "accuracy",
  }]);
  assert.equal(chart.panels.length, 1);
  const svg = renderPlot(chart.panels[0].options);
  assert.equal(markElements(chart, "dot", "path"), 1); // only the full run has a finite median
  assert.match(svg, />n\/a</); // NaN headline of an old line
  assert.match(svg, />lost</); // −∞: the median run diverged
  assert.doesNotMatch(svg, />NaN</);
  assert.deepEqual(runTicks(1), [1]);
  assert.deepEqual(runTicks(4), [1, 2, 3, 4]);
  assert.deepEqual(runTicks(20), [1, 4, 7, 10, 13, 16, 19]);
});

Deno.test("claimCharts: each claim gets the charts its runs support", () => {
  const ids = (id: string) => claimCharts(fixtureClaim(id)).map((c) => c.id);
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
  assert.deepEqual(ids("lsuv"), [
    "accuracy",
    "final-accuracy",
    "loss",
    "lsuv",
    "stats-generalRelu",
    "color-dim-generalRelu",
    "dead-generalRelu",
  ]);
  assert.deepEqual(ids("schedules"), ["accuracy", "final-accuracy", "loss", "schedule"]);
  assert.deepEqual(ids("input-normalization"), ["accuracy", "final-accuracy", "loss"]);
  assert.deepEqual(ids("moments"), []);
  // Lesson figures come from the claim's declaration, never from its id.
  const gr = fixtureClaim("general-relu");
  const shapes = (c: typeof gr) => claimCharts(c).filter((x) => x.id === "general-relu-shape");
  assert.equal(shapes(gr).length, 1);
  assert.equal(shapes({ ...gr, figures: [] }).length, 0);
  assert.equal(shapes({ ...gr, figures: undefined }).length, 0);
  const optimizers = { ...fixtureClaim("schedules"), id: "optimizers" };
  assert.ok(!ids("schedules").includes("ewma-demo"));
  assert.ok(!claimCharts(optimizers).some((c) => c.id === "ewma-demo"));
  assert.deepEqual(
    claimCharts({ ...optimizers, figures: ["ewma-demo", "general-relu-shape"] }).slice(-2)
      .map((c) => c.id),
    ["ewma-demo", "general-relu-shape"],
  );
  assert.deepEqual(Object.keys(LESSON_FIGURES).sort(), ["ewma-demo", "general-relu-shape"]);
  const lsuv = claimCharts(fixtureClaim("lsuv")).find((c) => c.id === "lsuv")!;
  assert.match(lsuv.caption, /Not drawn: seed 5, where LSUV gave up/);
  // Activation statistics: the first 3 seeds of 6 (4 layers each).
  const dim = claimCharts(fixtureClaim("general-relu")).find((c) =>
    c.id === "color-dim-generalRelu"
  )!;
  assert.equal(dim.panels.length, 12);
  assert.match(dim.caption, /Seeds 1, 2, 3 of the 6 with statistics are shown/);
});

Deno.test("html helpers: escaping, numbers, badges by verdict", () => {
  assert.equal(esc(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(num(NaN), "NaN");
  assert.equal(num(0.86123456), "0.8612");
  assert.equal(num(null), "—");
  assert.equal(
    badge("not reproduced"),
    `<span class="badge badge-not-reproduced">not reproduced</span>`,
  );
  assert.equal(badge("pass"), `<span class="badge badge-pass">pass</span>`);
});

Deno.test("index page: counts, provenance, claims in lesson order with estimates and reasons", () => {
  const results = fixtureResults();
  const html = indexPage(results, fixtureHistory());
  const text = visibleText(html);
  assert.match(
    text,
    /3 reproduced · 1 not reproduced · 1 inconclusive · 1 not judged · 1 error \(of 7 claims\)/,
  );
  for (
    const s of [
      "llvmpipe (LLVM 15.0.6, 256 bits) (fallback adapter) — vendor mesa",
      "mesa-vulkan-drivers 25.0.7-2",
      "0123456789-dirty",
      "2026-11-25 04:07 UTC",
      "6 → 10 seeds, α = 0.05 per check",
      "58 trained in this run, 16 reused",
    ]
  ) assert.ok(text.includes(s), s);
  // Runs trained side by side (--jobs 2) are said, since the wall time depends on it.
  const sideBySide = { ...results, meta: { ...results.meta, jobs: 2 } };
  assert.ok(
    visibleText(indexPage(sideBySide, fixtureHistory())).includes(
      "58 trained in this run (2 at once), 16 reused",
    ),
  );
  // Lesson order: #1–5, #6, #8, #10, #11, #12, #19.
  assert.deepEqual(
    lessonOrdered(results.claims).map((c) => c.id),
    [
      "depth-survival",
      "moments",
      "input-normalization",
      "general-relu",
      "lsuv",
      "layernorm",
      "schedules",
    ],
  );
  assert.deepEqual(
    texts(html, "tr.claim-row .badge"),
    [
      "reproduced",
      "error",
      "reproduced",
      "not reproduced",
      "reproduced",
      "not judged",
      "inconclusive",
    ],
  );
  const badges = [...html.matchAll(/class="badge badge-([a-z-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(
    new Set(badges),
    new Set(["reproduced", "not-reproduced", "inconclusive", "not-judged", "error", "unit-tested"]),
  );
  const reasons = texts(html, "tr.claim-row .reason");
  assert.equal(reasons[3], verdictReason(fixtureClaim("general-relu")));
  // The lesson's number in its unit, with its label; our median with the deciding check's bounds.
  const lsuvRow = texts(html, "tr.claim-row")[4];
  assert.match(lsuvRow, /86\.60%\s*nb 11 cell 107, LSUV/);
  assert.match(
    lsuvRow,
    /\d\d\.\d\d%\s*\d\d\.\d\d% to \d\d\.\d\d%\s*eval accuracy after epoch 3 of LSUV/,
  );
  // No statistic reads NaN; no raw metric or config key anywhere a person reads.
  for (const cell of texts(html, ".stat, tr.claim-row")) assert.doesNotMatch(cell, /NaN/);
  for (const key of rawKeys(results)) assert.ok(!text.includes(key), key);
  // Quick mode says so.
  const quick = visibleText(indexPage(fixtureQuickResults(), []));
  assert.match(quick, /quick mode: seed 1 of every config, no verdicts/);
  assert.match(quick, /6 not judged · 1 error/);
  assert.match(quick, /No history yet/);
});

/** The camelCase metric and config names of the results (what a person must never read). */
function rawKeys(results: ReturnType<typeof fixtureResults>): string[] {
  const names = results.claims.flatMap((c) => [
    ...Object.keys(c.metrics),
    ...c.configs.map((x) => x.name),
    ...c.configs.flatMap((x) => x.runs.flatMap((r) => Object.keys(r.values))),
  ]);
  return [...new Set(names)].filter((n) => /[a-z][A-Z]/.test(n) || n.includes("@"));
}

Deno.test("claim pages: checks as sentences with decisions, seeds with outcomes, lesson and comparisons", () => {
  const results = fixtureResults();
  const page = (id: string) => claimPage(fixtureClaim(id), results.meta, results.claims);
  for (const claim of results.claims) {
    const html = page(claim.id);
    const text = visibleText(html);
    const vocab = vocabulary(claim);
    // Every check's statement (any-of parts too), its decision and its look.
    for (const c of [...claim.checks, ...leafChecks(claim.checks)]) {
      if (c.kind !== "any-of") {
        assert.ok(text.includes(checkStatement(c, vocab)), `${claim.id}: ${c.id}`);
      }
    }
    assert.equal(
      texts(html, "tr.check, tr.part").length,
      leafChecks(claim.checks).length + claim.checks.filter((c) => c.kind === "any-of").length,
    );
    assert.equal(texts(html, "h1 .badge")[0], claim.verdict);
    for (const cell of texts(html, ".stat")) assert.doesNotMatch(cell, /NaN/, claim.id);
    for (const key of rawKeys(results)) assert.ok(!text.includes(key), `${claim.id}: ${key}`);
    if (claim.verdict !== "reproduced") assert.ok(text.includes(verdictReason(claim)), claim.id);
    assert.ok(text.includes(claim.quote));
  }
  const gr = visibleText(page("general-relu"));
  assert.match(gr, /1 of 4 checks supported, decided at 6 seeds/);
  assert.match(gr, /diverged at epoch 2, step 18/);
  assert.match(gr, /fails on seed 3/);
  assert.match(gr, /2 of 6 seeds lost \(diverged or failed; 95% interval/);
  assert.match(gr, /\d+(st|nd|rd|th) percentile of our 6 seeds/);
  assert.match(
    gr,
    /P\(GeneralReLU \+ Kaiming\(0\.1\) > ReLU \+ Kaiming \(claim 9\)\) on eval accuracy after epoch 3/,
  );
  assert.match(gr, /4\/6 = 0\.67/);
  assert.match(gr, /k = 4: \d\d\.\d\d%/); // E[max_k] over the 4 trained seeds
  assert.match(gr, /Seeds 1 and 4 diverge/); // findings
  assert.match(gr, /GeneralReLU re-runs 0\.872–0\.875/); // lesson notes
  assert.match(gr, /general-relu activation, kaiming init/); // setup line
  const lsuv = page("lsuv");
  assert.match(visibleText(lsuv), /failed: LSUV: layer 2 did not reach/);
  assert.match(visibleText(lsuv), /decided at 10 seeds/);
  // Its dependency was not reproduced: named as inherited; a reproduced one as context.
  assert.match(lsuv, /Inherited: depends on claim <a href="general-relu\.html">#10, #25<\/a>/);
  assert.doesNotMatch(lsuv, /Depends on claim/);
  const fine = results.claims.map((c) =>
    c.id === "general-relu" ? { ...c, verdict: "reproduced" as const } : c
  );
  const context = claimPage(fixtureClaim("lsuv"), results.meta, fine);
  assert.match(context, /Depends on claim <a href="general-relu\.html">GeneralRelu with/);
  assert.doesNotMatch(context, /Inherited/);
  const inorm = visibleText(page("input-normalization"));
  assert.match(inorm, /either of the 2 checks below/);
  assert.match(inorm, /collapsed \(chance-level accuracy\)/);
  assert.match(inorm, /1\/6 = 0\.17/); // the rate part
  const sched = visibleText(page("schedules"));
  assert.match(sched, /still open after 10 seeds/);
  assert.match(sched, /open at 10 seeds/);
  assert.match(sched, /context only/); // a lesson number without a subject
  const moments = page("moments");
  assert.match(visibleText(moments), /the GPU device was lost/);
  assert.equal(texts(moments, "#moments tr").length, 4); // header, 2 seeds, the lesson
  assert.match(visibleText(page("layernorm")), /not judged: quick mode/);
  assert.match(visibleText(page("depth-survival")), /held on 6 of 6 seeds/);
});

Deno.test("renderReport: index and one self-contained page per claim", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const results = fixtureResults();
    await writeResults(`${dir}/results.json`, results);
    const written = await renderReport(dir, results, fixtureHistory());
    assert.deepEqual(
      written.map((p) => p.slice(dir.length + 1)),
      ["index.html", ...results.claims.map((c) => `${c.id}.html`)],
    );
    for (const path of written) {
      const html = await Deno.readTextFile(path);
      // Only the re-run panel's inline bootstrap: no script is fetched.
      assert.doesNotMatch(html, /<script[^>]*\bsrc=/i, path);
      assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, `${path} fetches from the network`);
      assert.match(html, /^<!doctype html>/);
    }
    const index = await Deno.readTextFile(`${dir}/index.html`);
    for (const c of results.claims) assert.match(index, new RegExp(`href="${c.id}.html"`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unit-tested claims 22–24: §8's claims, each with tests that exist under that name", async () => {
  assert.deepEqual(UNIT_TESTED_CLAIMS.map((u) => u.claim), [22, 23, 24]);
  const root = new URL("../../", import.meta.url);
  for (const u of UNIT_TESTED_CLAIMS) {
    assert.ok(u.tests.length > 0, `#${u.claim}`);
    for (const t of u.tests) {
      // A test name may be split over concatenated string literals.
      const source = (await Deno.readTextFile(new URL(t.file, root)))
        .replace(/(["'`])\s*\+\s*\n?\s*(["'`])/g, "");
      assert.ok(source.includes(t.name), `#${u.claim}: no test "${t.name}" in ${t.file}`);
      assert.ok(t.name.includes(`claim ${u.claim}`), t.name);
    }
  }
});

Deno.test("index: claims 22–24 in lesson order between #21 and #25, badged unit-tested", () => {
  const results = fixtureResults();
  const html = indexPage(results, []);
  // Rows in order by their first claim number: the fixture's #19 row, then #22, #23, #24.
  const numbers = texts(html, "tr.claim-row .nums, tr.unit-row .nums");
  assert.deepEqual(numbers, [
    "#1–5",
    "#6",
    "#8",
    "#10, #25",
    "#11",
    "#12",
    "#19, #20",
    "#22",
    "#23",
    "#24",
  ]);
  assert.deepEqual(texts(html, "tr.unit-row .badge"), [
    "unit-tested",
    "unit-tested",
    "unit-tested",
  ]);
  assert.match(html, /class="badge badge-unit-tested"/);
  const rows = texts(html, "tr.unit-row").map((r) => r.replace(/\s+/g, " "));
  assert.match(rows[0], /#22 MomentumLearner equivalence/);
  assert.match(rows[0], /Scaling the grads by 0\.85 instead of zeroing them/);
  assert.match(rows[0], /unit-tested semantics \(no seeds\)/);
  assert.match(
    rows[0],
    /covered by src\/optim\/momentum_test\.ts \(float64 reference, the GPU kernels\)/,
  );
  assert.match(rows[1], /#23 EMA momentum equivalence.*lerp form/);
  assert.match(rows[1], /src\/optim\/optimizer_test\.ts/);
  assert.match(rows[2], /#24 Schedule shapes.*OneCycle/);
  assert.match(rows[2], /src\/optim\/schedules_test\.ts/);
  // Not counted among the judged claims.
  assert.match(visibleText(html), /\(of 7 claims\)/);
  // A later claim (#26) sorts after them.
  const later = { ...fixtureClaim("layernorm"), id: "lr-finder", claimNumbers: [26] };
  const after = texts(
    indexPage({ ...results, claims: [...results.claims, later] }, []),
    "tr.claim-row .nums, tr.unit-row .nums",
  );
  assert.deepEqual(after.slice(-4), ["#22", "#23", "#24", "#26"]);
});

Deno.test("index vs baseline: counts by status, a column per claim, inherited, notes", () => {
  const results = fixtureResults();
  const comparison = compareRun(results, fixtureBaseline(), "reports/baseline.json")!;
  const html = indexPage(results, fixtureHistory(), {
    comparison,
    baselinePath: "reports/baseline.json",
    historyPath: "reports/history.jsonl",
  });
  const text = visibleText(html).replace(/\s+/g, " ");
  assert.match(
    text,
    /Against the baseline \(reports\/baseline\.json\), a full run of 2026-11-20 09:00 UTC, commit fedcba9876: 1 errored · 1 regressed · 1 improved · 3 unchanged · 1 new · 1 inherited/,
  );
  assert.match(text, /Note: the trainer's code differs from the baseline's/);
  assert.match(text, /In the baseline but not in this run: retired-claim\./);
  assert.deepEqual(texts(html, "tr:first-child th").at(-1), "vs baseline");
  // In lesson order: depth-survival, moments, input-normalization, general-relu, lsuv,
  // layernorm, schedules.
  assert.deepEqual(texts(html, "tr.claim-row td.vs-baseline .status"), [
    "unchanged",
    "errored",
    "improved",
    "unchanged",
    "regressed",
    "unchanged",
    "new",
  ]);
  const cells = texts(html, "tr.claim-row td.vs-baseline").map((t) => t.replace(/\s+/g, " "));
  assert.match(
    cells[2],
    /was not reproduced, 84\.50%.*verdict improved: not reproduced → reproduced/,
  );
  // lsuv: every seed 5 points below the baseline's; the first note, the rest on its page.
  assert.match(cells[4], /was reproduced, \d\d\.\d\d%/);
  assert.match(
    cells[4],
    /LSUV from the default init, seed 1: epoch-3 eval accuracy .* \(tolerance 0\.01\)/,
  );
  assert.match(cells[4], /8 more/);
  assert.match(html, /href="lsuv\.html#vs-baseline">8 more</);
  assert.match(cells[6], /^new$/);
  // The unit-tested rows keep the column, empty.
  assert.equal(texts(html, "tr.unit-row td").length, 3 * 6);
  // Inherited: lsuv depends on general-relu, which was not reproduced.
  assert.deepEqual(texts(html, "tr.claim-row .inherited"), [
    "depends on claim #10, #25 (not reproduced)",
  ]);
  // The history chart draws each claim's baseline and its tolerance band and names the file.
  assert.match(text, /4 run\(s\) from the run history \(reports\/history\.jsonl\)/);
  assert.match(text, /Dashed line: the baseline's headline/);
  // No baseline: no column, and a sentence saying why.
  const none = indexPage(results, [], { baselinePath: "reports/baseline.json" });
  assert.ok(!texts(none, "th").includes("vs baseline"));
  assert.equal(texts(none, "td.vs-baseline").length, 0);
  assert.match(
    visibleText(none).replace(/\s+/g, " "),
    /No baseline to compare with: none was found at reports\/baseline\.json, or it is not a results file of schema version 2.*1 inherited \(lsuv: depends on a claim not reproduced\)/,
  );
  assert.match(visibleText(none), /No history yet/);
});

Deno.test("baseline helpers: inherited only from a claim not reproduced, cells and summaries", () => {
  const results = fixtureResults();
  const lsuv = fixtureClaim("lsuv");
  assert.deepEqual(inheritedFrom(lsuv, results.claims), [{
    id: "general-relu",
    claimNumbers: [10, 25],
    verdict: "not reproduced",
  }]);
  assert.equal(
    inheritedText(inheritedFrom(lsuv, results.claims), true),
    `depends on claim <a href="general-relu.html">#10, #25</a> (not reproduced)`,
  );
  // A reproduced, a not-judged (quick) or a missing dependency passes nothing on.
  const others = (verdict: string) =>
    results.claims.map((c) => c.id === "general-relu" ? { ...c, verdict } as typeof c : c);
  assert.deepEqual(inheritedFrom(lsuv, others("reproduced")), []);
  assert.deepEqual(inheritedFrom(lsuv, others("not judged")), []);
  assert.equal(inheritedFrom(lsuv, others("inconclusive")).length, 1);
  assert.deepEqual(inheritedFrom(lsuv, results.claims.filter((c) => c.id !== "general-relu")), []);
  assert.equal(compareRun(results, null), null);
  assert.match(baselineCell(null), /—/);
  // The same run as its own baseline: everything unchanged, nothing else counted.
  const self = compareRun(results, results)!;
  const summary = visibleText(`<html><body>${changesSummary(results, self)}</body></html>`);
  assert.match(summary, /1 errored · 6 unchanged · 1 inherited/);
  assert.doesNotMatch(summary, /regressed|new|Note/);
});

Deno.test("history chart: the baseline's headline as a line with its tolerance band", () => {
  const lines = fixtureHistory();
  const claim = {
    id: "lsuv",
    title: "#11 lsuv",
    label: "epoch-3 eval accuracy",
    unit: "accuracy",
  };
  const withBase = historyChart(
    lines,
    [{ ...claim, baseline: { median: 0.87, better: "higher", tolerance: 0.01 } }],
    "reports/history.jsonl",
  );
  assert.equal(markElements(withBase, "rect", "rect"), 1);
  assert.equal(markElements(withBase, "rule", "line"), 1);
  const svg = renderPlot(withBase.panels[0].options);
  assert.match(svg, /baseline: 87\.00%; the gate allows a move of 0\.01 \(down to 86\.00%\)/);
  assert.match(withBase.caption, /\(reports\/history\.jsonl\)/);
  assert.match(withBase.caption, /circle: full mode, triangle: quick mode/);
  // Quick and full runs are told apart by the marker's shape.
  assert.deepEqual(
    (withBase.panels[0].options.symbol as { domain: string[] }).domain,
    ["full", "quick"],
  );
  for (
    const baseline of [undefined, null, {
      median: -Infinity,
      better: "higher" as const,
      tolerance: 0.01,
    }]
  ) {
    const chart = historyChart(lines, [{ ...claim, baseline }]);
    assert.equal(markElements(chart, "rect", "rect"), 0);
    assert.doesNotMatch(chart.caption, /Dashed line/);
  }
  assert.deepEqual(toleranceBand({ median: 0.87, better: "higher", tolerance: 0.01 }), {
    y1: 0.87 - 0.01,
    y2: 0.87,
  });
  assert.deepEqual(toleranceBand({ median: 2, better: "lower", tolerance: 0.5 }), {
    y1: 2,
    y2: 2.5,
  });
});

Deno.test("quotes: the transcript as is, [bracketed] corrections styled apart, escaped", () => {
  assert.equal(
    quoteHtml("the gloro [Glorot] init, 845 [84.5%] & <b>"),
    `the gloro <span class="editorial">[Glorot]</span> init, 845 <span class="editorial">[84.5%]</span> &amp; &lt;b&gt;`,
  );
  assert.equal(quoteHtml("no brackets"), "no brackets");
  assert.equal(quoteHtml("[sic]"), `<span class="editorial">[sic]</span>`);
  const results = fixtureResults();
  const html = claimPage(fixtureClaim("general-relu"), results.meta, results.claims);
  assert.deepEqual(texts(html, "blockquote .editorial"), ["[84.5%]"]);
  assert.ok(visibleText(html).includes(fixtureClaim("general-relu").quote));
  assert.deepEqual(texts(html, ".quote-note"), [
    "speech-to-text transcript; [brackets] are our corrections",
  ]);
});

Deno.test("claim pages: against the baseline, inherited verdicts and the claim's history", () => {
  const results = fixtureResults();
  const comparison = compareRun(results, fixtureBaseline(), "reports/baseline.json");
  const context = { comparison, history: fixtureHistory(), historyPath: "reports/history.jsonl" };
  const page = (id: string) => claimPage(fixtureClaim(id), results.meta, results.claims, context);
  const lsuv = page("lsuv");
  const text = visibleText(lsuv).replace(/\s+/g, " ");
  assert.deepEqual(texts(lsuv, "#vs-baseline .status"), ["regressed"]);
  assert.match(
    text,
    /The baseline \(a full run of 2026-11-20 09:00 UTC, commit fedcba9876\) had reproduced/,
  );
  assert.equal(texts(lsuv, "ul.gate-notes li").length, 9);
  assert.match(text, /Inherited: depends on claim #10, #25 \(not reproduced\)/);
  assert.match(lsuv, /Inherited: depends on claim <a href="general-relu\.html">/);
  // The claim's own history panel, with the baseline's band.
  const history = texts(lsuv, "section#history .panel-label");
  assert.deepEqual(history, ["#11 lsuv"]);
  assert.match(lsuv, /<section class="chart" id="history">[\s\S]*aria-label="rect"/);
  assert.match(visibleText(page("schedules")), /This claim is not in the baseline/);
  assert.doesNotMatch(visibleText(page("depth-survival")), /Inherited/);
  // Without a baseline or history the page says so.
  const bare = visibleText(
    claimPage(fixtureClaim("lsuv"), results.meta, results.claims, {
      baselinePath: "reports/baseline.json",
    }),
  ).replace(/\s+/g, " ");
  assert.match(
    bare,
    /No baseline to compare with \(none at reports\/baseline\.json, or not schema 2\)/,
  );
  assert.match(bare, /No history of this claim yet/);
});

Deno.test("verdict reason: an incomplete claim says a look lacks runs", () => {
  const c = { ...fixtureClaim("schedules"), verdict: "incomplete" as const };
  assert.match(
    verdictReason(c),
    /^incomplete at 10 seeds: the next look needs runs the store lacks/,
  );
  assert.match(verdictReason(c), /#19 .* still open/);
});

Deno.test("chart sections: a wide panel is also drawn narrow for phones; others once", () => {
  const wide = chartSection(lossChart(runs()));
  assert.equal([...wide.matchAll(/<svg[^>]*class="plot/g)].length, 2);
  assert.match(wide, /<div class="variant-wide">/);
  assert.match(
    wide,
    new RegExp(
      `<div class="variant-narrow">(<figure[^>]*>[\\s\\S]*?)?<svg[^>]*width="${NARROW_WIDTH}"`,
    ),
  );
  const half = chartSection(generalReluShapeChart());
  assert.doesNotMatch(half, /variant-/);
});

Deno.test("renderReport: with a baseline and the history path, every page compares", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const results = fixtureResults();
    await renderReport(dir, results, fixtureHistory(), {
      baseline: fixtureBaseline(),
      baselinePath: "reports/baseline.json",
      historyPath: "reports/history.jsonl",
    });
    const index = await Deno.readTextFile(`${dir}/index.html`);
    assert.equal(texts(index, "tr.claim-row td.vs-baseline").length, results.claims.length);
    for (const c of results.claims) {
      const html = await Deno.readTextFile(`${dir}/${c.id}.html`);
      assert.match(html, /id="history"/, c.id);
      assert.match(visibleText(html), /reports\/history\.jsonl/, c.id);
    }
    // No baseline: no column anywhere.
    await renderReport(dir, results, [], { baseline: null });
    assert.equal(texts(await Deno.readTextFile(`${dir}/index.html`), ".vs-baseline").length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("index: the lesson's number beside our estimate is the one on the headline's subject", () => {
  // general-relu's lesson with the ReLU number listed first: its headline is GeneralReLU's.
  const gr = fixtureClaim("general-relu");
  const c = { ...gr, lesson: [...gr.lesson].reverse() };
  const l = lessonNumber(c)!;
  assert.deepEqual(l.subject, c.headline.subject);
  assert.notEqual(l, c.lesson[0]);
  // Without a number on the headline's subject: the first labelled one.
  const other = { ...c, lesson: c.lesson.filter((x) => x !== l) };
  assert.equal(lessonNumber(other), other.lesson[0]);
  assert.equal(lessonNumber({ ...c, lesson: [] }), null);
});

Deno.test("shortCommit: a hash prefix is kept, the digest shortened", () => {
  assert.equal(shortCommit(`sha256:${"ab".repeat(32)}`), "sha256:ababababab");
  assert.equal(shortCommit("sha256:short"), "sha256:short");
});

Deno.test("lr finder axis: ticks at 1, 2 and 5 of each decade within the data", () => {
  assert.deepEqual(logTicks(0.01, 45), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20]);
  assert.deepEqual(logTicks(0.3, 0.4), []);
  assert.deepEqual(logTicks(0, 1), []);
});

Deno.test("phones: the claims and checks tables become cards, each value labelled", () => {
  const results = fixtureResults();
  const index = indexPage(results, []);
  assert.match(index, /<table class="claims cards">\n<tr class="head">/);
  for (const label of ["the lesson", "our estimate", "seeds"]) {
    assert.equal(
      (index.match(new RegExp(`<td[^>]*data-label="${label}"`, "g")) ?? []).length,
      results.claims.length + (label === "the lesson" ? UNIT_TESTED_CLAIMS.length : 0),
      label,
    );
  }
  const page = claimPage(fixtureClaim("general-relu"), results.meta, results.claims);
  assert.match(page, /<table class="checks cards">\n<tr class="head">/);
  // Each check's number rides along with its statement when the number column is hidden.
  assert.equal(texts(page, "tr.check .narrow-only").length, 4);
  for (const label of ["estimate", "bounds", "needs", "decision"]) {
    assert.equal(texts(page, `tr.check td[data-label="${label}"]`).length, 4, label);
  }
  // Every bound is findable (the browser test checks accuracy bounds lie in [0%, 100%]).
  assert.ok(texts(page, ".bound").length >= 4);
});
