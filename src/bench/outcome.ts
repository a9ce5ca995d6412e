/**
 * A run's outcome (verdicts.md §1): `trained` (every loss finite), `diverged` (a non-finite loss;
 * where: epoch and step), `collapsed` (trained, final eval accuracy ≤ 0.20: a chance-level
 * network), or `failed` (it never trained: LSUV gave up).
 *
 * @module
 */

import { z } from "zod";
import type { Outcome } from "../verdict/judge.ts";
import type { TrainRun } from "./evidence.ts";

/** A trained run at or below this final eval accuracy is collapsed (10 classes: chance is 0.1). */
export const COLLAPSE_ACCURACY = 0.2;

/** Where a diverged run first saw a non-finite loss (1-based epoch and step over the whole run). */
export const DivergedAtSchema = z.object({
  epoch: z.number().int().min(1),
  step: z.number().int().min(1),
});
export type DivergedAt = z.infer<typeof DivergedAtSchema>;

/** A run's outcome and, when diverged, where. */
export interface RunOutcome {
  outcome: Outcome;
  divergedAt: DivergedAt | null;
}

/** The outcome of a finished run (null run: it failed before training). */
export function runOutcome(run: TrainRun | null): RunOutcome {
  if (run === null) return { outcome: "failed", divergedAt: null };
  const bad = run.batchLosses.findIndex((l) => !Number.isFinite(l));
  if (run.diverged || bad >= 0) {
    const step = bad >= 0 ? bad + 1 : run.batchLosses.length;
    return { outcome: "diverged", divergedAt: { epoch: divergedEpoch(run, step), step } };
  }
  const last = run.epochs.at(-1)?.validAccuracy;
  if (last !== null && last !== undefined && last <= COLLAPSE_ACCURACY) {
    return { outcome: "collapsed", divergedAt: null };
  }
  return { outcome: "trained", divergedAt: null };
}

/**
 * The epoch of training step `step`. The trainer ends a diverged fit in the epoch that diverged,
 * within a few batches of the bad one, so its last recorded epoch may be partial: with B batches
 * per epoch, the per-epoch estimate len/epochs is then below B and ceil(step/estimate) at least
 * the true epoch, so the last epoch caps it. Runs that logged every epoch whole (synthetic ones,
 * older trainers) give the estimate B exactly.
 */
function divergedEpoch(run: TrainRun, step: number): number {
  const epochs = run.epochs.length;
  if (epochs === 0) return 1;
  const perEpoch = Math.round(run.batchLosses.length / epochs);
  return Math.max(1, perEpoch > 0 ? Math.min(epochs, Math.ceil(step / perEpoch)) : epochs);
}
