/**
 * The layer contract: explicit `forward` and `backward` that record dispatches into the step's
 * recorder, and a named cache of what forward saved for backward (no autograd tape).
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Rng } from "../util/rng.ts";
import type { ArenaEntry } from "./arena.ts";

/** What a step passes to every layer. */
export interface StepContext {
  /** The step's recorder: layers record their dispatches into it. */
  rec: Recorder;
  /** Training mode (BatchNorm uses batch statistics and updates its running ones). */
  training: boolean;
}

/** A layer of a {@link Sequential}-style model. */
export interface Layer {
  /** Unique within its model, e.g. `block1.conv`; names parameters and activation stats. */
  readonly name: string;
  /** The layer kind, e.g. "Conv2d". */
  readonly kind: string;
  /** Learnable parameters in the model's arena (empty for parameter-free layers). */
  readonly params: readonly ArenaEntry[];
  /** Output shape for an input shape (batch first). Throws naming the layer on a mismatch. */
  outShape(inShape: readonly number[]): number[];
  /** Records the forward pass; the returned tensor stays valid until the next forward. */
  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32">;
  /**
   * Records the backward pass for the last forward: accumulates parameter gradients and returns
   * d(input), or null when `needInputGrad` is false (the first layer).
   */
  backward(ctx: StepContext, dy: GpuTensor<"f32">, needInputGrad: boolean): GpuTensor<"f32"> | null;
  /** Writes the layer's default initial parameters (PyTorch's defaults), drawing from `rng`. */
  reset(gpu: Gpu, rng: Rng): void;
  /** Frees the layer's activation buffers (parameters live in the model's arena). */
  destroy?(): void;
}

/** Product of the dimensions after the batch one. */
export function perItem(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}
