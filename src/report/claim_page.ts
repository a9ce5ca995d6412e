/**
 * One claim's page: the lesson's quote and source, the verdict with its explanation and every
 * sub-criterion, the headline statistics over seeds, the lesson's numbers, the charts its
 * evidence supports, the config, and the run's provenance.
 *
 * @module
 */

import type { Check } from "../bench/evidence.ts";
import type { ClaimResult, RunMeta } from "../bench/results.ts";
import {
  activationMomentsChart,
  colorDimChart,
  deadChart,
  statsRuns,
} from "./charts/activations.ts";
import { ewmaDemoChart, generalReluShapeChart } from "./charts/demos.ts";
import { depthSurvivalChart } from "./charts/depth.ts";
import { hasSchedule, hyperChart } from "./charts/hyper.ts";
import { lsuvChart } from "./charts/lsuv.ts";
import { accuracyChart, finalAccuracyChart, lossChart } from "./charts/training.ts";
import {
  accuracyThresholds,
  claimChecks,
  depthEvidence,
  lessonPoints,
  momentsEvidence,
  type MomentsSeed,
  trainingRuns,
} from "./evidence.ts";
import { badge, chartSection, esc, num, page } from "./html.ts";
import type { Chart } from "./plot.ts";

/** The file name of a claim's page, relative to the report directory. */
export function claimPageName(id: string): string {
  return `${id}.html`;
}

/** The charts a claim's evidence supports, in page order. */
export function claimCharts(claim: ClaimResult): Chart[] {
  const charts: Chart[] = [];
  const depth = depthEvidence(claim.evidence);
  if (depth) charts.push(depthSurvivalChart(depth));
  const runs = trainingRuns(claim.evidence);
  if (runs) {
    const configs = Object.keys(runs);
    const lesson = lessonPoints(claim.lesson, configs);
    const thresholds = accuracyThresholds(claimChecks(claim.evidence));
    charts.push(
      accuracyChart(runs, lesson, thresholds),
      finalAccuracyChart(runs, lesson),
      lossChart(runs),
    );
    if (hasSchedule(runs)) charts.push(hyperChart(runs));
    for (const seeds of Object.values(runs)) {
      if (seeds.some((r) => r.lsuv !== null)) charts.push(lsuvChart(seeds));
    }
    for (const [config, seeds] of Object.entries(runs)) {
      const stats = statsRuns(seeds);
      if (stats.length === 0) continue;
      const suffix = configs.length > 1 ? ` (${config})` : "";
      for (
        const chart of [
          activationMomentsChart(`stats-${config}`, stats),
          colorDimChart(`color-dim-${config}`, stats),
          deadChart(`dead-${config}`, stats),
        ]
      ) {
        charts.push({ ...chart, title: chart.title + suffix });
      }
    }
  }
  // Lesson figures that explain a claim rather than measure it.
  if (claim.id === "general-relu") charts.push(generalReluShapeChart());
  if (claim.id === "optimizers") charts.push(ewmaDemoChart());
  return charts;
}

function checksList(checks: readonly Check[]): string {
  if (checks.length === 0) return "";
  const items = checks.map((c) =>
    `<li class="${c.ok ? "ok" : "bad"}" data-mark="${c.ok ? "✓" : "✗"}">#${c.claim} ${
      esc(c.text)
    }</li>`
  );
  return `<ul class="checks">${items.join("")}</ul>`;
}

/**
 * The verdict's explanation: with checks, each check on its own line plus any note the
 * explanation adds after them (verdictOf joins "#n text ✓" with "; "); else the explanation.
 */
function verdictBody(claim: ClaimResult, checks: readonly Check[]): string {
  const held = checks.filter((c) => c.ok).length;
  if (checks.length === 0) return `<p>${badge(claim.verdict)} ${esc(claim.explanation)}</p>`;
  const joined = checks.map((c) => `#${c.claim} ${c.text} ${c.ok ? "✓" : "✗"}`).join("; ");
  const note = claim.explanation.startsWith(joined)
    ? claim.explanation.slice(joined.length).replace(/^;\s*/, "")
    : claim.explanation;
  return `<p>${badge(claim.verdict)} ${held} of ${checks.length} checks hold.</p>
${checksList(checks)}${note ? `<p class="muted">${esc(note)}</p>` : ""}`;
}

function headlineTable(claim: ClaimResult): string {
  const h = claim.headline;
  if (!h) return `<p class="muted">No headline metric (the claim errored).</p>`;
  const s = h.summary;
  return `<table>
<tr><th>headline</th><th>value</th><th>per seed (${
    claim.seeds.join(", ")
  })</th><th>mean ± std</th><th>95% interval</th><th>median</th><th>regression tolerance</th></tr>
<tr><td>${esc(h.name)}</td><td class="n">${num(h.value)}</td><td class="n">${
    h.perSeed.map((v) => num(v)).join(", ")
  }</td><td class="n">${s ? `${num(s.mean)} ± ${num(s.std)}` : "—"}</td><td class="n">${
    s ? `[${num(s.ci95[0])}, ${num(s.ci95[1])}]` : "—"
  }</td><td class="n">${s ? num(s.median) : "—"}</td><td class="n">${num(h.tolerance)}</td></tr>
</table>`;
}

