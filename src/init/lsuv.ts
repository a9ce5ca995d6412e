/**
 * Layer-sequential unit-variance initialisation (Mishkin & Matas, "All you need is a good init"),
 * as fast.ai lesson 17's `lsuv_init` does it: each activation's output is driven to mean 0 and
 * std 1 on one batch by shifting the bias and scaling the weight of the conv that feeds it.
 *
 * @module
 */

import type { GpuTensor } from "../gpu/tensor.ts";
import { ACT_STATS_WIDTH, actStatsKernels, recordActStats } from "../kernels/act_stats.ts";
import { GeneralRelu } from "../nn/activations.ts";
import { defaultTuning } from "../nn/kernels.ts";
import { Conv2d } from "../nn/conv2d.ts";
import type { Layer } from "../nn/layer.ts";
import type { Model } from "../nn/model.ts";

/** Statistics of one activation output over all its elements (std unbiased). */
export interface LsuvStats {
  /** Mean over every element. */
  mean: number;
  /** Unbiased standard deviation over every element. */
  std: number;
}

/** What LSUV did to one (activation, conv) pair. */
export interface LsuvLayerReport {
  /** The activation layer whose output was measured, e.g. `block1.act`. */
  act: string;
  /** The conv whose bias and weight were adjusted, e.g. `block1.conv`. */
  conv: string;
  /** The output's statistics before the first adjustment. */
  before: LsuvStats;
  /** The output's statistics once within tolerance. */
  after: LsuvStats;
  /** Adjustments made (forward passes = iterations + 1). */
  iterations: number;
}

/** Options of {@link lsuv}. */
export interface LsuvOptions {
  /** Stop when |std − 1| ≤ tol and |mean| ≤ tol (default 1e-3, the lesson's). */
  tol?: number;
  /** Adjustments allowed per pair before giving up with an error (default 50; ≥ 0). */
  maxIterations?: number;
}

/**
 * The lesson's (activation, conv) pairs: each GeneralRelu (plain ReLU included) with the nearest
 * Conv2d before it, in model order. The lesson's model gives 4 pairs; its final conv feeds no
 * activation and is left out, as `zip(relus, convs)` leaves it out in the notebook. Throws when an
 * activation has no conv of its own before it.
 */
export function lsuvPairs(layers: readonly Layer[]): { act: GeneralRelu; conv: Conv2d }[] {
  const pairs: { act: GeneralRelu; conv: Conv2d }[] = [];
  let conv: Conv2d | null = null;
  for (const layer of layers) {
    if (layer instanceof Conv2d) conv = layer;
    if (!(layer instanceof GeneralRelu)) continue;
    if (conv === null) {
      throw new Error(`LSUV: ${layer.name} has no Conv2d of its own before it to adjust`);
    }
    pairs.push({ act: layer, conv });
    conv = null;
  }
  return pairs;
}

/**
 * LSUV on `model` with the normalised batch `xb` [N, 1, 28, 28], pair by pair from the first
 * layer (see {@link lsuvPairs}): run the whole model forward, measure the activation output's mean
 * and unbiased std over all its elements (the activation-stats kernel, read back), and while
 * |std − 1| > tol or |mean| > tol subtract the mean from every conv bias element, divide the conv
 * weight by the std, and rerun. The forward runs with training = false: identical for models
 * without BatchNorm (the lesson applies LSUV to one without); with BatchNorm it would normalise
 * with the running statistics and leave them unchanged, where the notebook's train-mode forward
 * uses and updates batch statistics. Only the paired convs' parameters change.
 *
 * Throws when a paired conv has no bias, when an output's std is not a positive finite number, and
 * when a pair is still out of tolerance after `maxIterations` adjustments (naming the layers, the
 * count and the last mean and std). Returns the before/after statistics of every pair.
 */
export async function lsuv(
  model: Model,
  xb: GpuTensor<"f32">, // [N, 1, 28, 28]
  o: LsuvOptions = {},
): Promise<LsuvLayerReport[]> {
  const tol = o.tol ?? 1e-3;
  const maxIterations = o.maxIterations ?? 50;
  if (!(tol > 0 && Number.isFinite(tol))) {
    throw new RangeError(`LSUV: tol = ${tol}, expected a positive finite number`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new RangeError(`LSUV: maxIterations = ${maxIterations}, expected an integer ≥ 0`);
  }
  const pairs = lsuvPairs(model.layers);
  for (const { act, conv } of pairs) {
    if (conv.bias === null) {
      throw new Error(
        `LSUV: ${conv.name} (feeding ${act.name}) has no bias; LSUV shifts the mean through it`,
      );
    }
  }
  if (pairs.length === 0) return [];

  const gpu = model.gpu;
  const kernels = await actStatsKernels(gpu, defaultTuning(gpu).actStats);
  const stats = gpu.tensor([1, ACT_STATS_WIDTH], { label: "lsuv.stats" }); // mean, std, hist
  const measure = async (act: GeneralRelu): Promise<LsuvStats> => {
    const rec = gpu.recorder(`lsuv ${act.name}`);
    model.forward(rec, xb, false);
    const out = model.net.outputs.get(act.name);
    if (!out) throw new Error(`LSUV: the forward pass recorded no output for ${act.name}`);
    recordActStats(rec, kernels, { x: out, out: stats }, 0);
    rec.submit();
    const row = await gpu.read(stats);
    return { mean: row[0], std: row[1] };
  };

  try {
    const params = await model.readParams();
    const reports: LsuvLayerReport[] = [];
    for (const { act, conv } of pairs) {
      const bias = conv.bias!;
      // CPU copies kept in step with the GPU: f32 arrays round each update as PyTorch's f32 ops do.
      const w = params.get(conv.weight.name)!;
      const b = params.get(bias.name)!;
      const what = `LSUV: ${act.name} (fed by ${conv.name})`;
      let s = await measure(act);
      const before = s;
      let iterations = 0;
      // Written so that NaN statistics never count as converged.
      while (!(Math.abs(s.std - 1) <= tol && Math.abs(s.mean) <= tol)) {
        if (!(s.std > 0 && Number.isFinite(s.std) && Number.isFinite(s.mean))) {
          throw new Error(
            `${what}: output mean ${s.mean}, std ${s.std} after ${iterations} iterations; ` +
              "expected a finite mean and a positive finite std to rescale by",
          );
        }
        if (iterations >= maxIterations) {
          throw new Error(
            `${what}: not within tolerance ${tol} after ${iterations} iterations ` +
              `(maxIterations ${maxIterations}): mean ${s.mean}, std ${s.std}`,
          );
        }
        for (let i = 0; i < b.length; i++) b[i] -= s.mean;
        for (let i = 0; i < w.length; i++) w[i] /= s.std;
        model.writeParam(bias, b);
        model.writeParam(conv.weight, w);
        iterations++;
        s = await measure(act);
      }
      reports.push({ act: act.name, conv: conv.name, before, after: s, iterations });
    }
    return reports;
  } finally {
    gpu.destroy(stats);
  }
}
