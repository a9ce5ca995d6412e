/**
 * `deno task report --compare A B`: one page of what changed from run A to run B, claim by claim,
 * like asv's `compare`. For every claim in either file: the verdict A → B, the headline median
 * A → B with its change in the headline's unit, each check's decision A → B, and per config the
 * values of every seed both runs have side by side (changed values highlighted, outcome changes
 * called out); then the claims only in A or only in B. The statuses are the CI gate's
 * (`compareWithBaseline(B, A)`: B judged against A as its baseline), and the page says plainly
 * when the two ran on another adapter, driver or trainer code. Built from typed fields only.
 *
 * @module
 */

import { compareWithBaseline, type GateReport, type GateRow } from "../bench/gate.ts";
import type { ClaimResult, Results, RunMeta } from "../bench/results.ts";
import { writeAtomic } from "../bench/results.ts";
import { canonicalJson } from "../store/run_key.ts";
import { STATUS_TEXT, statusChip } from "./baseline.ts";
import {
  claimNumbers,
  dateToMinute,
  lessonOrder,
  metricOf,
  planText,
  shortCommit,
  stat,
} from "./claim_text.ts";
import { claimHeading, claimSection, verdictChange } from "./compare_claim.ts";
import { headlineChange } from "./compare_values.ts";
import { badge, esc, page, tableWrap } from "./html.ts";

export { type HeadlineChange, headlineChange, pair } from "./compare_values.ts";

/** Where the two results files were read from (named on the page). */
export interface ComparePaths {
  a?: string;
  b?: string;
}

/** The two runs and the gate's comparison of B against A. */
export interface RunComparison {
  a: Results;
  b: Results;
  gate: GateReport;
  /** Claim ids in both, in lesson order (B's order on ties). */
  both: string[];
  onlyA: string[];
  onlyB: string[];
}

/** Compares run `b` with run `a` (A is the baseline: statuses say how B moved from A). */
export function compareRuns(a: Results, b: Results): RunComparison {
  const idsA = new Set(a.claims.map((c) => c.id));
  const idsB = new Set(b.claims.map((c) => c.id));
  const ordered = (claims: readonly ClaimResult[]) =>
    claims.map((c, i) => ({ c, i }))
      .sort((x, y) => lessonOrder(x.c) - lessonOrder(y.c) || x.i - y.i)
      .map(({ c }) => c.id);
  return {
    a,
    b,
    gate: compareWithBaseline(b, a),
    both: ordered(b.claims).filter((id) => idsA.has(id)),
    onlyA: ordered(a.claims).filter((id) => !idsB.has(id)),
    onlyB: ordered(b.claims).filter((id) => !idsA.has(id)),
  };
}

// ---------------------------------------------------------------------------------------------
// The environment

/** What differs between the two runs' environments, each said plainly (empty: nothing). */
export function environmentDifferences(a: RunMeta, b: RunMeta): string[] {
  const notes: string[] = [];
  if (a.adapter.description !== b.adapter.description) {
    notes.push(
      `The adapters differ: A ran on ${a.adapter.description}, B on ${b.adapter.description}. ` +
        "Values are not expected to be bit-identical; the gate compares them within tolerance.",
    );
  }
  if (a.driver !== b.driver) {
    notes.push(
      `The drivers differ: A's is ${a.driver ?? "not recorded"}, B's ` +
        `${b.driver ?? "not recorded"}.`,
    );
  }
  if (a.codeIdentity !== b.codeIdentity) {
    notes.push(
      `The trainer's code differs: A ran code ${shortCommit(a.codeIdentity)}, B ` +
        `${shortCommit(b.codeIdentity)}; values may move.`,
    );
  }
  if (a.mode !== b.mode) {
    notes.push(
      `The modes differ: A is a ${a.mode} run, B a ${b.mode} run; verdicts are compared only ` +
        "between two full runs.",
    );
  } else if (canonicalJson(a.plan) !== canonicalJson(b.plan)) {
    notes.push(`The seed plans differ: A used ${planText(a)}; B ${planText(b)}.`);
  }
  return notes;
}

function runLine(meta: RunMeta, path: string | undefined): string {
  const a = meta.adapter;
  return [
    path ? `<code>${esc(path)}</code>` : "",
    `${esc(meta.mode)} run of ${esc(dateToMinute(meta.date))}`,
    `commit <code title="${esc(meta.commit)}">${esc(shortCommit(meta.commit))}</code>`,
    `adapter ${esc(a.description)}${a.isFallbackAdapter ? " (fallback adapter)" : ""}`,
    `driver ${esc(meta.driver ?? "not recorded")}`,
    `trainer code <code title="${esc(meta.codeIdentity)}">${
      esc(shortCommit(meta.codeIdentity))
    }</code>`,
    `seed plan ${esc(planText(meta))}`,
  ].filter((x) => x).join(" · ");
}

// ---------------------------------------------------------------------------------------------
// The page

