/**
 * What changed against the baseline, for the pages: the CI gate's comparison
 * (`compareWithBaseline`) per claim, its counts in words, and the claims whose verdict is
 * inherited from a claim they depend on that was not reproduced.
 *
 * @module
 */

import {
  compareWithBaseline,
  type GateReport,
  type GateRow,
  type GateStatus,
} from "../bench/gate.ts";
import type { ClaimResult, ClaimVerdict, Results } from "../bench/results.ts";
import type { HistoryClaim } from "./charts/history.ts";
import { claimNumbers, dateToMinute, metricOf, sameSubject, shortCommit } from "./claim_text.ts";
import { esc } from "./html.ts";

/** The run compared with its baseline. */
export interface BaselineComparison {
  /** The baseline's results. */
  baseline: Results;
  /** Where the baseline was read from, if known. */
  path?: string;
  /** The CI gate's comparison of the run with the baseline, claim by claim. */
  gate: GateReport;
  /** Claims in the baseline that this run does not have. */
  baselineOnly: string[];
}

/** Compares `results` with `baseline` (null: nothing to compare). */
export function compareRun(
  results: Results,
  baseline: Results | null | undefined,
  path?: string,
): BaselineComparison | null {
  if (!baseline) return null;
  const ids = new Set(results.claims.map((c) => c.id));
  return {
    baseline,
    path,
    gate: compareWithBaseline(results, baseline),
    baselineOnly: baseline.claims.map((c) => c.id).filter((id) => !ids.has(id)),
  };
}

/** A claim's row of the comparison, or null. */
export function gateRow(comparison: BaselineComparison | null, id: string): GateRow | null {
  return comparison?.gate.rows.find((r) => r.id === id) ?? null;
}

/** The words for a gate status, worst first (the order of the summary). */
export const STATUS_TEXT: Record<GateStatus, { label: string; title: string }> = {
  error: { label: "errored", title: "the claim failed to run" },
  regressed: {
    label: "regressed",
    title: "fails the CI gate: an outcome changed, the headline moved past its tolerance in its " +
      "worse direction, or the verdict went from reproduced to not reproduced",
  },
  warning: {
    label: "warning",
    title: "does not fail the gate, but needs a look: a verdict weakened, a config changed, or " +
      "values moved on the same code, adapter and driver",
  },
  improved: { label: "improved", title: "the verdict became reproduced" },
  changed: {
    label: "changed within tolerance",
    title: "values or the verdict moved, within what the gate allows",
  },
  same: { label: "unchanged", title: "every shared run has the baseline's outcome and values" },
  new: { label: "new", title: "not in the baseline" },
};

const STATUS_ORDER: GateStatus[] = [
  "error",
  "regressed",
  "warning",
  "improved",
  "changed",
  "same",
  "new",
];

/** A gate status as a small chip (tests find them by class: status-regressed, …). */
export function statusChip(status: GateStatus): string {
  const s = STATUS_TEXT[status];
  return `<span class="status status-${status}" title="${esc(s.title)}">${esc(s.label)}</span>`;
}

/** A claim this one depends on whose verdict it inherits. */
export interface Inheritance {
  id: string;
  claimNumbers: number[];
  verdict: ClaimVerdict;
}

/** Verdicts of a dependency that a dependent claim inherits ("not judged" decides nothing). */
const INHERITED: readonly ClaimVerdict[] = ["not reproduced", "inconclusive", "error"];

/**
 * The claims `claim` depends on that were not reproduced in this run (not reproduced,
 * inconclusive or errored): a config of `claim` is theirs, so its verdict may be inherited.
 * Dependencies that are not in the run, or were only not judged (quick mode), are left out.
 */
export function inheritedFrom(
  claim: Pick<ClaimResult, "dependsOn">,
  claims: readonly ClaimResult[],
): Inheritance[] {
  return claim.dependsOn.flatMap((id) => {
    const other = claims.find((c) => c.id === id);
    return other && INHERITED.includes(other.verdict)
      ? [{ id, claimNumbers: other.claimNumbers, verdict: other.verdict }]
      : [];
  });
}

/** "depends on claim #10, #25 (not reproduced)", one per dependency, as HTML. */
export function inheritedText(inherited: readonly Inheritance[], link = false): string {
  return inherited.map((d) => {
    const numbers = esc(claimNumbers(d.claimNumbers) || d.id);
    const what = link ? `<a href="${esc(`${d.id}.html`)}">${numbers}</a>` : numbers;
    return `depends on claim ${what} (${esc(d.verdict)})`;
  }).join("; ");
}

