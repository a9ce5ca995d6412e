import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { recordSoftmaxCrossEntropy } from "../kernels/cross_entropy.ts";
import type { KernelSet } from "./kernels.ts";
import type { StepContext } from "./layer.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

/** Running sums the loss accumulates on the GPU; read them rarely (once per epoch). */
export interface LossTotals {
  /** Σ per-item loss. */
  lossSum: number;
  /** Items whose argmax equals the label. */
  correct: number;
  /** Items seen. */
  count: number;
  /** Batches seen. */
  batches: number;
}

/**
 * Fused softmax cross-entropy on logits [N, K]: the batch's mean loss, d(logits) for backward,
 * and accumulators (loss sum, correct argmax count, items, batches) that stay on the GPU.
 */
export class SoftmaxCrossEntropy {
  readonly #gpu: Gpu;
  readonly #kernels: KernelSet;
  readonly #ws: GrowingBuffers;
  /** [4] f32: Σ loss, correct, items, batches (see {@link LossTotals}). */
  readonly totals: GpuTensor<"f32">;
  /** [1] f32: the last batch's mean loss. */
  readonly batchLoss: GpuTensor<"f32">;

  /** A loss whose totals and scratch buffers are named after `name`. */
  constructor(build: { gpu: Gpu; kernels: KernelSet }, name = "loss") {
    this.#gpu = build.gpu;
    this.#kernels = build.kernels;
    this.#ws = new GrowingBuffers(build.gpu, name, { outgrown: "free" });
    this.totals = build.gpu.tensor([4], { label: `${name}.totals` });
    this.batchLoss = build.gpu.tensor([1], { label: `${name}.batch_loss` });
  }

  /**
   * Records the loss of `logits` [N, K] against `labels` [N]; in training also d(logits), which
   * it returns (null otherwise).
   */
  record(
    ctx: StepContext,
    logits: GpuTensor<"f32">,
    labels: GpuTensor<"u32">,
  ): GpuTensor<"f32"> | null {
    const [N, K] = logits.shape;
    if (logits.shape.length !== 2 || labels.size !== N) {
      throw new RangeError(
        `loss: expected logits [N, K] and labels [N], found [${logits.shape.join(", ")}] and ` +
          `[${labels.shape.join(", ")}]`,
      );
    }
    const dlogits = ctx.training ? this.#ws.get("dlogits", [N, K]) : null;
    ctx.rec.scope = "loss";
    recordSoftmaxCrossEntropy(ctx.rec, this.#kernels.crossEntropy, {
      logits,
      labels,
      dlogits,
      batchLoss: this.batchLoss,
      totals: this.totals,
    }, { N, K });
    ctx.rec.scope = "";
    return dlogits;
  }

  /** Frees the loss's buffers. */
  destroy(): void {
    this.#ws.release();
    this.#gpu.destroy(this.totals);
    this.#gpu.destroy(this.batchLoss);
  }

  /** Zeroes the accumulators (recorded; e.g. at the start of an epoch). */
  resetTotals(ctx: StepContext): void {
    ctx.rec.clear(this.totals);
  }

  /** Reads the accumulators back (one readback). */
  async readTotals(): Promise<LossTotals> {
    const [lossSum, correct, count, batches] = await this.#gpu.read(this.totals);
    return { lossSum, correct, count, batches };
  }
}
