/**
 * Claim 7: PyTorch's default init with raw [0, 1] input trains badly in nb 11's setup (1 epoch at
 * lr 0.2): the median epoch-1 eval accuracy stays at or below 0.65, far under claim 9's 0.81.
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, train } from "./_common.ts";

const Config = z.object({ defaultInit: lessonConfig(LESSON_CONFIGS.defaultInit) });
type Config = z.infer<typeof Config>;

/** Claim 7. */
export const claim: Claim<Config> = {
  id: "default-init",
  title: "PyTorch default init with raw input trains badly (1 epoch, lr 0.2)",
  source: "nb 11 cell 8 (11-A); video chapter 38:59 (learning rate finder and MomentumLearner)",
  quote: "0.2 seems about the highest we can get up to even this actually is too high … " +
    "the key problem here really is that we don't have zero mean standard deviation one layers " +
    "at the start so we certainly don't keep them throughout",
  claimNumbers: [7],
  lesson: [
    { claim: 7, label: "nb 11 cell 8, 1 epoch", value: 0.453, subject: evalAt("defaultInit", 1) },
  ],
  lessonNotes: ["re-runs 0.451–0.465 on one seed; lr 0.2"],
  config: Config,
  subjects: (c) => ({ defaultInit: train("PyTorch default init, raw input", c.defaultInit) }),
  checks: [{
    id: "7-threshold",
    claim: 7,
    kind: "threshold",
    subject: evalAt("defaultInit", 1),
    direction: "<=",
    // Clearly worse than claim 9's epoch-1 value (0.81): the lesson printed 0.453.
    threshold: 0.65,
  }],
  // 0.05: the default-init first epoch is chaotic (a loss spike then recovery): same-seed re-runs
  // of the lesson moved 1.4 points and tiny float changes here can move it several points.
  headline: {
    label: "epoch-1 eval accuracy",
    subject: evalAt("defaultInit", 1),
    better: "lower",
    tolerance: 0.05,
  },
};
