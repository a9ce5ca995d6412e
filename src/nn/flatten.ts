import type { GpuTensor } from "../gpu/tensor.ts";
import type { Layer, StepContext } from "./layer.ts";
import { perItem } from "./layer.ts";

/** Flatten [N, …] → [N, prod(…)]: a view of the same buffer, no copy, no dispatch. */
export class Flatten implements Layer {
  readonly kind = "Flatten";
  readonly name: string;
  readonly params: readonly [] = [] as const;
  #inShape: readonly number[] | null = null;

  /** A flatten layer named `name`. */
  constructor(name: string) {
    this.name = name;
  }

  outShape(inShape: readonly number[]): number[] {
    return [inShape[0], perItem(inShape)];
  }

  forward(_ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    this.#inShape = x.shape;
    return x.view(this.outShape(x.shape));
  }

  backward(
    _ctx: StepContext,
    dy: GpuTensor<"f32">,
    needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    if (!this.#inShape) throw new Error(`${this.name}: backward before forward`);
    return needInputGrad ? dy.view(this.#inShape) : null;
  }

  reset(): void {}
}