/** The baseline's provenance in one line: "full run of 2026-11-20 09:00 UTC, commit fedcba9876". */
export function baselineProvenance(comparison: BaselineComparison): string {
  const m = comparison.baseline.meta;
  return `${m.mode} run of ${dateToMinute(m.date)}, commit ${shortCommit(m.commit)}`;
}

/**
 * The index's summary of what changed: counts by status, worst first (zeros left out), the
 * inherited count, claims only in the baseline, and the environment notes. Without a baseline:
 * a sentence saying so (and the inherited count).
 */
export function changesSummary(
  results: Results,
  comparison: BaselineComparison | null,
  baselinePath?: string,
): string {
  const inherited = results.claims.filter((c) => inheritedFrom(c, results.claims).length > 0);
  const inheritedPart = inherited.length
    ? `<span class="count count-inherited" title="${
      esc(
        "depends on a claim that was not reproduced in this run: " +
          inherited.map((c) => c.id).join(", "),
      )
    }"><b>${inherited.length}</b> inherited</span>`
    : "";
  if (!comparison) {
    const where = baselinePath ? ` at <code>${esc(baselinePath)}</code>` : "";
    return `<p class="changes no-baseline">No baseline to compare with: none was found${where}, ` +
      `or it is not a results file of schema version 2 (a schema-1 baseline predates typed ` +
      `checks). <code>deno task bench --update-baseline</code> writes one from a full run.${
        inheritedPart
          ? ` ${inheritedPart} (${
            esc(inherited.map((c) => c.id).join(", "))
          }: depends on a claim not reproduced).`
          : ""
      }</p>`;
  }
  const { gate } = comparison;
  const parts = STATUS_ORDER.flatMap((s) => {
    const n = gate.rows.filter((r) => r.status === s).length;
    return n
      ? [
        `<span class="count count-${s}" title="${esc(STATUS_TEXT[s].title)}"><b>${n}</b> ${
          esc(STATUS_TEXT[s].label)
        }</span>`,
      ]
      : [];
  });
  if (inheritedPart) parts.push(inheritedPart);
  const only = comparison.baselineOnly.length
    ? `<li>In the baseline but not in this run: ${esc(comparison.baselineOnly.join(", "))}.</li>`
    : "";
  const notes = gate.environmentNotes.map((n) => `<li>Note: ${esc(n)}.</li>`).join("");
  const from = comparison.path ? ` (<code>${esc(comparison.path)}</code>)` : "";
  return `<p class="changes">Against the baseline${from}, a ${
    esc(baselineProvenance(comparison))
  }: ${parts.join(" · ")}</p>${
    only || notes ? `\n<ul class="changes-notes small">${notes}${only}</ul>` : ""
  }`;
}

/**
 * The index's "vs baseline" cell of a claim: the status, the baseline's verdict and headline,
 * and the first note (the rest on the claim's page, `page`).
 */
export function baselineCell(row: GateRow | null, page?: string): string {
  if (!row) {
    return `<td class="vs-baseline card-hide" data-label="vs baseline"><span class="muted">—</span></td>`;
  }
  const was = row.baselineVerdict
    ? `<div class="small">was ${esc(row.baselineVerdict)}, <span class="v">${
      esc(row.baselineEstimate)
    }</span></div>`
    : "";
  const first = row.notes.length && row.status !== "error"
    ? `<div class="gate-note small">${esc(row.notes[0])}</div>`
    : "";
  const rest = row.notes.length - (first ? 1 : 0);
  const more = rest > 0 && first
    ? `<div class="small">${
      page ? `<a href="${esc(page)}#vs-baseline">${rest} more</a>` : `${rest} more`
    }</div>`
    : "";
  return `<td class="vs-baseline" data-label="vs baseline" data-status="${row.status}">${
    statusChip(row.status)
  }${was}${first}${more}</td>`;
}

/**
 * A claim's history panel: its numbers and headline, and the baseline's headline with the gate's
 * tolerance when the baseline tracks the same headline (same config, metric and epoch).
 */
export function historyClaim(c: ClaimResult, comparison: BaselineComparison | null): HistoryClaim {
  const b = comparison?.baseline.claims.find((x) => x.id === c.id) ?? null;
  const same = b !== null && sameSubject(b.headline.subject, c.headline.subject);
  return {
    id: c.id,
    title: `${claimNumbers(c.claimNumbers)} ${c.id}`,
    label: c.headline.label,
    unit: metricOf(c, c.headline.subject.metric).unit,
    baseline: same
      ? { median: b.headline.median, better: b.headline.better, tolerance: b.headline.tolerance }
      : null,
  };
}
