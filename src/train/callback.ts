import type { Learner } from "./learner.ts";

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
