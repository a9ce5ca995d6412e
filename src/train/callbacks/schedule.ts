import { cosineAnnealingLr, oneCycle } from "../../optim/schedules.ts";
import type { Callback, Learner } from "../learner.ts";

/** A schedule: the learning rate (and optionally β1) for a step or epoch index. */
export type Schedule = (index: number) => { lr: number; beta1?: number };

/**
 * Sets the optimizer's lr (and β1) before every training batch from `schedule(step)`, where step
 * counts training batches from the start of the fit (`per: "batch"`, the lesson's BatchSchedCB),
 * or before every training epoch from `schedule(epoch)` (`per: "epoch"`, EpochSchedCB).
 */
export class ScheduleCallback implements Callback {
  /** Runs before the optimizer step reads lr and β1. */
  readonly order = 0;
  /** Names the callback in errors. */
  readonly name = "schedule";
  readonly #schedule: Schedule;
  readonly #per: "batch" | "epoch";
  #step = 0;

  /** Applies `schedule` per training batch or per training epoch. */
  constructor(schedule: Schedule, options: { per: "batch" | "epoch" }) {
    this.#schedule = schedule;
    this.#per = options.per;
  }

  /** Restarts the step count: each fit runs the schedule from step 0. */
  beforeFit(): void {
    this.#step = 0;
  }

  /** Per-epoch schedules: sets lr (and β1) for the training epoch. */
  beforeEpoch(learn: Learner): void {
    if (this.#per === "epoch" && learn.training) this.#apply(learn, learn.epoch);
  }

  /** Per-batch schedules: sets lr (and β1) for the training batch. */
  beforeBatch(learn: Learner): void {
    if (this.#per === "batch" && learn.training) this.#apply(learn, this.#step++);
  }

  #apply(learn: Learner, index: number): void {
    const { lr, beta1 } = this.#schedule(index);
    learn.opt!.lr = lr;
    if (beta1 !== undefined) learn.opt!.beta1 = beta1;
  }
}

/** One optimizer step's hyperparameters. */
export interface HyperRecord {
  /** Training steps completed over the learner's life, this one included. */
  step: number;
  /** The learning rate the step used. */
  lr: number;
  /** The momentum (β1) the step used. */
  beta1: number;
}

/**
 * Records the lr and β1 each training step ran with (the lesson's RecorderCB logs after the
 * scheduler has stepped, i.e. the next step's value; this logs the value actually used).
 */
export class HyperRecorder implements Callback {
  /** After the scheduler, so it logs the values the step used. */
  readonly order = 1;
  /** Names the callback in errors. */
  readonly name = "recorder";
  /** One record per training step, in order. */
  readonly records: HyperRecord[] = [];

  /** Logs the step's lr and β1. */
  afterStep(learn: Learner): void {
    this.records.push({ step: learn.trainSteps, lr: learn.opt!.lr, beta1: learn.opt!.beta1 });
  }
}

/** The named schedules of `deno task train` and the claims (nb 12). */
export type ScheduleName = "none" | "cosine-batch" | "cosine-epoch" | "onecycle";

/**
 * The schedule callback for a named schedule: cosine from `lr` per batch (T_max = all steps) or
 * per epoch (T_max = epochs), or OneCycle with max `lr` over all steps; null for "none".
 */
export function namedSchedule(
  name: ScheduleName,
  o: { lr: number; epochs: number; steps: number },
): ScheduleCallback | null {
  if (name === "cosine-batch") {
    return new ScheduleCallback(
      (t) => ({ lr: cosineAnnealingLr(t, { baseLr: o.lr, tMax: o.steps }) }),
      { per: "batch" },
    );
  }
  if (name === "cosine-epoch") {
    return new ScheduleCallback(
      (e) => ({ lr: cosineAnnealingLr(e, { baseLr: o.lr, tMax: o.epochs }) }),
      { per: "epoch" },
    );
  }
  if (name === "onecycle") {
    return new ScheduleCallback((t) => oneCycle(t, { maxLr: o.lr, totalSteps: o.steps }), {
      per: "batch",
    });
  }
  return null;
}
