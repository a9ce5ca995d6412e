/**
 * The lesson's Learner (nb 09, `miniai/learner.py`) on the GPU: fit → epoch → batch with typed
 * events and callbacks. Each batch is one recorder (one command encoder, one submit): gather,
 * forward, loss, and in training backward, optimizer step and zeroing (or the MomentumLearner's
 * scaling) of the gradients, plus a copy of the batch's loss into a ring of staging buffers
 * ({@link StepReadback}): the loss of batch t − `runAhead` comes back while batch t runs, so the
 * CPU never records more than `runAhead` batches ahead of the GPU. Progress displays read
 * {@link Learner.latest}, a cancel takes effect within `runAhead` batches, and a non-finite
 * training loss ends the fit (diverged) within `runAhead` batches instead of at the epoch's end.
 * Nothing else waits on the GPU (metrics are read once per epoch part).
 *
 * @module
 */

import type { Batch, Batcher } from "../data/batches.ts";
import type { Recorder } from "../gpu/recorder.ts";
import { StepReadback, type StepValue } from "../gpu/step_readback.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Model } from "../nn/model.ts";
import { createOptimizer, type Optimizer, type OptimizerSpec } from "../optim/optimizer.ts";
import { recordScaleGrads, type ScaleGradsKernel, scaleGradsKernel } from "../optim/scale_grads.ts";
import { CancelBatchError, CancelEpochError, CancelFitError } from "./errors.ts";

/**
 * The events a {@link Learner} fires, in order: beforeFit → (beforeEpoch → (beforeBatch →
 * afterForward → afterLoss → [training: afterBackward → afterStep] → afterBatch, cleanupBatch)* →
 * afterEpoch, cleanupEpoch)* → afterFit, cleanupFit. `after…` is skipped when that level was
 * cancelled; `cleanup…` always runs.
 */
export type LearnerEvent =
  | "beforeFit"
  | "afterFit"
  | "cleanupFit"
  | "beforeEpoch"
  | "afterEpoch"
  | "cleanupEpoch"
  | "beforeBatch"
  | "afterForward"
  | "afterLoss"
  | "afterBackward"
  | "afterStep"
  | "afterBatch"
  | "cleanupBatch";

/**
 * A callback: an object with any of the event methods. Callbacks run sorted by `order` (default
 * 0; ties keep list order). Per-batch methods should only record GPU work into `learn.rec`, never
 * wait on the GPU.
 */
export type Callback =
  & { readonly order?: number; readonly name?: string }
  & { [E in LearnerEvent]?: (learn: Learner) => void | Promise<void> };

/** How gradients are cleared after a step. */
export type GradMode =
  /** TrainLearner: set to zero. */
  | { kind: "zero" }
  /** The lesson's MomentumLearner: multiplied by `mom` (0.85), so they act as heavy-ball momentum. */
  | { kind: "momentum-learner"; mom: number };

/**
 * Batches the CPU may record ahead of the GPU (the readback ring's depth). Measured on lavapipe
 * (docs/performance.md): 2 keeps the queue fed at no cost in images/s.
 */
export const RUN_AHEAD = 2;

/** A batch's loss, read back `runAhead` batches after it was recorded. */
export interface BatchLoss {
  /** Whether it was a training batch (else validation). */
  training: boolean;
  /** 1-based epoch over all fits. */
  epoch: number;
  /** 0-based batch index within its epoch part. */
  iter: number;
  /** Batches in that epoch part. */
  batches: number;
  /** Training batches completed over the learner's life when it ran (1-based for training). */
  step: number;
  /** The batch's mean loss. */
  loss: number;
}

/** What a Learner trains on and how. */
export interface LearnerOptions {
  /** The model to train (its parameters are updated in place). */
  model: Model;
  /** Train batches (shuffled). */
  train: Batcher;
  /** Valid batches (in order). */
  valid: Batcher;
  /** The optimizer rule; a fresh optimizer is built on every `fit` (as the lesson does). */
  optimizer: OptimizerSpec;
  /** Callbacks for every fit, run in `order` (ties keep list order). */
  callbacks?: Callback[];
  /** Default `{ kind: "zero" }`. */
  gradMode?: GradMode;
  /** Batches recorded ahead of the GPU at most (default {@link RUN_AHEAD}). */
  runAhead?: number;
}

