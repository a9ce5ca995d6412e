/**
 * Measures whole epochs as the claims run them: the {@link Learner} with the metrics callback
 * (GPU totals read once per epoch part, per-batch losses read once per fit) on the lesson model,
 * train then valid. Gives seconds per epoch and how many readbacks an epoch costs.
 *
 * @module
 */

import { Batcher } from "../data/batches.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { getModel, type GetModelOptions } from "../nn/model.ts";
import type { OptimizerSpec } from "../optim/optimizer.ts";
import { MetricsCallback } from "../train/callbacks/metrics.ts";
import { Learner } from "../train/learner.ts";

/** Figures of whole epochs through the Learner. */
export interface EpochFigures {
  epochs: number;
  /** Mean over the measured epochs: train part, valid part, both. */
  trainSeconds: number;
  validSeconds: number;
  secondsPerEpoch: number;
  trainImagesPerSecond: number;
  /** `read()` calls per epoch (train + valid), including the fit's one read of batch losses. */
  readbacksPerEpoch: number;
  /** GPU bytes allocated after epoch 1 and after the last epoch (growth is a leak). */
  bytesAfterFirstEpoch: number;
  bytesAfterLastEpoch: number;
}

/** Fits `epochs` epochs (pipelines should already be compiled, e.g. by a measured step). */
export async function measureEpochs(
  gpu: Gpu,
  data: GpuFashionMnist,
  options: { model: GetModelOptions; batchSize: number; epochs: number; optimizer: OptimizerSpec },
): Promise<EpochFigures> {
  const normalize = { mean: 0.28, std: 0.35 };
  const train = await Batcher.create(gpu, data.train, {
    batchSize: options.batchSize,
    shuffle: true,
    seed: 0,
    normalize,
  });
  const valid = await Batcher.create(gpu, data.valid, {
    batchSize: 2 * options.batchSize,
    shuffle: false,
    normalize,
  });
  const model = await getModel(gpu, options.model);
  // Taken when each epoch's metrics are final, before the fit frees its per-fit buffers.
  let bytesAfterFirstEpoch = 0, bytesAfterLastEpoch = 0;
  const metrics = new MetricsCallback({
    onEpoch: (m) => {
      bytesAfterLastEpoch = gpu.bytesAllocated;
      if (m.epoch === 1) bytesAfterFirstEpoch = bytesAfterLastEpoch;
    },
  });
  try {
    const learner = new Learner({
      model,
      train,
      valid,
      optimizer: options.optimizer,
      callbacks: [metrics],
    });
    const readsBefore = gpu.readbackCount;
    await learner.fit(options.epochs);
    const readbacks = gpu.readbackCount - readsBefore;
    const parts = metrics.history;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const trainSeconds = mean(parts.map((m) => m.train?.seconds ?? NaN));
    const validSeconds = mean(parts.map((m) => m.valid?.seconds ?? NaN));
    return {
      epochs: parts.length,
      trainSeconds,
      validSeconds,
      secondsPerEpoch: trainSeconds + validSeconds,
      trainImagesPerSecond: mean(parts.map((m) => m.train?.imagesPerSecond ?? NaN)),
      readbacksPerEpoch: readbacks / parts.length,
      bytesAfterFirstEpoch,
      bytesAfterLastEpoch,
    };
  } finally {
    train.destroy();
    valid.destroy();
    model.destroy();
  }
}
