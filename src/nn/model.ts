/**
 * The lesson's CNN (`get_model` of fast.ai lesson 17, nb 11): conv blocks 1→8→16→32→64, each
 * Conv2d(K 3, S 2, P 1) → norm → activation, then a 64→10 conv with bias and no activation, then
 * Flatten: 28 → 14 → 7 → 4 → 2 → 1, logits [N, 10]. Every conv keeps its bias, as the notebook's
 * code does (its `bias` test never fires).
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Recorder } from "../gpu/recorder.ts";
import { Rng } from "../util/rng.ts";
import { GeneralRelu, type GeneralReluOptions } from "./activations.ts";
import { Arena, type ArenaEntry } from "./arena.ts";
import { BatchNorm2d } from "./batchnorm.ts";
import { Conv2d } from "./conv2d.ts";
import { Flatten } from "./flatten.ts";
import { type KernelSet, loadKernels } from "./kernels.ts";
import { LayerNorm } from "./layernorm.ts";
import type { Layer } from "./layer.ts";
import { SoftmaxCrossEntropy } from "./loss.ts";
import { Sequential } from "./sequential.ts";

/** The block activation: plain ReLU, a GeneralReLU, or none. */
export type ActSpec = "relu" | GeneralReluOptions | null;
/** The block normalisation. */
export type NormSpec = "lesson-batchnorm" | "batchnorm" | "layernorm" | null;

/** Options of {@link getModel}, with the lesson's defaults. */
export interface GetModelOptions {
  /** Default "relu". The lesson's GeneralReLU is `{ leak: 0.1, sub: 0.4 }`. */
  act?: ActSpec;
  /** Default null (no normalisation). */
  norm?: NormSpec;
  /** Channels, input first; default [1, 8, 16, 32, 64]. */
  nfs?: readonly number[];
  /** Bias on the block convs; default true (the notebook's effective behaviour). */
  bias?: boolean;
  /** Classes of the head; default 10. */
  numClasses?: number;
  /** Kernel size of every conv; default 3 (padding K/2, stride 2). */
  kernelSize?: number;
  /** Seed of PyTorch's default initialisation; default 0. */
  seed?: number;
  /** Precompiled kernels (default: the device's default set). */
  kernels?: KernelSet;
  /** Fuse each BatchNorm2d with its activation (default true; bit-identical either way). */
  fuse?: boolean;
}

/** A model whose parameters and gradients live in flat GPU arenas, with its loss. */
export class Model {
  /** The device the model lives on. */
  readonly gpu: Gpu;
  /** Parameters, gradients and state, in flat buffers. */
  readonly arena: Arena;
  /** The layers. */
  readonly net: Sequential;
  /** The loss on the net's logits. */
  readonly loss: SoftmaxCrossEntropy;
  /** The compiled kernels the layers record with. */
  readonly kernels: KernelSet;

  /** Wraps a built net and its arena; {@link getModel} builds the lesson's. */
  constructor(gpu: Gpu, arena: Arena, net: Sequential, kernels: KernelSet) {
    this.gpu = gpu;
    this.arena = arena;
    this.net = net;
    this.kernels = kernels;
    this.loss = new SoftmaxCrossEntropy({ gpu, kernels }, "loss");
  }

  /** Every layer, flattened in order. */
  get layers(): readonly Layer[] {
    return this.net.layers;
  }

  /** Learnable parameters in order. */
  get params(): readonly ArenaEntry[] {
    return this.arena.params;
  }

  /** Number of learnable scalars (30,154 for the lesson's model without norms). */
  get paramCount(): number {
    return this.arena.paramCount;
  }

  /** Records the forward pass of x [N, 1, 28, 28]; returns logits [N, classes]. */
  forward(rec: Recorder, x: GpuTensor<"f32">, training: boolean): GpuTensor<"f32"> {
    return this.net.forward({ rec, training }, x);
  }

