/**
 * The kernel variants per kind of adapter, in one table: which defaults were chosen for
 * lavapipe's sake, and what other adapters get instead. The tuning layer
 * (`src/nn/kernels.ts`, `defaultTuning`) picks the row for the device's adapter; an autotuned
 * conv tuning (the perf cache) overrides the row's conv part. Every value in a row is exercised by
 * its family's tests against the float64 reference.
 *
 * @module
 */
import type { AdapterRecord } from "../gpu/device.ts";
import type { ActStatsTuning } from "./act_stats.ts";
import type { GeneralReluTuning } from "./activations.ts";
import type { BatchNormTuning } from "./batchnorm_plan.ts";
import { type Conv2dTuning, DEFAULT_CONV2D_TUNING } from "./conv2d_kernels.ts";
import type { CrossEntropyTuning } from "./cross_entropy.ts";
import type { LayerNormTuning } from "./layernorm.ts";

/** Tunings (override constants and paths) of every kernel family; omitted ones take defaults. */
export interface FamilyTunings {
  /** Convolutions (and the linear layers, which run on the conv kernels). */
  conv?: Partial<Conv2dTuning>;
  /** ReLU and GeneralReLU. */
  act?: GeneralReluTuning;
  /** BatchNorm2d. */
  batchNorm?: BatchNormTuning;
  /** The lesson's LayerNorm. */
  layerNorm?: LayerNormTuning;
  /** Softmax cross-entropy. */
  crossEntropy?: CrossEntropyTuning;
  /** Activation statistics (the depth-survival claims, LSUV). */
  actStats?: ActStatsTuning;
}

/**
 * "cpu": a software adapter (Mesa's lavapipe, Chromium's SwiftShader), where a buffer load is
 * per-lane work and loop trips and barriers are dear; "gpu": any hardware adapter.
 */
export type AdapterKind = "cpu" | "gpu";

/** The adapter's kind: "cpu" when it says it is a fallback adapter or names a software rasteriser. */
export function adapterKind(
  adapter: Pick<
    AdapterRecord,
    "isFallbackAdapter" | "description" | "device" | "architecture" | "vendor"
  >,
): AdapterKind {
  if (adapter.isFallbackAdapter) return "cpu";
  const names =
    `${adapter.vendor} ${adapter.architecture} ${adapter.device} ${adapter.description}`;
  return /llvmpipe|lavapipe|swiftshader/i.test(names) ? "cpu" : "gpu";
}

/**
 * The variants per adapter kind, with the measurement or the reason behind each
 * (docs/performance.md, "Adapter-specific choices", has the numbers).
 */
export const ADAPTER_VARIANTS: Readonly<Record<AdapterKind, Readonly<FamilyTunings>>> = Object
  .freeze({
    // Measured on lavapipe (2 cores, 256-bit registers); these are the families' defaults.
    cpu: Object.freeze({
      // Register blocks, no workgroup memory or barriers; the autotune found none of 12
      // candidates 3% faster twice.
      conv: DEFAULT_CONV2D_TUNING,
      // vec4 loads: one vector load instead of four per-lane scalar ones (~2.4x).
      act: { workgroupSize: 256, perInvocation: 4 },
      // One channel per workgroup: its constants load once, not per lane and element.
      batchNorm: { workgroupSize: 256, perInvocation: 4, chunkPerInvocation: 16, perChannel: true },
      // Items of 256…1568 values; lavapipe pays per invocation at each barrier: 64 ~2x faster.
      layerNorm: { workgroupSize: 64 },
      crossEntropy: { workgroupSize: 64 },
      // Per-invocation bins, one atomic per non-empty bin: ~8.5 ms vs ~22 ms with one workgroup
      // atomic per value; PER 32 (16: ~10 ms; 64: ~7.5 ms but few, large chunks).
      actStats: { workgroupSize: 256, perInvocation: 32, privateHistogram: true },
    }),
    // Reasoned, not yet measured (no GPU machine was lent when this table was made; the
    // tools/device kit measures it): hardware has fast workgroup atomics, and a 41-bin array per
    // invocation spills out of registers there; smaller chunks keep a big GPU's many cores busy.
    // Everything else as on "cpu".
    gpu: Object.freeze({
      actStats: { workgroupSize: 256, perInvocation: 16, privateHistogram: false },
    }),
  });
