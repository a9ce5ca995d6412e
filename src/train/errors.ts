/**
 * Cancellation, as in the lesson's Learner: a callback raises one of these to end the current
 * batch, epoch or fit early; the Learner catches it at its own level and still runs the
 * `after…`-skipping `cleanup…` events.
 *
 * @module
 */

/** Ends the whole fit (e.g. the LR finder once the loss explodes). */
export class CancelFitError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "CancelFitError";
}

/** Ends the current epoch (train or valid part). */
export class CancelEpochError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "CancelEpochError";
}

/** Skips the rest of the current batch. */
export class CancelBatchError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "CancelBatchError";
}
