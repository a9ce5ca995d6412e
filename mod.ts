/**
 * claimbench: reproduces published deep-learning claims on its own WebGPU trainer.
 *
 * This module is the public surface; everything is re-exported from `src/`.
 *
 * @example Load Fashion-MNIST onto the GPU and build a normalised batch
 * ```ts
 * import { Batcher, getGpu, loadFashionMnistToGpu } from "./mod.ts";
 * const gpu = await getGpu();
 * const data = await loadFashionMnistToGpu(gpu);
 * const batches = await Batcher.create(gpu, data.train, {
 *   batchSize: 1024, shuffle: true, seed: 42, normalize: data.trainStats,
 * });
 * batches.beginEpoch(0);
 * const rec = gpu.recorder("step 0");
 * const batch = batches.record(rec, 0); // batch.x: [1024, 1, 28, 28] f32, batch.y: [1024] u32
 * rec.submit();
 * const x = await gpu.read(batch.x);
 * ```
 *
 * @module
 */

// GPU runtime: the only code that touches navigator.gpu.
export { type AdapterRecord, getGpu, Gpu, type GpuOptions } from "./src/gpu/device.ts";
export { GpuDeviceLostError, GpuKernelError, NoAdapterError } from "./src/gpu/errors.ts";
export { type Binding, Kernel, type KernelSpec, PipelineCache } from "./src/gpu/pipelines.ts";
export { Recorder, type Workgroups } from "./src/gpu/recorder.ts";
export { type Dtype, GpuTensor, type HostArray, shapeSize } from "./src/gpu/tensor.ts";

// Randomness: every random draw goes through one seeded generator.
export { Rng } from "./src/util/rng.ts";

// Data: strict IDX parsing, Fashion-MNIST lookup, GPU residency and batches.
export { DataError } from "./src/data/errors.ts";
export {
  checkImagesAndLabels,
  decodeIdx,
  encodeIdx,
  gzip,
  type IdxArray,
  type IdxDtype,
  type IdxExpect,
  inflateGzip,
  isGzip,
  parseIdx,
} from "./src/data/idx.ts";
export {
  type DataOrigin,
  defaultCacheDir,
  FASHION_MNIST_FILES,
  type FileRole,
  type LocatedDataset,
  locateFashionMnist,
  type LocateOptions,
  OFFICIAL_MIRROR,
  OFFICIAL_SHA256,
  SYSTEM_DIR,
} from "./src/data/locate.ts";
export {
  CONTENT_SHA256,
  type DatasetInfo,
  type FashionMnist,
  type ImageSplit,
  loadFashionMnist,
  pixelStats,
} from "./src/data/fashion_mnist.ts";
export {
  type GpuFashionMnist,
  type GpuSplit,
  loadFashionMnistToGpu,
  uploadFashionMnist,
  uploadSplit,
} from "./src/data/gpu_dataset.ts";
export { type Batch, Batcher, type BatcherOptions } from "./src/data/batches.ts";
export { gatheredStats } from "./src/data/normalized_stats.ts";

// Kernels.
export { gatherKernel, type GatherParams, recordGather } from "./src/kernels/gather.ts";

// Command-line plumbing.
export { EXIT, runMain, UsageError } from "./src/cli/run_main.ts";