function lessonTable(lesson: Record<string, number | string>): string {
  const rows = Object.entries(lesson).map(([k, v]) =>
    `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`
  );
  return `<table><tr><th>the lesson reported</th><th>value</th></tr>${rows.join("")}</table>`;
}

const MOMENT_ROWS: [keyof MomentsSeed, string, string][] = [
  ["matmulMean", "E[a@x]", "0.093"],
  ["matmulMeanSq", "E[(a@x)²]", "102.9 (≈ 100)"],
  ["linearMean", "linear layer mean", "0.02 (≈ 0)"],
  ["linearStd", "linear layer std", "0.98 (≈ 1)"],
  ["reluMean", "ReLU mean", "0.40 (1/√(2π))"],
  ["reluStd", "ReLU std", "0.58 (√(1/2 − 1/(2π)))"],
];

function momentsTable(perSeed: readonly MomentsSeed[]): string {
  const head = perSeed.map((s) => `<th>seed ${s.seed}</th>`).join("");
  const rows = MOMENT_ROWS.map(([key, label, lesson]) =>
    `<tr><td>${esc(label)}</td>${
      perSeed.map((s) => `<td class="n">${num(s[key] as number)}</td>`).join("")
    }<td class="n">${esc(lesson)}</td></tr>`
  );
  return `<section id="moments"><h3>Measured moments</h3>
<table><tr><th>quantity</th>${head}<th>lesson</th></tr>${rows.join("")}</table></section>`;
}

/** The file the re-run panel imports (`deno task build:web` writes it next to the pages). */
export const WEB_BUNDLE_FILE = "claimbench-web.js";

/**
 * The "Re-run in this browser" panel: a placeholder the browser build fills in. The inline
 * bootstrap imports the bundle only over http(s): browsers refuse ES modules from `file://`, and
 * the page must stay error-free there (it says how to serve it instead).
 */
function rerunPanel(claim: ClaimResult): string {
  return `<section id="rerun" class="rerun" data-claim="${
    esc(claim.id)
  }" data-seeds="${claim.seeds.length}">
<h2>Re-run in this browser</h2>
<p class="rerun-status muted">The same claim module, trainer and WGSL kernels can run on this
browser's WebGPU. Loading the browser build…</p>
</section>
<script>
(function () {
  var panel = document.getElementById("rerun");
  var status = panel.querySelector(".rerun-status");
  if (location.protocol === "file:") {
    status.textContent = "To re-run this claim in the browser, serve the report over http " +
      "(deno task serve DIR, then open http://127.0.0.1:8000/) — browsers do not load " +
      "modules from file:// pages.";
    panel.dataset.state = "file";
    return;
  }
  import("./${WEB_BUNDLE_FILE}").then(function (m) { return m.initRerun(panel); }).catch(function (e) {
    status.textContent = "The browser build (${WEB_BUNDLE_FILE}) could not be loaded (" + e.message +
      "); deno task report or deno task build:web writes it next to the pages.";
    panel.dataset.state = "unavailable";
  });
})();
</script>`;
}

/** The claim's page as HTML. */
export function claimPage(claim: ClaimResult, meta: RunMeta): string {
  const checks = claimChecks(claim.evidence);
  const moments = momentsEvidence(claim.evidence);
  const charts = claimCharts(claim);
  const body = `
<nav><a href="index.html">← all claims</a></nav>
<h1>${esc(claim.title)} ${badge(claim.verdict)}</h1>
<p class="muted">${esc(claim.id)} · lesson claim${claim.claimNumbers.length > 1 ? "s" : ""} ${
    claim.claimNumbers.map((n) => `#${n}`).join(", ")
  } · ${esc(claim.source)}</p>
<blockquote>${esc(claim.quote)}</blockquote>

<h2>Verdict</h2>
<div class="verdict verdict-${claim.verdict}">
${verdictBody(claim, checks)}
</div>
${headlineTable(claim)}
${
    claim.mode === "quick"
      ? `<p class="muted">Quick mode${claim.quickNote ? `: ${esc(claim.quickNote)}` : ""}.</p>`
      : ""
  }
${lessonTable(claim.lesson)}

<h2>Evidence</h2>
${moments ? momentsTable(moments) : ""}
${
    charts.length
      ? charts.map(chartSection).join("\n")
      : `<p class="muted">This claim's evidence has no chart; see the raw evidence in results.json.</p>`
  }

${rerunPanel(claim)}

<h2>Config</h2>
<details><summary>The configuration this run used (${claim.mode} mode)</summary><pre>${
    esc(JSON.stringify(claim.config, null, 2))
  }</pre></details>

<footer>
Seeds ${claim.seeds.join(", ")} · ${num(claim.seconds, 3)} s · commit ${esc(meta.commit)} ·
${esc(meta.date)} · Deno ${esc(meta.denoVersion)} · ${esc(meta.adapter.description)}${
    meta.adapter.isFallbackAdapter ? " (fallback adapter)" : ""
  } · evidence in <a href="results.json">results.json</a>
</footer>`;
  return page(`${claim.title} — claimbench`, body);
}
