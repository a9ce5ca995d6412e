/**
 * The words and numbers the pages show for a claim, from its typed fields only: the vocabulary
 * (config and metric labels) the check sentences need, values in their metric's unit, the one-line
 * reason for a verdict, the headline estimate with its deciding check's bounds, and how a run
 * ended. Check text itself comes from `src/verdict/sentence.ts`; nothing here parses text.
 *
 * @module
 */

import type { MetricInfo } from "../bench/contract.ts";
import type { ClaimResult, RunEntry, RunMeta } from "../bench/results.ts";
import { subjectKey } from "../bench/results.ts";
import type { JudgedCheck, JudgedLeafCheck, Subject } from "../verdict/check.ts";
import { describePlan } from "../verdict/plan.ts";
import {
  checkStatement,
  formatValue,
  judgementText,
  type Vocabulary,
} from "../verdict/sentence.ts";
import { headlineCheck } from "../bench/summarize_claim.ts";
import { configLabels } from "./evidence.ts";

/** The labels `checkStatement` needs, from the claim's configs and metrics (raw names as fallback). */
export function vocabulary(claim: Pick<ClaimResult, "configs" | "metrics">): Vocabulary {
  const labels = configLabels(claim);
  return {
    config: (name) => labels.get(name) ?? name,
    metric: (name) => claim.metrics[name] ?? { label: name, unit: "value" },
  };
}

/** The metric's info (label and unit), or the name as label in plain units. */
export function metricOf(claim: Pick<ClaimResult, "metrics">, metric: string): MetricInfo {
  return claim.metrics[metric] ?? { label: metric, unit: "value" };
}

/** A statistic in its unit; "—" where it is not estimable (NaN). */
export function stat(v: number, unit: string): string {
  return Number.isNaN(v) ? "—" : formatValue(v, unit);
}

/** A bound of an interval: ±∞ written as such (too few seeds for a bound, or a lost run). */
export function bound(v: number, fmt: (v: number) => string): string {
  if (v === Infinity) return "+∞";
  if (v === -Infinity) return "−∞";
  return Number.isNaN(v) ? "—" : fmt(v);
}

/** A subject in words: "eval accuracy after epoch 3 of GeneralReLU". */
export function subjectText(s: Subject, vocab: Vocabulary): string {
  const epoch = s.epoch !== undefined ? ` after epoch ${s.epoch}` : "";
  return `${vocab.metric(s.metric).label}${epoch} of ${vocab.config(s.config)}`;
}

/** A subject's metric in words without its config: "eval accuracy after epoch 3". */
export function metricText(s: Subject, vocab: Vocabulary): string {
  return `${vocab.metric(s.metric).label}${s.epoch !== undefined ? ` after epoch ${s.epoch}` : ""}`;
}

/** Whether two subjects are the same (config, metric, epoch). */
export function sameSubject(a: Subject, b: Subject): boolean {
  return a.config === b.config && subjectKey(a) === subjectKey(b);
}

/** Claim numbers compactly: "#1–5", "#10, #25". */
export function claimNumbers(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(
      j - i >= 2
        ? `#${sorted[i]}–${sorted[j]}`
        : sorted.slice(i, j + 1).map((n) => `#${n}`).join(", "),
    );
    i = j + 1;
  }
  return parts.join(", ");
}

/** The first claim number (for lesson order); claims without numbers sort last. */
export function lessonOrder(claim: Pick<ClaimResult, "claimNumbers">): number {
  return claim.claimNumbers.length ? Math.min(...claim.claimNumbers) : Infinity;
}

/** "6 seeds", "1 seed". */
export function seeds(n: number): string {
  return `${n} seed${n === 1 ? "" : "s"}`;
}

/** The check a claim's headline is decided by: the first threshold check on the headline subject. */
export function decidingCheck(
  claim: Pick<ClaimResult, "checks" | "headline">,
): JudgedLeafCheck | null {
  return headlineCheck(claim) ?? null;
}

/** The headline estimate as shown: median in its unit, and the deciding check's bounds if any. */
export interface HeadlineEstimate {
  /**
   * The headline's subject from its typed fields: "eval accuracy after epoch 3 of GeneralReLU +
   * Kaiming(0.1)" (the claim's free-text headline label may already name the config).
   */
  label: string;
  value: string;
  /** "86.40% to 87.50%" (one-sided bounds at the look's level), or null. */
  bounds: string | null;
  /** The two bounds of `bounds` as shown ("86.40%", "+∞"), or null. */
  boundTexts: [string, string] | null;
  /** "each bound at 97.5%, 6 seeds", or null. */
  boundsNote: string | null;
}

