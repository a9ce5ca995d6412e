/**
 * Checks as data: what a claim asserts about a metric's distribution over seeds, declared by the
 * claim module before any run, and the same record once judged (n, estimate, interval, decision,
 * the look that decided it). The report and the CI gate read these fields; nothing parses text.
 *
 * @module
 */

import { z } from "zod";
import { AnyNumber } from "../util/json.ts";
import type { Infer, Input } from "../util/schema.ts";

/** The schema of {@link Subject}. */
export const SubjectSchema = z.object({
  /** The config's name in the claim (its key in `configs`). */
  config: z.string(),
  /** A metric name (see `src/verdict/metrics.ts` and the claim's own metrics). */
  metric: z.string(),
  /** 1-based epoch for per-epoch metrics. */
  epoch: z.number().int().min(1).optional(),
});
/** @internal zod's type of {@link SubjectSchema}. */
type SubjectZod = typeof SubjectSchema;
/** One metric of one config of the claim, e.g. eval accuracy of "generalRelu" after epoch 3. */
export type Subject = Infer<SubjectZod>;

const Base = {
  /** Stable id within the claim, e.g. "10-threshold". */
  id: z.string(),
  /** The lesson claim number it judges. */
  claim: z.number().int(),
};

/** median(metric) ≥ threshold (or ≤). */
export const ThresholdSpec = z.object({
  ...Base,
  kind: z.literal("threshold"),
  subject: SubjectSchema,
  direction: z.enum([">=", "<="]),
  threshold: z.number(),
});
/** median(A − B) ≥ margin, paired by seed (margin < 0: non-inferiority). */
export const SuperioritySpec = z.object({
  ...Base,
  kind: z.literal("superiority"),
  a: SubjectSchema,
  b: SubjectSchema,
  margin: z.number(),
});
/** |median(A − B)| ≤ margin, paired by seed (two one-sided bounds). */
export const EquivalenceSpec = z.object({
  ...Base,
  kind: z.literal("equivalence"),
  a: SubjectSchema,
  b: SubjectSchema,
  margin: z.number().positive(),
});
/** P(event per seed) ≥ p0 (or ≤): the subject's metric is an event (1 = happened, 0 = not). */
export const RateSpec = z.object({
  ...Base,
  kind: z.literal("rate"),
  subject: SubjectSchema,
  direction: z.enum([">=", "<="]),
  p0: z.number().min(0).max(1),
});
/** The metric lies within [min, max] in every seed (one counterexample refutes). */
export const EverySeedSpec = z.object({
  ...Base,
  kind: z.literal("every-seed"),
  subject: SubjectSchema,
  min: z.number().optional(),
  max: z.number().optional(),
  /** Judged over trained runs only (activation statistics need a network that trained). */
  trainedOnly: z.boolean().default(false),
});

export const LeafCheckSpec = z.discriminatedUnion("kind", [
  ThresholdSpec,
  SuperioritySpec,
  EquivalenceSpec,
  RateSpec,
  EverySeedSpec,
]);
export type LeafCheckSpec = z.input<typeof LeafCheckSpec>;

/** Supported when any part is, refuted when all are (claim 8). */
export const AnyOfSpec = z.object({
  ...Base,
  kind: z.literal("any-of"),
  of: z.array(LeafCheckSpec).min(2),
});

/** The schema of {@link CheckSpec}. */
export const CheckSpecSchema = z.discriminatedUnion("kind", [
  ThresholdSpec,
  SuperioritySpec,
  EquivalenceSpec,
  RateSpec,
  EverySeedSpec,
  AnyOfSpec,
]);
/** @internal zod's type of {@link CheckSpecSchema}. */
type CheckSpecZod = typeof CheckSpecSchema;
/**
 * A check as a claim declares it: threshold, superiority, equivalence, rate, every-seed, or
 * any-of those (see `docs/verdicts.md`).
 */
export type CheckSpec = Input<CheckSpecZod>;

/** The schema of {@link Decision}. */
export const DecisionSchema = z.enum(["supported", "refuted", "inconclusive"]);
/** @internal zod's type of {@link DecisionSchema}. */
type DecisionZod = typeof DecisionSchema;
/** The three-valued decision of a check. */
export type Decision = Infer<DecisionZod>;

/** What judging added to a leaf check. */
export const JudgementSchema = z.object({
  /** Seeds judged (paired seeds for comparisons). */
  n: z.number().int(),
  /** Seeds whose run trained (for trainedOnly every-seed checks: the ones judged). */
  trained: z.number().int(),
  /** Sample median, median paired difference, k/n, or the count of seeds where it held. */
  estimate: AnyNumber,
  /** One-sided bounds at the look's level (±∞ when too few seeds); null for every-seed. */
  interval: z.tuple([AnyNumber, AnyNumber]).nullable(),
  /** 1 − α of each one-sided bound. */
  confidence: z.number(),
  decision: DecisionSchema,
  /** Seed count of the look that decided it, or null while inconclusive. */
  decidedAt: z.number().int().nullable(),
  /** For every-seed: the seeds where it failed (a counterexample); else empty. */
  counterexamples: z.array(z.number().int()),
});
export type Judgement = z.infer<typeof JudgementSchema>;

const JudgedLeaf = z.discriminatedUnion("kind", [
  ThresholdSpec.extend({ judged: JudgementSchema }),
  SuperioritySpec.extend({ judged: JudgementSchema }),
  EquivalenceSpec.extend({ judged: JudgementSchema }),
  RateSpec.extend({ judged: JudgementSchema }),
  EverySeedSpec.extend({ judged: JudgementSchema }),
]);

/** The schema of {@link JudgedCheck}. */
export const JudgedCheckSchema = z.discriminatedUnion("kind", [
  ThresholdSpec.extend({ judged: JudgementSchema }),
  SuperioritySpec.extend({ judged: JudgementSchema }),
  EquivalenceSpec.extend({ judged: JudgementSchema }),
  RateSpec.extend({ judged: JudgementSchema }),
  EverySeedSpec.extend({ judged: JudgementSchema }),
  AnyOfSpec.extend({
    of: z.array(JudgedLeaf),
    judged: z.object({ decision: DecisionSchema, decidedAt: z.number().int().nullable() }),
  }),
]);
/** @internal zod's type of {@link JudgedCheckSchema}. */
type JudgedCheckZod = typeof JudgedCheckSchema;
/** A judged check as results record it: the declared check with what judging added. */
export type JudgedCheck = Infer<JudgedCheckZod>;
export type JudgedLeafCheck = z.infer<typeof JudgedLeaf>;

/** The subjects (config, metric, epoch) a check reads. */
export function subjectsOf(c: CheckSpec | JudgedCheck): Subject[] {
  switch (c.kind) {
    case "threshold":
    case "rate":
    case "every-seed":
      return [c.subject];
    case "superiority":
    case "equivalence":
      return [c.a, c.b];
    case "any-of":
      return c.of.flatMap((x) => subjectsOf(x));
  }
}