function overviewRow(
  id: string,
  a: ClaimResult | null,
  b: ClaimResult | null,
  row: GateRow | null,
): string {
  const c = (b ?? a)!;
  const where = a && b
    ? `<a href="#${esc(`claim-${id}`)}">${esc(c.title)}</a>`
    : `${esc(c.title)} <span class="muted">(only in ${a ? "A" : "B"})</span>`;
  let headline = "—";
  if (a && b) {
    const h = headlineChange(a, b);
    headline = `<span class="v">${esc(h.a)} → ${esc(h.b)}</span>${
      h.delta ? ` <span class="delta delta-${h.direction} v">${esc(h.delta)}</span>` : ""
    }`;
  } else {
    const unit = metricOf(c, c.headline.subject.metric).unit;
    headline = `<span class="v">${esc(stat(c.headline.median, unit))}</span>`;
  }
  const status = a && b && row
    ? statusChip(row.status)
    : a
    ? `<span class="status status-gone" title="in A only">only in A</span>`
    : statusChip("new");
  return `<tr class="claim-row" data-claim="${esc(id)}"><td class="claim"><b class="nums">${
    esc(claimNumbers(c.claimNumbers))
  }</b> ${where}</td><td class="verdict-cell verdict-pair" data-label="verdict">${
    verdictChange(a, b)
  }</td><td data-label="headline median">${headline}</td><td data-label="status">${status}</td></tr>`;
}

/** The comparison page as HTML. */
export function comparePage(cmp: RunComparison, paths: ComparePaths = {}): string {
  const { a, b, gate } = cmp;
  const find = (r: Results, id: string) => r.claims.find((c) => c.id === id) ?? null;
  const rowOf = (id: string) => gate.rows.find((r) => r.id === id) ?? null;
  const env = environmentDifferences(a.meta, b.meta);
  const envHtml = env.length
    ? `<ul class="env-notes">${env.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`
    : `<p class="env-same">Same adapter, driver, trainer code and seed plan: the runs both have ` +
      `should be bit-identical, so any changed value below is worth a look.</p>`;
  const shared = cmp.both.map((id) => rowOf(id)!).filter((r) => r);
  const counts = (["error", "regressed", "warning", "improved", "changed", "same"] as const)
    .flatMap((s) => {
      const n = shared.filter((r) => r.status === s).length;
      return n
        ? [
          `<span class="count count-${s}" title="${esc(STATUS_TEXT[s].title)}"><b>${n}</b> ${
            esc(STATUS_TEXT[s].label)
          }</span>`,
        ]
        : [];
    });
  const verdictsMoved = cmp.both.filter((id) => find(a, id)!.verdict !== find(b, id)!.verdict);
  const summary = [
    ...counts,
    `<span class="count"><b>${verdictsMoved.length}</b> verdict${
      verdictsMoved.length === 1 ? "" : "s"
    } changed</span>`,
    ...(cmp.onlyA.length
      ? [`<span class="count"><b>${cmp.onlyA.length}</b> only in A</span>`]
      : []),
    ...(cmp.onlyB.length
      ? [`<span class="count"><b>${cmp.onlyB.length}</b> only in B</span>`]
      : []),
  ].join(" · ");
  const all = [
    ...cmp.both,
    ...cmp.onlyB,
    ...cmp.onlyA,
  ].map((id) => ({ id, a: find(a, id), b: find(b, id) }))
    .sort((x, y) => lessonOrder((x.b ?? x.a)!) - lessonOrder((y.b ?? y.a)!));
  const only = (side: "A" | "B", ids: string[], r: Results) =>
    ids.length
      ? `<h2 id="only-in-${side.toLowerCase()}">Only in ${side}</h2>
<ul class="only-in">${
        ids.map((id) => {
          const c = find(r, id)!;
          return `<li data-claim="${esc(id)}">${claimHeading(c)} ${badge(c.verdict)}</li>`;
        }).join("")
      }</ul>`
      : "";
  const body = `
<h1>claimbench: run A → run B</h1>
<p class="muted">What changed from A to B, claim by claim: the verdict, the headline median with
its change in the headline's unit, each check's decision, and every seed both runs have, value by
value (changed values highlighted). Statuses are the CI gate's comparison of B against A as its
baseline.</p>
<dl class="meta">
<dt>A</dt><dd class="run-a">${runLine(a.meta, paths.a)}</dd>
<dt>B</dt><dd class="run-b">${runLine(b.meta, paths.b)}</dd>
</dl>
${envHtml}
<p class="summary">${summary}</p>

<h2>Claims</h2>
${
    tableWrap(`<table class="claims compare cards">
<tr class="head"><th>claim</th><th>verdict A → B</th><th>headline median A → B</th><th>status</th></tr>
${all.map((x) => overviewRow(x.id, x.a, x.b, x.a && x.b ? rowOf(x.id) : null)).join("\n")}
</table>`)
  }

<h2>Claim by claim</h2>
${cmp.both.map((id) => claimSection(find(a, id)!, find(b, id)!, rowOf(id))).join("\n")}
${only("A", cmp.onlyA, a)}
${only("B", cmp.onlyB, b)}

<footer>Generated by <code>deno task report --compare</code>.</footer>`;
  return page("claimbench: A → B", body);
}

/** Writes `DIR/index.html`, the comparison page of {@link compareRuns}; returns its path. */
export async function renderComparison(
  dir: string,
  comparison: RunComparison,
  paths: ComparePaths = {},
): Promise<string> {
  const path = `${dir}/index.html`;
  await writeAtomic(path, comparePage(comparison, paths));
  return path;
}
