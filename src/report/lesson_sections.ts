/**
 * The sections of a claim's page on the lesson's own numbers: each number with its percentile
 * among our seeds, P(A > B) of each comparison, and the expected best of k runs.
 *
 * @module
 */

import type { ClaimResult } from "../bench/results.ts";
import { formatValue } from "../verdict/sentence.ts";
import {
  headlineEstimate,
  metricOf,
  metricText,
  sameSubject,
  seeds,
  stat,
  subjectText,
  vocabulary,
} from "./claim_text.ts";
import { leafChecks } from "./evidence.ts";
import { esc, tableWrap, v } from "./html.ts";

function ordinal(n: number): string {
  const r = Math.round(n);
  const s = r % 100 >= 11 && r % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][r % 10] ?? "th";
  return `${r}${s}`;
}

/** The lesson's numbers, each with its percentile among our seeds (empty when it has none). */
export function lessonSection(claim: ClaimResult): string {
  if (claim.lesson.length === 0 && claim.lessonNotes.length === 0) return "";
  const vocab = vocabulary(claim);
  const rows = claim.lesson.map((l) => {
    const unit = l.subject ? metricOf(claim, l.subject.metric).unit : "value";
    const p = l.subject
      ? claim.lessonPercentiles.find((x) =>
        x.label === l.label && x.value === l.value && sameSubject(x.subject, l.subject!)
      )
      : undefined;
    const where = p && !Number.isNaN(p.percentile)
      ? `<span class="percentile">${ordinal(p.percentile)} percentile</span> of our ${seeds(p.n)}`
      : "—";
    return `<tr><td class="claim-no">#${l.claim}</td><td class="statement">` +
      `<span class="narrow-only">#${l.claim} </span>${esc(l.label)}</td><td class="n" ` +
      `data-label="value">${esc(formatValue(l.value, unit))}</td><td data-label="a value of">${
        l.subject ? esc(subjectText(l.subject, vocab)) : "context only"
      }</td><td data-label="among our seeds">${where}</td></tr>`;
  });
  const table = rows.length
    ? tableWrap(`<table class="lesson cards">
<tr class="head"><th>#</th><th>the lesson reported</th><th class="n">value</th><th>a value of</th><th>among our seeds</th></tr>
${rows.join("\n")}
</table>`)
    : "";
  const notes = claim.lessonNotes.length
    ? `<ul class="lesson-notes">${claim.lessonNotes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`
    : "";
  return `<h2>What the lesson reported</h2>
${table}
${notes}
<p class="caption">The lesson reports one run. Its percentile among our seeds (mid-rank; a
diverged seed ranks lowest) says how typical that run is: the 50th is our median.</p>`;
}

/** P(A > B) on the same seed for each comparison (empty when there is none). */
export function comparisonsSection(claim: ClaimResult): string {
  if (claim.comparisons.length === 0) return "";
  const vocab = vocabulary(claim);
  const leaves = leafChecks(claim.checks);
  const rows = claim.comparisons.map((c) => {
    const check = leaves.find((x) => x.id === c.check);
    const p = c.pAGreater;
    const number = check ? `#${check.claim}` : "";
    return `<tr><td class="claim-no">${number}</td><td class="statement">${
      number ? `<span class="narrow-only">${number} </span>` : ""
    }P(${esc(vocab.config(c.a.config))} > ${esc(vocab.config(c.b.config))}) on ${
      esc(metricText(c.a, vocab))
    }</td><td class="n stat" data-label="estimate">${
      p.n > 0 ? v(`${p.k}/${p.n} = ${p.estimate.toFixed(2)}`) : "—"
    }</td><td class="n stat" data-label="95% interval">${
      p.n > 0 ? `${v(p.interval[0].toFixed(2))} to ${v(p.interval[1].toFixed(2))}` : "—"
    }</td></tr>`;
  });
  return `<h2>Comparisons</h2>
${
    tableWrap(`<table class="comparisons cards">
<tr class="head"><th>#</th><th>probability A beats B on the same seed</th><th class="n">estimate</th><th class="n">95% interval</th></tr>
${rows.join("\n")}
</table>`)
  }
<p class="caption">Reported, not judged: over paired seeds, the share where A beats B (ties carry
no direction and are left out), with its two-sided 95% Clopper–Pearson interval.</p>`;
}

/** E[max of k runs] of the headline (empty below two trained seeds). */
export function expectedMaxSection(claim: ClaimResult): string {
  const xs = claim.expectedMax;
  if (xs.length < 2) return "";
  const unit = metricOf(claim, claim.headline.subject.metric).unit;
  const items = xs.map((v, i) =>
    `<li>k = ${i + 1}: <span class="stat">${esc(stat(v, unit))}</span></li>`
  );
  return `<h3>Expected best of k runs</h3>
<p class="caption">E[max of k runs] of the headline (${
    esc(headlineEstimate(claim).label)
  }) over our ${xs.length} trained seeds: why one published run tends to sit above a median.</p>
<ul class="emax">${items.join("")}</ul>`;
}
