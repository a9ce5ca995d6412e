/**
 * Shapes shared by kernels (`src/kernels/`), references (`src/ref/`) and layers (`src/nn/`).
 * Dimension letters: N batch, C channels, H, W, F filters, K kernel size, S stride, P padding.
 *
 * @module
 */

/** A 2-D convolution of x [N, C, H, W] with weights [F, C, K, K] (square kernel, one stride). */
export interface Conv2dShape {
  N: number;
  C: number;
  H: number;
  W: number;
  F: number;
  K: number;
  S: number;
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
  N: number;
  I: number;
  O: number;
}

/** An activation tensor [N, C, H, W] for normalisation layers. */
export interface NormShape {
  N: number;
  C: number;
  H: number;
  W: number;
}

/** Logits [N, K] for the loss: N items, K classes. */
export interface LogitsShape {
  N: number;
  K: number;
}
