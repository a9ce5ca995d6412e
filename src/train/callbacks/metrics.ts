import type { GpuTensor } from "../../gpu/tensor.ts";
import { CancelFitError } from "../errors.ts";
import type { Callback, Learner } from "../learner.ts";

/** Loss and accuracy of one part of an epoch. */
export interface PartMetrics {
  /** Mean per-item cross-entropy (the lesson's batch-size-weighted mean of batch means). */
  loss: number;
  /** Fraction of items whose argmax is the label. */
  accuracy: number;
  /** Wall time of the part, including its one readback. */
  seconds: number;
  /** Items per second over the part. */
  imagesPerSecond: number;
}

/** One epoch's metrics; train metrics are running averages while the weights change. */
export interface EpochMetrics {
  /** 1-based epoch over all fits of this learner. */
  epoch: number;
  /** The training part (absent when the epoch had none). */
  train?: PartMetrics;
  /** The validation part (absent when the epoch had none). */
  valid?: PartMetrics;
}

/**
 * The lesson's MetricsCB: accuracy and loss per epoch for train and valid, accumulated on the GPU
 * by the loss kernel and read once per part. Also logs every training batch's loss into a GPU
 * buffer (read once after fit) for loss curves. A non-finite train or valid loss marks the run
 * diverged and ends the fit cleanly, keeping everything recorded so far; when the Learner ended
 * the fit mid-part on a non-finite batch loss, the part's totals up to there are its record.
 */
export class MetricsCallback implements Callback {
  /** Runs before the progress display, which prints what this records. */
  readonly order = 0;
  /** Names the callback in errors. */
  readonly name = "metrics";
  /** Completed epochs, in order. */
  readonly history: EpochMetrics[] = [];
  /** Per training batch loss, over every fit, in order (filled after each fit). */
  readonly batchLosses: number[] = [];
  /** Called with each finished epoch (e.g. to print it). */
  onEpoch?: (m: EpochMetrics) => void;
  #started = 0;
  #log: GpuTensor<"f32"> | null = null;
  #logged = 0;
  #current: EpochMetrics | null = null;
  /** An epoch part began and has no record yet. */
  #partOpen = false;

  /** `onEpoch` is called with each finished epoch. */
  constructor(options: { onEpoch?: (m: EpochMetrics) => void } = {}) {
    this.onEpoch = options.onEpoch;
  }

  /** Sizes the batch-loss log for the fit's training batches. */
  beforeFit(learn: Learner): void {
    const capacity = learn.nEpochs * learn.trainBatches.batchCount;
    if (!this.#log || this.#log.size < capacity) {
      if (this.#log) learn.model.gpu.destroy(this.#log);
      this.#log = learn.model.gpu.tensor([Math.max(1, capacity)], { label: "metrics.batch_loss" });
    }
    this.#logged = 0;
  }

  /** Zeroes the loss kernel's totals and starts the part's clock. */
  beforeEpoch(learn: Learner): void {
    const rec = learn.model.gpu.recorder("metrics reset");
    rec.clear(learn.model.loss.totals);
    rec.submit();
    this.#started = performance.now();
    this.#partOpen = true;
    // A train part starts a new epoch record (a train-only fit never sees a valid part).
    if (learn.training && this.#current && (this.#current.train || this.#current.valid)) {
      this.#finish(this.#current);
    }
    if (learn.training || !this.#current) this.#current = { epoch: learn.epochsDone + 1 };
  }

  /** Copies the training batch's loss into the log (on the GPU). */
  afterLoss(learn: Learner): void {
    if (!learn.training || !this.#log || this.#logged >= this.#log.size) return;
    learn.rec!.copy(learn.model.loss.batchLoss, this.#log, 4, 4 * this.#logged++);
  }

  /** Reads the part's totals; a non-finite loss marks the run diverged and ends the fit. */
  async afterEpoch(learn: Learner): Promise<void> {
    const part = await this.#recordPart(learn);
    if (!Number.isFinite(part.loss)) {
      learn.diverged = true;
      this.#finish(this.#current!);
      throw new CancelFitError(`non-finite ${learn.training ? "train" : "valid"} loss`);
    }
    if (!learn.training) this.#finish(this.#current!);
  }

  /** Records a part the Learner cut short on a non-finite batch loss. */
  async cleanupEpoch(learn: Learner): Promise<void> {
    // The Learner stopped a diverged fit mid-part: what ran of the part is its record.
    if (this.#partOpen && learn.divergedAt) await this.#recordPart(learn);
    this.#partOpen = false;
  }

  async #recordPart(learn: Learner): Promise<PartMetrics> {
    this.#partOpen = false;
    const t = await learn.model.loss.readTotals();
    const seconds = (performance.now() - this.#started) / 1000;
    const part: PartMetrics = {
      loss: t.lossSum / t.count,
      accuracy: t.correct / t.count,
      seconds,
      imagesPerSecond: t.count / seconds,
    };
    const current = this.#current ??= { epoch: learn.epochsDone + 1 };
    current[learn.training ? "train" : "valid"] = part;
    return part;
  }

  #finish(m: EpochMetrics): void {
    if (this.history.at(-1) === m) return;
    this.history.push(m);
    this.onEpoch?.(m);
    this.#current = null;
  }

  /** Reads the fit's batch losses into {@link batchLosses}. */
  async afterFit(learn: Learner): Promise<void> {
    await this.#readLosses(learn);
  }

  /** After a cancelled or diverged fit, keeps the losses and the epoch recorded so far. */
  async cleanupFit(learn: Learner): Promise<void> {
    // On a cancelled or diverged fit afterFit did not run: keep the losses recorded so far.
    if (this.#logged > 0) await this.#readLosses(learn);
    if (this.#current && (this.#current.train || this.#current.valid)) this.#finish(this.#current);
  }

  async #readLosses(learn: Learner): Promise<void> {
    if (!this.#log || this.#logged === 0) return;
    const all = await learn.model.gpu.read(this.#log);
    this.batchLosses.push(...all.subarray(0, this.#logged));
    this.#logged = 0;
  }
}
