/**
 * The float64 CPU references, for tests: what every kernel, layer and optimizer is checked against.
 * Each is written from the math (the lesson's notebooks, PyTorch's documented rules), never derived
 * from the WGSL, and its backward is itself checked by finite differences (`tests/gradcheck.ts`).
 * They are not part of the library's public surface (`mod.ts`); they import only `src/shapes.ts`.
 *
 * @module
 */

export { actStatsRef } from "./act_stats.ts";
export { generalReluBackwardRef, generalReluForwardRef } from "./activations.ts";
export { batchNormBackwardRef, batchNormForwardRef, type RunningStats } from "./batchnorm.ts";
export { conv2dBackwardRef, conv2dForwardRef } from "./conv2d.ts";
export { softmaxCrossEntropyRef } from "./cross_entropy.ts";
export { gatherRef } from "./gather.ts";
export { layerNormBackwardRef, layerNormForwardRef } from "./layernorm.ts";
export { linearBackwardRef, linearForwardRef } from "./linear.ts";
export { HeavyBallRef, OptimizerRef } from "./optim.ts";
export type {
  BatchNormOptions,
  BatchNormVariant,
  GatherParams,
  GeneralReluOptions,
  OptimizerSpec,
} from "../shapes.ts";
