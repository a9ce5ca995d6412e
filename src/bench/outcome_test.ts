import assert from "node:assert/strict";
import type { TrainRun } from "./evidence.ts";
import { runOutcome } from "./outcome.ts";

/** A run of `epochs` recorded epochs and these batch losses (10 batches an epoch). */
function runOf(epochs: number, losses: number[], lastValid: number | null = 0.85): TrainRun {
  return {
    seed: 1,
    epochs: Array.from({ length: epochs }, (_, e) => ({
      epoch: e + 1,
      trainLoss: 0.5,
      trainAccuracy: 0.8,
      validLoss: 0.4,
      validAccuracy: e === epochs - 1 ? lastValid : 0.8,
      seconds: 1,
    })),
    batchLosses: losses,
    diverged: losses.some((l) => !Number.isFinite(l)),
    finalValidAccuracy: lastValid ?? NaN,
    lsuv: null,
    activationStats: null,
    hyper: { lr: [], beta1: [] },
    seconds: 3,
  };
}

const finite = (n: number) => Array.from({ length: n }, () => 0.5);

Deno.test("runOutcome: trained, collapsed, failed", () => {
  assert.deepEqual(runOutcome(runOf(3, finite(30))), { outcome: "trained", divergedAt: null });
  assert.equal(runOutcome(runOf(3, finite(30), 0.1)).outcome, "collapsed");
  assert.deepEqual(runOutcome(null), { outcome: "failed", divergedAt: null });
});

Deno.test("runOutcome: where a run diverged, whole epochs logged or the fit stopped mid-epoch", () => {
  // Every epoch logged whole (10 a epoch), NaN from step 18 on: epoch 2.
  const whole = runOf(3, [...finite(17), NaN, ...Array(12).fill(NaN)]);
  assert.deepEqual(runOutcome(whole).divergedAt, { epoch: 2, step: 18 });
  // The trainer stopped 2 batches after step 28 (epoch 3 of 10-batch epochs): 30 losses, but 3
  // epochs recorded, the last partial — and stopped after step 23: 25 losses, 3 epochs.
  assert.deepEqual(runOutcome(runOf(3, [...finite(27), NaN, NaN, NaN])).divergedAt, {
    epoch: 3,
    step: 28,
  });
  assert.deepEqual(runOutcome(runOf(3, [...finite(22), NaN, NaN, NaN])).divergedAt, {
    epoch: 3,
    step: 23,
  });
  // In the first epoch, after 3 batches.
  assert.deepEqual(runOutcome(runOf(1, [0.5, NaN, NaN, NaN])).divergedAt, { epoch: 1, step: 2 });
  // Only a valid loss went non-finite: the last step of the last epoch.
  const valid = { ...runOf(2, finite(20)), diverged: true };
  assert.deepEqual(runOutcome(valid).divergedAt, { epoch: 2, step: 20 });
});
