import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Rng } from "../util/rng.ts";
import type { ArenaEntry } from "./arena.ts";
import { type FusedStep, fuseLayers } from "./fusion.ts";
import type { Layer, StepContext } from "./layer.ts";

/**
 * Layers applied in order; backward runs them in reverse. Unless `fuse` is false, each
 * BatchNorm2d → GeneralReLU pair is recorded as one fused layer (see fusion.ts: bit-identical
 * results, fewer passes); `layers` stays the original list.
 */
export class Sequential implements Layer {
  readonly kind = "Sequential";
  readonly name: string;
  /** The layers, in order. */
  readonly layers: readonly Layer[];
  /**
   * The output of each layer in the last forward, by layer name (for activation statistics). A
   * norm fused with its activation has no entry: only the activation's output exists.
   */
  readonly outputs: Map<string, GpuTensor<"f32">> = new Map();
  readonly #steps: readonly FusedStep[];

  /**
   * Layers run in order; `fuse` (default true) fuses each BatchNorm2d with the activation after it.
   * Layer names must be unique.
   */
  constructor(name: string, layers: readonly Layer[], options: { fuse?: boolean } = {}) {
    this.name = name;
    this.layers = layers;
    this.#steps = options.fuse === false
      ? layers.map((layer) => ({ layer, covers: [layer.name] }))
      : fuseLayers(layers);
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new Error(`${name}: two layers are named ${l.name}`);
      names.add(l.name);
    }
  }

  get params(): ArenaEntry[] {
    return this.layers.flatMap((l) => [...l.params]);
  }

  outShape(inShape: readonly number[]): number[] {
    return this.layers.reduce<number[]>((shape, l) => l.outShape(shape), [...inShape]);
  }

  forward(ctx: StepContext, x: GpuTensor<"f32">): GpuTensor<"f32"> {
    let h = x;
    for (const { layer, covers } of this.#steps) {
      ctx.rec.scope = `${layer.name}/forward`;
      h = layer.forward(ctx, h);
      for (const name of covers) this.outputs.delete(name);
      this.outputs.set(covers[covers.length - 1], h);
    }
    ctx.rec.scope = "";
    return h;
  }

  backward(
    ctx: StepContext,
    dy: GpuTensor<"f32">,
    needInputGrad: boolean,
  ): GpuTensor<"f32"> | null {
    let g: GpuTensor<"f32"> | null = dy;
    for (let i = this.#steps.length - 1; i >= 0 && g !== null; i--) {
      const { layer } = this.#steps[i];
      ctx.rec.scope = `${layer.name}/backward`;
      g = layer.backward(ctx, g, i > 0 || needInputGrad);
    }
    ctx.rec.scope = "";
    return g;
  }

  /** Frees every layer's activation buffers. */
  destroy(): void {
    for (const layer of this.layers) layer.destroy?.();
  }

  /** Resets every layer, each from its own stream derived from `rng` and the layer's name. */
  reset(gpu: Gpu, rng: Rng): void {
    for (const layer of this.layers) layer.reset(gpu, rng.derive("layer", layer.name));
  }
}
