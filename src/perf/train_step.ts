/**
 * Measures the lesson model's full training step (gather, forward, loss, backward, optimizer
 * step, gradient zeroing: what {@link Learner} records per batch) and the validation forward on
 * the real data, whole-submit wall time and per-layer kernel time.
 *
 * @module
 */

import { summarize } from "../bench/stats.ts";
import { Batcher } from "../data/batches.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { type KernelTime, Profiler } from "../gpu/profiler.ts";
import { getModel, type GetModelOptions, type Model } from "../nn/model.ts";
import { createOptimizer, type OptimizerSpec } from "../optim/optimizer.ts";
import { type LayerFlops, layerFlops } from "./flops.ts";

/** Figures of one measured configuration. */
export interface StepFigures {
  batchSize: number;
  /** Median over the measuring windows (as the next two). */
  trainImagesPerSecond: number;
  msPerTrainStep: number;
  validImagesPerSecond: number;
  /** Median of the per-window ratios valid / train (each pair measured back to back). */
  validOverTrain: number;
  /** Per window: training images/s, the valid pass after it, and their ratio. */
  windows: { train: number[]; valid: number[]; ratio: number[] };
  dispatchesPerTrainStep: number;
  flopsPerImage: number;
  /** GPU bytes allocated after the timed steps (dataset, model, optimizer, activations). */
  bytesAllocated: number;
  /** Per kernel (labelled `layer/phase/kernel`), ms per step; empty without timestamps. */
  kernels: KernelTime[];
  /** Per layer phase (all its kernels), ms per step and GFLOP/s; empty without timestamps. */
  phases: { phase: string; ms: number; gflops: number | null }[];
}

/** Measuring windows: the timed steps are split into this many, each followed by a valid pass. */
export const MEASURE_WINDOWS = 4;

/** The optimizer of a measured step unless told otherwise: the lesson's Adam. */
export const PERF_OPTIMIZER: OptimizerSpec = { kind: "adam", lr: 1e-3 };

/** The lesson model's training step, ready to record: what the perf figures and autotune time. */
export interface StepRunner {
  readonly model: Model;
  readonly train: Batcher;
  /** Records and submits training step `b` (gather, forward, loss, backward, optimizer, zero). */
  step(b: number, profiler?: Profiler): { count: number; dispatches: number };
  destroy(): void;
}

/** Builds the model (with `options.model.kernels` if given), optimizer and train batches. */
export async function createStepRunner(
  gpu: Gpu,
  data: Pick<GpuFashionMnist, "train">,
  options: { model: GetModelOptions; batchSize: number; optimizer?: OptimizerSpec },
): Promise<StepRunner> {
  const model = await getModel(gpu, options.model);
  const opt = await createOptimizer(gpu, model.arena, options.optimizer ?? PERF_OPTIMIZER);
  const train = await Batcher.create(gpu, data.train, {
    batchSize: options.batchSize,
    shuffle: true,
    seed: 0,
    normalize: { mean: 0.28, std: 0.35 },
  });
  train.beginEpoch(0);
  return {
    model,
    train,
    step(b: number, profiler?: Profiler) {
      const rec = gpu.recorder(`train step ${b}`, { profiler });
      const batch = train.record(rec, b % train.batchCount);
      model.step(rec, batch, true);
      rec.scope = "optimizer";
      opt.step(rec);
      model.zeroGrad(rec);
      rec.scope = "";
      rec.submit();
      return { count: batch.count, dispatches: rec.dispatchCount };
    },
    destroy() {
      opt.destroy();
      train.destroy();
      model.destroy();
    },
  };
}

/** Milliseconds per step of `steps` steps submitted back to back (one wait at the end). */
export async function timeSteps(gpu: Gpu, runner: StepRunner, steps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) runner.step(i);
  await gpu.sync();
  return (performance.now() - t0) / steps;
}

