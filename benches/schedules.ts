/**
 * Claims 19–21: AdamW with cosine annealing per batch beats constant Adam (claim 18's runs, same
 * seeds) by half a point and reaches 0.873; per epoch it reaches 0.875 and is equivalent to per
 * batch within a point; 1cycle over 5 epochs reaches 0.90.
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, points, train } from "./_common.ts";

const Config = z.object({
  /** Claim 18's configuration exactly, so its runs are shared with optimizers.ts. */
  adam: lessonConfig(LESSON_CONFIGS.adam),
  cosineBatch: lessonConfig(LESSON_CONFIGS.cosineBatch),
  cosineEpoch: lessonConfig(LESSON_CONFIGS.cosineEpoch),
  oneCycle: lessonConfig(LESSON_CONFIGS.oneCycle),
});
type Config = z.infer<typeof Config>;

/** Claims 19–21. */
export const claim: Claim<Config> = {
  id: "schedules",
  title: "AdamW with cosine annealing beats constant Adam; 1cycle reaches 90%",
  source: "nb 12 cells 52, 55, 60 (12-E–12-G); not in the lesson 17 video (taught in lesson 18)",
  quote: "I will give you a hint that in our next lesson we will in fact get above 90%",
  claimNumbers: [19, 20, 21],
  lesson: [
    {
      claim: 19,
      label: "nb 12 cell 52, cosine per batch",
      value: 0.883,
      subject: evalAt("cosineBatch", 3),
    },
    {
      claim: 20,
      label: "nb 12 cell 55, cosine per epoch",
      value: 0.887,
      subject: evalAt("cosineEpoch", 3),
    },
    {
      claim: 21,
      label: "nb 12 cell 60, 1cycle, epoch 4",
      value: 0.901,
      subject: evalAt("oneCycle", 4),
    },
    {
      claim: 21,
      label: "nb 12 cell 60, 1cycle, epoch 5",
      value: 0.906,
      subject: evalAt("oneCycle", 5),
    },
    {
      // Reported, not judged: where the lower end of the lesson's re-runs falls among our seeds.
      claim: 21,
      label: "1cycle re-run floor (share of seeds ≥ 0.897)",
      value: 0.897,
      subject: evalAt("oneCycle", 5),
    },
    { claim: 18, label: "nb 12 cell 26, constant Adam", value: 0.871, subject: evalAt("adam", 3) },
  ],
  lessonNotes: ["1cycle re-runs 0.903–0.906"],
  config: Config,
  subjects: (c) => ({
    adam: train("Adam lr 6e-3 (claim 18)", c.adam),
    cosineBatch: train("AdamW cosine per batch from 2e-2", c.cosineBatch),
    cosineEpoch: train("AdamW cosine per epoch from 2e-2", c.cosineEpoch),
    oneCycle: train("AdamW 1cycle max 6e-2, 5 epochs", c.oneCycle),
  }),
  checks: [
    {
      id: "19-threshold",
      claim: 19,
      kind: "threshold",
      subject: evalAt("cosineBatch", 3),
      direction: ">=",
      threshold: 0.873,
    },
    {
      id: "19-vs-adam",
      claim: 19,
      kind: "superiority",
      a: evalAt("cosineBatch", 3),
      b: evalAt("adam", 3),
      margin: points(0.5),
    },
    {
      id: "20-threshold",
      claim: 20,
      kind: "threshold",
      subject: evalAt("cosineEpoch", 3),
      direction: ">=",
      threshold: 0.875,
    },
    {
      id: "20-equivalence",
      claim: 20,
      kind: "equivalence",
      a: evalAt("cosineBatch", 3),
      b: evalAt("cosineEpoch", 3),
      margin: points(1),
    },
    {
      id: "21-threshold",
      claim: 21,
      kind: "threshold",
      subject: evalAt("oneCycle", 5),
      direction: ">=",
      threshold: 0.9,
    },
  ],
  dependsOn: ["optimizers"],
  // 1cycle's value (claim 21). 0.01: the lesson's re-runs span 0.903–0.906 on one seed; a drop
  // past a point is a change in the trainer, not noise.
  headline: {
    label: "epoch-5 eval accuracy, 1cycle",
    subject: evalAt("oneCycle", 5),
    better: "higher",
    tolerance: 0.01,
  },
};
