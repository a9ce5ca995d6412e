/**
 * Weight initialisers of fast.ai lesson 17 (nb 11): Kaiming (He) normal with the leaky slope `a`,
 * Glorot (Xavier) uniform and normal, and PyTorch's default. Each is applied to the layers of a
 * model that pass a filter (default: Conv2d and Linear), each layer from its own seeded stream,
 * `new Rng(seed).derive(<init>, layer.name)`, so adding a layer never changes another's weights.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { ArenaEntry } from "../nn/arena.ts";
import { Conv2d } from "../nn/conv2d.ts";
import type { Layer } from "../nn/layer.ts";
import { Linear } from "../nn/linear.ts";
import { Model } from "../nn/model.ts";
import { Rng } from "../util/rng.ts";

/** Chooses the layers an initialiser touches. */
export type LayerFilter = (layer: Layer) => boolean;

/** What an initialiser writes to: a {@link Model}, or any layers whose parameters live on `gpu`. */
export type InitTarget = Model | { readonly gpu: Gpu; readonly layers: readonly Layer[] };

/** The default filter: every Conv2d and Linear layer (the lesson's `isinstance` test). */
export const weightLayers: LayerFilter = (layer): boolean =>
  layer instanceof Conv2d || layer instanceof Linear;

/** Fan-in and fan-out of a weight layer: C·K·K and F·K·K for a conv, I and O for a linear. */
export function fans(layer: Layer): { fanIn: number; fanOut: number } {
  if (layer instanceof Conv2d) {
    const { C, F, K } = layer.options;
    return { fanIn: C * K * K, fanOut: F * K * K };
  }
  if (layer instanceof Linear) return { fanIn: layer.I, fanOut: layer.O };
  throw new TypeError(
    `${layer.name} (${layer.kind}): has no fan-in; expected a Conv2d or Linear layer`,
  );
}

/** The weight layers `filter` selects, each with its weight entry and fans. */
function selected(
  target: InitTarget,
  filter: LayerFilter,
): { layer: Layer; weight: ArenaEntry; fanIn: number; fanOut: number }[] {
  return target.layers.filter(filter).map((layer) => {
    const f = fans(layer);
    return { layer, weight: (layer as Conv2d | Linear).weight, ...f };
  });
}

/** Queues a write of one parameter (through `Model.writeParam` when the target is a model). */
function write(target: InitTarget, entry: ArenaEntry, values: Float32Array): void {
  if (target instanceof Model) {
    target.writeParam(entry, values);
    return;
  }
  if (values.length !== entry.size) {
    throw new RangeError(`${entry.name}: expected ${entry.size} values, found ${values.length}`);
  }
  target.gpu.write(entry.value, values);
}

function checkSeed(what: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${what}: seed = ${seed}, expected a non-negative safe integer`);
  }
}

/**
 * PyTorch's `kaiming_normal_(w, a)` (mode fan_in, nonlinearity leaky_relu) on the weights of the
 * filtered layers: w ~ N(0, std²), std = gain/√fan_in, gain = √(2/(1 + a²)). Biases keep their
 * current values, as the lesson's `init_weights` leaves PyTorch's default uniform biases; the
 * default filter includes the final 64→10 conv, as `model.apply` does. With a = 0.1 the lesson
 * model's stds are 0.469, 0.166, 0.117, 0.083, 0.059.
 */
export function kaimingNormal(
  target: InitTarget,
  o: { a?: number; seed: number; filter?: LayerFilter },
): void {
  const a = o.a ?? 0;
  if (!Number.isFinite(a)) throw new RangeError(`kaimingNormal: a = ${a}, expected a finite slope`);
  checkSeed("kaimingNormal", o.seed);
  const gain = Math.sqrt(2 / (1 + a * a));
  for (const s of selected(target, o.filter ?? weightLayers)) {
    const rng = new Rng(o.seed).derive("kaiming", s.layer.name);
    const std = gain / Math.sqrt(s.fanIn);
    write(target, s.weight, rng.fillNormal(new Float32Array(s.weight.size), 0, std));
  }
}

/**
 * Glorot (Xavier) uniform on the weights of the filtered layers: w ~ U(±√(6/(fan_in + fan_out)))
 * with fan_out = F·K·K for a conv and O for a linear (PyTorch's `xavier_uniform_`, gain 1).
 * Biases keep their values.
 */
export function glorotUniform(target: InitTarget, o: { seed: number; filter?: LayerFilter }): void {
  checkSeed("glorotUniform", o.seed);
  for (const s of selected(target, o.filter ?? weightLayers)) {
    const rng = new Rng(o.seed).derive("glorot-uniform", s.layer.name);
    const bound = Math.sqrt(6 / (s.fanIn + s.fanOut));
    write(target, s.weight, rng.fillUniform(new Float32Array(s.weight.size), -bound, bound));
  }
}

/**
 * Glorot (Xavier) normal on the weights of the filtered layers: w ~ N(0, 2/(fan_in + fan_out))
 * (PyTorch's `xavier_normal_`, gain 1). Biases keep their values.
 */
export function glorotNormal(target: InitTarget, o: { seed: number; filter?: LayerFilter }): void {
  checkSeed("glorotNormal", o.seed);
  for (const s of selected(target, o.filter ?? weightLayers)) {
    const rng = new Rng(o.seed).derive("glorot-normal", s.layer.name);
    const std = Math.sqrt(2 / (s.fanIn + s.fanOut));
    write(target, s.weight, rng.fillNormal(new Float32Array(s.weight.size), 0, std));
  }
}

/**
 * PyTorch's default initialisation (what `getModel` already applied): conv and linear weights and
 * biases ~ U(±1/√fan_in), norm layers at mult 1, add 0 (running statistics untouched). Same as
 * `model.reset(seed)`: `getModel(gpu, { seed })` starts from exactly these values.
 */
export function pytorchDefault(model: Model, seed: number): void {
  checkSeed("pytorchDefault", seed);
  model.reset(seed);
}
