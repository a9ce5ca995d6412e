/**
 * Claim 12: the lesson's LayerNorm (per-item statistics, one scalar mult and add per layer) after
 * each conv block trains as well as the best nb 11 model so far.
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

const Config = z.object({ layerNorm: lessonConfig(LESSON_CONFIGS.layerNorm) });
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({ layerNorm: RunsSchema }),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** Median epoch-3 eval accuracy (notebook 0.874). */
const MIN_MEDIAN = 0.86;

/** The sub-criteria, judged from the runs alone. */
export function judge(runs: Evidence["runs"]): Check[] {
  return [medianAtLeast(12, "ep3 eval (LayerNorm)", evalAccs(runs.layerNorm, 3), MIN_MEDIAN)];
}

/** Claim 12. */
export const claim: Claim<Config, Evidence> = {
  id: "layernorm",
  title: "The lesson's LayerNorm (scalar affine) trains to the best nb 11 accuracy",
  source: "nb 11 cell 116 (11-F); video chapter 66:39 (Layer Normalization)",
  quote: "we're going to add layer normalization to every layer except for the last one and " +
    "let's see how we go oh nice eight seven three okay eight sixty and eight seven two so just " +
    "we've just got our best by a little bit",
  claimNumbers: [12],
  lesson: { evalAccuracyEpoch3: 0.874, reruns: "0.872–0.874" },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const runs = { layerNorm: await runSeeds(ctx, "LayerNorm", ctx.config.layerNorm) };
    return { runs, checks: judge(runs) };
  },
  criterion: (e) => verdictOf(judge(e.runs)),
  // 0.01: the lesson's re-runs of 11-F vary 0.2 points on one seed; a drop past a point is a change.
  headline: (e) =>
    medianHeadline("median epoch-3 eval accuracy", evalAccs(e.runs.layerNorm, 3), 0.01),
};
