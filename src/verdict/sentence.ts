/**
 * The one function that turns a check into its sentence, from its fields and the claim's labels:
 * "median eval accuracy after epoch 3 of GeneralReLU ≥ 86.00%", and once judged "… : 87.10%
 * (bounds 86.40%–87.50%, 6 seeds), supported at 6 seeds". Nothing downstream parses it.
 *
 * @module
 */

import type { CheckSpec, JudgedCheck, Judgement, Subject } from "./check.ts";

/** Labels the sentence needs: configs by name, metrics by name (with their unit). */
export interface Vocabulary {
  config(name: string): string;
  metric(name: string): { label: string; unit: "accuracy" | "event" | "value" | "ratio" };
}

/** A value in the metric's unit: accuracies as %, events as a count, others in 3 digits. */
export function formatValue(v: number, unit: string): string {
  if (!Number.isFinite(v)) return v === -Infinity ? "lost run (−∞)" : String(v);
  if (unit === "accuracy") return `${(v * 100).toFixed(2)}%`;
  if (unit === "event") return v === 1 ? "yes" : v === 0 ? "no" : String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** A difference in the metric's unit: accuracy points ("+1.90 pts"). */
export function formatDifference(v: number, unit: string): string {
  if (!Number.isFinite(v)) return v > 0 ? "+∞ (B lost)" : v < 0 ? "−∞ (A lost)" : String(v);
  if (unit === "accuracy") return `${v >= 0 ? "+" : "−"}${Math.abs(v * 100).toFixed(2)} pts`;
  return `${v >= 0 ? "+" : "−"}${formatValue(Math.abs(v), unit)}`;
}

function subjectText(s: Subject, vocab: Vocabulary): string {
  const m = vocab.metric(s.metric);
  const epoch = s.epoch !== undefined ? ` after epoch ${s.epoch}` : "";
  return `${m.label}${epoch} of ${vocab.config(s.config)}`;
}

/** The check as declared: what it asserts. */
export function checkStatement(c: CheckSpec | JudgedCheck, vocab: Vocabulary): string {
  switch (c.kind) {
    case "threshold": {
      const unit = vocab.metric(c.subject.metric).unit;
      const op = c.direction === ">=" ? "≥" : "≤";
      return `median ${subjectText(c.subject, vocab)} ${op} ${formatValue(c.threshold, unit)}`;
    }
    case "superiority": {
      const unit = vocab.metric(c.a.metric).unit;
      const what = `${vocab.config(c.a.config)} − ${vocab.config(c.b.config)}`;
      const metric = `${vocab.metric(c.a.metric).label}${
        c.a.epoch !== undefined ? ` after epoch ${c.a.epoch}` : ""
      }`;
      const kind = c.margin < 0 ? "non-inferiority" : "superiority";
      return `${kind}: median paired ${metric} difference ${what} ≥ ${
        formatDifference(c.margin, unit)
      }`;
    }
    case "equivalence": {
      const unit = vocab.metric(c.a.metric).unit;
      const what = `${vocab.config(c.a.config)} − ${vocab.config(c.b.config)}`;
      const metric = `${vocab.metric(c.a.metric).label}${
        c.a.epoch !== undefined ? ` after epoch ${c.a.epoch}` : ""
      }`;
      return `equivalence: |median paired ${metric} difference ${what}| ≤ ${
        formatDifference(c.margin, unit).replace("+", "")
      }`;
    }
    case "rate": {
      const op = c.direction === ">=" ? "≥" : "≤";
      return `P(${vocab.config(c.subject.config)} ${
        vocab.metric(c.subject.metric).label
      }) ${op} ${c.p0}`;
    }
    case "every-seed": {
      const unit = vocab.metric(c.subject.metric).unit;
      const bound = unit === "event" && c.min === 1 && c.max === undefined
        ? "holds"
        : unit === "event" && c.max === 0 && c.min === undefined
        ? "never happens"
        : c.min !== undefined && c.max !== undefined
        ? `in [${formatValue(c.min, unit)}, ${formatValue(c.max, unit)}]`
        : c.min !== undefined
        ? `≥ ${formatValue(c.min, unit)}`
        : `≤ ${formatValue(c.max ?? NaN, unit)}`;
      const over = c.trainedOnly ? "every trained seed" : "every seed";
      return `in ${over}: ${subjectText(c.subject, vocab)} ${bound}`;
    }
    case "any-of":
      return `either ${c.of.map((x) => checkStatement(x, vocab)).join(", or ")}`;
  }
}

/** What judging found, in words: estimate, bounds, seeds and the decision. */
export function judgementText(c: JudgedCheck, vocab: Vocabulary): string {
  if (c.kind === "any-of") {
    const when = c.judged.decidedAt !== null ? ` at ${c.judged.decidedAt} seeds` : "";
    return `${c.judged.decision}${when}`;
  }
  const j: Judgement = c.judged;
  const unit = vocab.metric(
    c.kind === "superiority" || c.kind === "equivalence" ? c.a.metric : c.subject.metric,
  ).unit;
  const fmt = c.kind === "superiority" || c.kind === "equivalence"
    ? (v: number) => formatDifference(v, unit)
    : c.kind === "rate"
    ? (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v))
    : (v: number) => formatValue(v, unit);
  const when = j.decidedAt !== null ? ` at ${j.decidedAt} seeds` : ` at ${j.n} seeds`;
  if (c.kind === "every-seed") {
    const over = c.trainedOnly ? `${j.trained} trained seeds of ${j.n}` : `${j.n} seeds`;
    const bad = j.counterexamples.length > 0
      ? `; fails on seed ${j.counterexamples.join(", ")}`
      : "";
    return `held on ${j.estimate} of ${over}${bad}: ${j.decision}${when}`;
  }
  // An infinite bound is no bound (too few seeds for one at this level), not a lost run.
  const bound = (v: number) => (Number.isFinite(v) ? fmt(v) : v > 0 ? "+∞" : "−∞");
  const bounds = j.interval
    ? ` (bounds ${bound(j.interval[0])} to ${bound(j.interval[1])} at ${
      (j.confidence * 100).toFixed(1)
    }% each)`
    : "";
  const estimate = c.kind === "rate" ? `${Math.round(j.estimate * j.n)}/${j.n}` : fmt(j.estimate);
  return `${estimate}${bounds}, ${j.n} seeds: ${j.decision}${when}`;
}

/** The check's sentence: statement, and once judged what was found. */
export function checkSentence(c: CheckSpec | JudgedCheck, vocab: Vocabulary): string {
  const s = checkStatement(c, vocab);
  return "judged" in c ? `${s} — ${judgementText(c, vocab)}` : s;
}
