import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { recordLayerNormBackward, recordLayerNormForward } from "../kernels/layernorm.ts";
import type { NormShape } from "../shapes.ts";
import type { Arena, ArenaEntry } from "./arena.ts";
import type { KernelSet } from "./kernels.ts";
import type { Layer, StepContext } from "./layer.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

/**
 * The lesson's LayerNorm: per item, mean and unbiased variance over (C, H, W), eps 1e-5, then one
 * scalar learnable mult and one scalar add for the whole layer; gradients flow through the
 * statistics.
 */
export class LayerNorm implements Layer {
  readonly kind = "LayerNorm";
  readonly name: string;
  /** Added to the variance under the square root (default 1e-5). */
  readonly eps: number;
  /** The one learnable scale: [1], starts at 1. */
  readonly mult: ArenaEntry; // [1]
  /** The one learnable shift: [1], starts at 0. */
  readonly add: ArenaEntry; // [1]
  readonly #kernels: KernelSet;
  readonly #ws: GrowingBuffers;
  #cache:
    | { x: GpuTensor<"f32">; mean: GpuTensor<"f32">; rstd: GpuTensor<"f32">; s: NormShape }
    | null = null;

  /** A LayerNorm named `name` with its two parameters in `build.arena`. */
  constructor(
    build: { gpu: Gpu; arena: Arena; kernels: KernelSet },
    name: string,
    options: { eps?: number } = {},
  ) {
    this.name = name;
    this.eps = options.eps ?? 1e-5;
    this.#kernels = build.kernels;
    this.#ws = new GrowingBuffers(build.gpu, name, { outgrown: "free" });
    this.mult = build.arena.param(`${name}.mult`, [1]);
    this.add = build.arena.param(`${name}.add`, [1]);
  }

  get params(): ArenaEntry[] {
    return [this.mult, this.add];
  }

  outShape(inShape: readonly number[]): number[] {
    if (inShape.length !== 4) {
      throw new RangeError(
        `${this.name}: expected input [N, C, H, W], found [${inShape.join(", ")}]`,
      );
    }
    return [...inShape];
  }

  forward(_ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    const [N, C, H, W] = this.outShape(x.shape);
    const s = { N, C, H, W };
    const y = this.#ws.get("out", x.shape);
    const mean = this.#ws.get("mean", [N]);
    const rstd = this.#ws.get("rstd", [N]);
    recordLayerNormForward(
      _ctx.rec,
      this.#kernels.layerNorm,
      {
        x,
        y,
        mult: this.mult.value,
        add: this.add.value,
        mean,
        rstd,
      },
      s,
      { eps: this.eps },
    );
    this.#cache = { x, mean, rstd, s };
    return y;
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    _needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    if (!this.#cache) throw new Error(`${this.name}: backward before forward`);
    const { x, mean, rstd, s } = this.#cache;
    const dx = this.#ws.get("dx", x.shape);
    recordLayerNormBackward(ctx.rec, this.#kernels.layerNorm, {
      x,
      dy,
      dx,
      mult: this.mult.value,
      mean,
      rstd,
      dmult: this.mult.grad,
      dadd: this.add.grad,
    }, s);
    return dx;
  }

  destroy(): void {
    this.#ws.release();
  }

  /** mult 1, add 0. */
  reset(gpu: Gpu): void {
    gpu.write(this.mult.value, Float32Array.of(1));
    gpu.write(this.add.value, Float32Array.of(0));
  }
}
