import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { recordConv2dBackward, recordConv2dForward } from "../kernels/conv2d.ts";
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";
import type { Rng } from "../util/rng.ts";
import { type Arena, type ArenaEntry, pytorchDefaultInit } from "./arena.ts";
import type { KernelSet } from "./kernels.ts";
import type { Layer, StepContext } from "./layer.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

/** Options of {@link Conv2d}: C in, F out, K×K kernel, stride S, zero padding P. */
export interface Conv2dOptions {
  /** Input channels. */
  C: number;
  /** Filters (output channels). */
  F: number;
  /** Kernel size (K×K). */
  K: number;
  /** Stride (default 1). */
  S?: number;
  /** Zero padding on each side (default 0). */
  P?: number;
  /** Whether the layer has a bias [F] (default true). */
  bias?: boolean;
}

/** A 2-D convolution with weights [F, C, K, K] and an optional bias [F]. */
export class Conv2d implements Layer {
  readonly kind = "Conv2d";
  readonly name: string;
  /** Weights [F, C, K, K]. */
  readonly weight: ArenaEntry; // [F, C, K, K]
  /** Bias [F], or null without one. */
  readonly bias: ArenaEntry | null; // [F]
  /** The options with defaults filled in. */
  readonly options: Required<Conv2dOptions>;
  readonly #kernels: KernelSet;
  readonly #ws: GrowingBuffers;
  /** Forward cache: the input and its shape, for backward. */
  #cache: { x: GpuTensor<"f32">; s: Conv2dShape } | null = null;

  /** A convolution named `name` with its parameters in `build.arena`. */
  constructor(
    build: { gpu: Gpu; arena: Arena; kernels: KernelSet },
    name: string,
    options: Conv2dOptions,
  ) {
    const o = { S: 1, P: 0, bias: true, ...options };
    this.options = o;
    this.name = name;
    this.#kernels = build.kernels;
    this.#ws = new GrowingBuffers(build.gpu, name, { outgrown: "free" });
    this.weight = build.arena.param(`${name}.weight`, [o.F, o.C, o.K, o.K]);
    this.bias = o.bias ? build.arena.param(`${name}.bias`, [o.F]) : null;
  }

  get params(): ArenaEntry[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  /** Fan-in of each output unit: C·K·K. */
  get fanIn(): number {
    return this.options.C * this.options.K * this.options.K;
  }

  #shape(inShape: readonly number[]): Conv2dShape {
    const [N, C, H, W] = inShape;
    if (inShape.length !== 4 || C !== this.options.C) {
      throw new RangeError(
        `${this.name}: expected input [N, ${this.options.C}, H, W], found [${inShape.join(", ")}]`,
      );
    }
    const { F, K, S, P } = this.options;
    return { N, C, H, W, F, K, S, P };
  }

  outShape(inShape: readonly number[]): number[] {
    const s = this.#shape(inShape);
    const { OH, OW } = conv2dOutSize(s);
    return [s.N, s.F, OH, OW];
  }

  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    const s = this.#shape(x.shape);
    const out = this.#ws.get("out", this.outShape(x.shape));
    recordConv2dForward(ctx.rec, this.#kernels.conv, {
      x,
      w: this.weight.value,
      b: this.bias?.value ?? null,
      out,
    }, s);
    this.#cache = { x, s };
    return out;
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    if (!this.#cache) throw new Error(`${this.name}: backward before forward`);
    const { x, s } = this.#cache;
    const dx = needInputGrad ? this.#ws.get("dx", x.shape) : null;
    recordConv2dBackward(ctx.rec, this.#kernels.conv, {
      x,
      w: this.weight.value,
      dout: dy,
      dx,
      dw: this.weight.grad,
      db: this.bias?.grad ?? null,
    }, s);
    return dx;
  }

  destroy(): void {
    this.#ws.release();
  }

  /** PyTorch's default: weight and bias ~ U(±1/√fan_in) (kaiming_uniform with a = √5). */
  reset(gpu: Gpu, rng: Rng): void {
    pytorchDefaultInit(gpu, this.params, { fanIn: this.fanIn, rng });
  }
}
