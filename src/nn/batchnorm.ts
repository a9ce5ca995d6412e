import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { recordBatchNormBackward, recordBatchNormForward } from "../kernels/batchnorm.ts";
import type { BatchNormVariant, GeneralReluOptions, NormShape } from "../shapes.ts";
import type { Arena, ArenaEntry } from "./arena.ts";
import type { KernelSet } from "./kernels.ts";
import type { Layer, StepContext } from "./layer.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

export type { BatchNormVariant };

/**
 * BatchNorm2d with per-channel mults/adds and running statistics (momentum 0.1 lerp, eps 1e-5).
 * `variant: "lesson"` is the lesson's own (unbiased batch variance, batch statistics constant in
 * backward); `"standard"` is PyTorch's nn.BatchNorm2d (biased variance for normalising, unbiased
 * for the running variance, gradients through the batch statistics). Eval mode uses the running
 * statistics. {@link forwardWith} fuses a following GeneralReLU into the same passes.
 */
export class BatchNorm2d implements Layer {
  readonly kind: string;
  readonly name: string;
  /** Channels. */
  readonly C: number;
  /** "lesson" (the lesson's own BatchNorm) or "standard" (PyTorch's). */
  readonly variant: BatchNormVariant;
  /** Weight of the batch statistics in the running lerp (default 0.1). */
  readonly momentum: number;
  /** Added to the variance under the square root (default 1e-5). */
  readonly eps: number;
  /** Learnable scale, one per channel: [C], starts at 1. */
  readonly mults: ArenaEntry; // [C]
  /** Learnable shift, one per channel: [C], starts at 0. */
  readonly adds: ArenaEntry; // [C]
  /** Running mean used in eval: [C] state, starts at 0. */
  readonly runningMean: ArenaEntry; // [C] state, starts at 0
  /** Running variance used in eval: [C] state, starts at 1. */
  readonly runningVar: ArenaEntry; // [C] state, starts at 1
  readonly #kernels: KernelSet;
  readonly #ws: GrowingBuffers;
  /** Forward cache: input, the statistics it was normalised with, the mode and fused act. */
  #cache: {
    x: GpuTensor<"f32">;
    mean: GpuTensor<"f32">;
    rstd: GpuTensor<"f32">;
    s: NormShape;
    training: boolean;
    act: GeneralReluOptions | null;
  } | null = null;

  /** A BatchNorm2d over `options.C` channels, with its parameters and state in `build.arena`. */
  constructor(
    build: { gpu: Gpu; arena: Arena; kernels: KernelSet },
    name: string,
    options: { C: number; variant: BatchNormVariant; momentum?: number; eps?: number },
  ) {
    this.name = name;
    this.C = options.C;
    this.variant = options.variant;
    this.kind = options.variant === "lesson" ? "BatchNorm(lesson)" : "BatchNorm2d";
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    this.#kernels = build.kernels;
    this.#ws = new GrowingBuffers(build.gpu, name, { outgrown: "free" });
    this.mults = build.arena.param(`${name}.mults`, [this.C]);
    this.adds = build.arena.param(`${name}.adds`, [this.C]);
    this.runningMean = build.arena.state(`${name}.running_mean`, [this.C], 0);
    this.runningVar = build.arena.state(`${name}.running_var`, [this.C], 1);
  }

  get params(): ArenaEntry[] {
    return [this.mults, this.adds];
  }

  #shape(inShape: readonly number[]): NormShape {
    const [N, C, H, W] = inShape;
    if (inShape.length !== 4 || C !== this.C) {
      throw new RangeError(
        `${this.name}: expected input [N, ${this.C}, H, W], found [${inShape.join(", ")}]`,
      );
    }
    return { N, C, H, W };
  }

  outShape(inShape: readonly number[]): number[] {
    this.#shape(inShape);
    return [...inShape];
  }

  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    return this.forwardWith(ctx, x, null);
  }

  /**
   * Forward with `act` (a following GeneralReLU's options) applied in the same pass: returns
   * GeneralReLU(BatchNorm(x)), bit-identical to the two layers run apart; the next
   * {@link backward} then takes the gradient of that output.
   */
  forwardWith(
    ctx: StepContext,
    x: GpuTensor<"f32">,
    act: GeneralReluOptions | null,
  ): GpuTensor<"f32"> {
    const s = this.#shape(x.shape);
    const y = this.#ws.get("out", x.shape);
    const mean = this.#ws.get("mean", [this.C]);
    const rstd = this.#ws.get("rstd", [this.C]);
    recordBatchNormForward(
      ctx.rec,
      this.#kernels.batchNorm,
      {
        x,
        y,
        mults: this.mults.value,
        adds: this.adds.value,
        runMean: this.runningMean.value,
        runVar: this.runningVar.value,
        mean,
        rstd,
      },
      s,
      this.#options(ctx.training),
      act,
    );
    this.#cache = { x, mean, rstd, s, training: ctx.training, act };
    return y;
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    _needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    if (!this.#cache) throw new Error(`${this.name}: backward before forward`);
    const { x, mean, rstd, s, training, act } = this.#cache;
    // The kernel computes dx with the parameter gradients; the first layer is never a norm.
    const dx = this.#ws.get("dx", x.shape);
    recordBatchNormBackward(
      ctx.rec,
      this.#kernels.batchNorm,
      {
        x,
        dy,
        dx,
        mults: this.mults.value,
        adds: this.adds.value,
        mean,
        rstd,
        dmults: this.mults.grad,
        dadds: this.adds.grad,
      },
      s,
      this.#options(training),
      act,
    );
    return dx;
  }

  #options(training: boolean) {
    return { variant: this.variant, training, momentum: this.momentum, eps: this.eps };
  }

  destroy(): void {
    this.#ws.release();
  }

  /** mults 1, adds 0 (running statistics are reset when the arena is allocated). */
  reset(gpu: Gpu): void {
    gpu.write(this.mults.value, new Float32Array(this.C).fill(1));
    gpu.write(this.adds.value, new Float32Array(this.C));
  }
}
