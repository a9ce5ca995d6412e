/**
 * Measures the lesson model's full training step (gather, forward, loss, backward, optimizer
 * step, gradient zeroing: what {@link Learner} records per batch) and the validation forward on
 * the real data, whole-submit wall time and per-layer kernel time.
 *
 * @module
 */

import { Batcher } from "../data/batches.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { type KernelTime, Profiler } from "../gpu/profiler.ts";
import { getModel, type GetModelOptions, type Model } from "../nn/model.ts";
import { createOptimizer, type OptimizerSpec } from "../optim/optimizer.ts";
import { layerFlops } from "./flops.ts";

/** Figures of one measured configuration. */
export interface StepFigures {
  batchSize: number;
  trainImagesPerSecond: number;
  msPerTrainStep: number;
  validImagesPerSecond: number;
  dispatchesPerTrainStep: number;
  flopsPerImage: number;
  /** GPU bytes allocated after the timed steps (dataset, model, optimizer, activations). */
  bytesAllocated: number;
  /** Per kernel (labelled `layer/phase/kernel`), ms per step; empty without timestamps. */
  kernels: KernelTime[];
  /** Per layer phase (all its kernels), ms per step and GFLOP/s; empty without timestamps. */
  phases: { phase: string; ms: number; gflops: number | null }[];
}

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

/** Runs `steps` timed training steps (one submit each, one wait at the end) and a valid epoch. */
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

  let images = 0, dispatches = 0;
  const t0 = performance.now();
  for (let i = 0; i < options.steps; i++) {
    const r = trainStep(i);
    images += r.count;
    dispatches = r.dispatches;
  }
  await gpu.sync();
  const trainSeconds = (performance.now() - t0) / 1000;
  const bytesAllocated = gpu.bytesAllocated;

  const t1 = performance.now();
  let validImages = 0;
  for (let b = 0; b < valid.batchCount; b++) {
    const rec = gpu.recorder(`valid ${b}`);
    validImages += model.step(rec, valid.record(rec, b), false).shape[0];
    rec.submit();
  }
  await gpu.sync();
  const validSeconds = (performance.now() - t1) / 1000;

  let kernels: KernelTime[] = [];
  const phases: StepFigures["phases"] = [];
  const flops = layerFlops(model.layers, [options.batchSize, 1, 28, 28]);
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
  valid.destroy();
  runner.destroy();
  return {
    batchSize: options.batchSize,
    trainImagesPerSecond: images / trainSeconds,
    msPerTrainStep: (trainSeconds * 1000) / options.steps,
    validImagesPerSecond: validImages / validSeconds,
    dispatchesPerTrainStep: dispatches,
    flopsPerImage: flops.reduce((n, l) => n + l.forward + l.backward, 0) / options.batchSize,
    bytesAllocated,
    kernels,
    phases,
  };
}
