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

// Shapes shared by kernels, references and layers.
export {
  conv2dOutSize,
  type Conv2dShape,
  type LinearShape,
  type LogitsShape,
  type NormShape,
} from "./src/shapes.ts";

// Kernels: WGSL compute pipelines and their launchers (they record into a Recorder).
export {
  type GatherBuffers,
  gatherKernel,
  type GatherParams,
  recordGather,
} from "./src/kernels/gather.ts";
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
  BatchNormKernels,
  batchNormKernels,
  type BatchNormTuning,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "./src/kernels/batchnorm.ts";
export {
  LayerNormKernels,
  layerNormKernels,
  type LayerNormTuning,
  recordLayerNormBackward,
  recordLayerNormForward,
} from "./src/kernels/layernorm.ts";
export {
  CrossEntropyKernels,
  crossEntropyKernels,
  type CrossEntropyTuning,
  recordSoftmaxCrossEntropy,
} from "./src/kernels/cross_entropy.ts";
export {
  type MatmulKernels,
  matmulKernels,
  type MatmulShape,
  recordMatmul,
} from "./src/kernels/matmul.ts";

// float64 CPU references (what the kernels are proven against; claims may use them too).
export { conv2dBackwardRef, conv2dForwardRef } from "./src/ref/conv2d.ts";
export { linearBackwardRef, linearForwardRef } from "./src/ref/linear.ts";
export {
  generalReluBackwardRef,
  generalReluForwardRef,
  type GeneralReluOptions,
} from "./src/ref/activations.ts";
export {
  batchNormBackwardRef,
  batchNormForwardRef,
  type BatchNormOptions,
  type BatchNormVariant,
  type RunningStats,
} from "./src/ref/batchnorm.ts";
export { layerNormBackwardRef, layerNormForwardRef } from "./src/ref/layernorm.ts";
export { softmaxCrossEntropyRef } from "./src/ref/cross_entropy.ts";
export { matmulRef } from "./src/ref/matmul.ts";

// Layers and the lesson's model: parameters and gradients in flat GPU arenas.
export { Arena, ArenaEntry, type EntryKind } from "./src/nn/arena.ts";
export { type Layer, perItem, type StepContext } from "./src/nn/layer.ts";
export { Workspace } from "./src/nn/workspace.ts";
export { type KernelSet, type KernelTuning, loadKernels } from "./src/nn/kernels.ts";
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
export { createOptimizer, type Optimizer, type OptimizerSpec } from "./src/optim/optimizer.ts";
export {
  recordScaleGrads,
  type ScaleGradsKernel,
  scaleGradsKernel,
} from "./src/optim/scale_grads.ts";
export {
  cosineAnnealingLr,
  exponentialLr,
  oneCycle,
  type OneCycleOptions,
} from "./src/optim/schedules.ts";
export { HeavyBallRef, OptimizerRef } from "./src/ref/optim.ts";

// Training: the Learner, its events and callbacks, activation statistics.
export {
  type FitOptions,
  type GradMode,
  Learner,
  type LearnerOptions,
} from "./src/train/learner.ts";
export type { Callback, LearnerEvent } from "./src/train/callback.ts";
export { CancelBatchError, CancelEpochError, CancelFitError } from "./src/train/errors.ts";
export {
  type EpochMetrics,
  MetricsCallback,
  type PartMetrics,
} from "./src/train/callbacks/metrics.ts";
export { formatEpoch, ProgressCallback } from "./src/train/callbacks/progress.ts";
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
export {
  ACT_STATS_WIDTH,
  type ActStatsKernels,
  actStatsKernels,
  type ActStatsTuning,
  recordActStats,
} from "./src/kernels/act_stats.ts";
export { actStatsRef } from "./src/ref/act_stats.ts";

// The claims suite: the contract claim modules implement, training runs, typed checks.
export {
  AnyNumber,
  type Claim,
  type ClaimSubject,
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
export {
  type TrainConfig,
  TrainConfigSchema,
  type TrainRun,
  trainRun,
  TrainRunSchema,
} from "./src/bench/training.ts";
export { summarize } from "./src/bench/stats.ts";
export { runOutcome } from "./src/bench/outcome.ts";
export { type ClaimResult, readResults, type Results, ResultsSchema } from "./src/bench/results.ts";
export { RunsSchema } from "./src/bench/evidence.ts";

// Verdicts: checks as data, order-statistic and Clopper–Pearson bounds, the look plan.
export {
  type CheckSpec,
  type Decision,
  type JudgedCheck,
  type Subject,
} from "./src/verdict/check.ts";
export { judgeCheck, type Outcome, type Sample, verdictOf } from "./src/verdict/judge.ts";
export { clopperPearson, medianBounds, sampleMedian } from "./src/verdict/intervals.ts";
export { type LookPlan, lookPlan } from "./src/verdict/plan.ts";
export { judgeSequentially } from "./src/verdict/sequential.ts";

// Reports: results.json → self-contained HTML pages with Observable Plot charts (no GPU needed).
export { type RenderOptions, renderReport } from "./src/report/render.ts";
export { claimCharts, claimPage, type ClaimPageContext } from "./src/report/claim_page.ts";
export { type IndexContext, indexPage } from "./src/report/index_page.ts";
export { type BaselineComparison } from "./src/report/baseline.ts";
export {
  type AccuracyThreshold,
  type DepthCaseDetail,
  type DepthEvidence,
  type DepthSeedDetail,
  type LessonPoint,
  type RunsByConfig,
} from "./src/report/evidence.ts";
export { type Chart, type Panel, type PlotOptions, renderPlot } from "./src/report/plot.ts";
export { accuracyChart, finalAccuracyChart, lossChart } from "./src/report/charts/training.ts";
export {
  activationMomentsChart,
  colorDimChart,
  colorDimPng,
  deadChart,
  type StatsRun,
} from "./src/report/charts/activations.ts";
export { depthSurvivalChart } from "./src/report/charts/depth.ts";
export { lsuvChart } from "./src/report/charts/lsuv.ts";
export { hyperChart } from "./src/report/charts/hyper.ts";
export { ewmaDemoChart, generalReluShapeChart } from "./src/report/charts/demos.ts";
export {
  type BaselineHeadline,
  historyChart,
  type HistoryClaim,
} from "./src/report/charts/history.ts";
export { encodePng } from "./src/report/png.ts";

// Performance measurement (deno task perf).
export { type KernelTime, Profiler } from "./src/gpu/profiler.ts";

// Command-line plumbing.
export { EXIT, runMain, UsageError } from "./src/cli/run_main.ts";
