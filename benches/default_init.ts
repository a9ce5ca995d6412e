/**
 * Claim 7: the nb 11 starting point (PyTorch default init, ReLU, raw [0, 1] input) trains badly.
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import {
  acc,
  atMost,
  type Check,
  CheckSchema,
  evalAccs,
  LESSON_CONFIGS,
  lessonConfig,
  medianHeadline,
  QUICK,
  runSeeds,
  RunsSchema,
  seedStats,
  verdictOf,
} from "./_common.ts";

const Config = z.object({ defaultInit: lessonConfig(LESSON_CONFIGS.defaultInit) });
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({ defaultInit: RunsSchema }),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** Clearly worse than claim 9's epoch-1 value (0.81): the lesson printed 0.453. */
const MAX_MEDIAN = 0.65;

/** The sub-criteria, judged from the runs alone. */
export function judge(runs: Evidence["runs"]): Check[] {
  const ep1 = evalAccs(runs.defaultInit, 1);
  const { median } = seedStats(ep1);
  return [{
    claim: 7,
    text: `median ep1 eval ${acc(median)} (need ≤ ${acc(MAX_MEDIAN)}; a diverged seed is NaN)`,
    ok: atMost(median, MAX_MEDIAN),
  }];
}

/** Claim 7. */
export const claim: Claim<Config, Evidence> = {
  id: "default-init",
  title: "PyTorch default init with raw input trains badly (1 epoch, lr 0.2)",
  source: "nb 11 cell 8 (11-A); video chapter 38:59 (learning rate finder and MomentumLearner)",
  quote: "0.2 seems about the highest we can get up to even this actually is too high … " +
    "the key problem here really is that we don't have zero mean standard deviation one layers " +
    "at the start so we certainly don't keep them throughout",
  claimNumbers: [7],
  lesson: { evalAccuracyEpoch1: 0.453, reruns: "0.451–0.465", lr: 0.2 },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const runs = { defaultInit: await runSeeds(ctx, "default init", ctx.config.defaultInit) };
    return { runs, checks: judge(runs) };
  },
  criterion: (e) => verdictOf(judge(e.runs)),
  // 0.05: the default-init first epoch is chaotic (a loss spike then recovery): same-seed re-runs
  // of the lesson moved 1.4 points and tiny float changes here can move it several points; a
  // drop also moves toward the claim, so a tight tolerance would only flag noise.
  headline: (e) =>
    medianHeadline("median epoch-1 eval accuracy", evalAccs(e.runs.defaultInit, 1), 0.05),
};