/** Per kernel and per layer phase times of 3 profiled steps (empty without timestamp queries). */
async function profileStep(
  gpu: Gpu,
  trainStep: (b: number, profiler?: Profiler) => unknown,
  flops: readonly LayerFlops[],
): Promise<Pick<StepFigures, "kernels" | "phases">> {
  let kernels: KernelTime[] = [];
  const phases: StepFigures["phases"] = [];
  if (Profiler.supported(gpu.device)) {
    const profiler = new Profiler(gpu.device);
    const profiled = 3;
    for (let i = 0; i < profiled; i++) trainStep(i, profiler);
    await gpu.sync();
    kernels = (await profiler.collect()).map((t) => ({
      ...t,
      ms: t.ms / profiled,
      dispatches: t.dispatches / profiled,
    }));
    // A layer phase (e.g. block1.conv/backward) may run several kernels: FLOPs are per phase.
    const byPhase = new Map<string, number>();
    for (const k of kernels) {
      const phase = k.label.split("/").slice(0, 2).join("/");
      byPhase.set(phase, (byPhase.get(phase) ?? 0) + k.ms);
    }
    for (const [phase, ms] of byPhase) {
      const [layer, dir] = phase.split("/");
      const f = flops.find((l) => l.name === layer);
      const work = f ? (dir === "forward" ? f.forward : dir === "backward" ? f.backward : 0) : 0;
      phases.push({ phase, ms, gflops: work > 0 ? work / (ms / 1000) / 1e9 : null });
    }
  }
  return { kernels, phases };
}

/**
 * Runs `steps` timed training steps (one submit each) in {@link MEASURE_WINDOWS} windows, each
 * ended by one wait and followed by a timed pass over the validation set (bs 2·batchSize).
 */
export async function measureTrainStep(
  gpu: Gpu,
  data: GpuFashionMnist,
  options: { model: GetModelOptions; batchSize: number; steps: number; optimizer?: OptimizerSpec },
): Promise<StepFigures> {
  const runner = await createStepRunner(gpu, data, options);
  const { model } = runner;
  const valid = await Batcher.create(gpu, data.valid, {
    batchSize: 2 * options.batchSize,
    shuffle: false,
    normalize: { mean: 0.28, std: 0.35 },
  });
  valid.beginEpoch(0);
  const trainStep = (b: number, profiler?: Profiler) => runner.step(b, profiler);

  // Warm-up: compiles nothing new afterwards, allocates every activation buffer.
  trainStep(0);
  await gpu.sync();

  // Training windows alternate with validation passes, so both see the same machine: on a shared
  // VM the speed drifts by tens of percent within a minute, and the valid / train ratio is taken
  // per pair (then the median), which cancels most of that drift.
  const windows = Math.min(MEASURE_WINDOWS, options.steps);
  const train: number[] = [], validRates: number[] = [], ratios: number[] = [];
  let dispatches = 0, stepsDone = 0, bytesAllocated = 0;
  for (let w = 0; w < windows; w++) {
    const steps = Math.round((options.steps * (w + 1)) / windows) - stepsDone;
    let images = 0;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const r = trainStep(stepsDone + i);
      images += r.count;
      dispatches = r.dispatches;
    }
    await gpu.sync();
    train.push(images / ((performance.now() - t0) / 1000));
    stepsDone += steps;
    if (w === 0) bytesAllocated = gpu.bytesAllocated;

    const t1 = performance.now();
    let validImages = 0;
    for (let b = 0; b < valid.batchCount; b++) {
      const rec = gpu.recorder(`valid ${b}`);
      validImages += model.step(rec, valid.record(rec, b), false).shape[0];
      rec.submit();
    }
    await gpu.sync();
    validRates.push(validImages / ((performance.now() - t1) / 1000));
    ratios.push(validRates[w] / train[w]);
  }
  const trainImagesPerSecond = summarize(train).median;

  const flops = layerFlops(model.layers, [options.batchSize, 1, 28, 28]);
  const { kernels, phases } = await profileStep(gpu, trainStep, flops);
  valid.destroy();
  runner.destroy();
  return {
    batchSize: options.batchSize,
    trainImagesPerSecond,
    msPerTrainStep: (options.batchSize * 1000) / trainImagesPerSecond,
    validImagesPerSecond: summarize(validRates).median,
    validOverTrain: summarize(ratios).median,
    windows: { train, valid: validRates, ratio: ratios },
    dispatchesPerTrainStep: dispatches,
    flopsPerImage: flops.reduce((n, l) => n + l.forward + l.backward, 0) / options.batchSize,
    bytesAllocated,
    kernels,
    phases,
  };
}
