/**
 * The parts of a claim's evidence the report knows how to draw. Evidence is opaque in
 * `results.json` (each claim module has its own schema), so the report recognises parts by shape:
 * per-configuration training runs, sub-criterion checks, the depth-survival cases and the moment
 * identities. A part that does not parse is simply not drawn; the raw evidence stays linked.
 *
 * @module
 */

import { z } from "zod";
import { AnyNumber } from "../bench/contract.ts";
import { type Check, CheckSchema, RunsSchema, type TrainRun } from "../bench/evidence.ts";

/** Training runs by configuration name (the evidence's `runs`), in the evidence's order. */
export type RunsByConfig = Record<string, TrainRun[]>;

/** `evidence.runs` when it holds training runs per configuration, else null. */
export function trainingRuns(evidence: unknown): RunsByConfig | null {
  const parsed = z.object({ runs: z.record(z.string(), RunsSchema) }).safeParse(evidence);
  if (!parsed.success || Object.keys(parsed.data.runs).length === 0) return null;
  return parsed.data.runs;
}

/** `evidence.checks` (the sub-criteria behind the verdict), or an empty list. */
export function claimChecks(evidence: unknown): Check[] {
  const parsed = z.object({ checks: z.array(CheckSchema) }).safeParse(evidence);
  return parsed.success ? parsed.data.checks : [];
}

const DepthCase = z.object({
  name: z.string(),
  perLayerStd: z.array(AnyNumber),
  perLayerMean: z.array(AnyNumber),
});
const DepthEvidence = z.object({
  perSeed: z.array(z.object({ seed: z.number().int(), cases: z.array(DepthCase) })).min(1),
});
/** The depth-survival evidence: per seed, per initialisation case, the std after every layer. */
export type DepthEvidence = z.infer<typeof DepthEvidence>;

/** The depth-survival part, or null. */
export function depthEvidence(evidence: unknown): DepthEvidence | null {
  const parsed = DepthEvidence.safeParse(evidence);
  return parsed.success ? parsed.data : null;
}

const MomentsSeed = z.object({
  seed: z.number().int(),
  matmulMean: AnyNumber,
  matmulMeanSq: AnyNumber,
  linearMean: AnyNumber,
  linearStd: AnyNumber,
  reluMean: AnyNumber,
  reluStd: AnyNumber,
});
/** One seed of the moment identities (claim 6). */
export type MomentsSeed = z.infer<typeof MomentsSeed>;

/** The moments part (per seed), or null. */
export function momentsEvidence(evidence: unknown): MomentsSeed[] | null {
  const parsed = z.object({ perSeed: z.array(MomentsSeed).min(1) }).safeParse(evidence);
  return parsed.success ? parsed.data.perSeed : null;
}

/** A pass threshold on eval accuracy after an epoch, read from a check's "need ≥ x" text. */
export interface AccuracyThreshold {
  claim: number;
  epoch: number;
  value: number;
}

/**
 * The eval-accuracy thresholds among `checks` ("median ep3 eval … (need ≥ 0.8400)"), for the
 * reference lines of the accuracy charts. Checks of other quantities (train accuracy, gains,
 * dead fractions) are listed on the page, not drawn.
 */
export function accuracyThresholds(checks: readonly Check[]): AccuracyThreshold[] {
  const out: AccuracyThreshold[] = [];
  for (const c of checks) {
    const m = /\bep(\d+) eval\b.*\(need (?:every seed )?≥ (0\.\d+)/.exec(c.text);
    if (!m || /\bgain\b|\|/.test(c.text)) continue;
    out.push({ claim: c.claim, epoch: Number(m[1]), value: Number(m[2]) });
  }
  return out;
}

/** A number the lesson reported for one configuration's eval accuracy after an epoch. */
export interface LessonPoint {
  config: string;
  epoch: number;
  value: number;
}

/** Lesson-number prefixes that do not spell the configuration name they belong to. */
const PREFIX_ALIASES: Record<string, string> = { normalized: "kaimingNorm", raw: "kaimingRaw" };

/**
 * The lesson's eval accuracies (`lesson` keys such as `evalAccuracyEpoch3`,
 * `sgdEvalAccuracyEpoch3`), matched to configurations: no prefix means the claim's own (first)
 * configuration; a prefix names one. Unmatched keys are left out.
 */
export function lessonPoints(
  lesson: Record<string, number | string>,
  configs: readonly string[],
): LessonPoint[] {
  const out: LessonPoint[] = [];
  for (const [key, value] of Object.entries(lesson)) {
    const m = /^(.*?)[eE]valAccuracyEpoch(\d+)$/.exec(key);
    if (!m || typeof value !== "number") continue;
    const prefix = m[1];
    const config = prefix === ""
      ? configs[0]
      : configs.find((c) => c.toLowerCase() === prefix.toLowerCase()) ??
        configs.find((c) => c === PREFIX_ALIASES[prefix]);
    if (config !== undefined) out.push({ config, epoch: Number(m[2]), value });
  }
  return out;
}
