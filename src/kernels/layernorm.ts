/**
 * The lesson's LayerNorm kernels: per item statistics over C·H·W (unbiased variance), one scalar
 * mult and one scalar add, gradients through the statistics. Forward is one dispatch (a workgroup
 * per item); backward is one per-item dispatch plus a fixed-order reduction for dmult / dadd.
 *
 * @module
 */
import { withIncludes } from "./wgsl_include.ts";
import type { Gpu } from "../gpu/device.ts";
import { awaitTable, type Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { NormShape } from "../shapes.ts";
import type { GrowingBuffers } from "../gpu/growing_buffers.ts";
import { scratchBuffers } from "./scratch.ts";
import { grid2d } from "../gpu/recorder.ts";
import {
  LAYERNORM_BACKWARD_PARAMS,
  LAYERNORM_FORWARD_PARAMS,
  LAYERNORM_REDUCE_PARAMS,
} from "./params.ts";
import backwardWgsl from "./layernorm_backward.wgsl" with { type: "text" };
import reduceWgsl from "./layernorm_backward_reduce.wgsl" with { type: "text" };
import forwardWgsl from "./layernorm_forward.wgsl" with { type: "text" };

const backwardCode = withIncludes(backwardWgsl);
const reduceCode = withIncludes(reduceWgsl);
const forwardCode = withIncludes(forwardWgsl);

/** Override constants of the layernorm*.wgsl kernels. */
export interface LayerNormTuning {
  /** Invocations per workgroup; one workgroup per item (default 64). */
  workgroupSize?: number;
  /** Fan-in of the in-workgroup merge tree (default 16; ≥ 2). */
  fanIn?: number;
}

/** The LayerNorm pipelines. */
export interface LayerNormPipelines {
  /** Normalises each item (one workgroup per item). */
  readonly forward: Kernel;
  /** Backward pass 1, one workgroup per item: dx and the item's (Σdy, Σdy·xhat). */
  readonly backward: Kernel;
  /** Backward pass 2: adds the per-item partials in order to dmult and dadd. */
  readonly reduce: Kernel;
  /** forward on vec4s: used when C·H·W is a multiple of 4. */
  readonly forward4: Kernel;
  /** backward on vec4s: used when C·H·W is a multiple of 4. */
  readonly backward4: Kernel;
}

/** The compiled LayerNorm pipelines for one tuning, with their scratch space. */
export interface LayerNormKernels extends LayerNormPipelines {
  /** The device the pipelines and scratch buffers live on. */
  readonly gpu: Gpu;
  /** The tuning the pipelines were compiled for, defaults filled in. */
  readonly tuning: Readonly<Required<LayerNormTuning>>;
  /** @internal Per-item partials [N, 2] of the backward. */
  readonly scratch: GrowingBuffers;
}

/** Compiles (once per device and tuning) the LayerNorm forward and backward kernels. */
export async function layerNormKernels(
  gpu: Gpu,
  tuning: LayerNormTuning = {},
): Promise<LayerNormKernels> {
  // 64 by default: items are small (D = 256 … 1568 in the lesson) and lavapipe pays per
  // invocation at each barrier; WG 64 measured ~2x faster than 256 there.
  const t = { workgroupSize: tuning.workgroupSize ?? 64, fanIn: tuning.fanIn ?? 16 };
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isInteger(v) || v < (name === "fanIn" ? 2 : 1) || v > 1024) {
      throw new RangeError(`layerNorm tuning: ${name} = ${v}, expected an integer in [1, 1024]`);
    }
  }
  const constants = { WG: t.workgroupSize, FAN: t.fanIn };
  const get = (label: string, code: string, entryPoint = "main") =>
    gpu.pipelines.get({ label, code, constants, entryPoint });
  const pipelines = await awaitTable<LayerNormPipelines>({
    forward: get("layernorm_forward", forwardCode),
    backward: get("layernorm_backward", backwardCode),
    reduce: get("layernorm_backward_reduce", reduceCode),
    forward4: get("layernorm_forward", forwardCode, "main4"),
    backward4: get("layernorm_backward", backwardCode, "main4"),
  });
  return {
    gpu,
    tuning: Object.freeze(t),
    scratch: scratchBuffers(gpu, "layernorm.scratch"),
    ...pipelines,
  };
}

/**
 * y [N, C, H, W] = (x − mean_n)·rstd_n·mult + add per item n, with the item's mean and unbiased
 * variance over D = C·H·W ≥ 2 values (rstd = 1/√(var + eps), eps default 1e-5); writes mean [N]
 * and rstd [N]. mult and add are 1-element read-only parameter slices.
 */
