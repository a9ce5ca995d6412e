import { Conv2d } from "../nn/conv2d.ts";
import type { Layer } from "../nn/layer.ts";
import { Linear } from "../nn/linear.ts";
import { conv2dOutSize } from "../shapes.ts";

/** Floating-point operations of one layer's forward and backward at an input shape. */
export interface LayerFlops {
  name: string;
  forward: number;
  backward: number;
}

/**
 * Multiply-adds × 2 of the matrix-shaped layers (convs, linears) for an input shape; other
 * layers are elementwise or reductions and counted as 0 here. Backward counts the weight
 * gradient always and the input gradient except for the first layer.
 */
export function layerFlops(layers: readonly Layer[], inShape: readonly number[]): LayerFlops[] {
  const out: LayerFlops[] = [];
  let shape = [...inShape];
  layers.forEach((layer, i) => {
    let fwd = 0;
    if (layer instanceof Conv2d) {
      const [N, C, H, W] = shape;
      const o = layer.options;
      const { OH, OW } = conv2dOutSize({ N, C, H, W, F: o.F, K: o.K, S: o.S, P: o.P });
      fwd = 2 * N * o.F * OH * OW * C * o.K * o.K;
    } else if (layer instanceof Linear) {
      fwd = 2 * shape[0] * layer.I * layer.O;
    }
    out.push({ name: layer.name, forward: fwd, backward: i === 0 ? fwd : 2 * fwd });
    shape = layer.outShape(shape);
  });
  return out;
}
