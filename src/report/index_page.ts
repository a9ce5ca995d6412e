/**
 * The report's index: counts by verdict, what changed against the baseline, the run's provenance
 * (labelled), the claims in lesson order (per claim: its numbers and title, the lesson's number,
 * our estimate with the bounds of the check that decides it, seeds used, the verdict, the one
 * check that explains it, and its status against the baseline), with the unit-tested claims
 * 22–24 in their place, and the history of every claim's headline against the baseline.
 *
 * @module
 */

import type { HistoryLine } from "../bench/history.ts";
import type { ClaimResult, Results } from "../bench/results.ts";
import { atOnce, VerdictSchema } from "../bench/results.ts";
import { formatValue } from "../verdict/sentence.ts";
import {
  baselineCell,
  type BaselineComparison,
  changesSummary,
  gateRow,
  historyClaim,
  inheritedFrom,
  inheritedText,
} from "./baseline.ts";
import { historyChart } from "./charts/history.ts";
import { claimPageName } from "./claim_page.ts";
import {
  claimNumbers,
  dateToMinute,
  headlineEstimate,
  lessonOrder,
  metricOf,
  planText,
  sameSubject,
  shortCommit,
  verdictReason,
} from "./claim_text.ts";
import { badge, boundsHtml, chartSection, esc, page, tableWrap } from "./html.ts";
import { UNIT_TESTED_CLAIMS, unitTestedRow } from "./unit_tested.ts";