  /**
   * Records forward, loss and (in training) backward for one batch: parameter gradients are
   * accumulated into the gradient arena. Returns the logits.
   */
  step(
    rec: Recorder,
    batch: { x: GpuTensor<"f32">; y: GpuTensor<"u32"> },
    training: boolean,
  ): GpuTensor<"f32"> {
    const ctx = { rec, training };
    const logits = this.net.forward(ctx, batch.x);
    const dlogits = this.loss.record(ctx, logits, batch.y);
    if (training && dlogits) this.net.backward(ctx, dlogits, false);
    return logits;
  }

  /** Records zeroing of every parameter gradient (one clear of the gradient arena). */
  zeroGrad(rec: Recorder): void {
    rec.clear(this.arena.buffers.grads);
  }

  /** PyTorch's default initialisation from `seed` (each layer from its own derived stream). */
  reset(seed: number): void {
    this.net.reset(this.gpu, new Rng(seed).derive("init"));
  }

  /** Reads every parameter (one readback), by name. */
  async readParams(): Promise<Map<string, Float32Array>> {
    return splitArena(await this.gpu.read(this.arena.buffers.params), this.arena.params);
  }

  /** Reads every parameter gradient (one readback), by parameter name. */
  async readGrads(): Promise<Map<string, Float32Array>> {
    return splitArena(await this.gpu.read(this.arena.buffers.grads), this.arena.params);
  }

  /** Reads the state entries (running statistics), by name. */
  async readState(): Promise<Map<string, Float32Array>> {
    return splitArena(await this.gpu.read(this.arena.buffers.state), this.arena.stateEntries);
  }

  /** Frees every GPU buffer of the model (arenas, activations, loss); it cannot run again. */
  destroy(): void {
    this.net.destroy();
    this.loss.destroy();
    const { params, grads, state } = this.arena.buffers;
    for (const t of [params, grads, state]) this.gpu.destroy(t);
  }

  /** Queues a write of one parameter's values. */
  writeParam(entry: ArenaEntry, values: Float32Array): void {
    if (values.length !== entry.size) {
      throw new RangeError(`${entry.name}: expected ${entry.size} values, found ${values.length}`);
    }
    this.gpu.write(entry.value, values);
  }
}

function splitArena(all: Float32Array, entries: readonly ArenaEntry[]): Map<string, Float32Array> {
  return new Map(entries.map((e) => [e.name, all.slice(e.offset, e.offset + e.size)]));
}

/** Builds the lesson's CNN on `gpu` with PyTorch's default initialisation. */
export async function getModel(gpu: Gpu, options: GetModelOptions = {}): Promise<Model> {
  const nfs = options.nfs ?? [1, 8, 16, 32, 64];
  const act = options.act === undefined ? "relu" : options.act;
  const norm = options.norm ?? null;
  const K = options.kernelSize ?? 3;
  const kernels = options.kernels ?? await loadKernels(gpu);
  const arena = new Arena();
  const build = { gpu, arena, kernels };
  const layers: Layer[] = [];
  const conv = { K, S: 2, P: Math.floor(K / 2) };
  for (let i = 0; i + 1 < nfs.length; i++) {
    const name = `block${i + 1}`;
    layers.push(
      new Conv2d(build, `${name}.conv`, {
        C: nfs[i],
        F: nfs[i + 1],
        ...conv,
        bias: options.bias ?? true,
      }),
    );
    if (norm === "batchnorm" || norm === "lesson-batchnorm") {
      const variant = norm === "batchnorm" ? "standard" : "lesson";
      layers.push(new BatchNorm2d(build, `${name}.norm`, { C: nfs[i + 1], variant }));
    } else if (norm === "layernorm") {
      layers.push(new LayerNorm(build, `${name}.norm`));
    }
    if (act !== null) {
      layers.push(new GeneralRelu(build, `${name}.act`, act === "relu" ? {} : act));
    }
  }
  layers.push(
    new Conv2d(build, "head.conv", {
      C: nfs[nfs.length - 1],
      F: options.numClasses ?? 10,
      ...conv,
    }),
    new Flatten("head.flatten"),
  );
  const net = new Sequential("model", layers, { fuse: options.fuse });
  arena.allocate(gpu, "model");
  const model = new Model(gpu, arena, net, kernels);
  model.reset(options.seed ?? 0);
  return model;
}
