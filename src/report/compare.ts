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
import type { ClaimResult, ConfigResult, Results, RunEntry, RunMeta } from "../bench/results.ts";
import { subjectKey, writeAtomic } from "../bench/results.ts";
import { canonicalJson } from "../store/run_key.ts";
import type { JudgedCheck, JudgedLeafCheck, Subject } from "../verdict/check.ts";
import { checkStatement, formatDifference } from "../verdict/sentence.ts";
import { STATUS_TEXT, statusChip } from "./baseline.ts";
import { configSubjects, leafCells } from "./claim_page.ts";
import {
  claimNumbers,
  dateToMinute,
  lessonOrder,
  metricOf,
  metricText,
  outcomeText,
  planText,
  sameSubject,
  seeds,
  shortCommit,
  stat,
  subjectText,
  vocabulary,
} from "./claim_text.ts";
import { configLabels } from "./evidence.ts";
import { badge, esc, page, tableWrap } from "./html.ts";

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
// Values

/** A finite value with `digits` more digits than the pages show ("87.0312%", "0.50312"). */
function precise(v: number, unit: string, digits: number): string {
  if (unit === "accuracy") return `${(v * 100).toFixed(2 + digits)}%`;
  return v.toPrecision(3 + digits);
}

/**
 * Two values A and B as shown: in the pages' format, with just enough more digits to tell them
 * apart where that format would hide a change.
 */
export function pair(
  a: number | undefined,
  b: number | undefined,
  unit: string,
): [string, string] {
  const fmt = (v: number | undefined) => (v === undefined ? "—" : stat(v, unit));
  const [fa, fb] = [fmt(a), fmt(b)];
  if (
    a === undefined || b === undefined || fa !== fb || Object.is(a, b) ||
    !Number.isFinite(a) || !Number.isFinite(b)
  ) return [fa, fb];
  for (let digits = 1; digits <= 14; digits++) {
    const [pa, pb] = [precise(a, unit, digits), precise(b, unit, digits)];
    if (pa !== pb) return [pa, pb];
  }
  return [String(a), String(b)];
}

/** The change B − A of the headline median, in its unit, and whether B is better or worse. */
export interface HeadlineChange {
  a: string;
  b: string;
  /** "+0.58 pts", or null when it cannot be a number (a lost run, another subject). */
  delta: string | null;
  direction: "better" | "worse" | "same" | "other";
  /** Why there is no delta, or what the change means against the gate's tolerance. */
  note: string;
}

/** How the headline moved from A to B. */
export function headlineChange(a: ClaimResult, b: ClaimResult): HeadlineChange {
  const unit = metricOf(b, b.headline.subject.metric).unit;
  const [va, vb] = pair(a.headline.median, b.headline.median, unit);
  if (!sameSubject(a.headline.subject, b.headline.subject)) {
    return {
      a: stat(a.headline.median, metricOf(a, a.headline.subject.metric).unit),
      b: stat(b.headline.median, unit),
      delta: null,
      direction: "other",
      note: `the headline changed: A tracked ${
        subjectText(a.headline.subject, vocabulary(a))
      }, B tracks ${subjectText(b.headline.subject, vocabulary(b))}`,
    };
  }
  const [x, y] = [a.headline.median, b.headline.median];
  if (Object.is(x, y)) return { a: va, b: vb, delta: null, direction: "same", note: "unchanged" };
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    const lost = (v: number) => v === -Infinity;
    return {
      a: va,
      b: vb,
      delta: null,
      direction: lost(y) && !lost(x) ? "worse" : lost(x) && !lost(y) ? "better" : "other",
      note: lost(x) || lost(y)
        ? "a lost run is the median on one side: no difference in the headline's unit"
        : "not a number on one side",
    };
  }
  const diff = y - x;
  const better = b.headline.better === "higher" ? diff > 0 : diff < 0;
  const tolerance = formatDifference(b.headline.tolerance, unit).replace(/^\+/, "");
  const beyond = !better && Math.abs(diff) > b.headline.tolerance + 1e-9;
  return {
    a: va,
    b: vb,
    delta: formatDifference(diff, unit),
    direction: better ? "better" : "worse",
    note: better
      ? `better (${b.headline.better} is better)`
      : beyond
      ? `worse by more than the gate's tolerance of ${tolerance}`
      : `worse, within the gate's tolerance of ${tolerance}`,
  };
}

function arrow(a: string, b: string): string {
  return `${a} <span class="arrow">→</span> ${b}`;
}

