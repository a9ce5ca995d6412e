/**
 * Claim 13: the lesson's BatchNorm (batch statistics as constants in backward, unbiased variance,
 * running statistics for eval) trains stably at lr 0.4, double nb 11's. Also reports the
 * train/eval gap at epoch 3 (the notebook's eval sits about 4 points below train).
 *
 * @module
 */
import { z } from "zod";
import { AnyNumber, type Claim, type TrainRun } from "../mod.ts";
import {
  acc,
  type Check,
  CheckSchema,
  evalAccs,
  LESSON_CONFIGS,
  lessonConfig,
  medianAtLeast,
  medianHeadline,
  pts,
  QUICK,
  runSeeds,
  RunsSchema,
  seedStats,
  trainAcc,
  verdictOf,
} from "./_common.ts";

const Config = z.object({ lessonBatchNorm: lessonConfig(LESSON_CONFIGS.lessonBatchNorm) });
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({ lessonBatchNorm: RunsSchema }),
  /** Epoch-3 train minus eval accuracy, per seed (informational). */
  trainEvalGap: z.array(AnyNumber),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** Epochs of the lesson's run. */
const EPOCHS = 3;
/** Median epoch-3 train accuracy (notebook 0.887). */
const MIN_TRAIN = 0.875;
/** Median epoch-3 eval accuracy (notebook 0.849). */
const MIN_EVAL = 0.835;

/** Whether a run finished every epoch with finite losses and accuracies (no NaN anywhere). */
export function nanFree(run: TrainRun, epochs = EPOCHS): boolean {
  if (run.diverged || run.epochs.length < epochs) return false;
  return run.epochs.every((e) =>
    [e.trainLoss, e.trainAccuracy, e.validLoss, e.validAccuracy].every((v) =>
      v !== null && Number.isFinite(v)
    )
  ) && run.batchLosses.every(Number.isFinite);
}

/** Epoch-3 train − eval accuracy per seed. */
export function trainEvalGap(runs: readonly TrainRun[]): number[] {
  return runs.map((r) => trainAcc(r, EPOCHS) - evalAccs([r], EPOCHS)[0]);
}

/** The sub-criteria, judged from the runs alone. */
export function judge(runs: Evidence["runs"]): Check[] {
  const bn = runs.lessonBatchNorm;
  const clean = bn.filter((r) => nanFree(r)).length;
  const train = bn.map((r) => trainAcc(r, EPOCHS));
  const trainCheck = medianAtLeast(13, "ep3 train", train, MIN_TRAIN);
  return [
    {
      claim: 13,
      text: `NaN-free seeds ${clean}/${bn.length} (need all)`,
      ok: bn.length > 0 && clean === bn.length,
    },
    // The min shows whether every seed, not only the median, cleared the bar.
    { ...trainCheck, text: `${trainCheck.text}, min ${acc(Math.min(...train))}` },
    medianAtLeast(13, "ep3 eval", evalAccs(bn, EPOCHS), MIN_EVAL),
  ];
}

/** Claim 13. */
export const claim: Claim<Config, Evidence> = {
  id: "batchnorm",
  title: "The lesson's BatchNorm trains stably at double the learning rate (0.4)",
  source: "nb 11 cell 119 (11-G); video chapter 75:47 (Batch Normalization)",
  quote: "I was able to now finally increase the learning rate up to 0.4 for the first time",
  claimNumbers: [13],
  lesson: {
    trainAccuracyEpoch3: 0.887,
    evalAccuracyEpoch3: 0.849,
    evalAccuracyEpoch2: 0.855,
    reruns: "0.849–0.860",
    trainEvalGapPoints: 3.8,
    lr: 0.4,
  },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const runs = {
      lessonBatchNorm: await runSeeds(ctx, "lesson BatchNorm, lr 0.4", ctx.config.lessonBatchNorm),
    };
    return { runs, trainEvalGap: trainEvalGap(runs.lessonBatchNorm), checks: judge(runs) };
  },
  criterion(e) {
    const gap = seedStats(trainEvalGap(e.runs.lessonBatchNorm)).median;
    return verdictOf(judge(e.runs), `ep3 train − eval gap: median ${pts(gap)} (notebook +3.80)`);
  },
  // 0.02: this eval is the noisiest of nb 11 (re-runs on one seed span 0.849–0.860, and epoch 3
  // fell below epoch 2): eval normalises with running statistics, which swing with the last
  // training batches at lr 0.4.
  headline: (e) =>
    medianHeadline("median epoch-3 eval accuracy", evalAccs(e.runs.lessonBatchNorm, EPOCHS), 0.02),
};
