/**
 * Judging a check at one look: from the per-seed values of its subjects to a three-valued
 * decision with its estimate and one-sided bounds. Pure; the look plan supplies α per look.
 *
 * Ranking of outcomes: a run that diverged or failed to start (and any NaN) enters the order
 * statistics as −∞, below every trained run, so it is the worst result and never a NaN statistic.
 * A paired difference with one lost side is ±∞ (both lost: 0).
 *
 * @module
 */

import type {
  CheckSpec,
  Decision,
  JudgedCheck,
  JudgedLeafCheck,
  Judgement,
  LeafCheckSpec,
  Subject,
} from "./check.ts";
import { clopperPearson, medianBounds, sampleMedian } from "./intervals.ts";

/** How a run ended: trained, trained to chance level, non-finite loss, or never started. */
export type Outcome = "trained" | "collapsed" | "diverged" | "failed";

/** One seed's value of a subject. */
export interface Sample {
  seed: number;
  outcome: Outcome;
  /** As measured (NaN allowed). */
  value: number;
}

/** The samples of a subject at the seeds available (any order). */
export type SampleSource = (subject: Subject) => readonly Sample[];

/** A look: judged on seeds 1..n (those present), each bound at error `alpha`. */
export interface Look {
  n: number;
  alpha: number;
}

/** Every-seed checks need at least this many seeds to be supported. */
export const MIN_EVERY_SEED = 3;

/**
 * Slack for comparisons with a threshold: far below the resolution of the quantities compared
 * (accuracies are multiples of 1e-4 on the 10k test split), so it cannot flip a real decision; it
 * absorbs float rounding, e.g. 0.873 − 0.868 = 0.00499999… for a gain of exactly 0.5 points.
 */
export const ROUNDING = 1e-9;

/** A value's rank value: −∞ for a lost run or a NaN. */
export function rankValue(s: Sample): number {
  return s.outcome === "diverged" || s.outcome === "failed" || Number.isNaN(s.value)
    ? -Infinity
    : s.value;
}

/** Whether the run is lost (diverged, failed, or NaN): ranked −∞. */
function lost(s: Sample): boolean {
  return s.outcome === "diverged" || s.outcome === "failed" || Number.isNaN(s.value);
}

/** Paired differences A − B at the seeds both have, ±∞ for one lost side, 0 for both. */
export function pairedDifferences(a: readonly Sample[], b: readonly Sample[]): number[] {
  const bySeed = new Map(b.map((s) => [s.seed, s]));
  const out: number[] = [];
  for (const x of [...a].sort((p, q) => p.seed - q.seed)) {
    const y = bySeed.get(x.seed);
    if (!y) continue;
    const [lx, ly] = [lost(x), lost(y)];
    out.push(lx && ly ? 0 : lx ? -Infinity : ly ? Infinity : x.value - y.value);
  }
  return out;
}

function atLook(samples: readonly Sample[], look: Look): Sample[] {
  return samples.filter((s) => s.seed <= look.n).sort((p, q) => p.seed - q.seed);
}

/** A leaf check spec of the given kind. */
type LeafOf<K extends LeafCheckSpec["kind"]> = Extract<LeafCheckSpec, { kind: K }>;

/** Judges one leaf check at a look. */
export function judgeLeaf(spec: LeafCheckSpec, source: SampleSource, look: Look): Judgement {
  switch (spec.kind) {
    case "threshold":
      return judgeThreshold(spec, source, look);
    case "superiority":
    case "equivalence":
      return judgeComparison(spec, source, look);
    case "rate":
      return judgeRate(spec, source, look);
    case "every-seed":
      return judgeEverySeed(spec, source, look);
  }
}

/** The median of a subject against a threshold, by its distribution-free bounds. */
function judgeThreshold(spec: LeafOf<"threshold">, source: SampleSource, look: Look): Judgement {
  const confidence = 1 - look.alpha;
  const base = { confidence, counterexamples: [] as number[] };
  const s = atLook(source(spec.subject), look);
  const v = s.map(rankValue);
  if (v.length === 0) return empty(confidence);
  const [lo, hi] = medianBounds(v, look.alpha);
  const t = spec.threshold;
  const decision: Decision = spec.direction === ">="
    ? lo >= t - ROUNDING ? "supported" : hi < t - ROUNDING ? "refuted" : "inconclusive"
    : hi <= t + ROUNDING
    ? "supported"
    : lo > t + ROUNDING
    ? "refuted"
    : "inconclusive";
  return {
    ...base,
    n: v.length,
    trained: s.filter((x) => !lost(x)).length,
    estimate: sampleMedian(v),
    interval: [lo, hi],
    decision,
    decidedAt: decided(decision, look),
  };
}

/** The median paired difference A − B against a margin (superiority) or ±margin (equivalence). */
function judgeComparison(
  spec: LeafOf<"superiority" | "equivalence">,
  source: SampleSource,
  look: Look,
): Judgement {
  const confidence = 1 - look.alpha;
  const base = { confidence, counterexamples: [] as number[] };
  const a = atLook(source(spec.a), look), b = atLook(source(spec.b), look);
  const d = pairedDifferences(a, b);
  if (d.length === 0) return empty(confidence);
  const [lo, hi] = medianBounds(d, look.alpha);
  const m = spec.margin;
  const decision: Decision = spec.kind === "superiority"
    ? lo >= m - ROUNDING ? "supported" : hi < m - ROUNDING ? "refuted" : "inconclusive"
    : lo >= -m - ROUNDING && hi <= m + ROUNDING
    ? "supported"
    : lo > m + ROUNDING || hi < -m - ROUNDING
    ? "refuted"
    : "inconclusive";
  const trainedSeeds = new Set(b.filter((x) => !lost(x)).map((x) => x.seed));
  return {
    ...base,
    n: d.length,
    trained: a.filter((x) => !lost(x) && trainedSeeds.has(x.seed)).length,
    estimate: sampleMedian(d),
    interval: [lo, hi],
    decision,
    decidedAt: decided(decision, look),
  };
}