function verdictChange(a: ClaimResult | null, b: ClaimResult | null): string {
  return arrow(a ? badge(a.verdict) : "—", b ? badge(b.verdict) : "—");
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Every check of a claim by id, any-of parts as well as the any-of itself. */
function checksById(claim: ClaimResult): Map<string, JudgedCheck> {
  const all = claim.checks.flatMap((
    c,
  ): JudgedCheck[] => (c.kind === "any-of" ? [c, ...c.of] : [c]));
  return new Map(all.map((c) => [c.id, c]));
}

function checkSide(claim: ClaimResult, c: JudgedCheck | undefined): string {
  if (!c) return `<span class="muted">not in this run</span>`;
  const decision = `<span class="decision decision-${c.judged.decision}">${
    esc(c.judged.decision)
  }</span>`;
  if (c.kind === "any-of") return decision;
  const [estimate, bounds] = leafCells(claim, c as JudgedLeafCheck);
  return `${decision}<div class="small">${estimate}${
    c.judged.interval ? `<br><span class="muted">bounds</span> ${bounds}` : ""
  }</div>`;
}

function checksTable(a: ClaimResult, b: ClaimResult): string {
  const inA = checksById(a);
  const inB = checksById(b);
  const ids = [...inB.keys(), ...[...inA.keys()].filter((id) => !inB.has(id))];
  if (ids.length === 0) return `<p class="muted small">No judged checks on either side.</p>`;
  const rows = ids.map((id) => {
    const ca = inA.get(id);
    const cb = inB.get(id);
    const c = (cb ?? ca)!;
    const claim = cb ? b : a;
    const part = [...a.checks, ...b.checks].some((x) =>
      x.kind === "any-of" && x.of.some((p) => p.id === id)
    );
    const moved = !ca || !cb
      ? "one-side"
      : ca.judged.decision !== cb.judged.decision
      ? "decision-changed"
      : "";
    const statement = c.kind === "any-of"
      ? `either of ${c.of.length} checks`
      : checkStatement(c, vocabulary(claim));
    return `<tr class="check-diff ${moved}" data-check="${esc(id)}"><td>#${c.claim}</td>` +
      `<td class="statement">${part ? "or: " : ""}${esc(statement)}${
        moved === "decision-changed"
          ? `<div class="called-out">decision changed: ${esc(ca!.judged.decision)} → ${
            esc(cb!.judged.decision)
          }</div>`
          : ""
      }</td><td data-label="A">${checkSide(a, ca)}</td><td data-label="B">${
        checkSide(b, cb)
      }</td></tr>`;
  });
  return tableWrap(`<table class="check-diffs cards">
<tr class="head"><th>#</th><th>check</th><th>A</th><th>B</th></tr>
${rows.join("\n")}
</table>`);
}

// ---------------------------------------------------------------------------------------------
// Configs and seeds

function subjectsOfBoth(a: ClaimResult, b: ClaimResult, config: string): Subject[] {
  const out: Subject[] = [];
  for (const s of [...configSubjects(b, config), ...configSubjects(a, config)]) {
    if (!out.some((x) => sameSubject(x, s))) out.push(s);
  }
  return out;
}

function outcomeWords(r: RunEntry, kind: ConfigResult["kind"]): string {
  return outcomeText(r) ?? (kind === "probe" ? "measured" : "trained");
}

function configDiff(a: ClaimResult, b: ClaimResult, name: string): string {
  const ca = a.configs.find((c) => c.name === name);
  const cb = b.configs.find((c) => c.name === name);
  const label = (cb ? configLabels(b) : configLabels(a)).get(name) ?? name;
  const head = `<h4>${esc(label)}</h4>`;
  if (!ca || !cb) {
    return `<section class="config-diff" data-config="${esc(name)}">${head}<p class="muted">` +
      `Only in ${ca ? "A" : "B"} (${seeds((ca ?? cb)!.runs.length)}).</p></section>`;
  }
  const notes: string[] = [];
  if (canonicalJson(ca.config) !== canonicalJson(cb.config)) {
    notes.push(
      "The config itself changed between A and B: its runs are not the same experiment " +
        "(the gate does not compare them).",
    );
  }
  const seedsA = new Set(ca.runs.map((r) => r.seed));
  const seedsB = new Set(cb.runs.map((r) => r.seed));
  const onlyA = ca.runs.filter((r) => !seedsB.has(r.seed)).map((r) => r.seed);
  const onlyB = cb.runs.filter((r) => !seedsA.has(r.seed)).map((r) => r.seed);
  if (onlyA.length) notes.push(`Seed ${onlyA.join(", ")} only in A.`);
  if (onlyB.length) notes.push(`Seed ${onlyB.join(", ")} only in B.`);
  const subjects = subjectsOfBoth(a, b, name);
  const vocab = vocabulary(b);
  let changedRuns = 0, outcomeChanges = 0;
  const rows = cb.runs.filter((r) => seedsA.has(r.seed)).map((rb) => {
    const ra = ca.runs.find((r) => r.seed === rb.seed)!;
    const outcomeChanged = ra.outcome !== rb.outcome;
    let changed = outcomeChanged;
    const cells = subjects.map((s) => {
      const key = subjectKey(s);
      const [va, vb] = [ra.values[key], rb.values[key]];
      const moved = !Object.is(va, vb);
      changed ||= moved;
      const [fa, fb] = pair(va, vb, metricOf(b, s.metric).unit);
      return `<td class="n${moved ? " changed" : ""}">${esc(fa)}</td>` +
        `<td class="n${moved ? " changed" : ""}">${esc(fb)}</td>`;
    }).join("");
    if (changed) changedRuns++;
    if (outcomeChanged) outcomeChanges++;
    const outcome = outcomeChanged
      ? `<span class="called-out">outcome changed: ${esc(outcomeWords(ra, ca.kind))} → ${
        esc(outcomeWords(rb, cb.kind))
      }</span>`
      : esc(outcomeWords(rb, cb.kind));
    return `<tr class="run-diff${changed ? " changed-run" : ""}${
      outcomeChanged ? " outcome-changed" : ""
    }" data-seed="${rb.seed}"><td class="n">${rb.seed}</td><td class="outcome">${outcome}</td>${cells}</tr>`;
  });
  const shared = rows.length;
  const summary = shared === 0
    ? "no seed in both runs"
    : changedRuns === 0
    ? `${seeds(shared)} in both: the same outcomes and values`
    : `${changedRuns} of ${seeds(shared)} in both changed` +
      (outcomeChanges ? `, ${outcomeChanges} of them in outcome` : "");
  const header = `<tr><th class="n" rowspan="2">seed</th><th rowspan="2">outcome (B)</th>${
    subjects.map((s) => `<th class="n" colspan="2">${esc(metricText(s, vocab))}</th>`).join("")
  }</tr><tr>${subjects.map(() => `<th class="n">A</th><th class="n">B</th>`).join("")}</tr>`;
  const table = shared
    ? tableWrap(`<table class="seed-diffs">${header}\n${rows.join("\n")}</table>`)
    : "";
  return `<section class="config-diff" data-config="${esc(name)}" data-changed="${changedRuns}">
${head}
<p class="small"><span class="${changedRuns ? "changed-summary" : "muted"}">${esc(summary)}</span>${
    notes.map((n) => `<br><span class="called-out">${esc(n)}</span>`).join("")
  }</p>
${
    changedRuns || !table
      ? table
      : `<details><summary>show the ${seeds(shared)}</summary>${table}</details>`
  }
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Claims

function claimHeading(c: ClaimResult): string {
  return `<b class="nums">${esc(claimNumbers(c.claimNumbers))}</b> ${esc(c.title)}`;
}

function claimSection(a: ClaimResult, b: ClaimResult, row: GateRow | null): string {
  const h = headlineChange(a, b);
  const label = subjectText(b.headline.subject, vocabulary(b));
  const verdict = a.verdict === b.verdict
    ? `<span class="muted">(unchanged)</span>`
    : `<span class="called-out">(changed)</span>`;
  const notes = row && row.notes.length
    ? `<details class="gate-notes" open><summary>the gate's ${row.notes.length} note${
      row.notes.length === 1 ? "" : "s"
    }</summary><ul>${row.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></details>`
    : "";
  const names = [
    ...b.configs.map((c) => c.name),
    ...a.configs.map((c) => c.name).filter((n) => !b.configs.some((c) => c.name === n)),
  ];
  return `<section class="claim-diff" id="${esc(`claim-${b.id}`)}" data-claim="${
    esc(b.id)
  }" data-status="${row?.status ?? ""}">
<h3>${claimHeading(b)} ${row ? statusChip(row.status) : ""}</h3>
<p class="verdict-change">Verdict: ${verdictChange(a, b)} ${verdict}</p>
<p class="headline-change" data-direction="${h.direction}">Headline, ${esc(label)}: <b class="v">${
    esc(h.a)
  }</b> <span class="arrow">→</span> <b class="v">${esc(h.b)}</b>${
    h.delta ? ` <span class="delta delta-${h.direction}">${esc(h.delta)}</span>` : ""
  } <span class="muted">(${esc(h.note)})</span></p>
${notes}
<h4 class="sub">Checks</h4>
${checksTable(a, b)}
<h4 class="sub">Configs and seeds</h4>
${names.map((n) => configDiff(a, b, n)).join("\n")}
</section>`;
}

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
