/**
 * Claim 10: GeneralRelu(0.1, 0.4) with leaky Kaiming (a = 0.1) beats plain ReLU + Kaiming (claim
 * 9's config, same seeds). Also claim 25's activation-statistics bounds on the same runs: after
 * the first 25 training batches every hooked GeneralRelu output keeps its dead fraction (share of
 * |a| < 0.25) at most 0.3 and its mean within [−0.3, 0.3].
 *
 * @module
 */
import { z } from "zod";
import type { Claim, TrainRun } from "../mod.ts";
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
  generalRelu: lessonConfig(LESSON_CONFIGS.generalRelu),
  relu: lessonConfig(LESSON_CONFIGS.kaimingNorm),
});
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({ generalRelu: RunsSchema, relu: RunsSchema }),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** Claim 10: median epoch-3 eval accuracy (notebook 0.872). */
const MIN_MEDIAN = 0.86;
/** Claim 10: 3-seed mean gain over ReLU (notebook +1.9 points). */
const MIN_GAIN = 0.005;
/** Claim 25: batches 0..SKIP−1 (the first 25) are left out; the bounds hold from batch 26 on. */
const SKIP = 25;
/** Claim 25: dead fraction bound (notebook about 0.1–0.25). */
const MAX_DEAD = 0.3;
/** Claim 25: per-layer mean bound (notebook about −0.05 to 0.15). */
const MEAN_BOUND = 0.3;

/** Worst dead fraction and the range of means after the first SKIP batches, over layers and seeds. */
export function activationBounds(runs: readonly TrainRun[]): {
  layers: number;
  batches: number;
  maxDead: number;
  minMean: number;
  maxMean: number;
  missing: number;
} {
  let maxDead = -Infinity, minMean = Infinity, maxMean = -Infinity;
  let layers = Infinity, batches = Infinity, missing = 0;
  for (const run of runs) {
    const stats = run.activationStats;
    if (!stats || stats.length === 0) {
      missing++;
      continue;
    }
    layers = Math.min(layers, stats.length);
    for (const s of stats) {
      const dead = s.dead.slice(SKIP), means = s.means.slice(SKIP);
      batches = Math.min(batches, dead.length, means.length);
      // NaN must surface: Math.max/min return NaN when any argument is NaN.
      for (const d of dead) maxDead = Number.isNaN(d) ? NaN : Math.max(maxDead, d);
      for (const m of means) {
        minMean = Number.isNaN(m) ? NaN : Math.min(minMean, m);
        maxMean = Number.isNaN(m) ? NaN : Math.max(maxMean, m);
      }
    }
  }
  if (layers === Infinity) layers = 0;
  if (batches === Infinity) batches = 0;
  return { layers, batches, maxDead, minMean, maxMean, missing };
}

/** The sub-criteria, judged from the runs alone. */
export function judge(runs: Evidence["runs"]): Check[] {
  const gr = evalAccs(runs.generalRelu, 3);
  const relu = evalAccs(runs.relu, 3);
  const b = activationBounds(runs.generalRelu);
  const recorded = b.missing === 0 && b.layers > 0 && b.batches > 0;
  const f = (v: number) => Number.isFinite(v) ? v.toFixed(3) : String(v);
  const deadOk = recorded && b.maxDead <= MAX_DEAD;
  const meanOk = recorded && b.minMean >= -MEAN_BOUND && b.maxMean <= MEAN_BOUND;
  const where = recorded
    ? `${b.layers} layers × ${b.batches} batches after batch ${SKIP}`
    : `stats missing on ${b.missing} seed(s), ${b.batches} batches after batch ${SKIP}`;
  return [
    medianAtLeast(10, "ep3 eval (GeneralRelu)", gr, MIN_MEDIAN),
    meanGainAtLeast(10, "mean ep3 eval gain over ReLU (#9 config)", gr, relu, MIN_GAIN),
    {
      claim: 25,
      text: `max dead fraction ${f(b.maxDead)} (need ≤ ${MAX_DEAD}; ${where})`,
      ok: deadOk,
    },
    {
      claim: 25,
      text: `layer means in [${f(b.minMean)}, ${f(b.maxMean)}] (need within ` +
        `[−${MEAN_BOUND}, ${MEAN_BOUND}])`,
      ok: meanOk,
    },
  ];
}

/** Claim 10 (and claim 25's activation bounds). */
export const claim: Claim<Config, Evidence> = {
  id: "general-relu",
  title: "GeneralRelu with leaky Kaiming beats ReLU; activations stay alive and centred",
  source: "nb 11 cell 97 (11-D; ActivationStats plots), vs cell 83 (11-C); video chapters " +
    "52:06–55:09 (changing the activation function, 87% accuracy)",
  quote: "that's encouraging accuracy of 845 which is about as high as we got to at the end " +
    "previously Wow look at that so we're up to an accuracy of 87%",
  claimNumbers: [10, 25],
  lesson: {
    evalAccuracyEpoch3: 0.872,
    reruns: "0.872–0.875",
    reluEvalAccuracyEpoch3: 0.853,
    gainPoints: 1.9,
    deadFraction: "about 0.1–0.25",
    layerMeans: "about −0.05 to 0.15",
  },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const runs = {
      generalRelu: await runSeeds(ctx, "GeneralRelu + Kaiming(0.1)", ctx.config.generalRelu),
      relu: await runSeeds(ctx, "ReLU + Kaiming (claim 9)", ctx.config.relu),
    };
    return { runs, checks: judge(runs) };
  },
  criterion: (e) => verdictOf(judge(e.runs)),
  // 0.01: the lesson's re-runs of 11-D vary 0.3 points on one seed; seeds vary more, so only a
  // drop past a point signals a changed trainer.
  headline: (e) =>
    medianHeadline("median epoch-3 eval accuracy", evalAccs(e.runs.generalRelu, 3), 0.01),
};
