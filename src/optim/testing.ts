/**
 * Test fixtures for the optimizer tests: a tiny MLP (Linear 13→7, GeneralReLU(0.1, 0.4),
 * Linear 7→3, softmax cross-entropy) on the GPU with its parameters in one arena, random batches,
 * and the same network's gradient in float64 from the references. Used by tests only.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { GeneralRelu } from "../nn/activations.ts";
import { Arena } from "../nn/arena.ts";
import { loadKernels } from "../nn/kernels.ts";
import { Linear } from "../nn/linear.ts";
import { SoftmaxCrossEntropy } from "../nn/loss.ts";
import { Sequential } from "../nn/sequential.ts";
import { generalReluBackwardRef, generalReluForwardRef } from "../ref/activations.ts";
import { softmaxCrossEntropyRef } from "../ref/cross_entropy.ts";
import { linearBackwardRef, linearForwardRef } from "../ref/linear.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { Rng } from "../util/rng.ts";

/** Batch N, inputs I, hidden units Hd, classes O of the tiny net. */
export const TINY = { N: 16, I: 13, Hd: 7, O: 3 } as const;
const ACT = { leak: 0.1, sub: 0.4 } as const;

/** One batch: x [N, I] (f32 values) and labels y [N] in 0..O−1. */
export interface TinyBatch {
  x: Float32Array; // [N, I]
  y: Uint32Array; // [N]
}

/** The tiny MLP on the GPU with input buffers that batches are written into. */
export interface TinyNet {
  gpu: Gpu;
  arena: Arena;
  net: Sequential;
  fc1: Linear;
  fc2: Linear;
  loss: SoftmaxCrossEntropy;
  x: GpuTensor<"f32">; // [N, I]
  y: GpuTensor<"u32">; // [N]
}

/** Builds the tiny net with PyTorch's default init drawn from `rng`. */
export async function tinyNet(gpu: Gpu, rng: Rng): Promise<TinyNet> {
  const kernels = await loadKernels(gpu);
  const arena = new Arena();
  const build = { gpu, arena, kernels };
  const fc1 = new Linear(build, "fc1", { I: TINY.I, O: TINY.Hd });
  const fc2 = new Linear(build, "fc2", { I: TINY.Hd, O: TINY.O });
  const net = new Sequential("tiny", [fc1, new GeneralRelu(build, "act", ACT), fc2]);
  arena.allocate(gpu, "tiny");
  net.reset(gpu, rng);
  const loss = new SoftmaxCrossEntropy(build, "tiny.loss");
  const x = gpu.tensor([TINY.N, TINY.I], { label: "tiny.x" });
  const y = gpu.tensor([TINY.N], { dtype: "u32", label: "tiny.y" });
  return { gpu, arena, net, fc1, fc2, loss, x, y };
}

/** A random batch: x ~ N(0, 1), labels uniform. */
export function tinyBatch(rng: Rng): TinyBatch {
  return {
    x: rng.fillNormal(new Float32Array(TINY.N * TINY.I)),
    y: Uint32Array.from({ length: TINY.N }, () => rng.int(TINY.O)),
  };
}

/** Queues `batch` into the net's inputs (lands before the next submit). */
export function writeBatch(t: TinyNet, batch: TinyBatch): void {
  t.gpu.write(t.x, batch.x);
  t.gpu.write(t.y, batch.y);
}

/** Records forward, loss and backward (gradients ACCUMULATE into the arena). */
export function recordForwardBackward(t: TinyNet, rec: Recorder): void {
  const ctx = { rec, training: true };
  const logits = t.net.forward(ctx, t.x);
  const dlogits = t.loss.record(ctx, logits, t.y)!;
  t.net.backward(ctx, dlogits, false);
}

/** Where each tensor of the tiny net starts in a flat parameter vector (sizes are fixed). */
export interface TinyLayout {
  w1: number; // [Hd, I]
  b1: number; // [Hd]
  w2: number; // [O, Hd]
  b2: number; // [O]
  /** Length of the flat vector. */
  length: number;
}

/** Tensors back to back, no padding: for CPU-only tests. */
export const TINY_PACKED: TinyLayout = (() => {
  const { I, Hd, O } = TINY;
  return {
    w1: 0,
    b1: Hd * I,
    w2: Hd * I + Hd,
    b2: Hd * I + Hd + O * Hd,
    length: Hd * I + Hd + O * Hd + O,
  };
})();

/** The layout of `t`'s parameter arena (256-byte aligned entries, zero padding). */
export function arenaLayout(t: TinyNet): TinyLayout {
  return {
    w1: t.fc1.weight.offset,
    b1: t.fc1.bias!.offset,
    w2: t.fc2.weight.offset,
    b2: t.fc2.bias!.offset,
    length: t.arena.buffers.params.size,
  };
}

/** PyTorch's default init (U(±1/√fan_in)) in the packed layout, from `rng`. */
export function tinyInitPacked(rng: Rng): Float64Array {
  const { I, Hd } = TINY;
  const p = new Float64Array(TINY_PACKED.length);
  const l = TINY_PACKED;
  rng.fillUniform(p.subarray(l.w1, l.w2), -1 / Math.sqrt(I), 1 / Math.sqrt(I));
  rng.fillUniform(p.subarray(l.w2), -1 / Math.sqrt(Hd), 1 / Math.sqrt(Hd));
  return p;
}

/**
 * The gradient of the mean loss on `batch` at `params` (float64, laid out by `layout`), computed in
 * float64 by the references and returned in the same layout (padding 0).
 */
export function tinyGradsRef(
  params: Float64Array,
  batch: TinyBatch,
  layout: TinyLayout = TINY_PACKED,
): Float64Array {
  const { N, I, Hd, O } = TINY;
  const at = (offset: number, size: number) => params.subarray(offset, offset + size);
  const w1 = at(layout.w1, Hd * I), b1 = at(layout.b1, Hd);
  const w2 = at(layout.w2, O * Hd), b2 = at(layout.b2, O);
  const x = Float64Array.from(batch.x);
  const h = linearForwardRef(x, w1, b1, { N, I, O: Hd });
  const a = generalReluForwardRef(h, ACT);
  const z = linearForwardRef(a, w2, b2, { N, I: Hd, O });
  const { dlogits } = softmaxCrossEntropyRef(z, batch.y, { N, K: O });
  const g2 = linearBackwardRef(a, w2, dlogits, { N, I: Hd, O });
  const g1 = linearBackwardRef(x, w1, generalReluBackwardRef(h, g2.dx, ACT), { N, I, O: Hd });
  const grads = new Float64Array(layout.length);
  grads.set(g1.dw, layout.w1);
  grads.set(g1.db, layout.b1);
  grads.set(g2.dw, layout.w2);
  grads.set(g2.db, layout.b2);
  return grads;
}

/** Largest |a − b| / max(|b|, floor) over the elements. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  }
  return worst;
}
