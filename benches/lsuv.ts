/**
 * Claim 11: LSUV from PyTorch's default init is competitive with the hand-derived leaky Kaiming
 * init of claim 10 (same seeds). Invariant: right after LSUV, every paired GeneralRelu output on
 * the LSUV batch has |mean| ≤ 1e-3 and |std − 1| ≤ 1e-3, within 50 adjustments per layer.
 *
 * @module
 */
import { z } from "zod";
import type { Claim, TrainRun } from "../mod.ts";
import {
  acc,
  atMost,
  type Check,
  CheckSchema,
  evalAccs,
  LESSON_CONFIGS,
  lessonConfig,
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
  lsuv: lessonConfig(LESSON_CONFIGS.lsuv),
  generalRelu: lessonConfig(LESSON_CONFIGS.generalRelu),
});
type Config = z.infer<typeof Config>;

const Evidence = z.object({
  /** lsuv: the seeds whose LSUV converged (the others are in lsuvFailures). */
  runs: z.object({ lsuv: RunsSchema, generalRelu: RunsSchema }),
  /** Seeds where LSUV gave up (50 adjustments, or a non-finite std) and did not train. */
  lsuvFailures: z.array(z.object({ seed: z.number().int(), message: z.string() })),
  checks: z.array(CheckSchema),
});
type Evidence = z.infer<typeof Evidence>;

/** The lesson's LSUV tolerance on |mean| and |std − 1|. */
const TOL = 1e-3;
/** The iteration cap per layer (src/init/lsuv.ts's default, which throws past it). */
const MAX_ITERATIONS = 50;
/** The lesson's model has 4 (GeneralRelu, conv) pairs; the final conv is not LSUV'd. */
const PAIRS = 4;
/** Median epoch-3 eval accuracy (notebook 0.866). */
const MIN_MEDIAN = 0.85;
/** |mean(LSUV) − mean(claim 10)| in accuracy units (2 points). */
const MAX_DIFF = 0.02;

/** Worst post-LSUV statistics over all layers and seeds; NaN propagates. */
export function lsuvWorst(runs: readonly TrainRun[]): {
  layers: number;
  maxAbsMean: number;
  maxAbsStdErr: number;
  maxIterations: number;
  missing: number;
} {
  let maxAbsMean = 0, maxAbsStdErr = 0, maxIterations = 0, missing = 0;
  let layers = Infinity;
  const worse = (a: number, b: number) => Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
  for (const run of runs) {
    if (!run.lsuv) {
      missing++;
      continue;
    }
    layers = Math.min(layers, run.lsuv.length);
    for (const l of run.lsuv) {
      maxAbsMean = worse(maxAbsMean, Math.abs(l.after.mean));
      maxAbsStdErr = worse(maxAbsStdErr, Math.abs(l.after.std - 1));
      maxIterations = Math.max(maxIterations, l.iterations);
    }
  }
  return {
    layers: layers === Infinity ? 0 : layers,
    maxAbsMean,
    maxAbsStdErr,
    maxIterations,
    missing,
  };
}

/** The sub-criteria, judged from the evidence alone. */
export function judge(e: Pick<Evidence, "runs" | "lsuvFailures">): Check[] {
  const w = lsuvWorst(e.runs.lsuv);
  const failed = e.lsuvFailures.map((f) => f.seed);
  const complete = e.runs.lsuv.length > 0 && failed.length === 0 && w.missing === 0 &&
    w.layers === PAIRS;
  const lsuv = evalAccs(e.runs.lsuv, 3);
  const gr = evalAccs(e.runs.generalRelu, 3);
  const diff = seedStats(lsuv).mean - seedStats(gr).mean;
  const sci = (v: number) => Number.isFinite(v) ? v.toExponential(1) : String(v);
  return [
    {
      claim: 11,
      text: `after LSUV max |mean| ${sci(w.maxAbsMean)}, max |std − 1| ${sci(w.maxAbsStdErr)} ` +
        `(need ≤ ${TOL} each), max ${w.maxIterations} iterations (cap ${MAX_ITERATIONS}), ` +
        `${w.layers} pairs (need ${PAIRS})` +
        (failed.length ? `, LSUV failed on seed ${failed.join(", ")}` : "") +
        (w.missing ? `, no LSUV report on ${w.missing} seed(s)` : ""),
      ok: complete && w.maxAbsMean <= TOL && w.maxAbsStdErr <= TOL &&
        w.maxIterations <= MAX_ITERATIONS,
    },
    medianAtLeast(11, "ep3 eval (LSUV)", lsuv, MIN_MEDIAN),
    {
      claim: 11,
      text: `|mean ep3 eval LSUV − #10| ${pt(Math.abs(diff))} (${acc(seedStats(lsuv).mean)} vs ` +
        `${acc(seedStats(gr).mean)}; need ≤ ${pt(MAX_DIFF)})`,
      ok: atMost(Math.abs(diff), MAX_DIFF),
    },
  ];
}

/** Claim 11. */
export const claim: Claim<Config, Evidence> = {
  id: "lsuv",
  title: "LSUV from the default init is competitive with leaky Kaiming",
  source: "nb 11 cells 104–107 (11-E), vs cell 97 (11-D); video chapter 57:16 (All You Need Is " +
    "a Good Init: LSUV)",
  quote: "this time we've got an accuracy of 0.86 versus previously it's 0.87 so pretty much the " +
    "same thing close enough",
  claimNumbers: [11],
  lesson: {
    evalAccuracyEpoch3: 0.866,
    reruns: "0.858–0.860",
    generalReluEvalAccuracyEpoch3: 0.872,
    tolerance: TOL,
  },
  config: Config,
  quick: QUICK,
  evidence: Evidence,
  async run(ctx) {
    const lsuv: TrainRun[] = [];
    const lsuvFailures: Evidence["lsuvFailures"] = [];
    for (const seed of ctx.seeds) {
      try {
        lsuv.push(...await runSeeds({ ...ctx, seeds: [seed] }, "LSUV", ctx.config.lsuv));
      } catch (err) {
        // LSUV giving up (iteration cap, non-finite std) is the claim failing, not a crash.
        if (!(err instanceof Error) || !err.message.startsWith("LSUV:")) throw err;
        ctx.log(`  LSUV failed on seed ${seed}: ${err.message}`);
        lsuvFailures.push({ seed, message: err.message });
      }
    }
    const runs = {
      lsuv,
      generalRelu: await runSeeds(
        ctx,
        "GeneralRelu + Kaiming(0.1) (claim 10)",
        ctx.config.generalRelu,
      ),
    };
    return { runs, lsuvFailures, checks: judge({ runs, lsuvFailures }) };
  },
  criterion: (e) => verdictOf(judge(e)),
  // 0.01: the lesson's LSUV runs span 0.858–0.866 on one seed; a drop past a point is a change.
  headline: (e) => medianHeadline("median epoch-3 eval accuracy", evalAccs(e.runs.lsuv, 3), 0.01),
};
