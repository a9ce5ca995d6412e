/**
 * Batches built on the GPU from a GPU-resident split: one gather dispatch per batch, recorded into
 * the caller's step recorder. The order of an epoch is a seeded permutation uploaded once per
 * epoch; the per-batch parameters live in fixed uniform slots written once, so the per-step path
 * writes nothing and creates nothing.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { encodeGatherParams, gatherKernel, recordGather } from "../kernels/gather.ts";
import { Rng } from "../util/rng.ts";
import type { GpuSplit } from "./gpu_dataset.ts";

/** Uniform buffer offsets must be multiples of this (WebGPU's default and maximum alignment). */
const SLOT_BYTES = 256;

/** How batches are drawn from a split. */
export interface BatcherOptions {
  /** Images per batch; the last batch of an epoch holds the remainder (no drop_last). */
  batchSize: number;
  /** Reshuffle every epoch with a permutation seeded by (seed, "shuffle", epoch). */
  shuffle: boolean;
  /** Seed of the shuffle; required when `shuffle` is true. */
  seed?: number;
  /** x = (pixel/255 − mean)/std; omitted or null gives raw pixels in [0, 1]. */
  normalize?: { mean: number; std: number } | null;
}

/** One batch as recorded: views of the batcher's x / y buffers sized to this batch. */
export interface Batch {
  /** Position of the batch in the epoch (0-based). */
  index: number;
  /** Images in this batch. */
  count: number;
  /** [count, 1, H, W] f32 */
  x: GpuTensor<"f32">;
  /** [count] u32 */
  y: GpuTensor<"u32">;
}

/** Builds the batches of one split on the GPU. */
export class Batcher {
  /** The split the batches are drawn from. */
  readonly split: GpuSplit;
  /** Images per batch (the last batch of an epoch may hold fewer). */
  readonly batchSize: number;
  /** Batches per epoch: ⌈count / batchSize⌉. */
  readonly batchCount: number;
  /** The options the batcher was created with. */
  readonly options: Readonly<BatcherOptions>;
  /** [batchSize, 1, H, W] f32: the current batch's inputs. */
  readonly x: GpuTensor<"f32">;
  /** [batchSize] u32: the current batch's labels. */
  readonly y: GpuTensor<"u32">;
  readonly #gpu: Gpu;
  readonly #kernel: Kernel;
  readonly #order: GpuTensor<"u32">; // [count] split row of each epoch position
  readonly #params: GpuTensor<"u32">; // [batchCount, 64]: one 256-byte uniform slot per batch
  readonly #batches: (Batch & { params: GpuTensor<"u32"> })[];
  #epoch: number | null = null;

  private constructor(gpu: Gpu, kernel: Kernel, split: GpuSplit, options: BatcherOptions) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize: expected a positive integer, found ${batchSize}`);
    }
    if (options.shuffle && options.seed === undefined) {
      throw new RangeError(`Batcher(${split.name}): shuffle needs a seed`);
    }
    this.#gpu = gpu;
    this.#kernel = kernel;
    this.split = split;
    this.options = Object.freeze({ ...options });
    this.batchSize = batchSize;
    this.batchCount = Math.ceil(split.count / batchSize);
    const { height: h, width: w } = split;
    const name = split.name;
    this.x = gpu.tensor([batchSize, 1, h, w], { label: `${name}.x` });
    this.y = gpu.tensor([batchSize], { dtype: "u32", label: `${name}.y` });
    this.#order = gpu.tensor([split.count], { dtype: "u32", label: `${name}.order` });
    this.#params = gpu.tensor([this.batchCount * (SLOT_BYTES / 4)], {
      dtype: "u32",
      label: `${name}.gather_params`,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    const { mean, std } = options.normalize ?? { mean: 0, std: 1 };
    const slots = new Uint8Array(this.batchCount * SLOT_BYTES);
    this.#batches = [];
    for (let b = 0; b < this.batchCount; b++) {
      const start = b * batchSize;
      const count = Math.min(batchSize, split.count - start);
      slots.set(encodeGatherParams({ start, count, mean, std }, (h * w) / 4), b * SLOT_BYTES);
      this.#batches.push({
        index: b,
        count,
        x: count === batchSize ? this.x : this.x.prefix([count, 1, h, w]),
        y: count === batchSize ? this.y : this.y.prefix([count]),
        params: this.#params.slice(b * (SLOT_BYTES / 4), [SLOT_BYTES / 4]),
      });
    }
    gpu.write(this.#params, slots);
  }

  /** A batcher over `split` (compiles the gather kernel on first use). */
  static async create(gpu: Gpu, split: GpuSplit, options: BatcherOptions): Promise<Batcher> {
    return new Batcher(gpu, await gatherKernel(gpu), split, options);
  }

  /** The epoch whose order is on the GPU, or null before the first {@link beginEpoch}. */
  get epoch(): number | null {
    return this.#epoch;
  }

  /** The split rows in the order epoch `epoch` visits them (identity without shuffle). */
  order(epoch: number): Uint32Array {
    if (!this.options.shuffle) return Uint32Array.from({ length: this.split.count }, (_, i) => i);
    return new Rng(this.options.seed!).derive("shuffle", epoch).permutation(this.split.count);
  }

  /** Uploads epoch `epoch`'s order (queued; no wait). Call before recording its batches. */
  beginEpoch(epoch: number): void {
    if (this.#epoch === epoch) return;
    // Without shuffle every epoch has the same order: upload it once.
    if (!this.options.shuffle && this.#epoch !== null) {
      this.#epoch = epoch;
      return;
    }
    this.#gpu.write(this.#order, this.order(epoch));
    this.#epoch = epoch;
  }

  /** Records the gather of batch `index` of the current epoch into `rec`. */
  record(rec: Recorder, index: number): Batch {
    if (this.#epoch === null) throw new Error(`Batcher(${this.split.name}): call beginEpoch first`);
    const batch = this.#batches[index];
    if (batch === undefined) {
      throw new RangeError(
        `Batcher(${this.split.name}): batch ${index} out of range [0, ${this.batchCount})`,
      );
    }
    recordGather(rec, this.#kernel, {
      images: this.split.images,
      labels: this.split.labels,
      order: this.#order,
      params: batch.params,
      x: batch.x,
      y: batch.y,
    }, batch.count);
    return { index, count: batch.count, x: batch.x, y: batch.y };
  }

  /** Frees the batcher's GPU buffers (not the split's). */
  destroy(): void {
    for (const t of [this.x, this.y, this.#order, this.#params]) this.#gpu.destroy(t);
  }
}