/** Options of one {@link Learner.fit} call. */
export interface FitOptions {
  /** Run the training part of each epoch (default true). */
  train?: boolean;
  /** Run the validation part of each epoch (default true). */
  valid?: boolean;
  /** Extra callbacks for this fit only. */
  callbacks?: Callback[];
  /** Learning rate for this fit (default: the optimizer spec's). */
  lr?: number;
}

/** Trains a model; see the module doc. Public fields are what callbacks read. */
export class Learner {
  /** The model being trained. */
  readonly model: Model;
  /** Training batches. */
  readonly trainBatches: Batcher;
  /** Validation batches. */
  readonly validBatches: Batcher;
  /** The optimizer rule each fit builds a fresh optimizer from. */
  readonly optimizerSpec: OptimizerSpec;
  /** How gradients are cleared after a step. */
  readonly gradMode: GradMode;
  /** Callbacks of every fit; may be changed between fits. */
  callbacks: Callback[];
  /** The optimizer of the current fit (null outside fit). */
  opt: Optimizer | null = null;
  /** Epochs of the current fit. */
  nEpochs = 0;
  /** Current epoch within the fit (0-based). */
  epoch = 0;
  /** Current batch index within the epoch. */
  iter = 0;
  /** Training batches completed over this learner's life (all fits). */
  trainSteps = 0;
  /** True in the train part of an epoch, false in the valid part. */
  training = false;
  /** The current batch (views of the batcher's buffers). */
  batch: Batch | null = null;
  /** The current batch's recorder: callbacks add dispatches to it. */
  rec: Recorder | null = null;
  /** The current batch's logits. */
  preds: GpuTensor<"f32"> | null = null;
  /** Set when a callback saw a non-finite loss: the fit ended early and kept its records. */
  diverged = false;
  /** Epochs the model has been trained for, over all fits (for continuing runs). */
  epochsDone = 0;
  /** The most recent batch loss read back (`runAhead` batches behind the one recorded). */
  latest: BatchLoss | null = null;
  /** The first training batch whose loss was not finite (the fit ended there). */
  divergedAt: BatchLoss | null = null;
  /** Batches recorded ahead of the GPU at most. */
  readonly runAhead: number;
  #readback: StepReadback<Omit<BatchLoss, "loss">> | null = null;
  #scaleKernel: ScaleGradsKernel | null = null;
  #sorted: Callback[] = [];

  /** A learner for `options.model`; nothing runs until {@link fit}. */
  constructor(options: LearnerOptions) {
    this.model = options.model;
    this.trainBatches = options.train;
    this.validBatches = options.valid;
    this.optimizerSpec = options.optimizer;
    this.gradMode = options.gradMode ?? { kind: "zero" };
    this.callbacks = [...(options.callbacks ?? [])];
    this.runAhead = options.runAhead ?? RUN_AHEAD;
  }

  /** The batcher of the current part of the epoch. */
  get batches(): Batcher {
    return this.training ? this.trainBatches : this.validBatches;
  }

