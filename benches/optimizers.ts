/**
 * Claims 15–18 (nb 12): the lesson's optimizers on GeneralRelu + nn.BatchNorm2d + Kaiming(0.1),
 * TrainLearner (gradients zeroed), bs 1024, 3 epochs: SGD lr 0.4 (15); lerp Momentum 0.9 lr 1.5,
 * better than SGD (16); RMSProp lr 3e-3 (17); Adam lr 6e-3, better than RMSProp (18). Every
 * optimizer runs on the same seeds.
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
  meanGainAtLeast,
  medianAtLeast,
  medianHeadline,
  QUICK,
  runSeeds,
  RunsSchema,
  verdictOf,
} from "./_common.ts";

const Config = z.object({
  sgd: lessonConfig(LESSON_CONFIGS.sgd),
  momentum: lessonConfig(LESSON_CONFIGS.momentum),
  rmsprop: lessonConfig(LESSON_CONFIGS.rmsprop),
  adam: lessonConfig(LESSON_CONFIGS.adam),
});
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({
    sgd: RunsSchema,
    momentum: RunsSchema,
    rmsprop: RunsSchema,
    adam: RunsSchema,
  }),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** The sub-criteria, judged from the runs alone (thresholds from §8, notebook values noted). */
export function judge(runs: Evidence["runs"]): Check[] {
  const sgd = evalAccs(runs.sgd, 3); // notebook 0.852
  const momentum = evalAccs(runs.momentum, 3); // notebook 0.876 (+2.4 over SGD)
  const rmsprop = evalAccs(runs.rmsprop, 3); // notebook 0.853
  const adam = evalAccs(runs.adam, 3); // notebook 0.871 (+1.8 over RMSProp)
  return [
    medianAtLeast(15, "ep3 eval SGD", sgd, 0.84),
    medianAtLeast(16, "ep3 eval Momentum", momentum, 0.865),
    meanGainAtLeast(16, "mean gain Momentum − SGD", momentum, sgd, 0.01),
    medianAtLeast(17, "ep3 eval RMSProp", rmsprop, 0.84),
    medianAtLeast(18, "ep3 eval Adam", adam, 0.86),
    meanGainAtLeast(18, "mean gain Adam − RMSProp", adam, rmsprop, 0.005),
  ];
}

/** Claims 15–18. */
export const claim: Claim<Config, Evidence> = {
  id: "optimizers",
  title: "SGD, Momentum, RMSProp and Adam from scratch: momentum and Adam win",
  source: "nb 12 cells 11, 18, 22, 26 (12-A–12-D); video chapters 93:32 (Regularization), " +
    "97:37 (Momentum), 106:37 (RMSProp), 111:27 (Adam)",
  quote: "we've got a 85% accuracy that all looks fine and we're able to train at a high " +
    "learning rate of 0.4 … look at that we've got up to 87.6% so it's really improved things … " +
    "we're up to a 865 86.5 percent accuracy so that's pretty good I think yeah it's actually a " +
    "bit less good than momentum",
  claimNumbers: [15, 16, 17, 18],
  lesson: {
    sgdEvalAccuracyEpoch3: 0.852,
    momentumEvalAccuracyEpoch3: 0.876,
    rmspropEvalAccuracyEpoch3: 0.853,
    adamEvalAccuracyEpoch3: 0.871,
    adamVideo: "86.5% at lr 3e-3 (lesson-era code); the notebook uses lr 6e-3",
  },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const c = ctx.config;
    const runs = {
      sgd: await runSeeds(ctx, "SGD lr 0.4", c.sgd),
      momentum: await runSeeds(ctx, "Momentum 0.9 lr 1.5", c.momentum),
      rmsprop: await runSeeds(ctx, "RMSProp lr 3e-3", c.rmsprop),
      adam: await runSeeds(ctx, "Adam lr 6e-3", c.adam),
    };
    return { runs, checks: judge(runs) };
  },
  criterion: (e) => verdictOf(judge(e.runs)),
  // Adam's median (claim 18, also claim 19's baseline). 0.01: the lesson's re-runs span
  // 0.871–0.873 on one seed; a drop past a point is a change in the trainer, not noise.
  headline: (e) =>
    medianHeadline("median epoch-3 eval accuracy, Adam", evalAccs(e.runs.adam, 3), 0.01),
};
