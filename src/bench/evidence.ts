/**
 * The evidence shapes shared by the claim modules and the report: one training run per seed and
 * the sub-criteria a verdict lists. Schemas only (no GPU or training code), so `src/report/` can
 * validate evidence without importing the trainer.
 *
 * @module
 */

import { z } from "zod";
import { AnyNumber } from "../util/json.ts";
import type { Infer } from "../util/schema.ts";

const trainRunSchema = z.object({
  seed: z.number().int(),
  /** Per epoch (over all fits): train and valid accuracy and loss. */
  epochs: z.array(z.object({
    epoch: z.number().int(),
    trainLoss: AnyNumber.nullable(),
    trainAccuracy: AnyNumber.nullable(),
    validLoss: AnyNumber.nullable(),
    validAccuracy: AnyNumber.nullable(),
    seconds: z.number(),
  })),
  /** Training loss of every batch, in order. */
  batchLosses: z.array(AnyNumber),
  /** A non-finite loss ended the run early. */
  diverged: z.boolean(),
  /** Final valid accuracy (NaN when the run never validated). */
  finalValidAccuracy: AnyNumber,
  lsuv: z.array(z.object({
    act: z.string(),
    conv: z.string(),
    before: z.object({ mean: AnyNumber, std: AnyNumber }),
    after: z.object({ mean: AnyNumber, std: AnyNumber }),
    iterations: z.number().int(),
  })).nullable(),
  /** Per hooked layer: mean, std, dead fraction per training batch and the [batches, 40] hist. */
  activationStats: z.array(z.object({
    layer: z.string(),
    means: z.array(AnyNumber),
    stds: z.array(AnyNumber),
    dead: z.array(AnyNumber),
    hists: z.array(z.number()),
  })).nullable(),
  /** lr and β1 of every optimizer step. */
  hyper: z.object({ lr: z.array(z.number()), beta1: z.array(z.number()) }),
  seconds: z.number(),
});
/** @internal zod's type of {@link TrainRunSchema} (the docs do not follow zod's types). */
type TrainRunZod = typeof trainRunSchema;
/** The schema of the evidence of one run (one seed): {@link TrainRun}. */
export const TrainRunSchema: TrainRunZod = trainRunSchema;
/** Evidence of one run (one seed): per-epoch metrics, batch losses and what the run recorded. */
export type TrainRun = Infer<typeof TrainRunSchema>;

/** Per-seed runs of one configuration, in seed order. */
export const RunsSchema: z.ZodArray<typeof TrainRunSchema> = z.array(TrainRunSchema);

/** One sub-criterion, as judged: which claim, what was measured against what, and the outcome. */
export const CheckSchema = z.object({
  claim: z.number().int(),
  /** "median ep3 eval 0.8531 (need ≥ 0.84)". */
  text: z.string(),
  ok: z.boolean(),
});
export type Check = z.infer<typeof CheckSchema>;
