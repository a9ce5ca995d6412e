/**
 * What the report draws, read from a claim's typed fields (results schema 2): training runs per
 * config, the probes' detail (recognised by shape: the depth-survival cases and the moment
 * identities), eval-accuracy thresholds from `threshold` checks, and the lesson's eval accuracies
 * from its typed numbers. Nothing here parses text or keys on a claim id.
 *
 * @module
 */

import { z } from "zod";
import { AnyNumber } from "../util/json.ts";
import type { TrainRun } from "../bench/evidence.ts";
import type { ClaimResult, ConfigResult } from "../bench/results.ts";
import type { JudgedCheck, JudgedLeafCheck } from "../verdict/check.ts";

/** Training runs by configuration label (as charts show it), in the claim's config order. */
export type RunsByConfig = Record<string, TrainRun[]>;

/**
 * Display labels of a claim's configs by name: the config's label, made unique with its name
 * where two configs share one.
 */
export function configLabels(claim: Pick<ClaimResult, "configs">): Map<string, string> {
  const count = new Map<string, number>();
  for (const c of claim.configs) count.set(c.label, (count.get(c.label) ?? 0) + 1);
  return new Map(
    claim.configs.map((
      c,
    ) => [c.name, count.get(c.label)! > 1 ? `${c.label} (${c.name})` : c.label]),
  );
}

/** A training config and its runs that trained or diverged (a failed run has no TrainRun). */
export interface TrainingConfig {
  name: string;
  label: string;
  runs: TrainRun[];
}

/** The claim's training configs that have at least one run, in order. */
export function trainingConfigs(claim: Pick<ClaimResult, "configs">): TrainingConfig[] {
  const labels = configLabels(claim);
  return claim.configs
    .filter((c) => c.kind === "train")
    .map((c) => ({
      name: c.name,
      label: labels.get(c.name)!,
      runs: c.runs.flatMap((r) => (r.run ? [r.run] : [])),
    }))
    .filter((c) => c.runs.length > 0);
}

/** Training runs keyed by config label, or null when the claim has none. */
export function trainingRuns(claim: Pick<ClaimResult, "configs">): RunsByConfig | null {
  const configs = trainingConfigs(claim);
  return configs.length ? Object.fromEntries(configs.map((c) => [c.label, c.runs])) : null;
}

/** The leaf checks of a claim, any-of parts in place of their any-of. */
export function leafChecks(checks: readonly JudgedCheck[]): JudgedLeafCheck[] {
  return checks.flatMap((c) => (c.kind === "any-of" ? c.of : [c]));
}

/** A threshold on eval accuracy after an epoch, for the accuracy chart's reference ticks. */
export interface AccuracyThreshold {
  /** The lesson claim number of the check. */
  claim: number;
  /** Config label. */
  config: string;
  /** The epoch after which the check reads the accuracy. */
  epoch: number;
  /** Whether the accuracy must be at least (>=) or at most (<=) the value. */
  direction: ">=" | "<=";
  /** The threshold, as a fraction. */
  value: number;
}

/** The `threshold` checks on eval accuracy (any-of parts included), with their config labels. */
export function accuracyThresholds(
  claim: Pick<ClaimResult, "configs" | "checks">,
): AccuracyThreshold[] {
  const labels = configLabels(claim);
  return leafChecks(claim.checks).flatMap((c) =>
    c.kind === "threshold" && c.subject.metric === "evalAccuracy" &&
      c.subject.epoch !== undefined
      ? [{
        claim: c.claim,
        config: labels.get(c.subject.config) ?? c.subject.config,
        epoch: c.subject.epoch,
        direction: c.direction,
        value: c.threshold,
      }]
      : []
  );
}

/** A number the lesson reported for one config's eval accuracy after an epoch. */
export interface LessonPoint {
  /** Config label. */
  config: string;
  /** The epoch after which the lesson reported it. */
  epoch: number;
  /** The accuracy, as a fraction. */
  value: number;
  /** Where the lesson reported it ("nb 11 cell 97, GeneralReLU"). */
  label: string;
}

/** The lesson's eval accuracies whose typed subject names one of the claim's configs. */
export function lessonPoints(claim: Pick<ClaimResult, "configs" | "lesson">): LessonPoint[] {
  const labels = configLabels(claim);
  return claim.lesson.flatMap((l) =>
    l.subject && l.subject.metric === "evalAccuracy" && l.subject.epoch !== undefined &&
      labels.has(l.subject.config)
      ? [{
        config: labels.get(l.subject.config)!,
        epoch: l.subject.epoch,
        value: l.value,
        label: l.label,
      }]
      : []
  );
}

const DepthCase = z.object({
  name: z.string(),
  perLayerStd: z.array(AnyNumber).min(1),
  perLayerMean: z.array(AnyNumber),
});
const DepthSeed = z.object({ seed: z.number().int(), cases: z.array(DepthCase).min(1) });

/** One initialisation case of a depth-survival seed (NaN and ±Infinity recorded as such). */
export interface DepthCaseDetail {
  /** The initialisation's name. */
  name: string;
  /** The std of x after each layer. */
  perLayerStd: number[];
  /** The mean of x after each layer. */
  perLayerMean: number[];
}

/** One seed of a depth-survival probe: every initialisation case it ran. */
export interface DepthSeedDetail {
  /** The seed. */
  seed: number;
  /** Its cases, in the probe's order. */
  cases: DepthCaseDetail[];
}

/** Depth-survival detail of a probe: per seed, per initialisation case, the std after each layer. */
export interface DepthEvidence {
  /** Per seed, in seed order. */
  perSeed: DepthSeedDetail[];
}

/** The details of a config's runs, in seed order (runs without detail are skipped). */
function details(config: ConfigResult): unknown[] {
  return config.runs.flatMap((r) => (r.detail === undefined ? [] : [r.detail]));
}

/** A probe config's depth-survival detail (every recorded detail must parse), or null. */
export function depthEvidence(config: ConfigResult): DepthEvidence | null {
  if (config.kind !== "probe") return null;
  const parsed = z.array(DepthSeed).min(1).safeParse(details(config));
  return parsed.success ? { perSeed: parsed.data } : null;
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

/** A probe config's moments detail per seed (every recorded detail must parse), or null. */
export function momentsEvidence(config: ConfigResult): MomentsSeed[] | null {
  if (config.kind !== "probe") return null;
  const parsed = z.array(MomentsSeed).min(1).safeParse(details(config));
  return parsed.success ? parsed.data : null;
}
