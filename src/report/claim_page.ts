/**
 * One claim's page: the lesson's quote and source; the verdict with the look that decided it and
 * every check (statement, estimate, bounds, what it needs, decision, the look); each config's
 * seeds with their outcomes and values; the lesson's numbers with their percentile among our
 * seeds; P(A > B) of each comparison; the expected best of k runs; findings and dependencies; the
 * charts its runs support; the config; and the run's provenance. Built from typed fields only.
 *
 * @module
 */

import type { HistoryLine } from "../bench/history.ts";
import type { ClaimResult, RunMeta } from "../bench/results.ts";
import { formatValue } from "../verdict/sentence.ts";
import { historyChart } from "./charts/history.ts";
import {
  type BaselineComparison,
  baselineProvenance,
  gateRow,
  historyClaim,
  inheritedFrom,
  inheritedText,
  statusChip,
} from "./baseline.ts";
import { claimCharts } from "./claim_charts.ts";
import { checksTable } from "./checks_table.ts";
import {
  claimNumbers,
  dateToMinute,
  headlineEstimate,
  planText,
  seeds,
  shortCommit,
  verdictReason,
} from "./claim_text.ts";
import { configSection } from "./config_section.ts";
import { configLabels, momentsEvidence, type MomentsSeed } from "./evidence.ts";
import { badge, boundsHtml, chartSection, esc, page, tableWrap, verdictClass } from "./html.ts";
import { comparisonsSection, expectedMaxSection, lessonSection } from "./lesson_sections.ts";

// Moved to their own modules; re-exported for the modules that import them from here.
export { claimCharts, LESSON_FIGURES, STATS_SEEDS } from "./claim_charts.ts";
export { leafCells } from "./checks_table.ts";
export { configSubjects, setupLine } from "./config_section.ts";

/** The file name of a claim's page, relative to the report directory. */
export function claimPageName(id: string): string {
  return `${id}.html`;
}

// ---------------------------------------------------------------------------------------------
// Verdict

function verdictBox(claim: ClaimResult, others: readonly ClaimResult[]): string {
  const reason = verdictReason(claim);
  const when = claim.decidedAt !== null
    ? `decided at ${seeds(claim.decidedAt)}`
    : claim.verdict === "inconclusive"
    ? `still open after ${seeds(claim.seedsUsed)}`
    : "";
  const held = claim.checks.filter((c) => c.judged.decision === "supported").length;
  const tally = claim.checks.length
    ? `${held} of ${claim.checks.length} check${claim.checks.length === 1 ? "" : "s"} supported`
    : "";
  // Dependencies that were not reproduced are named as inherited; the others as context.
  const inherited = inheritedFrom(claim, others);
  const depends = claim.dependsOn.filter((id) => !inherited.some((d) => d.id === id)).map((id) => {
    const other = others.find((c) => c.id === id);
    return other
      ? `<a href="${esc(claimPageName(id))}">${esc(other.title)}</a> (${
        esc(claimNumbers(other.claimNumbers))
      }, ${badge(other.verdict)})`
      : esc(id);
  });
  return `<div class="verdict verdict-${verdictClass(claim.verdict)}">
<p>${badge(claim.verdict)} ${[tally, when].filter((x) => x).map(esc).join(", ")}</p>
${claim.verdict === "reproduced" ? "" : `<p class="reason">${esc(reason)}</p>`}
${
    depends.length
      ? `<p class="depends">Depends on claim ${
        depends.join(", ")
      }: a config of this claim is that claim's, so read the two verdicts together.</p>`
      : ""
  }
${
    inherited.length
      ? `<p class="inherited">Inherited: ${
        inheritedText(inherited, true)
      }. A config of this claim is that claim's: where this claim compares with it, its ` +
        `verdict may follow from that one.</p>`
      : ""
  }
