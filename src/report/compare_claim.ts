/**
 * One claim's section of the comparison page: its verdict A → B, the headline's change, the
 * gate's notes, each check's decision A → B, and per config the values of every seed both runs
 * have side by side (changed values highlighted, outcome changes called out).
 *
 * @module
 */

import type { GateRow } from "../bench/gate.ts";
import type { ClaimResult, ConfigResult, RunEntry } from "../bench/results.ts";
import { subjectKey } from "../bench/results.ts";
import { canonicalJson } from "../store/run_key.ts";
import type { JudgedCheck, JudgedLeafCheck, Subject } from "../verdict/check.ts";
import { checkStatement } from "../verdict/sentence.ts";
import { statusChip } from "./baseline.ts";
import { leafCells } from "./checks_table.ts";
import {
  claimNumbers,
  metricOf,
  metricText,
  outcomeText,
  sameSubject,
  seeds,
  subjectText,
  vocabulary,
} from "./claim_text.ts";
import { headlineChange, pair } from "./compare_values.ts";
import { configSubjects } from "./config_section.ts";
import { configLabels } from "./evidence.ts";
import { badge, esc, tableWrap } from "./html.ts";

function arrow(a: string, b: string): string {
  return `${a} <span class="arrow">→</span> ${b}`;
}

/** The verdict A → B as two badges. */
export function verdictChange(a: ClaimResult | null, b: ClaimResult | null): string {
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

/** A claim's numbers and title, for headings and lists. */
export function claimHeading(c: ClaimResult): string {
  return `<b class="nums">${esc(claimNumbers(c.claimNumbers))}</b> ${esc(c.title)}`;
}

/** The section of a claim in both runs: verdict, headline, notes, checks, configs. */
export function claimSection(a: ClaimResult, b: ClaimResult, row: GateRow | null): string {
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
