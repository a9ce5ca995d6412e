/**
 * Claim 14: nn.BatchNorm2d at bs 256 reaches about 87.6% after 3 epochs at lr 0.2, and about 90%
 * after 2 more at lr 0.05 (a second fit on the same model, MomentumLearner buffer carried over).
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import {
  type Check,
  CheckSchema,
  evalAccs,
  LESSON_CONFIGS,
  lessonConfig,
  medianAtLeast,
  medianHeadline,
  QUICK,
  runSeeds,
  RunsSchema,
  verdictOf,
} from "./_common.ts";

const Config = z.object({ towards90: lessonConfig(LESSON_CONFIGS.towards90) });
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({ towards90: RunsSchema }),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** Median epoch-3 eval accuracy, end of the lr 0.2 fit (notebook 0.876). */
const MIN_EPOCH3 = 0.865;
/** Median epoch-5 eval accuracy, end of the lr 0.05 fit (notebook 0.899). */
const MIN_EPOCH5 = 0.89;

/** The sub-criteria, judged from the runs alone. */
export function judge(runs: Evidence["runs"]): Check[] {
  return [
    medianAtLeast(14, "ep3 eval (lr 0.2)", evalAccs(runs.towards90, 3), MIN_EPOCH3),
    medianAtLeast(14, "ep5 eval (+2 at lr 0.05)", evalAccs(runs.towards90, 5), MIN_EPOCH5),
  ];
}

/** Claim 14. */
export const claim: Claim<Config, Evidence> = {
  id: "towards-90",
  title: "BatchNorm2d at bs 256, then a lower lr, gets to about 90%",
  source: "nb 11 cells 123–124 (11-H, 11-H2); video chapter 86:11 (Putting all together: " +
    "Towards 90%)",
  quote: "we got to eighty seven point eight percent accuracy after three epochs … we've got up " +
    "to eighty nine point seven oh we didn't make it eighty nine point nine so towards ninety " +
    "percent but not quite ninety percent",
  claimNumbers: [14],
  lesson: {
    evalAccuracyEpoch3: 0.876,
    evalAccuracyEpoch4: 0.897,
    evalAccuracyEpoch5: 0.899,
    reruns: "0.876–0.878, then 0.899–0.900",
    video: "87.8, then 89.7 and 89.9",
  },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const runs = {
      towards90: await runSeeds(ctx, "BatchNorm2d bs 256, lr 0.2 then 0.05", ctx.config.towards90),
    };
    return { runs, checks: judge(runs) };
  },
  criterion: (e) => verdictOf(judge(e.runs)),
  // 0.01: the lesson's re-runs of 11-H2 span 0.899–0.900 on one seed; a drop past a point is a
  // change in the trainer, not noise.
  headline: (e) =>
    medianHeadline("median epoch-5 eval accuracy", evalAccs(e.runs.towards90, 5), 0.01),
};
