/**
 * Float64 CPU references of the optimizers, written from the lesson's nb 12 code and PyTorch's
 * documented update rules (never from the WGSL), for testing `src/optim` and the momentum
 * equivalence claims. Each updates float64 parameters in place, one step per call.
 *
 * @module
 */

import type { OptimizerSpec } from "../shapes.ts";

/**
 * The update rules of {@link OptimizerSpec} in float64, per element, with t = step index + 1:
 * - every kind first p ← p·(1 − lr·wd) when wd ≠ 0;
 * - sgd: p ← p − lr·g;
 * - momentum: a ← mom·a + (1 − mom)·g (a from 0); p ← p − lr·a;
 * - rmsprop: s ← g² on the first step, else sqrMom·s + (1 − sqrMom)·g²; p ← p − lr·g/(√s + eps);
 * - adam (the lesson's): m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g² (both from 0);
 *   p ← p − lr·(m/(1 − β1^t)) / √(v/(1 − β2^t) + eps);
 * - adamw (PyTorch): m, v as adam; p ← p − lr/(1 − β1^t)·m / (√v/√(1 − β2^t) + eps).
 * `lr` and `beta1` may change between steps; the bias correction then uses the current β1^t, as
 * PyTorch does.
 */
export class OptimizerRef {
  readonly kind: OptimizerSpec["kind"];
  lr: number;
  /** Momentum (momentum) or β1 (adam, adamw). */
  beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly wd: number;
  /** Steps taken. */
  stepCount = 0;
  #a: Float64Array | null = null; // momentum a, rmsprop s, adam m
  #b: Float64Array | null = null; // adam v

  constructor(spec: OptimizerSpec) {
    this.kind = spec.kind;
    this.lr = spec.lr;
    const adamw = spec.kind === "adamw";
    this.wd = spec.wd ?? (adamw ? 0.01 : 0);
    this.beta1 = spec.kind === "momentum"
      ? spec.mom ?? 0.9
      : spec.kind === "adam" || adamw
      ? spec.beta1 ?? 0.9
      : 0;
    this.beta2 = spec.kind === "rmsprop"
      ? spec.sqrMom ?? 0.99
      : spec.kind === "adam" || adamw
      ? spec.beta2 ?? (adamw ? 0.999 : 0.99)
      : 0;
    this.eps = spec.kind === "rmsprop" || spec.kind === "adam" || adamw
      ? spec.eps ?? (adamw ? 1e-8 : 1e-5)
      : 0;
  }

  /** One step: updates `params` in place from `grads` (same length). */
  step(params: Float64Array, grads: ArrayLike<number>): void {
    const n = params.length;
    if (grads.length !== n) {
      throw new RangeError(`optimizer ref: grads has length ${grads.length}, expected ${n}`);
    }
    const { lr, wd, beta1: b1, beta2: b2, eps } = this;
    const t = ++this.stepCount;
    const first = this.#a === null;
    const a = this.#a ??= new Float64Array(n);
    const b = this.#b ??= new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const g = grads[i];
      let p = params[i];
      if (wd !== 0) p *= 1 - lr * wd;
      switch (this.kind) {
        case "sgd":
          p -= lr * g;
          break;
        case "momentum":
          a[i] = b1 * a[i] + (1 - b1) * g;
          p -= lr * a[i];
          break;
        case "rmsprop":
          a[i] = first ? g * g : b2 * a[i] + (1 - b2) * g * g;
          p -= lr * g / (Math.sqrt(a[i]) + eps);
          break;
        case "adam": {
          a[i] = b1 * a[i] + (1 - b1) * g;
          b[i] = b2 * b[i] + (1 - b2) * g * g;
          const mHat = a[i] / (1 - b1 ** t);
          const vHat = b[i] / (1 - b2 ** t);
          p -= lr * mHat / Math.sqrt(vHat + eps);
          break;
        }
        case "adamw": {
          a[i] = b1 * a[i] + (1 - b1) * g;
          b[i] = b2 * b[i] + (1 - b2) * g * g;
          const stepSize = lr / (1 - b1 ** t);
          p -= stepSize * a[i] / (Math.sqrt(b[i]) / Math.sqrt(1 - b2 ** t) + eps);
          break;
        }
      }
      params[i] = p;
    }
  }
}

/**
 * PyTorch SGD with momentum (no weight decay, no Nesterov): buf ← g on the first step, then
 * buf ← momentum·buf + (1 − dampening)·g; p ← p − lr·buf. With dampening 0 this is heavy-ball
 * momentum.
 */
export class HeavyBallRef {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  #buf: Float64Array | null = null;

  constructor(o: { lr: number; momentum: number; dampening?: number }) {
    this.lr = o.lr;
    this.momentum = o.momentum;
    this.dampening = o.dampening ?? 0;
  }

  /** The momentum buffer (null before the first step). */
  get buf(): Float64Array | null {
    return this.#buf;
  }

  /** One step: updates `params` in place from `grads` (same length). */
  step(params: Float64Array, grads: ArrayLike<number>): void {
    const n = params.length;
    if (grads.length !== n) {
      throw new RangeError(`heavy-ball ref: grads has length ${grads.length}, expected ${n}`);
    }
    if (this.#buf === null) {
      this.#buf = Float64Array.from(grads);
    } else {
      const buf = this.#buf;
      for (let i = 0; i < n; i++) {
        buf[i] = this.momentum * buf[i] + (1 - this.dampening) * grads[i];
      }
    }
    for (let i = 0; i < n; i++) params[i] -= this.lr * this.#buf[i];
  }
}
