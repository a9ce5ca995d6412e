/**
 * A claim's checks through the look plan: judged at each look on the seeds up to it, decided
 * checks keep their decision, and the claim stops at the first look where its verdict is decided.
 * The bench runner does the same look by look while it trains; this form, with every seed's
 * samples given up front, is what the simulation test and re-judging stored runs use.
 *
 * @module
 */

import type { CheckSpec, JudgedCheck } from "./check.ts";
import { judgeCheck, type SampleSource, type Verdict, verdictOf } from "./judge.ts";
import type { LookPlan } from "./plan.ts";

/** The outcome of a claim's checks under a plan. */
export interface SequentialResult {
  checks: JudgedCheck[];
  verdict: Verdict;
  /** Seed count of the last look taken (where the verdict was decided, or the plan's end). */
  lastLook: number;
}

/** Judges `specs` look by look until the verdict is decided or the plan ends. */
export function judgeSequentially(
  specs: readonly CheckSpec[],
  source: SampleSource,
  plan: LookPlan,
): SequentialResult {
  let checks: JudgedCheck[] = [];
  let lastLook = plan.looks[0];
  for (const n of plan.looks) {
    const look = { n, alpha: plan.alphaPerLook };
    checks = specs.map((spec, i) => judgeCheck(spec, source, look, checks[i]));
    lastLook = n;
    if (verdictOf(checks) !== "inconclusive") break;
  }
  return { checks, verdict: verdictOf(checks), lastLook };
}
