import type { GpuTensor } from "../gpu/tensor.ts";
import { recordGeneralReluBackward, recordGeneralReluForward } from "../kernels/activations.ts";
import type { Gpu } from "../gpu/device.ts";
import type { GeneralReluOptions } from "../shapes.ts";
import type { KernelSet } from "./kernels.ts";
import type { Layer, StepContext } from "./layer.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

export type { GeneralReluOptions };

/**
 * GeneralReLU (leak, sub, maxv; each optional): leaky ReLU, minus `sub`, clamped above at `maxv`.
 * With all three off it is plain ReLU (see {@link relu}).
 */
export class GeneralRelu implements Layer {
  readonly kind: string;
  readonly name: string;
  /** leak, sub and maxv as given; all off makes this a plain ReLU. */
  readonly options: Readonly<GeneralReluOptions>;
  readonly params: readonly [] = [] as const;
  readonly #kernels: KernelSet;
  readonly #ws: GrowingBuffers;
  /** Forward cache: the pre-activation input. */
  #cache: { x: GpuTensor<"f32"> } | null = null;

  /**
   * A GeneralReLU named `name` whose kernels come from `build` (see {@link relu} for the plain
   * one).
   */
  constructor(
    build: { gpu: Gpu; kernels: KernelSet },
    name: string,
    options: GeneralReluOptions = {},
  ) {
    this.name = name;
    this.options = Object.freeze({ ...options });
    const plain = options.leak == null && options.sub == null && options.maxv == null;
    this.kind = plain ? "ReLU" : "GeneralRelu";
    this.#kernels = build.kernels;
    this.#ws = new GrowingBuffers(build.gpu, name, { outgrown: "free" });
  }

  outShape(inShape: readonly number[]): number[] {
    return [...inShape];
  }

  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    const y = this.#ws.get("out", x.shape);
    recordGeneralReluForward(ctx.rec, this.#kernels.act, { x, y }, this.options);
    this.#cache = { x };
    return y;
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    if (!this.#cache) throw new Error(`${this.name}: backward before forward`);
    if (!needInputGrad) return null;
    const { x } = this.#cache;
    const dx = this.#ws.get("dx", x.shape);
    recordGeneralReluBackward(ctx.rec, this.#kernels.act, { x, dy, dx }, this.options);
    return dx;
  }

  destroy(): void {
    this.#ws.release();
  }

  reset(): void {}
}

/** Plain ReLU: a {@link GeneralRelu} with leak, sub and maxv off. */
export function relu(build: { gpu: Gpu; kernels: KernelSet }, name: string): GeneralRelu {
  return new GeneralRelu(build, name, {});
}
