import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { recordLinearBackward, recordLinearForward } from "../kernels/linear.ts";
import type { LinearShape } from "../shapes.ts";
import type { Rng } from "../util/rng.ts";
import { type Arena, type ArenaEntry, pytorchDefaultInit } from "./arena.ts";
import type { KernelSet } from "./kernels.ts";
import type { Layer, StepContext } from "./layer.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

/** A linear layer y = x·Wᵀ + b with W [O, I] (PyTorch layout) and optional bias [O]. */
export class Linear implements Layer {
  readonly kind = "Linear";
  readonly name: string;
  /** Weights [O, I] (PyTorch layout). */
  readonly weight: ArenaEntry; // [O, I]
  /** Bias [O], or null without one. */
  readonly bias: ArenaEntry | null; // [O]
  /** Input features. */
  readonly I: number;
  /** Output features. */
  readonly O: number;
  readonly #kernels: KernelSet;
  readonly #ws: GrowingBuffers;
  #cache: { x: GpuTensor<"f32">; s: LinearShape } | null = null;

  /** A linear layer named `name` with its parameters in `build.arena` (bias by default). */
  constructor(
    build: { gpu: Gpu; arena: Arena; kernels: KernelSet },
    name: string,
    options: { I: number; O: number; bias?: boolean },
  ) {
    this.name = name;
    this.I = options.I;
    this.O = options.O;
    this.#kernels = build.kernels;
    this.#ws = new GrowingBuffers(build.gpu, name, { outgrown: "free" });
    this.weight = build.arena.param(`${name}.weight`, [options.O, options.I]);
    this.bias = options.bias ?? true ? build.arena.param(`${name}.bias`, [options.O]) : null;
  }

  get params(): ArenaEntry[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  #shape(inShape: readonly number[]): LinearShape {
    if (inShape.length !== 2 || inShape[1] !== this.I) {
      throw new RangeError(
        `${this.name}: expected input [N, ${this.I}], found [${inShape.join(", ")}]`,
      );
    }
    return { N: inShape[0], I: this.I, O: this.O };
  }

  outShape(inShape: readonly number[]): number[] {
    return [this.#shape(inShape).N, this.O];
  }

  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    const s = this.#shape(x.shape);
    const y = this.#ws.get("out", [s.N, s.O]);
    recordLinearForward(ctx.rec, this.#kernels.linear, {
      x,
      w: this.weight.value,
      b: this.bias?.value ?? null,
      y,
    }, s);
    this.#cache = { x, s };
    return y;
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    if (!this.#cache) throw new Error(`${this.name}: backward before forward`);
    const { x, s } = this.#cache;
    const dx = needInputGrad ? this.#ws.get("dx", x.shape) : null;
    recordLinearBackward(ctx.rec, this.#kernels.linear, {
      x,
      w: this.weight.value,
      dy,
      dx,
      dw: this.weight.grad,
      db: this.bias?.grad ?? null,
    }, s);
    return dx;
  }

  destroy(): void {
    this.#ws.release();
  }

  /** PyTorch's default: weight and bias ~ U(±1/√I). */
  reset(gpu: Gpu, rng: Rng): void {
    pytorchDefaultInit(gpu, this.params, { fanIn: this.I, rng });
  }
}