/** A rate k/n against p0, by its Clopper–Pearson bounds. */
function judgeRate(spec: LeafOf<"rate">, source: SampleSource, look: Look): Judgement {
  const confidence = 1 - look.alpha;
  const base = { confidence, counterexamples: [] as number[] };
  const s = atLook(source(spec.subject), look);
  if (s.length === 0) return empty(confidence);
  const k = s.filter((x) => x.value === 1).length;
  const [lo, hi] = clopperPearson(k, s.length, look.alpha);
  const p0 = spec.p0;
  const decision: Decision = spec.direction === ">="
    ? lo >= p0 ? "supported" : hi < p0 ? "refuted" : "inconclusive"
    : hi <= p0
    ? "supported"
    : lo > p0
    ? "refuted"
    : "inconclusive";
  return {
    ...base,
    n: s.length,
    trained: s.filter((x) => !lost(x)).length,
    estimate: k / s.length,
    interval: [lo, hi],
    decision,
    decidedAt: decided(decision, look),
  };
}

/** Every (trained) seed within [min, max]: one counterexample refutes. */
function judgeEverySeed(spec: LeafOf<"every-seed">, source: SampleSource, look: Look): Judgement {
  const all = atLook(source(spec.subject), look);
  // Trained here means "has a network": collapsed runs count (a chance-level network is the
  // likeliest counterexample), diverged and failed ones do not.
  const s = spec.trainedOnly
    ? all.filter((x) => x.outcome !== "diverged" && x.outcome !== "failed")
    : all;
  // Exact bounds: an invariant such as "max |x| is 0" means exactly 0 (no rounding slack).
  const holds = (x: Sample) =>
    !Number.isNaN(x.value) &&
    (spec.min === undefined || x.value >= spec.min) &&
    (spec.max === undefined || x.value <= spec.max);
  const counterexamples = s.filter((x) => !holds(x)).map((x) => x.seed);
  const decision: Decision = counterexamples.length > 0
    ? "refuted"
    : s.length >= MIN_EVERY_SEED
    ? "supported"
    : "inconclusive";
  return {
    confidence: 1,
    counterexamples,
    n: all.length,
    trained: s.length,
    estimate: s.length - counterexamples.length,
    interval: null,
    decision,
    decidedAt: decided(decision, look),
  };
}

function decided(d: Decision, look: Look): number | null {
  return d === "inconclusive" ? null : look.n;
}

function empty(confidence: number): Judgement {
  return {
    n: 0,
    trained: 0,
    estimate: NaN,
    interval: null,
    confidence,
    decision: "inconclusive",
    decidedAt: null,
    counterexamples: [],
  };
}

/** Combines any-of parts: supported when any is, refuted when all are. */
export function anyOfDecision(parts: readonly Decision[]): Decision {
  if (parts.some((d) => d === "supported")) return "supported";
  if (parts.length > 0 && parts.every((d) => d === "refuted")) return "refuted";
  return "inconclusive";
}

/**
 * Judges a check at a look. `previous` is the same check as judged at the earlier look: a
 * decided threshold, comparison or rate keeps its decision (the plan stops testing it), while an
 * every-seed check is judged again on every seed there is, so a later counterexample refutes it.
 */
export function judgeCheck(
  spec: CheckSpec,
  source: SampleSource,
  look: Look,
  previous?: JudgedCheck,
): JudgedCheck {
  if (spec.kind === "any-of") {
    const prevParts = previous?.kind === "any-of" ? previous.of : [];
    const of = spec.of.map((part, i) =>
      judgeCheck(part, source, look, prevParts[i]) as JudgedLeafCheck
    );
    const decision = anyOfDecision(of.map((p) => p.judged.decision));
    const prevDecided = previous?.kind === "any-of" && previous.judged.decision === decision
      ? previous.judged.decidedAt
      : null;
    return {
      ...spec,
      of,
      judged: { decision, decidedAt: decision === "inconclusive" ? null : prevDecided ?? look.n },
    };
  }
  if (
    previous && previous.kind !== "any-of" && previous.kind !== "every-seed" &&
    previous.judged.decision !== "inconclusive"
  ) {
    return previous;
  }
  const judged = judgeLeaf(spec, source, look);
  if (
    spec.kind === "every-seed" && previous?.kind === "every-seed" &&
    previous.judged.decision === judged.decision && previous.judged.decidedAt !== null
  ) {
    judged.decidedAt = previous.judged.decidedAt;
  }
  const normalised = spec.kind === "every-seed"
    ? { ...spec, trainedOnly: spec.trainedOnly ?? false }
    : spec;
  return { ...normalised, judged } as JudgedCheck;
}

/** Whether a judged check still needs more seeds (inconclusive, or an every-seed part of one). */
export function isOpen(c: JudgedCheck): boolean {
  return c.judged.decision === "inconclusive";
}

/** The claim's verdict from its checks. */
export type Verdict = "reproduced" | "not reproduced" | "inconclusive";

/** reproduced when all checks are supported, not reproduced when any is refuted. */
export function verdictOf(checks: readonly JudgedCheck[]): Verdict {
  if (checks.some((c) => c.judged.decision === "refuted")) return "not reproduced";
  if (checks.length > 0 && checks.every((c) => c.judged.decision === "supported")) {
    return "reproduced";
  }
  return "inconclusive";
}
