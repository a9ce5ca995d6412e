/**
 * Measures whole epochs as the claims run them: the {@link Learner} with the metrics callback
 * (GPU totals read once per epoch part, per-batch losses read once per fit) on the lesson model,
 * train then valid. Gives seconds per epoch and how many readbacks an epoch costs.
 *
 * @module
 */

import { buildRun, TrainConfigSchema } from "../bench/run_builder.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";

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

/**
 * Fits `epochs` epochs of the lesson's BatchNorm model (GeneralReLU, Kaiming, Adam lr 1e-3, as
 * the perf step) through the run builder (pipelines should already be compiled, e.g. by a
 * measured step).
 */
export async function measureEpochs(
  gpu: Gpu,
  data: GpuFashionMnist,
  options: { batchSize: number; epochs: number; runAhead?: number },
): Promise<EpochFigures> {
  const config = TrainConfigSchema.parse({
    act: "general-relu",
    norm: "batchnorm",
    init: "kaiming",
    learner: "train",
    opt: "adam",
    lr: 1e-3,
    bs: options.batchSize,
    epochs: options.epochs,
  });
  // Taken when each epoch's metrics are final, before the fit frees its per-fit buffers.
  let bytesAfterFirstEpoch = 0, bytesAfterLastEpoch = 0;
  const run = await buildRun(gpu, data, config, 0, {
    runAhead: options.runAhead,
    onEpoch: (m) => {
      bytesAfterLastEpoch = gpu.bytesAllocated;
      if (m.epoch === 1) bytesAfterFirstEpoch = bytesAfterLastEpoch;
    },
  });
  try {
    const readsBefore = gpu.readbackCount;
    await run.fit();
    const readbacks = gpu.readbackCount - readsBefore;
    const parts = run.metrics.history;
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
    run.destroy();
  }
}
