/**
 * Every kernel family a model uses, compiled once per device (tunings are per adapter).
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import { type GeneralReluKernels, generalReluKernels } from "../kernels/activations.ts";
import { type BatchNormKernels, batchNormKernels } from "../kernels/batchnorm.ts";
import { type Conv2dKernels, conv2dKernels } from "../kernels/conv2d.ts";
import { ADAPTER_VARIANTS, adapterKind, type FamilyTunings } from "../kernels/adapter_variants.ts";
import { type CrossEntropyKernels, crossEntropyKernels } from "../kernels/cross_entropy.ts";
import { type LayerNormKernels, layerNormKernels } from "../kernels/layernorm.ts";
import { type LinearKernels, linearKernels } from "../kernels/linear.ts";

/** The compiled kernels layers record with. */
export interface KernelSet {
  /** Convolutions. */
  conv: Conv2dKernels;
  /** Linear layers. */
  linear: LinearKernels;
  /** ReLU and GeneralReLU. */
  act: GeneralReluKernels;
  /** BatchNorm2d (also fused with its activation). */
  batchNorm: BatchNormKernels;
  /** The lesson's LayerNorm. */
  layerNorm: LayerNormKernels;
  /** Softmax cross-entropy and its totals. */
  crossEntropy: CrossEntropyKernels;
}

/**
 * Kernel tunings per family (override constants and paths); omitted families use their defaults.
 * The adapter's row of {@link ADAPTER_VARIANTS} is the default tuning.
 */
export type KernelTuning = FamilyTunings;

const defaults = new WeakMap<Gpu, Promise<KernelSet>>();
const preferred = new WeakMap<Gpu, KernelTuning>();

/**
 * Makes `tuning` override, family by family, the adapter's row in what {@link loadKernels} uses on
 * `gpu` when given none (an adapter's autotuned grid-only conv parameters: same results, other
 * speed). Models built afterwards use it.
 */
export function setDefaultTuning(gpu: Gpu, tuning: KernelTuning): void {
  preferred.set(gpu, tuning);
  defaults.delete(gpu);
}

/**
 * The tuning {@link loadKernels} (and the activation statistics' users) take on `gpu` when given
 * none: the row of {@link ADAPTER_VARIANTS} for the adapter's kind, each family overridden by
 * {@link setDefaultTuning}'s.
 */
export function defaultTuning(gpu: Gpu): KernelTuning {
  const row: KernelTuning = ADAPTER_VARIANTS[adapterKind(gpu.adapter)];
  const override = preferred.get(gpu) ?? {};
  const families = new Set([...Object.keys(row), ...Object.keys(override)]) as Set<
    keyof KernelTuning
  >;
  return Object.fromEntries(
    [...families].map((f) => [f, { ...row[f], ...override[f] }]),
  ) as KernelTuning;
}

/** Compiles every kernel family (cached per device for the default tuning). */
export function loadKernels(gpu: Gpu, tuning?: KernelTuning): Promise<KernelSet> {
  if (tuning === undefined) {
    let set = defaults.get(gpu);
    if (!set) {
      set = compile(gpu, defaultTuning(gpu));
      set.catch(() => defaults.delete(gpu));
      defaults.set(gpu, set);
    }
    return set;
  }
  return compile(gpu, tuning);
}

/**
 * Frees the scratch and workspace buffers of a set compiled with an explicit tuning (an autotune
 * candidate), once the GPU has finished with it. The default set of a device is never released.
 */
export function releaseKernels(set: KernelSet): void {
  set.conv.release();
  set.linear.release();
  set.batchNorm.scratch.release();
  set.layerNorm.scratch.release();
  set.crossEntropy.scratch.release();
}

async function compile(gpu: Gpu, tuning: KernelTuning): Promise<KernelSet> {
  const [conv, linear, act, batchNorm, layerNorm, crossEntropy] = await Promise.all([
    conv2dKernels(gpu, tuning.conv),
    linearKernels(gpu),
    generalReluKernels(gpu, tuning.act),
    batchNormKernels(gpu, tuning.batchNorm),
    layerNormKernels(gpu, tuning.layerNorm),
    crossEntropyKernels(gpu, tuning.crossEntropy),
  ]);
  return { conv, linear, act, batchNorm, layerNorm, crossEntropy };
}