</div>`;
}

/** The lesson's words as transcribed, with our [bracketed] corrections styled apart. */
export function quoteHtml(quote: string): string {
  return quote.split(/(\[[^[\]]*\])/).map((part, i) =>
    i % 2 === 1 ? `<span class="editorial">${esc(part)}</span>` : esc(part)
  ).join("");
}

/** The claim against the baseline: the gate's status and notes, and what it inherits. */
function baselineSection(
  claim: ClaimResult,
  comparison: BaselineComparison | null,
  baselinePath?: string,
): string {
  if (!comparison) {
    return `<p class="muted no-baseline">No baseline to compare with${
      baselinePath ? ` (none at <code>${esc(baselinePath)}</code>, or not schema 2)` : ""
    }.</p>`;
  }
  const row = gateRow(comparison, claim.id);
  if (!row) return "";
  const was = row.baselineVerdict
    ? ` The baseline (a ${esc(baselineProvenance(comparison))}) had ${
      esc(row.baselineVerdict)
    }, headline <span class="v">${esc(row.baselineEstimate)}</span>; now ${
      esc(row.verdict)
    }, <span class="v">${esc(row.estimate)}</span>.`
    : " This claim is not in the baseline.";
  const notes = row.notes.length
    ? `<ul class="gate-notes">${row.notes.slice(0, 12).map((n) => `<li>${esc(n)}</li>`).join("")}${
      row.notes.length > 12 ? `<li class="muted">… ${row.notes.length - 12} more</li>` : ""
    }</ul>`
    : "";
  return `<p class="vs-baseline" id="vs-baseline" data-status="${row.status}">Against the baseline: ${
    statusChip(row.status)
  }.${was}</p>
${notes}`;
}

function headlineLine(claim: ClaimResult): string {
  const h = headlineEstimate(claim);
  return `<p class="headline">Headline (tracked in history and by the CI gate): <b>${
    esc(h.label)
  }</b>, median over seeds <b class="stat">${esc(h.value)}</b>${
    h.boundTexts ? ` (${boundsHtml(h.boundTexts)}; ${esc(h.boundsNote ?? "")})` : ""
  }.</p>`;
}

// ---------------------------------------------------------------------------------------------
// Moments (claim 6's probe detail, recognised by shape)

const MOMENT_COLUMNS: [keyof MomentsSeed, string, string][] = [
  ["matmulMean", "E[a@x]", "0.093"],
  ["matmulMeanSq", "E[(a@x)²]", "102.9 (≈ 100)"],
  ["linearMean", "linear mean", "0.02 (≈ 0)"],
  ["linearStd", "linear std", "0.98 (≈ 1)"],
  ["reluMean", "ReLU mean", "0.40 (1/√(2π))"],
  ["reluStd", "ReLU std", "0.58 (√(1/2 − 1/(2π)))"],
];

function momentsTable(perSeed: readonly MomentsSeed[]): string {
  const head = MOMENT_COLUMNS.map(([, label]) => `<th class="n">${esc(label)}</th>`).join("");
  const rows = perSeed.map((s) =>
    `<tr><td class="n">${s.seed}</td>${
      MOMENT_COLUMNS.map(([key]) =>
        `<td class="n">${esc(formatValue(s[key] as number, "value"))}</td>`
      )
        .join("")
    }</tr>`
  );
  const lesson = `<tr class="lesson-row"><td>lesson</td>${
    MOMENT_COLUMNS.map(([, , v]) => `<td class="n">${esc(v)}</td>`).join("")
  }</tr>`;
  return `<section id="moments"><h3>Measured moments</h3>
${tableWrap(`<table><tr><th class="n">seed</th>${head}</tr>${rows.join("")}${lesson}</table>`)}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Re-run panel

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
  }" data-seeds="${claim.seedsUsed}">
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

// ---------------------------------------------------------------------------------------------
// The page

