/**
 * Shapes and option types shared by kernels (`src/kernels/`), references (`src/ref/`), layers
 * (`src/nn/`) and optimizers (`src/optim/`). They live here, below all of them, so that a reference
 * never imports what it checks and product code never imports a test reference for a type.
 * Dimension letters: N batch, C channels, H, W, F filters, K kernel size, S stride, P padding.
 *
 * @module
 */

/** A 2-D convolution of x [N, C, H, W] with weights [F, C, K, K] (square kernel, one stride). */
export interface Conv2dShape {
  /** Batch size. */
  N: number;
  /** Input channels. */
  C: number;
  /** Input height. */
  H: number;
  /** Input width. */
  W: number;
  /** Filters (output channels). */
  F: number;
  /** Kernel size (K×K). */
  K: number;
  /** Stride. */
  S: number;
  /** Zero padding on each side. */
  P: number;
}

/** Output size of a convolution: floor((H + 2P − K) / S) + 1, likewise for W. */
export function conv2dOutSize(s: Conv2dShape): { OH: number; OW: number } {
  const OH = Math.floor((s.H + 2 * s.P - s.K) / s.S) + 1;
  const OW = Math.floor((s.W + 2 * s.P - s.K) / s.S) + 1;
  for (const [name, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < (name === "P" ? 0 : 1)) {
      throw new RangeError(`conv2d shape ${JSON.stringify(s)}: ${name} must be a positive integer`);
    }
  }
  if (OH < 1 || OW < 1) {
    throw new RangeError(`conv2d shape ${JSON.stringify(s)}: output would be ${OH}×${OW}`);
  }
  return { OH, OW };
}

/** A linear layer: x [N, I] times weights [O, I] (PyTorch layout), plus bias [O]. */
export interface LinearShape {
  /** Batch size. */
  N: number;
  /** Input features. */
  I: number;
  /** Output features. */
  O: number;
}

/** An activation tensor [N, C, H, W] for normalisation layers. */
export interface NormShape {
  /** Batch size. */
  N: number;
  /** Channels. */
  C: number;
  /** Height. */
  H: number;
  /** Width. */
  W: number;
}

/** Logits [N, K] for the loss: N items, K classes. */
export interface LogitsShape {
  /** Items (rows of logits). */
  N: number;
  /** Classes. */
  K: number;
}

/** GeneralReLU's settings; null or undefined turns each one off. The lesson uses (0.1, 0.4, null). */
export interface GeneralReluOptions {
  /** Slope for x < 0 (and, in the backward, at x == 0); off: plain max(x, 0). */
  leak?: number | null;
  /** Subtracted after the (leaky) ReLU. */
  sub?: number | null;
  /** Upper clamp applied last. */
  maxv?: number | null;
}

/** Which BatchNorm semantics: the lesson's own class, or PyTorch's nn.BatchNorm2d. */
export type BatchNormVariant = "lesson" | "standard";

/** Variant and mode; momentum defaults to 0.1 and eps to 1e-5. */
export interface BatchNormOptions {
  /** "lesson": unbiased batch variance, statistics constant in the backward; "standard": PyTorch's. */
  variant: BatchNormVariant;
  /** True: normalise with the batch statistics and update the running ones; false: eval mode. */
  training: boolean;
  /** Weight of the batch statistics in the running lerp (default 0.1). */
  momentum?: number;
  /** Added to the variance under the square root (default 1e-5). */
  eps?: number;
}

/** What one gather dispatch builds: `count` images from positions `start…` of the order. */
export interface GatherParams {
  /** First position in the order buffer. */
  start: number;
  /** Images in the batch. */
  count: number;
  /** Pixels are scaled to [0, 1], then `(v - mean) / std`; mean 0, std 1 for raw pixels. */
  mean: number;
  /** The divisor of the normalisation (see `mean`). */
  std: number;
}

/**
 * Which optimizer, with its hyperparameters (defaults in the comments). `wd` is decoupled weight
 * decay, `p ← p·(1 − lr·wd)` before the update, on every parameter.
 */
export type OptimizerSpec =
  /** p ← p − lr·g. wd 0. */
  | { kind: "sgd"; lr: number; wd?: number }
  /** Lerp (EMA) momentum: a ← mom·a + (1 − mom)·g; p ← p − lr·a. mom 0.9, wd 0. */
  | { kind: "momentum"; lr: number; mom?: number; wd?: number }
  /** s ← g² first, then sqrMom·s + (1 − sqrMom)·g²; p ← p − lr·g/(√s + eps). 0.99, 1e-5, wd 0. */
  | { kind: "rmsprop"; lr: number; sqrMom?: number; eps?: number; wd?: number }
  /** The lesson's Adam, bias-corrected, eps INSIDE the sqrt. β 0.9 / 0.99, eps 1e-5, wd 0. */
  | { kind: "adam"; lr: number; beta1?: number; beta2?: number; eps?: number; wd?: number }
  /** PyTorch's AdamW, eps OUTSIDE the sqrt. β 0.9 / 0.999, eps 1e-8, wd 0.01. */
  | { kind: "adamw"; lr: number; beta1?: number; beta2?: number; eps?: number; wd?: number };
