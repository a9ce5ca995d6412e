/**
 * The lesson's model in float64 on the `src/ref` references, mirroring a model's layers (same
 * parameters, running statistics and mode): one training or eval step, for tests of the whole
 * model and of whole training runs against the GPU.
 */
import { generalReluBackwardRef, generalReluForwardRef } from "../src/ref/activations.ts";
import { batchNormBackwardRef, batchNormForwardRef } from "../src/ref/batchnorm.ts";
import { conv2dBackwardRef, conv2dForwardRef } from "../src/ref/conv2d.ts";
import { softmaxCrossEntropyRef } from "../src/ref/cross_entropy.ts";
import { layerNormBackwardRef, layerNormForwardRef } from "../src/ref/layernorm.ts";
import { GeneralRelu } from "../src/nn/activations.ts";
import { BatchNorm2d } from "../src/nn/batchnorm.ts";
import { Conv2d } from "../src/nn/conv2d.ts";
import { LayerNorm } from "../src/nn/layernorm.ts";
import type { Layer } from "../src/nn/layer.ts";

/** A float64 copy. */
export const f64 = (a: ArrayLike<number>): Float64Array => Float64Array.from(a);

/** What one reference step of a layer saved for backward. */
type Saved = { x: Float64Array; shape: number[]; extra?: Record<string, Float64Array> };

/**
 * The whole model in float64 on the references, mirroring `layers` (same parameters, state and
 * mode): logits, mean loss, correct count, and every parameter gradient by name.
 */
export function referenceStep(
  layers: readonly Layer[],
  params: ReadonlyMap<string, ArrayLike<number>>,
  state: ReadonlyMap<string, ArrayLike<number>>,
  x0: Float64Array,
  shape0: number[],
  labels: Uint32Array,
  training: boolean,
) {
  const saved: Saved[] = [];
  let x = x0, shape = shape0;
  const running = new Map<string, { mean: Float64Array; var: Float64Array }>();
  for (const layer of layers) {
    const [N, C, H, W] = shape;
    const entry: Saved = { x, shape };
    if (layer instanceof Conv2d) {
      const o = layer.options;
      const s = { N, C, H, W, F: o.F, K: o.K, S: o.S, P: o.P };
      const b = layer.bias ? f64(params.get(layer.bias.name)!) : null;
      x = conv2dForwardRef(x, f64(params.get(layer.weight.name)!), b, s);
      shape = layer.outShape(shape);
    } else if (layer instanceof BatchNorm2d) {
      const r = {
        mean: f64(state.get(layer.runningMean.name)!),
        var: f64(state.get(layer.runningVar.name)!),
      };
      running.set(layer.name, r);
      const out = batchNormForwardRef(
        x,
        {
          mults: f64(params.get(layer.mults.name)!),
          adds: f64(params.get(layer.adds.name)!),
        },
        r,
        { N, C, H, W },
        { variant: layer.variant, training },
      );
      entry.extra = { mean: out.mean, rstd: out.rstd };
      x = out.y;
    } else if (layer instanceof LayerNorm) {
      const out = layerNormForwardRef(x, {
        mult: params.get(layer.mult.name)![0],
        add: params.get(layer.add.name)![0],
      }, { N, C, H, W });
      entry.extra = { mean: out.mean, rstd: out.rstd };
      x = out.y;
    } else if (layer instanceof GeneralRelu) {
      x = generalReluForwardRef(x, layer.options);
    } else if (layer.kind === "Flatten") {
      shape = layer.outShape(shape);
    } else {
      throw new Error(`no reference for ${layer.kind}`);
    }
    saved.push(entry);
  }
  const [N, K] = shape;
  const ce = softmaxCrossEntropyRef(x, labels, { N, K });
  const grads = new Map<string, Float64Array>();
  // Σ|terms| behind each weight/bias gradient element: its f32 rounding scale (a gradient that
  // is mathematically ~0, like a conv bias before nn.BatchNorm2d, has no scale of its own).
  const magnitudes = new Map<string, Float64Array>();
  const abs = (a: Float64Array) => a.map(Math.abs);
  let g = ce.dlogits;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    const { x: lx, shape: ls, extra } = saved[i];
    const [N, C, H, W] = ls;
    if (layer instanceof Conv2d) {
      const o = layer.options;
      const s = { N, C, H, W, F: o.F, K: o.K, S: o.S, P: o.P };
      const w = f64(params.get(layer.weight.name)!);
      const b = conv2dBackwardRef(lx, w, g, s);
      const m = conv2dBackwardRef(abs(lx), abs(w), abs(g), s);
      grads.set(layer.weight.name, b.dw);
      magnitudes.set(layer.weight.name, m.dw);
      if (layer.bias) {
        grads.set(layer.bias.name, b.db);
        magnitudes.set(layer.bias.name, m.db);
      }
      g = b.dx;
    } else if (layer instanceof BatchNorm2d) {
      const b = batchNormBackwardRef(
        lx,
        g,
        {
          mults: f64(params.get(layer.mults.name)!),
          mean: extra!.mean,
          rstd: extra!.rstd,
        },
        { N, C, H, W },
        { variant: layer.variant, training },
      );
      grads.set(layer.mults.name, b.dmults);
      grads.set(layer.adds.name, b.dadds);
      g = b.dx;
    } else if (layer instanceof LayerNorm) {
      const b = layerNormBackwardRef(lx, g, {
        mult: params.get(layer.mult.name)![0],
        mean: extra!.mean,
        rstd: extra!.rstd,
      }, { N, C, H, W });
      grads.set(layer.mult.name, Float64Array.of(b.dmult));
      grads.set(layer.add.name, Float64Array.of(b.dadd));
      g = b.dx;
    } else if (layer instanceof GeneralRelu) {
      g = generalReluBackwardRef(lx, g, layer.options);
    }
  }
  return { logits: x, loss: ce.loss, correct: ce.correct, grads, magnitudes, running };
}