function provenance(claim: ClaimResult, meta: RunMeta): string {
  const adapter = `${meta.adapter.description}${
    meta.adapter.isFallbackAdapter ? " (fallback adapter)" : ""
  }`;
  return [
    `commit ${esc(shortCommit(meta.commit))}`,
    esc(dateToMinute(meta.date)),
    `${esc(meta.mode)} mode`,
    `seed plan: ${esc(planText(meta))}`,
    `this claim: ${seeds(claim.seedsUsed)}, ${claim.seconds.toFixed(1)} s`,
    `adapter ${esc(adapter)}`,
    `driver ${esc(meta.driver ?? "not recorded")}`,
    `Deno ${esc(meta.denoVersion)}`,
    `trainer code ${esc(shortCommit(meta.codeIdentity))}`,
    `every run in <a href="results.json">results.json</a>`,
  ].join(" · ");
}

/** What a claim page shows beyond the claim: the run history and the baseline comparison. */
export interface ClaimPageContext {
  /** The run history (the trend chart draws this claim's lines of it). */
  history?: readonly HistoryLine[];
  /** Where the history was read from (named in the caption). */
  historyPath?: string;
  /** The run compared with its baseline; null or absent: no baseline. */
  comparison?: BaselineComparison | null;
  /** Where the baseline was looked for (named when there is none). */
  baselinePath?: string;
}

/**
 * The claim's page as HTML. `others` (the run's other claims) lets the page link and badge the
 * claims this one depends on; `context` adds the history and the baseline comparison.
 */
export function claimPage(
  claim: ClaimResult,
  meta: RunMeta,
  others: readonly ClaimResult[] = [],
  context: ClaimPageContext = {},
): string {
  const comparison = context.comparison ?? null;
  const history = context.history ?? [];
  const trend = history.some((l) => l.claims[claim.id])
    ? chartSection(historyChart(history, [historyClaim(claim, comparison)], context.historyPath))
    : `<p class="muted">No history of this claim yet${
      context.historyPath ? ` in <code>${esc(context.historyPath)}</code>` : ""
    }.</p>`;
  const charts = claimCharts(claim);
  const labels = configLabels(claim);
  const moments = claim.configs.map(momentsEvidence).find((m) => m !== null) ?? null;
  const body = `
<nav><a href="index.html">← all claims</a></nav>
<h1>${esc(claim.title)} ${badge(claim.verdict)}</h1>
<p class="muted">lesson claim${claim.claimNumbers.length > 1 ? "s" : ""} ${
    esc(claimNumbers(claim.claimNumbers))
  } · ${esc(claim.source)}</p>
<blockquote>${quoteHtml(claim.quote)}</blockquote>
<p class="quote-note caption">speech-to-text transcript; [brackets] are our corrections</p>

<h2>Verdict</h2>
${verdictBox(claim, others)}
${checksTable(claim)}
${headlineLine(claim)}
${baselineSection(claim, comparison, context.baselinePath)}
${claim.findings ? `<h2>Findings</h2>\n<p class="findings">${esc(claim.findings)}</p>` : ""}
${lessonSection(claim)}
${comparisonsSection(claim)}
${expectedMaxSection(claim)}

<h2>Configs and seeds</h2>
${claim.configs.map((c) => configSection(claim, c, labels.get(c.name)!)).join("\n")}

<h2>Evidence</h2>
${moments ? momentsTable(moments) : ""}
${
    charts.length
      ? charts.map(chartSection).join("\n")
      : moments
      ? ""
      : `<p class="muted">This claim's runs have no chart; every value is in results.json.</p>`
  }

<h2>History</h2>
${trend}

${rerunPanel(claim)}

<h2>Config</h2>
${
    claim.configs.map((c) =>
      `<details><summary>${esc(labels.get(c.name)!)} (${
        c.kind === "train" ? "training" : "probe"
      }, ${esc(claim.mode)} mode)</summary><pre>${
        esc(JSON.stringify(c.config, null, 2))
      }</pre></details>`
    ).join("\n")
  }

<footer>${provenance(claim, meta)}</footer>`;
  return page(`${claim.title} — claimbench`, body);
}
