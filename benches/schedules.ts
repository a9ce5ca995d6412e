/**
 * Claims 19–21 (nb 12, lesson 18 material): AdamW (wd 0.01) with per-batch cosine annealing from
 * 2e-2 beats constant-lr Adam (claim 18's run, same seeds) (19); per-epoch cosine does about as
 * well (20); 1cycle (max 6e-2, 5 epochs) reaches 90% (21).
 *
 * @module
 */
import { z } from "zod";
import { AnyNumber, type Claim, type TrainRun } from "../mod.ts";
import {
  acc,
  atLeast,
  atMost,
  type Check,
  CheckSchema,
  evalAccs,
  LESSON_CONFIGS,
  lessonConfig,
  meanGainAtLeast,
  medianAtLeast,
  medianHeadline,
  pt,
  QUICK,
  runSeeds,
  RunsSchema,
  seedStats,
  verdictOf,
} from "./_common.ts";

const Config = z.object({
  /** Claim 18's configuration exactly, so the memoised runs are shared with optimizers.ts. */
  adam: lessonConfig(LESSON_CONFIGS.adam),
  cosineBatch: lessonConfig(LESSON_CONFIGS.cosineBatch),
  cosineEpoch: lessonConfig(LESSON_CONFIGS.cosineEpoch),
  oneCycle: lessonConfig(LESSON_CONFIGS.oneCycle),
});
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  runs: z.object({
    adam: RunsSchema,
    cosineBatch: RunsSchema,
    cosineEpoch: RunsSchema,
    oneCycle: RunsSchema,
  }),
  /** Per schedule, the lr trace of seed 1's run in brief (informational). */
  lrTrace: z.record(
    z.string(),
    z.object({ steps: z.number().int(), first: AnyNumber, max: AnyNumber, last: AnyNumber }),
  ),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** Claim 21: every seed's epoch-5 eval accuracy (notebook 0.906). */
const MIN_ONECYCLE_EVERY = 0.897;

/** The sub-criteria, judged from the runs alone (thresholds from §8, notebook values noted). */
export function judge(runs: Evidence["runs"]): Check[] {
  const adam = evalAccs(runs.adam, 3); // notebook 0.871
  const cosB = evalAccs(runs.cosineBatch, 3); // notebook 0.883
  const cosE = evalAccs(runs.cosineEpoch, 3); // notebook 0.887
  const one = evalAccs(runs.oneCycle, 5); // notebook 0.906
  const diff = Math.abs(seedStats(cosB).mean - seedStats(cosE).mean);
  const worst = one.some(Number.isNaN) ? NaN : Math.min(...one);
  return [
    medianAtLeast(19, "ep3 eval cosine/batch", cosB, 0.873),
    meanGainAtLeast(19, "mean gain cosine/batch − constant Adam (#18)", cosB, adam, 0.005),
    medianAtLeast(20, "ep3 eval cosine/epoch", cosE, 0.875),
    {
      claim: 20,
      text: `|mean cosine/batch − cosine/epoch| ${pt(diff)} (need ≤ ${pt(0.01)})`,
      ok: atMost(diff, 0.01),
    },
    {
      claim: 21,
      text: `min ep5 eval 1cycle ${acc(worst)} over ${one.length} seeds (need every seed ≥ ` +
        `${acc(MIN_ONECYCLE_EVERY)})`,
      ok: one.length > 0 && atLeast(worst, MIN_ONECYCLE_EVERY),
    },
    medianAtLeast(21, "ep5 eval 1cycle", one, 0.9),
  ];
}

/** The lr trace of the first run in brief: steps taken, first, largest and last lr. */
function trace(runs: readonly TrainRun[]): Evidence["lrTrace"][string] {
  const lr = runs[0]?.hyper.lr ?? [];
  return {
    steps: lr.length,
    first: lr[0] ?? NaN,
    max: lr.length ? Math.max(...lr) : NaN,
    last: lr.at(-1) ?? NaN,
  };
}

/** Claims 19–21. */
export const claim: Claim<Config, Evidence> = {
  id: "schedules",
  title: "AdamW with cosine annealing beats constant Adam; 1cycle reaches 90%",
  source: "nb 12 cells 52, 55, 60 (12-E–12-G); not in the lesson 17 video (taught in lesson 18)",
  quote: "I will give you a hint that in our next lesson we will in fact get above 90%",
  claimNumbers: [19, 20, 21],
  lesson: {
    cosineBatchEvalAccuracyEpoch3: 0.883,
    cosineEpochEvalAccuracyEpoch3: 0.887,
    oneCycleEvalAccuracyEpoch4: 0.901,
    oneCycleEvalAccuracyEpoch5: 0.906,
    oneCycleReruns: "0.903–0.906",
    adamEvalAccuracyEpoch3: 0.871,
  },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const c = ctx.config;
    const runs = {
      adam: await runSeeds(ctx, "Adam lr 6e-3 (claim 18)", c.adam),
      cosineBatch: await runSeeds(ctx, "AdamW cosine per batch from 2e-2", c.cosineBatch),
      cosineEpoch: await runSeeds(ctx, "AdamW cosine per epoch from 2e-2", c.cosineEpoch),
      oneCycle: await runSeeds(ctx, "AdamW 1cycle max 6e-2, 5 epochs", c.oneCycle),
    };
    const lrTrace = {
      cosineBatch: trace(runs.cosineBatch),
      cosineEpoch: trace(runs.cosineEpoch),
      oneCycle: trace(runs.oneCycle),
    };
    return { runs, lrTrace, checks: judge(runs) };
  },
  criterion: (e) => verdictOf(judge(e.runs)),
  // 1cycle's median (claim 21). 0.01: the lesson's re-runs span 0.903–0.906 on one seed; a drop
  // past a point is a change in the trainer, not noise.
  headline: (e) =>
    medianHeadline("median epoch-5 eval accuracy, 1cycle", evalAccs(e.runs.oneCycle, 5), 0.01),
};
