import { CancelEpochError, CancelFitError } from "../errors.ts";
import type { Callback, Learner } from "../learner.ts";

/** One LR finder observation. */
export interface LrFinderPoint {
  /** The learning rate the batch trained at. */
  lr: number;
  /** That batch's training loss. */
  loss: number;
}

/**
 * The lesson's LRFinderCB (exported version): from `startLr`, multiply the lr by `gamma` after
 * every training batch; record (lr, loss); stop on a non-finite loss or loss > maxMult × the
 * minimum so far; skip validation. It must read each batch's loss to decide, so unlike every
 * other callback it waits on the GPU once per batch; it only runs for LR searches.
 */
export class LrFinderCallback implements Callback {
  /** Runs with the default callbacks. */
  readonly order = 0;
  /** Names the callback in errors. */
  readonly name = "lr-finder";
  /** Every (lr, loss) observed, in order. */
  readonly points: LrFinderPoint[] = [];
  readonly #gamma: number;
  readonly #maxMult: number;
  readonly #startLr: number;
  #min = Infinity;

  /** Defaults: `gamma` 1.3, `maxMult` 3, `startLr` 1e-5. */
  constructor(options: { gamma?: number; maxMult?: number; startLr?: number } = {}) {
    this.#gamma = options.gamma ?? 1.3;
    this.#maxMult = options.maxMult ?? 3;
    this.#startLr = options.startLr ?? 1e-5;
  }

  /** Sets the optimizer's lr to `startLr`. */
  beforeFit(learn: Learner): void {
    learn.opt!.lr = this.#startLr;
    this.#min = Infinity;
  }

  /** Cancels validation epochs. */
  beforeEpoch(learn: Learner): void {
    if (!learn.training) throw new CancelEpochError("the LR finder skips validation");
  }

  /** Reads the batch's loss, records it, stops on a blow-up, else multiplies the lr by `gamma`. */
  async afterBatch(learn: Learner): Promise<void> {
    if (!learn.training) return;
    const [loss] = await learn.model.gpu.read(learn.model.loss.batchLoss);
    const lr = learn.opt!.lr;
    this.points.push({ lr, loss });
    if (!Number.isFinite(loss) || loss > this.#maxMult * this.#min) {
      throw new CancelFitError(`loss ${loss} at lr ${lr}`);
    }
    this.#min = Math.min(this.#min, loss);
    learn.opt!.lr = lr * this.#gamma;
  }
}