  /** Fits for `nEpochs`: each a train epoch then a valid epoch (eval mode). */
  async fit(nEpochs: number, options: FitOptions = {}): Promise<void> {
    const extra = options.callbacks ?? [];
    this.callbacks.push(...extra);
    // Stable sort: ties keep list order, as the lesson's sorted() does.
    this.#sorted = [...this.callbacks].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
    const gpu = this.model.gpu;
    if (this.gradMode.kind === "momentum-learner") {
      this.#scaleKernel ??= await scaleGradsKernel(gpu);
    }
    this.opt = await createOptimizer(gpu, this.model.arena, {
      ...this.optimizerSpec,
      lr: options.lr ?? this.optimizerSpec.lr,
    });
    this.nEpochs = nEpochs;
    this.diverged = false;
    this.divergedAt = null;
    this.#readback = new StepReadback(gpu, { depth: this.runAhead, label: "batch loss" });
    try {
      await this.#stage("Fit", CancelFitError, async () => {
        for (this.epoch = 0; this.epoch < nEpochs; this.epoch++) {
          if (options.train ?? true) await this.#oneEpoch(true);
          if (options.valid ?? true) await this.#oneEpoch(false);
          this.epochsDone++;
        }
      });
    } finally {
      this.callbacks = this.callbacks.filter((cb) => !extra.includes(cb));
      this.opt.destroy();
      this.opt = null;
      // Pending mappings are abandoned: the fit is over, and a lost device must not hang here.
      this.#readback.destroy();
      this.#readback = null;
    }
  }

  async #oneEpoch(training: boolean): Promise<void> {
    this.training = training;
    const batches = this.batches;
    batches.beginEpoch(this.epochsDone);
    await this.#stage("Epoch", CancelEpochError, async () => {
      for (this.iter = 0; this.iter < batches.batchCount; this.iter++) {
        await this.#stage("Batch", CancelBatchError, () => this.#oneBatch());
      }
      // The part's last losses, so `latest` is current when afterEpoch runs.
      for (const back of await this.#readback!.drain()) this.#took(back);
    });
  }

  async #oneBatch(): Promise<void> {
    const rec = this.model.gpu.recorder(
      `${this.training ? "train" : "valid"} epoch ${this.epochsDone} batch ${this.iter}`,
    );
    this.rec = rec;
    let lossRecorded = false;
    try {
      this.batch = this.batches.record(rec, this.iter);
      const ctx = { rec, training: this.training };
      this.preds = this.model.forward(rec, this.batch.x, this.training);
      await this.#fire("afterForward");
      const dlogits = this.model.loss.record(ctx, this.preds, this.batch.y);
      this.#readback!.record(rec, this.model.loss.batchLoss, {
        training: this.training,
        epoch: this.epochsDone + 1,
        iter: this.iter,
        batches: this.batches.batchCount,
        step: this.trainSteps + (this.training ? 1 : 0),
      });
      lossRecorded = true;
      await this.#fire("afterLoss");
      if (this.training && dlogits) {
        this.model.net.backward(ctx, dlogits, false);
        await this.#fire("afterBackward");
        this.opt!.step(rec);
        await this.#fire("afterStep");
        this.#clearGrads(rec);
        this.trainSteps++;
      }
    } finally {
      // A cancelled batch still submits what it recorded, so GPU state stays consistent.
      rec.submit();
      this.rec = null;
    }
    // Not reached when the batch threw: its copy was submitted, but its slot is reused.
    if (lossRecorded) {
      const back = await this.#readback!.afterSubmit();
      if (back) this.#took(back);
    }
  }

  /** A loss read back: the latest for progress; a non-finite training loss ends the fit. */
  #took(back: StepValue<Omit<BatchLoss, "loss">>): void {
    this.latest = { ...back.tag, loss: back.values[0] };
    if (this.latest.training && !Number.isFinite(this.latest.loss) && !this.divergedAt) {
      this.divergedAt = this.latest;
      this.diverged = true;
      throw new CancelFitError(
        `non-finite train loss at epoch ${this.latest.epoch}, batch ${this.latest.iter + 1}`,
      );
    }
  }

  #clearGrads(rec: Recorder): void {
    if (this.gradMode.kind === "zero") this.model.zeroGrad(rec);
    else {recordScaleGrads(
        rec,
        this.#scaleKernel!,
        this.model.arena.buffers.grads,
        this.gradMode.mom,
      );}
  }

  /** before → body → after, with the stage's cancel error caught, and cleanup always. */
  async #stage(
    name: "Fit" | "Epoch" | "Batch",
    cancel: new (...args: never[]) => Error,
    body: () => Promise<void>,
  ): Promise<void> {
    try {
      await this.#fire(`before${name}` as LearnerEvent);
      await body();
      await this.#fire(`after${name}` as LearnerEvent);
    } catch (err) {
      if (!(err instanceof cancel)) throw err;
    } finally {
      await this.#fire(`cleanup${name}` as LearnerEvent);
    }
  }

  async #fire(event: LearnerEvent): Promise<void> {
    for (const cb of this.#sorted) {
      const handler = cb[event];
      if (handler) await handler.call(cb, this);
    }
  }
}
