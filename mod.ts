/**
 * claimbench: reproduces published deep-learning claims on its own WebGPU trainer.
 *
 * This module is the public surface: what a claim module in `benches/` imports (the claim
 * contract, the run builder, the checks it declares) and the trainer as a library (GPU runtime and
 * tensors, Fashion-MNIST on the GPU, kernels, layers and models, initialisation, optimizers and
 * schedules, the Learner and its callbacks). Everything is re-exported from `src/`. The float64
 * references the tests check against are in `src/ref/mod.ts`; the bench runner, the report
 * renderer and the commands (`src/cli/`) are the application and are not exported.
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
export { Recorder, type RecorderHost, type Workgroups } from "./src/gpu/recorder.ts";
export { type KernelTime, Profiler } from "./src/gpu/profiler.ts";
export { type Dtype, GpuTensor, type HostArray, shapeSize } from "./src/gpu/tensor.ts";

// Randomness: every random draw goes through one seeded generator.
export { Rng } from "./src/util/rng.ts";

// Data: strict IDX parsing, Fashion-MNIST lookup, GPU residency and batches.
export { DataError } from "./src/data/errors.ts";
export { type IdxArray, type IdxDtype, type IdxExpect, parseIdx } from "./src/data/idx.ts";
export {
  type DataOrigin,
  FASHION_MNIST_FILES,
  type FileRole,
  type LocatedDataset,
  locateFashionMnist,
  type LocateOptions,
} from "./src/data/locate.ts";
export {
  type DatasetInfo,
  type FashionMnist,
  type ImageSplit,
  loadFashionMnist,
} from "./src/data/fashion_mnist.ts";
export {
  type GpuFashionMnist,
  type GpuSplit,
  loadFashionMnistToGpu,
  uploadFashionMnist,
} from "./src/data/gpu_dataset.ts";
export { type Batch, Batcher, type BatcherOptions } from "./src/data/batches.ts";

// Shapes and option types shared by kernels, layers and optimizers.
export {
  type BatchNormOptions,
  type BatchNormVariant,
  conv2dOutSize,
  type Conv2dShape,
  type GeneralReluOptions,
  type LinearShape,
  type LogitsShape,
  type NormShape,
  type OptimizerSpec,
} from "./src/shapes.ts";

// Kernels: WGSL compute pipelines and their launchers (they record into a Recorder).
export {
  type ByQuads,
  type Conv2dKernels,
  conv2dKernels,
  type Conv2dTuning,
  recordConv2dBackward,
  recordConv2dForward,
} from "./src/kernels/conv2d.ts";
export {
  type LinearKernels,
  linearKernels,
  type LinearTuning,
  recordLinearBackward,
  recordLinearForward,
} from "./src/kernels/linear.ts";
export {
  type GeneralReluKernels,
  generalReluKernels,
  type GeneralReluTuning,
  recordGeneralReluBackward,
  recordGeneralReluForward,
} from "./src/kernels/activations.ts";
export {
  type BatchNormKernels,
  batchNormKernels,
  type BatchNormPipelines,
  type BatchNormTuning,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "./src/kernels/batchnorm.ts";
export {
  type LayerNormKernels,
  layerNormKernels,
  type LayerNormPipelines,
  type LayerNormTuning,
  recordLayerNormBackward,
  recordLayerNormForward,
} from "./src/kernels/layernorm.ts";
export {
  type CrossEntropyKernels,
  crossEntropyKernels,
  type CrossEntropyPipelines,
  type CrossEntropyTuning,
  recordSoftmaxCrossEntropy,
} from "./src/kernels/cross_entropy.ts";
export {
  ACT_STATS_WIDTH,
  type ActStatsKernels,
  actStatsKernels,
  type ActStatsTuning,
  recordActStats,
} from "./src/kernels/act_stats.ts";

// Layers and the lesson's model: parameters and gradients in flat GPU arenas.
export { Arena, ArenaEntry, type EntryKind } from "./src/nn/arena.ts";
export { type Layer, perItem, type StepContext } from "./src/nn/layer.ts";
export { GrowingBuffers, type GrowingBuffersOptions } from "./src/gpu/growing_buffers.ts";
export { type KernelSet, type KernelTuning, loadKernels } from "./src/nn/kernels.ts";
export {
  ADAPTER_VARIANTS,
  type AdapterKind,
  adapterKind,
  type FamilyTunings,
} from "./src/kernels/adapter_variants.ts";
export { Conv2d, type Conv2dOptions } from "./src/nn/conv2d.ts";
export { Linear } from "./src/nn/linear.ts";
export { GeneralRelu, relu } from "./src/nn/activations.ts";
export { BatchNorm2d } from "./src/nn/batchnorm.ts";
export { LayerNorm } from "./src/nn/layernorm.ts";
export { Flatten } from "./src/nn/flatten.ts";
export { Sequential } from "./src/nn/sequential.ts";
export { type LossTotals, SoftmaxCrossEntropy } from "./src/nn/loss.ts";
export {
  type ActSpec,
  getModel,
  type GetModelOptions,
  Model,
  type NormSpec,
} from "./src/nn/model.ts";

// Initialisation (applied to a model through a layer filter).
export {
  fans,
  glorotNormal,
  glorotUniform,
  type InitTarget,
  kaimingNormal,
  type LayerFilter,
  pytorchDefault,
  weightLayers,
} from "./src/init/init.ts";
export {
  lsuv,
  type LsuvLayerReport,
  type LsuvOptions,
  lsuvPairs,
  type LsuvStats,
} from "./src/init/lsuv.ts";

// Optimizers (one dispatch over the flat arena) and schedules (pure functions of the step).
export { createOptimizer, type Optimizer, type OptimizerTuning } from "./src/optim/optimizer.ts";
export {
  cosineAnnealingLr,
  exponentialLr,
  oneCycle,
  type OneCycleOptions,
} from "./src/optim/schedules.ts";

// Training: the Learner, its events and callbacks, activation statistics.
export {
  type BatchLoss,
  type Callback,
  type FitOptions,
  type GradMode,
  Learner,
  type LearnerEvent,
  type LearnerOptions,
} from "./src/train/learner.ts";
export { CancelBatchError, CancelEpochError, CancelFitError } from "./src/train/errors.ts";
export {
  type EpochMetrics,
  MetricsCallback,
  type PartMetrics,
} from "./src/train/callbacks/metrics.ts";
export {
  type BatchProgress,
  formatEpoch,
  ProgressCallback,
} from "./src/train/callbacks/progress.ts";
export {
  type HyperRecord,
  HyperRecorder,
  type Schedule,
  ScheduleCallback,
} from "./src/train/callbacks/schedule.ts";
export { LrFinderCallback, type LrFinderPoint } from "./src/train/callbacks/lr_finder.ts";
export {
  ActivationStatsCallback,
  type LayerActivationStats,
} from "./src/train/callbacks/activation_stats.ts";
export {
  colorDim,
  deadFraction,
  deadFractions,
  splitActStats,
} from "./src/train/activation_math.ts";

// Claims: the contract a claim module implements, the training runs it asks for, its checks.
export {
  type Claim,
  type ClaimSubject,
  type LessonFigure,
  type LessonNumber,
  type MetricInfo,
  type MetricUnit,
  type ProbeContext,
  type ProbeResult,
  type ProbeSubject,
  type RunMode,
  type Summary,
  type TrainMetric,
  type TrainSubject,
} from "./src/bench/contract.ts";
export { AnyNumber } from "./src/util/json.ts";
export {
  buildRun,
  type BuiltRun,
  type RunExtras,
  type TrainConfig,
  TrainConfigSchema,
} from "./src/bench/run_builder.ts";
export { type TrainRun, TrainRunSchema } from "./src/bench/evidence.ts";
export {
  type CheckSpec,
  type Decision,
  type JudgedCheck,
  type Subject,
} from "./src/verdict/check.ts";
export { type LookPlan, lookPlan } from "./src/verdict/plan.ts";