/** The claims in lesson order (by their first claim number; ties keep the results' order). */
export function lessonOrdered(claims: readonly ClaimResult[]): ClaimResult[] {
  return claims.map((c, i) => ({ c, i }))
    .sort((a, b) => lessonOrder(a.c) - lessonOrder(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

/**
 * The lesson's number beside our estimate: the one on the headline's subject (same config, metric
 * and epoch) where the lesson has one, else its first labelled number; in its metric's unit.
 */
export function lessonNumber(c: ClaimResult): ClaimResult["lesson"][number] | null {
  return c.lesson.find((x) => x.subject && sameSubject(x.subject, c.headline.subject)) ??
    c.lesson.find((x) => x.label !== "") ?? null;
}

function lessonCell(c: ClaimResult): string {
  const l = lessonNumber(c);
  if (!l) return `<span class="muted">—</span>`;
  const unit = l.subject ? metricOf(c, l.subject.metric).unit : "value";
  const more = c.lesson.length > 1
    ? ` <span class="muted small">(+${c.lesson.length - 1})</span>`
    : "";
  return `<b>${esc(formatValue(l.value, unit))}</b>${more}<br><span class="muted small">${
    esc(l.label)
  }</span>`;
}

function claimRow(
  c: ClaimResult,
  claims: readonly ClaimResult[],
  comparison: BaselineComparison | null,
): string {
  const h = headlineEstimate(c);
  const inherited = inheritedFrom(c, claims);
  return `<tr class="claim-row" data-verdict="${esc(c.verdict)}">
<td class="claim"><b class="nums">${esc(claimNumbers(c.claimNumbers))}</b> <a href="${
    esc(claimPageName(c.id))
  }">${esc(c.title)}</a></td>
<td class="lesson-cell" data-label="the lesson">${lessonCell(c)}</td>
<td class="estimate stat" data-label="our estimate"><b class="v">${esc(h.value)}</b>${
    h.boundTexts ? `<br><span class="small">${boundsHtml(h.boundTexts)}</span>` : ""
  }<br><span class="muted small">${esc(h.label)}</span></td>
<td class="n seeds-cell" data-label="seeds">${c.seedsUsed}</td>
<td class="verdict-cell">${badge(c.verdict)}<div class="reason">${esc(verdictReason(c))}</div>${
    inherited.length ? `<div class="inherited">${inheritedText(inherited)}</div>` : ""
  }</td>
${comparison ? baselineCell(gateRow(comparison, c.id), claimPageName(c.id)) : ""}</tr>`;
}

function minutes(seconds: number): string {
  return seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`;
}

/** "2 reproduced · 1 not reproduced · … (of 6 claims)", verdicts with no claim left out. */
export function verdictCounts(claims: readonly ClaimResult[]): string {
  const parts = VerdictSchema.options.flatMap((v) => {
    const n = claims.filter((c) => c.verdict === v).length;
    return n
      ? [`<span class="count count-${v.replace(" ", "-")}"><b>${n}</b> ${esc(v)}</span>`]
      : [];
  });
  return `${parts.join(" · ")} <span class="muted">(of ${claims.length} claim${
    claims.length === 1 ? "" : "s"
  })</span>`;
}

function provenance(results: Results): string {
  const { meta, claims } = results;
  const a = meta.adapter;
  const adapter = `${a.description}${a.isFallbackAdapter ? " (fallback adapter)" : ""}` +
    ` — vendor ${a.vendor || "unknown"}${a.architecture ? `, architecture ${a.architecture}` : ""}`;
  const missing = meta.claimSet.filter((id) => !claims.some((c) => c.id === id));
  return `<dl class="meta">
<dt>adapter</dt><dd>${esc(adapter)}</dd>
<dt>driver</dt><dd>${esc(meta.driver ?? "not recorded")}</dd>
<dt>commit</dt><dd><code title="${esc(meta.commit)}">${esc(shortCommit(meta.commit))}</code></dd>
<dt>trainer code</dt><dd><code title="${esc(meta.codeIdentity)}">${
    esc(shortCommit(meta.codeIdentity))
  }</code></dd>
<dt>date</dt><dd>${esc(dateToMinute(meta.date))}</dd>
<dt>mode</dt><dd>${esc(meta.mode)}${
    meta.shard ? ` (shard ${meta.shard.index} of ${meta.shard.count})` : ""
  }</dd>
<dt>seed plan</dt><dd>${esc(planText(meta))}</dd>
<dt>claims</dt><dd>${claims.length} in this report${
    missing.length ? `; in the claim set but missing: ${esc(missing.join(", "))}` : ""
  }</dd>
<dt>runs</dt><dd>${meta.runsTrained} trained in this run${
    atOnce(meta)
  }, ${meta.runsReused} reused from the run store</dd>
<dt>wall time</dt><dd>${minutes(meta.wallSeconds)}</dd>
<dt>Deno</dt><dd>${esc(meta.denoVersion)}</dd>
</dl>`;
}

/** What the index shows beyond the results: the baseline comparison and the history's path. */
export interface IndexContext {
  /** The run compared with its baseline; null or absent: no baseline. */
  comparison?: BaselineComparison | null;
  /** Where the baseline was looked for (named when there is none). */
  baselinePath?: string;
  /** Where the history was read from. */
  historyPath?: string;
}

/** The claims table's rows: the claims and the unit-tested claims 22–24, in lesson order. */
function claimRows(
  claims: readonly ClaimResult[],
  comparison: BaselineComparison | null,
): string[] {
  const rows = [
    ...lessonOrdered(claims).map((c) => ({
      order: lessonOrder(c),
      html: claimRow(c, claims, comparison),
    })),
    ...UNIT_TESTED_CLAIMS.map((u) => ({
      order: u.claim,
      html: unitTestedRow(u, comparison ? 1 : 0),
    })),
  ];
  // Stable: a claim keeps its place before a unit-tested claim of the same number.
  return rows.sort((a, b) => a.order - b.order).map((r) => r.html);
}

/** The index page as HTML. */
export function indexPage(
  results: Results,
  history: readonly HistoryLine[],
  context: IndexContext = {},
): string {
  const claims = lessonOrdered(results.claims);
  const comparison = context.comparison ?? null;
  const where = context.historyPath ? ` in <code>${esc(context.historyPath)}</code>` : "";
  const trend = history.length
    ? chartSection(historyChart(
      history,
      claims.map((c) => historyClaim(c, comparison)),
      context.historyPath,
    ))
    : `<p class="muted">No history yet: no earlier run of the bench was recorded${where}.</p>`;
  const body = `
<h1>claimbench: fast.ai lesson 17, reproduced</h1>
<p class="muted">Every claim below was re-measured by claimbench's own WebGPU trainer on the real
Fashion-MNIST, over as many seeds as its checks needed. Each check is fixed in advance from the
lesson and judged on the distribution over seeds: reproduced when every check is supported, not
reproduced when one is refuted, inconclusive when the seeds cannot tell.</p>
<p class="summary">${verdictCounts(claims)}</p>
${changesSummary(results, comparison, context.baselinePath)}

<h2>Claims</h2>
${
    tableWrap(`<table class="claims cards">
<tr class="head"><th>claim</th><th>the lesson</th><th>our estimate (median)</th><th class="n">seeds</th><th>verdict and why</th>${
      comparison ? "<th>vs baseline</th>" : ""
    }</tr>
${claimRows(results.claims, comparison).join("\n")}
</table>`)
  }
<p class="caption">Our estimate: the headline's median over seeds (a diverged run ranks lowest),
with the one-sided bounds of the check that judges it where there is one. Claims
${UNIT_TESTED_CLAIMS.map((u) => `#${u.claim}`).join(", ")} are deterministic semantics with no
seed noise: unit tests (<code>deno task test</code>) check them, so they have no estimate or
verdict here.${
    comparison
      ? " vs baseline: the CI gate's comparison of every shared seed (outcome, and the " +
        "headline within its tolerance), and of the verdicts when both runs are full."
      : ""
  }</p>

<h2>Run</h2>
${provenance(results)}

<h2>History</h2>
${trend}

<footer>Generated by <code>deno task report</code> from <a href="results.json">results.json</a>
(every run, value and judged check).</footer>`;
  return page("claimbench report", body);
}
