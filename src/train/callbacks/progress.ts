import type { Callback, Learner } from "../learner.ts";
import type { EpochMetrics } from "./metrics.ts";

/** Where a fit is, for progress displays: what {@link ProgressCallback} reports per batch. */
export interface BatchProgress {
  /** Training or validation part. */
  training: boolean;
  /** 1-based epoch of this fit. */
  epoch: number;
  /** The fit's epoch count. */
  epochs: number;
  /** Batches recorded in this part (1-based: the batch being recorded). */
  batch: number;
  /** Batches of this part the GPU has finished (their losses are back). */
  done: number;
  /** Batches in this part. */
  batches: number;
  /** The latest training batch loss read back (null before the first). */
  loss: number | null;
  /** Images per second over this part so far (batches done), null before the first is done. */
  imagesPerSecond: number | null;
  /** Seconds left in this part at that rate (null before the first batch is done). */
  partEtaSeconds: number | null;
}

/**
 * How far into its fit a batch is, 0–1: epochs done plus the part's batches done, a training part
 * weighed 0.8 of an epoch and validation 0.2 (its forward passes on a sixth of the images).
 */
export function runFraction(p: BatchProgress): number {
  const inEpoch = p.training ? 0.8 * (p.done / p.batches) : 0.8 + 0.2 * (p.done / p.batches);
  return Math.min(1, (p.epoch - 1 + inEpoch) / p.epochs);
}

/**
 * Reports a {@link BatchProgress} after every batch, from the losses the Learner reads back a few
 * batches late ({@link Learner.latest}): no readback of its own, so it never stalls the queue. A
 * display decides how often to draw.
 */
export class ProgressCallback implements Callback {
  /** After the metrics callback, as the lesson's ProgressCB. */
  readonly order = 1; // after metrics, as the lesson's ProgressCB
  /** Names the callback in errors. */
  readonly name = "progress";
  readonly #onBatch: (p: BatchProgress) => void;
  #partStart = 0;
  #fitEpoch0 = 0;
  #loss: number | null = null;

  /** `onBatch` receives the progress after every batch. */
  constructor(onBatch: (p: BatchProgress) => void) {
    this.#onBatch = onBatch;
  }

  /** Notes the epochs done before this fit, so epochs count from 1 per fit. */
  beforeFit(learn: Learner): void {
    this.#fitEpoch0 = learn.epochsDone;
  }

  /** Starts the part's clock. */
  beforeEpoch(): void {
    this.#partStart = performance.now();
  }

  /** Reports where the fit is, from the latest loss the Learner read back. */
  afterBatch(learn: Learner): void {
    const latest = learn.latest;
    if (latest?.training) this.#loss = latest.loss;
    const batches = learn.batches.batchCount;
    const samePart = latest !== null && latest.training === learn.training &&
      latest.epoch === learn.epochsDone + 1;
    const done = samePart ? latest.iter + 1 : 0;
    const seconds = (performance.now() - this.#partStart) / 1000;
    const rate = done > 0 && seconds > 0 ? (done * learn.batches.batchSize) / seconds : null;
    this.#onBatch({
      training: learn.training,
      epoch: learn.epochsDone - this.#fitEpoch0 + 1,
      epochs: learn.nEpochs,
      batch: learn.iter + 1,
      done,
      batches,
      loss: this.#loss,
      imagesPerSecond: rate,
      partEtaSeconds: done > 0 ? ((batches - done) * seconds) / done : null,
    });
  }
}

/** One line per epoch: `epoch 1  train 0.7601 / 0.6900  valid 0.8460 / 0.4230  4.1 s  14,500 img/s`. */
export function formatEpoch(m: EpochMetrics): string {
  const part = (p: EpochMetrics["train"]) =>
    p ? `${p.accuracy.toFixed(4)} / ${p.loss.toFixed(4)}` : "–";
  const seconds = (m.train?.seconds ?? 0) + (m.valid?.seconds ?? 0);
  const rate = m.train
    ? `${Math.round(m.train.imagesPerSecond).toLocaleString("en-US")} img/s`
    : "";
  return `epoch ${m.epoch}  train acc/loss ${part(m.train)}  valid acc/loss ${part(m.valid)}  ` +
    `${seconds.toFixed(1)} s  ${rate}`;
}
