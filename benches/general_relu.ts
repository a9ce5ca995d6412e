/**
 * Claim 10: GeneralRelu(0.1, 0.4) with leaky Kaiming (a = 0.1) reaches 0.86 and beats plain ReLU
 * + Kaiming (claim 9's config, same seeds) by half a point. Also claim 25's activation-statistics
 * bounds on the same runs: after the first 25 training batches every hooked GeneralRelu output
 * keeps its dead fraction (share of |a| < 0.25) at most 0.3 and its mean within [−0.3, 0.3], in
 * every trained seed (a diverged run has no statistics worth judging).
 *
 * @module
 */
import { z } from "zod";
import type { Claim, TrainMetric, TrainRun } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, points, train } from "./_common.ts";

const Config = z.object({
  generalRelu: lessonConfig(LESSON_CONFIGS.generalRelu),
  relu: lessonConfig(LESSON_CONFIGS.kaimingNorm),
});
type Config = z.infer<typeof Config>;

/** Claim 25: batches 0..SKIP−1 (the first 25) are left out; the bounds hold from batch 26 on. */
export const SKIP = 25;

/**
 * The worst value of `pick` over hooked layers and batches after the first SKIP; NaN when the
 * run recorded no statistics or any value is NaN (a missing measurement must not pass).
 */
function worstAfterSkip(run: TrainRun, pick: "dead" | "means"): number {
  const stats = run.activationStats;
  if (!stats || stats.length === 0) return NaN;
  let worst = -Infinity;
  for (const s of stats) {
    const values = s[pick].slice(SKIP);
    if (values.length === 0) return NaN;
    for (const v of values) {
      const x = pick === "means" ? Math.abs(v) : v;
      if (Number.isNaN(x)) return NaN;
      worst = Math.max(worst, x);
    }
  }
  return worst;
}

/** Claim 25's per-run statistics. */
export const ACTIVATION_METRICS: Record<string, TrainMetric> = {
  maxDeadAfter25: {
    label: "largest dead fraction (|a| < 0.25) of any hooked layer after batch 25",
    unit: "ratio",
    of: (run) => worstAfterSkip(run, "dead"),
  },
  maxAbsMeanAfter25: {
    label: "largest |mean| of any hooked layer after batch 25",
    unit: "value",
    of: (run) => worstAfterSkip(run, "means"),
  },
};

/** Claim 10 (and claim 25's activation bounds). */
export const claim: Claim<Config> = {
  id: "general-relu",
  title: "GeneralRelu with leaky Kaiming beats ReLU; activations stay alive and centred",
  source: "nb 11 cell 97 (11-D; ActivationStats plots), vs cell 83 (11-C); video chapters " +
    "52:06–55:09 (changing the activation function, 87% accuracy)",
  quote:
    "that's encouraging accuracy of 845 [84.5%] which is about as high as we got to at the end " +
    "previously Wow look at that so we're up to an accuracy of 87%",
  claimNumbers: [10, 25],
  lesson: [
    {
      claim: 10,
      label: "nb 11 cell 97, GeneralReLU",
      value: 0.872,
      subject: evalAt("generalRelu", 3),
    },
    { claim: 10, label: "nb 11 cell 83, ReLU", value: 0.853, subject: evalAt("relu", 3) },
  ],
  lessonNotes: [
    "GeneralReLU re-runs 0.872–0.875; +1.9 points over ReLU",
    "dead fraction about 0.1–0.25; layer means about −0.05 to 0.15",
  ],
  config: Config,
  subjects: (c) => ({
    generalRelu: train("GeneralReLU + Kaiming(0.1)", c.generalRelu),
    relu: train("ReLU + Kaiming (claim 9)", c.relu),
  }),
  metrics: ACTIVATION_METRICS,
  figures: ["general-relu-shape"],
  checks: [
    {
      id: "10-threshold",
      claim: 10,
      kind: "threshold",
      subject: evalAt("generalRelu", 3),
      direction: ">=",
      threshold: 0.86,
    },
    {
      id: "10-vs-relu",
      claim: 10,
      kind: "superiority",
      a: evalAt("generalRelu", 3),
      b: evalAt("relu", 3),
      margin: points(0.5),
    },
    {
      id: "25-dead",
      claim: 25,
      kind: "every-seed",
      subject: { config: "generalRelu", metric: "maxDeadAfter25" },
      max: 0.3,
      trainedOnly: true,
    },
    {
      id: "25-means",
      claim: 25,
      kind: "every-seed",
      subject: { config: "generalRelu", metric: "maxAbsMeanAfter25" },
      max: 0.3,
      trainedOnly: true,
    },
  ],
  findings: "Some seeds of this configuration diverge in the first epoch (a non-finite loss at " +
    "lr 0.2 with the MomentumLearner). A float64 audit of two diverging seeds (README) showed the " +
    "divergence is the configuration's, not the kernels': the float64 trainer diverges at the " +
    "same step. Such seeds rank below every trained seed and are left out of claim 25's " +
    "activation statistics.",
  // 0.01: the lesson's re-runs of 11-D vary 0.3 points on one seed; seeds vary more, so only a
  // drop past a point signals a changed trainer.
  headline: {
    label: "epoch-3 eval accuracy",
    subject: evalAt("generalRelu", 3),
    better: "higher",
    tolerance: 0.01,
  },
};
