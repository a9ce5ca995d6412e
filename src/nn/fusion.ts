/**
 * Layer fusion for {@link Sequential}: a BatchNorm2d directly followed by a GeneralReLU is
 * recorded as one layer whose kernels apply the activation in the norm's own passes (one pass
 * over the activations fewer in the forward and in the backward, and no pre-activation buffer).
 * The fused kernels perform the same float32 operations in the same order, so training results
 * are bit-identical to the unfused layers'.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Rng } from "../util/rng.ts";
import { GeneralRelu } from "./activations.ts";
import type { ArenaEntry } from "./arena.ts";
import { BatchNorm2d } from "./batchnorm.ts";
import type { Layer, StepContext } from "./layer.ts";

/** A BatchNorm2d and the GeneralReLU after it, as one layer (parameters are the norm's). */
export class BatchNormAct implements Layer {
  readonly kind = "BatchNorm2d+GeneralRelu";
  readonly name: string;
  readonly norm: BatchNorm2d;
  readonly act: GeneralRelu;

  constructor(norm: BatchNorm2d, act: GeneralRelu) {
    this.norm = norm;
    this.act = act;
    this.name = `${norm.name}+${act.name}`;
  }

  get params(): readonly ArenaEntry[] {
    return this.norm.params;
  }

  outShape(inShape: readonly number[]): number[] {
    return this.norm.outShape(inShape);
  }

  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    return this.norm.forwardWith(ctx, x, this.act.options);
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    // The norm's cache remembers the fused act: its backward takes the act's output gradient.
    return this.norm.backward(ctx, dy, needInputGrad);
  }

  reset(gpu: Gpu, _rng: Rng): void {
    this.norm.reset(gpu);
    this.act.reset();
  }

  destroy(): void {
    this.norm.destroy();
    this.act.destroy();
  }
}

/** One recorded step of a forward: a layer, and the names of the original layers it covers. */
export interface FusedStep {
  layer: Layer;
  covers: readonly string[];
}

/** Groups `layers` into steps, fusing every BatchNorm2d → GeneralReLU pair. */
export function fuseLayers(layers: readonly Layer[]): FusedStep[] {
  const steps: FusedStep[] = [];
  for (let i = 0; i < layers.length; i++) {
    const [a, b] = [layers[i], layers[i + 1]];
    if (a instanceof BatchNorm2d && b instanceof GeneralRelu) {
      steps.push({ layer: new BatchNormAct(a, b), covers: [a.name, b.name] });
      i++;
    } else {
      steps.push({ layer: a, covers: [a.name] });
    }
  }
  return steps;
}
