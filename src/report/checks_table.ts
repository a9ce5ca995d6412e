/**
 * The checks table of a claim's page: per check its statement, estimate, bounds, what it needs,
 * decision and the look that decided it; an any-of check with its parts below it. The cells of a
 * leaf check are shared with the comparison page.
 *
 * @module
 */

import type { ClaimResult } from "../bench/results.ts";
import type { JudgedCheck, JudgedLeafCheck } from "../verdict/check.ts";
import {
  checkSentence,
  checkStatement,
  formatDifference,
  formatValue,
} from "../verdict/sentence.ts";
import { bound, metricOf, seeds, vocabulary } from "./claim_text.ts";
import { boundsHtml, esc, percent, tableWrap, v } from "./html.ts";

/** The unit a check's values are in (its subject's metric; A's for comparisons). */
function checkUnit(claim: ClaimResult, c: JudgedLeafCheck): string {
  const metric = c.kind === "superiority" || c.kind === "equivalence"
    ? c.a.metric
    : c.subject.metric;
  return metricOf(claim, metric).unit;
}

/** The cells of a leaf check's row after its statement: estimate, bounds, needs (as HTML). */
export function leafCells(claim: ClaimResult, c: JudgedLeafCheck): [string, string, string] {
  const unit = checkUnit(claim, c);
  const j = c.judged;
  const level = `<br><span class="muted small v">each at ${percent(j.confidence)}</span>`;
  const interval = (fmt: (x: number) => string) =>
    j.interval && j.n > 0
      ? `${boundsHtml([bound(j.interval[0], fmt), bound(j.interval[1], fmt)])}${level}`
      : "—";
  const diff = (x: number) => formatDifference(x, unit);
  const estimate = (fmt: (x: number) => string) =>
    j.n > 0 && !Number.isNaN(j.estimate) ? v(bound(j.estimate, fmt)) : "—";
  switch (c.kind) {
    case "threshold":
      return [
        estimate((x) => formatValue(x, unit)),
        interval((x) => formatValue(x, unit)),
        `median ${v(`${c.direction === ">=" ? "≥" : "≤"} ${formatValue(c.threshold, unit)}`)}`,
      ];
    case "superiority":
      return [estimate(diff), interval(diff), `median A − B ${v(`≥ ${diff(c.margin)}`)}`];
    case "equivalence":
      return [
        estimate(diff),
        interval(diff),
        `|median A − B| ${v(`≤ ${diff(c.margin).replace(/^\+/, "")}`)}`,
      ];
    case "rate":
      return [
        j.n > 0 ? v(`${Math.round(j.estimate * j.n)}/${j.n} = ${j.estimate.toFixed(2)}`) : "—",
        interval((x) => x.toFixed(3)),
        `P ${v(`${c.direction === ">=" ? "≥" : "≤"} ${c.p0}`)}`,
      ];
    case "every-seed": {
      const over = c.trainedOnly ? `${j.trained} trained seeds of ${j.n}` : seeds(j.n);
      const fails = j.counterexamples.length
        ? `<br><span class="decision-refuted">fails on seed ${j.counterexamples.join(", ")}</span>`
        : "";
      const range = c.min !== undefined && c.max !== undefined
        ? `in [${formatValue(c.min, unit)}, ${formatValue(c.max, unit)}]`
        : c.min !== undefined
        ? unit === "event" && c.min === 1 ? "holds" : `≥ ${formatValue(c.min, unit)}`
        : c.max !== undefined
        ? unit === "event" && c.max === 0 ? "never happens" : `≤ ${formatValue(c.max, unit)}`
        : "any value";
      return [
        `held on ${j.estimate} of ${esc(over)}${fails}`,
        `<span class="muted" title="one counterexample refutes">none</span>`,
        `every ${c.trainedOnly ? "trained " : ""}seed ${v(range)}`,
      ];
    }
  }
}

function decisionCell(decision: string): string {
  return `<td class="decision decision-${decision}" data-label="decision">${esc(decision)}</td>`;
}

function decidedCell(decidedAt: number | null, n: number | null): string {
  return `<td class="look">${
    decidedAt !== null
      ? `decided at ${v(seeds(decidedAt))}`
      : n !== null
      ? `open at ${v(seeds(n))}`
      : "open"
  }</td>`;
}

function checkRows(claim: ClaimResult, c: JudgedCheck): string {
  const vocab = vocabulary(claim);
  if (c.kind === "any-of") {
    const n = Math.max(0, ...c.of.map((p) => p.judged.n));
    const head = `<tr class="check any-of" data-decision="${c.judged.decision}">
<td class="claim-no">#${c.claim}</td><td colspan="4" class="statement">` +
      `<span class="narrow-only">#${c.claim} </span><b>either</b> of the ${c.of.length} checks below ` +
      `<span class="muted">(supported when any is, refuted when all are)</span></td>` +
      `${decisionCell(c.judged.decision)}${decidedCell(c.judged.decidedAt, n)}</tr>`;
    const parts = c.of.map((p) => leafRow(claim, p, vocab, "part"));
    return [head, ...parts].join("\n");
  }
  return leafRow(claim, c, vocab, "check");
}

function leafRow(
  claim: ClaimResult,
  c: JudgedLeafCheck,
  vocab: ReturnType<typeof vocabulary>,
  cls: "check" | "part",
): string {
  const [estimate, bounds, needs] = leafCells(claim, c);
  return `<tr class="${cls}" data-decision="${c.judged.decision}" title="${
    esc(checkSentence(c, vocab))
  }">
<td class="claim-no">${cls === "part" ? "" : `#${c.claim}`}</td><td class="statement">${
    cls === "part" ? "or: " : `<span class="narrow-only">#${c.claim} </span>`
  }${esc(checkStatement(c, vocab))}</td><td class="n stat" data-label="estimate">${estimate}</td>` +
    `<td class="n stat" data-label="bounds">${bounds}</td><td data-label="needs">${needs}</td>${
      decisionCell(c.judged.decision)
    }${decidedCell(c.judged.decidedAt, c.judged.n)}</tr>`;
}

/** The checks table with its caption (empty when the claim has no checks). */
export function checksTable(claim: ClaimResult): string {
  if (claim.checks.length === 0) return "";
  const rows = claim.checks.map((c) => checkRows(claim, c)).join("\n");
  return tableWrap(`<table class="checks cards">
<tr class="head"><th>#</th><th>check</th><th class="n">estimate</th><th class="n">bounds</th><th>needs</th><th>decision</th><th>look</th></tr>
${rows}
</table>`) +
    `<p class="caption">Estimate: the median over seeds (comparisons: of the paired differences ` +
    `A − B by seed; rates: k/n), with a diverged or failed run ranked below every trained one. ` +
    `Bounds: one-sided, distribution-free (order statistics; Clopper–Pearson for rates), each ` +
    `at the look's level. A bound of ±∞ is a lost run (it ranks below every trained one, so a ` +
    `difference against it is infinite) or too few seeds for a finite bound at that level. A ` +
    `check is supported when its bounds clear what it needs, refuted when they lie wholly on ` +
    `the wrong side, and inconclusive otherwise.</p>`;
}
