/**
 * A claim judged on given runs (no GPU): the samples of each check's subjects built from the runs
 * of the claim's configs exactly as the bench runner builds them, then the look plan. Used by the
 * claims' tests (synthetic runs with known answers) and for re-judging stored runs.
 *
 * @module
 */

import type { Subject } from "../verdict/check.ts";
import type { Sample } from "../verdict/judge.ts";
import type { LookPlan } from "../verdict/plan.ts";
import { judgeSequentially, type SequentialResult } from "../verdict/sequential.ts";
import type { Claim, ClaimSubject } from "./contract.ts";
import type { TrainRun } from "./evidence.ts";
import { trainMetric } from "./metrics.ts";
import { runOutcome } from "./outcome.ts";

/** One seed of a config: a training run (null: it failed before training) or probe metrics. */
export type SeedRun =
  | { seed: number; run: TrainRun | null }
  | { seed: number; probe: Record<string, number> };

/** The sample of `subject` on one seed's run. */
export function sampleOf(
  claim: Pick<Claim, "metrics">,
  subject: Subject,
  seedRun: SeedRun,
): Sample {
  if ("probe" in seedRun) {
    return { seed: seedRun.seed, outcome: "trained", value: seedRun.probe[subject.metric] ?? NaN };
  }
  return {
    seed: seedRun.seed,
    outcome: runOutcome(seedRun.run).outcome,
    value: trainMetric(seedRun.run, subject, claim.metrics ?? {}),
  };
}

/** Seeds of every probe config at a look in full mode: pure tensor math, so every-seed over 20. */
export const PROBE_SEEDS = 20;

/**
 * Seeds a probe runs at a look of `n` seeds: its own count (`ProbeSubject.seeds`, default 20) or
 * more if the look asks for more; a fixed `--seeds N` count is taken as given.
 */
export function probeSeeds(plan: LookPlan, n: number, own = PROBE_SEEDS): number {
  return plan.source === "fixed-seeds" ? n : Math.max(n, own);
}

/** The seeds a probe-only claim's probes run at a look: the most any of its probes asks. */
export function probeLookSize(
  subjects: Record<string, ClaimSubject>,
  plan: LookPlan,
  n: number,
): number {
  const own = Object.values(subjects).map((x) => x.kind === "probe" ? x.seeds ?? PROBE_SEEDS : n);
  return probeSeeds(plan, n, Math.max(...own));
}

/**
 * The plan as a probe-only claim takes it: each look widened to the seeds its probes ran (the
 * runner's rule), so a counterexample on seed 7 is judged at the first look.
 */
export function probePlan(plan: LookPlan, subjects: Record<string, ClaimSubject>): LookPlan {
  return {
    ...plan,
    looks: [...new Set(plan.looks.map((n) => probeLookSize(subjects, plan, n)))],
  };
}

/** Judges `claim` on `runs` (per config name, any seeds) under `plan`. */
export function judgeClaimOnRuns(
  claim: Claim,
  runs: Record<string, readonly SeedRun[]>,
  plan: LookPlan,
): SequentialResult {
  const subjects: Record<string, ClaimSubject> = claim.subjects(claim.config.parse({}));
  for (const name of Object.keys(runs)) {
    if (!subjects[name]) throw new RangeError(`${claim.id} has no config "${name}"`);
  }
  const probesOnly = Object.values(subjects).every((x) => x.kind === "probe");
  return judgeSequentially(
    claim.checks,
    (subject) => (runs[subject.config] ?? []).map((r) => sampleOf(claim, subject, r)),
    probesOnly ? probePlan(plan, subjects) : plan,
  );
}
