/**
 * Claim 13: the lesson's BatchNorm (batch statistics as constants in backward, unbiased variance,
 * running statistics for eval) trains stably at lr 0.4, double nb 11's: no seed diverges, the
 * median epoch-3 train accuracy reaches 0.875 and the eval accuracy 0.835.
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, train, trainAt } from "./_common.ts";

const Config = z.object({ lessonBatchNorm: lessonConfig(LESSON_CONFIGS.lessonBatchNorm) });
type Config = z.infer<typeof Config>;

/** Claim 13. */
export const claim: Claim<Config> = {
  id: "batchnorm",
  title: "The lesson's BatchNorm trains stably at double the learning rate (0.4)",
  source: "nb 11 cell 119 (11-G); video chapter 75:47 (Batch Normalization)",
  quote: "I was able to now finally increase the learning rate up to 0.4 for the first time",
  claimNumbers: [13],
  lesson: [
    {
      claim: 13,
      label: "nb 11 cell 119, train, epoch 3",
      value: 0.887,
      subject: trainAt("lessonBatchNorm", 3),
    },
    {
      claim: 13,
      label: "nb 11 cell 119, eval, epoch 3",
      value: 0.849,
      subject: evalAt("lessonBatchNorm", 3),
    },
    {
      claim: 13,
      label: "nb 11 cell 119, eval, epoch 2",
      value: 0.855,
      subject: evalAt("lessonBatchNorm", 2),
    },
  ],
  lessonNotes: ["eval re-runs 0.849–0.860; the notebook's eval sits 3.8 points below train"],
  config: Config,
  subjects: (c) => ({
    lessonBatchNorm: train("lesson BatchNorm, lr 0.4", c.lessonBatchNorm),
  }),
  checks: [
    {
      id: "13-no-divergence",
      claim: 13,
      kind: "every-seed",
      subject: { config: "lessonBatchNorm", metric: "diverged" },
      max: 0,
    },
    {
      id: "13-train",
      claim: 13,
      kind: "threshold",
      subject: trainAt("lessonBatchNorm", 3),
      direction: ">=",
      threshold: 0.875,
    },
    {
      id: "13-eval",
      claim: 13,
      kind: "threshold",
      subject: evalAt("lessonBatchNorm", 3),
      direction: ">=",
      threshold: 0.835,
    },
  ],
  // 0.02: this eval is the noisiest of nb 11 (re-runs on one seed span 0.849–0.860, and epoch 3
  // fell below epoch 2): eval normalises with running statistics, which swing with the last
  // training batches at lr 0.4.
  headline: {
    label: "epoch-3 eval accuracy",
    subject: evalAt("lessonBatchNorm", 3),
    better: "higher",
    tolerance: 0.02,
  },
};
