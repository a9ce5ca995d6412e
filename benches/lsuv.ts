/**
 * Claim 11: LSUV from PyTorch's default init is competitive with the hand-derived leaky Kaiming
 * init of claim 10 (same seeds): LSUV converges in every seed (every paired GeneralRelu output on
 * the LSUV batch has |mean| ≤ 1e-3 and |std − 1| ≤ 1e-3 within 50 adjustments per layer), the
 * median epoch-3 eval accuracy reaches 0.85, and LSUV is no more than 2 points worse than claim
 * 10's init (non-inferiority, paired by seed).
 *
 * @module
 */
import { z } from "zod";
import type { Claim, TrainRun } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, points, train } from "./_common.ts";

const Config = z.object({
  lsuv: lessonConfig(LESSON_CONFIGS.lsuv),
  generalRelu: lessonConfig(LESSON_CONFIGS.generalRelu),
});
type Config = z.infer<typeof Config>;

/** The lesson's LSUV tolerance on |mean| and |std − 1|. */
const TOL = 1e-3;
/** The iteration cap per layer (src/init/lsuv.ts's default, which throws past it). */
const MAX_ITERATIONS = 50;
/** The lesson's model has 4 (GeneralRelu, conv) pairs; the final conv is not LSUV'd. */
const PAIRS = 4;

/** 1 when LSUV adjusted all 4 pairs to the tolerance within the cap, else 0 (no report: NaN). */
export function lsuvConverged(run: TrainRun): number {
  if (!run.lsuv) return NaN;
  const ok = run.lsuv.length === PAIRS &&
    run.lsuv.every((l) =>
      Math.abs(l.after.mean) <= TOL && Math.abs(l.after.std - 1) <= TOL &&
      l.iterations <= MAX_ITERATIONS
    );
  return ok ? 1 : 0;
}

/** Claim 11. */
export const claim: Claim<Config> = {
  id: "lsuv",
  title: "LSUV from the default init is competitive with leaky Kaiming",
  source: "nb 11 cells 104–107 (11-E), vs cell 97 (11-D); video chapter 57:16 (All You Need Is " +
    "a Good Init: LSUV)",
  quote: "this time we've got an accuracy of 0.86 versus previously it's 0.87 so pretty much the " +
    "same thing close enough",
  claimNumbers: [11],
  lesson: [
    { claim: 11, label: "nb 11 cell 107, LSUV", value: 0.866, subject: evalAt("lsuv", 3) },
    {
      claim: 10,
      label: "nb 11 cell 97, GeneralReLU + Kaiming",
      value: 0.872,
      subject: evalAt("generalRelu", 3),
    },
  ],
  lessonNotes: ["LSUV re-runs 0.858–0.860; LSUV tolerance 1e-3 on |mean| and |std − 1|"],
  config: Config,
  subjects: (c) => ({
    lsuv: train("LSUV from the default init", c.lsuv),
    generalRelu: train("GeneralReLU + Kaiming(0.1) (claim 10)", c.generalRelu),
  }),
  metrics: {
    lsuvConverged: {
      label: "LSUV converged (4 pairs, |mean| and |std − 1| ≤ 1e-3 within 50 iterations)",
      unit: "event",
      of: lsuvConverged,
    },
  },
  checks: [
    {
      id: "11-converges",
      claim: 11,
      kind: "every-seed",
      subject: { config: "lsuv", metric: "lsuvConverged" },
      min: 1,
    },
    {
      id: "11-threshold",
      claim: 11,
      kind: "threshold",
      subject: evalAt("lsuv", 3),
      direction: ">=",
      threshold: 0.85,
    },
    {
      id: "11-non-inferior",
      claim: 11,
      kind: "superiority",
      a: evalAt("lsuv", 3),
      b: evalAt("generalRelu", 3),
      margin: -points(2),
    },
  ],
  dependsOn: ["general-relu"],
  // 0.01: the lesson's LSUV runs span 0.858–0.866 on one seed; a drop past a point is a change.
  headline: {
    label: "epoch-3 eval accuracy",
    subject: evalAt("lsuv", 3),
    better: "higher",
    tolerance: 0.01,
  },
};
