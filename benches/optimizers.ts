/**
 * Claims 15–18: nb 12's optimizers written from scratch on the BatchNorm model: SGD reaches 0.84,
 * Momentum 0.865 and beats SGD by a point, RMSProp 0.84, Adam 0.86 and beats RMSProp by half a
 * point (paired by seed).
 *
 * @module
 */
import { z } from "zod";
import type { CheckSpec, Claim } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, points, train } from "./_common.ts";

const Config = z.object({
  sgd: lessonConfig(LESSON_CONFIGS.sgd),
  momentum: lessonConfig(LESSON_CONFIGS.momentum),
  rmsprop: lessonConfig(LESSON_CONFIGS.rmsprop),
  adam: lessonConfig(LESSON_CONFIGS.adam),
});
type Config = z.infer<typeof Config>;

/** median ep3 eval of `config` ≥ `threshold`. */
function atLeast(claim: number, config: string, threshold: number): CheckSpec {
  return {
    id: `${claim}-${config}`,
    claim,
    kind: "threshold",
    subject: evalAt(config, 3),
    direction: ">=",
    threshold,
  };
}

/** Claims 15–18. */
export const claim: Claim<Config> = {
  id: "optimizers",
  title: "SGD, Momentum, RMSProp and Adam from scratch: momentum and Adam win",
  source: "nb 12 cells 11, 18, 22, 26 (12-A–12-D); video chapters 93:32 (Regularization), " +
    "97:37 (Momentum), 106:37 (RMSProp), 111:27 (Adam)",
  quote: "we've got a 85% accuracy that all looks fine and we're able to train at a high " +
    "learning rate of 0.4 … look at that we've got up to 87.6% so it's really improved things … " +
    "we're up to a 865 [sic] 86.5 percent accuracy so that's pretty good I think yeah it's actually a " +
    "bit less good than momentum",
  claimNumbers: [15, 16, 17, 18],
  lesson: [
    { claim: 15, label: "nb 12 cell 11, SGD", value: 0.852, subject: evalAt("sgd", 3) },
    { claim: 16, label: "nb 12 cell 18, Momentum", value: 0.876, subject: evalAt("momentum", 3) },
    { claim: 17, label: "nb 12 cell 22, RMSProp", value: 0.853, subject: evalAt("rmsprop", 3) },
    { claim: 18, label: "nb 12 cell 26, Adam", value: 0.871, subject: evalAt("adam", 3) },
  ],
  lessonNotes: ["the video's Adam: 86.5% at lr 3e-3 (lesson-era code); the notebook uses 6e-3"],
  config: Config,
  subjects: (c) => ({
    sgd: train("SGD lr 0.4", c.sgd),
    momentum: train("Momentum 0.9 lr 1.5", c.momentum),
    rmsprop: train("RMSProp lr 3e-3", c.rmsprop),
    adam: train("Adam lr 6e-3", c.adam),
  }),
  figures: ["ewma-demo"],
  checks: [
    atLeast(15, "sgd", 0.84),
    atLeast(16, "momentum", 0.865),
    {
      id: "16-momentum-vs-sgd",
      claim: 16,
      kind: "superiority",
      a: evalAt("momentum", 3),
      b: evalAt("sgd", 3),
      margin: points(1),
    },
    atLeast(17, "rmsprop", 0.84),
    atLeast(18, "adam", 0.86),
    {
      id: "18-adam-vs-rmsprop",
      claim: 18,
      kind: "superiority",
      a: evalAt("adam", 3),
      b: evalAt("rmsprop", 3),
      margin: points(0.5),
    },
  ],
  // Adam's value (claim 18, also claim 19's baseline). 0.01: the lesson's re-runs span
  // 0.871–0.873 on one seed; a drop past a point is a change in the trainer, not noise.
  headline: {
    label: "epoch-3 eval accuracy, Adam",
    subject: evalAt("adam", 3),
    better: "higher",
    tolerance: 0.01,
  },
};