export function recordLayerNormForward(
  rec: Recorder,
  k: LayerNormKernels,
  t: {
    x: GpuTensor<"f32">; // [N, C, H, W]
    y: GpuTensor<"f32">; // [N, C, H, W]
    mult: GpuTensor<"f32">; // [1]
    add: GpuTensor<"f32">; // [1]
    mean: GpuTensor<"f32">; // [N]
    rstd: GpuTensor<"f32">; // [N]
  },
  s: NormShape,
  o: { eps?: number } = {},
): void {
  const D = plan("layerNorm forward", s);
  const eps = o.eps ?? 1e-5;
  if (!(eps >= 0 && Number.isFinite(eps))) {
    throw new RangeError(`layerNorm forward: eps ${eps}, expected a finite number ≥ 0`);
  }
  checkTensors("layerNorm forward", s.N, D, {
    x: t.x,
    y: t.y,
    mult: t.mult,
    add: t.add,
    mean: t.mean,
    rstd: t.rstd,
  });
  const p = LAYERNORM_FORWARD_PARAMS.pack({ N: s.N, D, eps });
  rec.dispatch(
    D % 4 === 0 ? k.forward4 : k.forward,
    [k.gpu.uniform(p, "layernorm_forward.params"), t.x, t.mult, t.add, t.y, t.mean, t.rstd],
    grid2d(s.N, 1),
  );
}

/**
 * Gradients of {@link recordLayerNormForward} given dy [N, C, H, W] and its x, mean [N] and
 * rstd [N]: dx (overwritten) goes through the item statistics; dmult += Σ dy·xhat and
 * dadd += Σ dy over all items (1-element slices of the gradient arena).
 */
export function recordLayerNormBackward(
  rec: Recorder,
  k: LayerNormKernels,
  t: {
    x: GpuTensor<"f32">; // [N, C, H, W]
    dy: GpuTensor<"f32">; // [N, C, H, W]
    dx: GpuTensor<"f32">; // [N, C, H, W]
    mult: GpuTensor<"f32">; // [1]
    mean: GpuTensor<"f32">; // [N]
    rstd: GpuTensor<"f32">; // [N]
    dmult: GpuTensor<"f32">; // [1]
    dadd: GpuTensor<"f32">; // [1]
  },
  s: NormShape,
): void {
  const D = plan("layerNorm backward", s);
  checkTensors("layerNorm backward", s.N, D, {
    x: t.x,
    dy: t.dy,
    dx: t.dx,
    mult: t.mult,
    mean: t.mean,
    rstd: t.rstd,
    dmult: t.dmult,
    dadd: t.dadd,
  });
  const partials = k.scratch.get("partials", s.N * 2); // [N, 2]
  rec.dispatch(
    D % 4 === 0 ? k.backward4 : k.backward,
    [
      k.gpu.uniform(LAYERNORM_BACKWARD_PARAMS.pack({ N: s.N, D }), "layernorm_backward.params"),
      t.x,
      t.dy,
      t.mult,
      t.mean,
      t.rstd,
      t.dx,
      partials,
    ],
    grid2d(s.N, 1),
  );
  rec.dispatch(
    k.reduce,
    [
      k.gpu.uniform(LAYERNORM_REDUCE_PARAMS.pack({ N: s.N }), "layernorm_reduce.params"),
      partials,
      t.dmult,
      t.dadd,
    ],
    1,
  );
}

/** Validates the shape; returns D = C·H·W. */
function plan(what: string, s: NormShape): number {
  for (const name of ["N", "C", "H", "W"] as const) {
    const v = s[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${what}: shape ${name} = ${v}, expected a positive integer`);
    }
  }
  const D = s.C * s.H * s.W;
  if (D < 2) throw new RangeError(`${what}: D = C·H·W = ${D} values per item, expected ≥ 2`);
  // Counts are merged as f32 (exact to 2^24); indices are u32.
  if (D > 2 ** 24 || s.N * D >= 2 ** 32) {
    throw new RangeError(`${what}: shape ${JSON.stringify(s)} too large (D ≤ 2^24 supported)`);
  }
  return D;
}

const SIZES: Record<string, "ND" | "N" | "1"> = {
  x: "ND",
  y: "ND",
  dy: "ND",
  dx: "ND",
  mean: "N",
  rstd: "N",
  mult: "1",
  add: "1",
  dmult: "1",
  dadd: "1",
};

function checkTensors(what: string, N: number, D: number, ts: Record<string, GpuTensor>): void {
  for (const [name, t] of Object.entries(ts)) {
    const kind = SIZES[name];
    const size = kind === "ND" ? N * D : kind === "N" ? N : 1;
    const shape = kind === "ND" ? "[N, C, H, W]" : kind === "N" ? "[N]" : "[1]";
    if (t.dtype !== "f32" || t.size !== size) {
      throw new RangeError(
        `${what}: ${name} ${t.describe()} must be f32 with ${size} elements ${shape}`,
      );
    }
  }
}