/** The claim's headline median with its deciding check's interval. */
export function headlineEstimate(claim: ClaimResult): HeadlineEstimate {
  const vocab = vocabulary(claim);
  const h = claim.headline;
  const unit = metricOf(claim, h.subject.metric).unit;
  const check = decidingCheck(claim);
  const interval = check?.judged.interval ?? null;
  const known = interval !== null && interval.every((v) => !Number.isNaN(v));
  const boundTexts: [string, string] | null = known
    ? [
      bound(interval[0], (v) => formatValue(v, unit)),
      bound(interval[1], (v) => formatValue(v, unit)),
    ]
    : null;
  return {
    label: subjectText(h.subject, vocab),
    value: stat(h.median, unit),
    bounds: boundTexts ? `${boundTexts[0]} to ${boundTexts[1]}` : null,
    boundTexts,
    boundsNote: known && check
      ? `bounds of check #${check.claim}, each at ${(check.judged.confidence * 100).toFixed(1)}%, ${
        seeds(check.judged.n)
      }`
      : null,
  };
}

/** A check in one line: "#10 <statement> — <judgement>". */
export function checkLine(c: JudgedCheck, vocab: Vocabulary): string {
  return `#${c.claim} ${checkStatement(c, vocab)} — ${judgementText(c, vocab)}`;
}

/** The one-line reason for the claim's verdict. */
export function verdictReason(claim: ClaimResult): string {
  const vocab = vocabulary(claim);
  switch (claim.verdict) {
    case "not reproduced": {
      const refuted = claim.checks.find((c) => c.judged.decision === "refuted");
      return refuted ? checkLine(refuted, vocab) : "a check was refuted";
    }
    case "reproduced": {
      const n = claim.checks.length;
      const at = claim.decidedAt ?? claim.seedsUsed;
      return n === 1
        ? `its one check supported at ${seeds(at)}`
        : `all ${n} checks supported at ${seeds(at)}`;
    }
    case "inconclusive": {
      const open = claim.checks.find((c) => c.judged.decision === "inconclusive");
      return `inconclusive at ${seeds(claim.seedsUsed)}` +
        (open ? `: #${open.claim} ${checkStatement(open, vocab)}` : "");
    }
    case "error":
      return claim.error ?? "the claim failed to run";
    case "incomplete": {
      const open = claim.checks.find((c) => c.judged.decision === "inconclusive");
      return `incomplete at ${seeds(claim.seedsUsed)}: the next look needs runs the store ` +
        "lacks (another shard's, or --no-train); judged after they are merged" +
        (open ? ` (#${open.claim} ${checkStatement(open, vocab)} still open)` : "");
    }
    case "not judged":
      return claim.mode === "quick"
        ? "not judged: quick mode runs seed 1 of every config (one seed decides nothing)"
        : "not judged";
  }
}

/** How a run ended, in words, or null for a run that trained. */
export function outcomeText(r: RunEntry): string | null {
  switch (r.outcome) {
    case "trained":
      return null;
    case "collapsed":
      return "collapsed (chance-level accuracy)";
    case "diverged":
      return r.divergedAt
        ? `diverged at epoch ${r.divergedAt.epoch}, step ${r.divergedAt.step}`
        : "diverged";
    case "failed":
      return `failed: ${r.failure ?? "never trained"}`;
  }
}

/** An ISO date to the minute: "2026-11-25 04:00 UTC" (the text as given if it does not parse). */
export function dateToMinute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/**
 * A commit or code identity shortened to 10 hex digits, any suffix ("-dirty") and hash prefix
 * ("sha256:") kept.
 */
export function shortCommit(commit: string): string {
  const prefix = /^[a-z0-9]+:/i.exec(commit)?.[0] ?? "";
  const rest = commit.slice(prefix.length);
  const hex = /^[0-9a-f]{11,}/i.exec(rest);
  return hex ? prefix + rest.slice(0, 10) + rest.slice(hex[0].length) : commit;
}

/** The seed plan in words: the look plan, or quick mode's single seed. */
export function planText(meta: Pick<RunMeta, "mode" | "plan">): string {
  return meta.plan === null || meta.mode === "quick"
    ? "quick mode: seed 1 of every config, no verdicts"
    : describePlan(meta.plan);
}
