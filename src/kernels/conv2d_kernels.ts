/**
 * The compiled conv2d pipelines: the tuning (tile shapes) and its checks, the WGSL they are
 * compiled from, and the kernel set with its grow-on-demand workspaces. Each kernel comes in
 * register-block heights of 1, 2 and 4 quads up to the tuning's maximum.
 *
 * @module
 */
import type { Gpu } from "../gpu/device.ts";
import { awaitTable, type Kernel } from "../gpu/pipelines.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";
import { withIncludes } from "./wgsl_include.ts";
import packCode from "./conv2d_pack.wgsl" with { type: "text" };
import packDoutCode from "./conv2d_pack_dout.wgsl" with { type: "text" };
import forwardWgsl from "./conv2d_forward.wgsl" with { type: "text" };
import forwardC1Code from "./conv2d_forward_c1.wgsl" with { type: "text" };
import inputWgsl from "./conv2d_backward_input.wgsl" with { type: "text" };
import weightWgsl from "./conv2d_backward_weight.wgsl" with { type: "text" };
import weightC1Code from "./conv2d_backward_weight_c1.wgsl" with { type: "text" };
import reduceCode from "./conv2d_reduce.wgsl" with { type: "text" };

const forwardCode = withIncludes(forwardWgsl);
const inputCode = withIncludes(inputWgsl);
const weightCode = withIncludes(weightWgsl);

/**
 * Override constants of the conv kernels (tile shapes). Register blocks are written out in the
 * WGSL, so quads are 1, 2 or 4 and cols 4 or 8; the rest are free within the device limits.
 */
export interface Conv2dTuning {
  /** Invocations per workgroup of the forward and input-gradient kernels. */
  wg: number;
  /**
   * Forward / input gradient: at most 4·quads filters (channels) per workgroup, sharing each
   * weight load and each gathered value.
   */
  quads: number;
  /** Forward / input gradient: output (input) positions per invocation. */
  cols: number;
  /** Invocations per workgroup of the weight-gradient kernel. */
  dwWg: number;
  /** Weight gradient: at most 4·dwQuads filters per invocation. */
  dwQuads: number;
  /** Weight gradient: weight columns (c, ky, kx) per invocation. */
  dwCols: number;
  /** Weight gradient: output positions summed per partial (the split-K chunk), at most. */
  chunk: number;
  /** Weight gradient: halve the chunk (down to 16) until this many invocations run. */
  minLanes: number;
  /** Invocations per workgroup of the pack and reduce kernels. */
  auxWg: number;
}

/** The tuning used when none is given: best measured on lavapipe (2 cores, 256-bit). */
export const DEFAULT_CONV2D_TUNING: Readonly<Conv2dTuning> = Object.freeze({
  wg: 64,
  quads: 4,
  cols: 8,
  dwWg: 64,
  dwQuads: 4,
  dwCols: 8,
  chunk: 256,
  minLanes: 2048,
  auxWg: 64,
});

/** The WGSL of every conv kernel (what a cached autotune result is valid for). */
export const CONV2D_WGSL: readonly string[] = Object.freeze([
  packCode,
  packDoutCode,
  forwardCode,
  forwardC1Code,
  inputCode,
  weightCode,
  weightC1Code,
  reduceCode,
]);

/**
 * The tuning parameters that only size workgroups and the launch grid, never a weight window, a
 * channel or filter pass, a register block or a split-K chunk: every output keeps the same sum in
 * the same order, so results are bit-identical whatever their values (tested). An autotune may
 * pick them per adapter without changing one bit of any result.
 */
export const GRID_ONLY_CONV2D_PARAMS = ["wg", "cols", "dwWg", "auxWg"] as const;

/** One compiled pipeline per register-block height: quads (1, 2, 4) → kernel. */
export type ByQuads = Readonly<Record<number, Kernel>>;

/** Compiled conv pipelines for one tuning, plus workspaces allocated on first use. */
export interface Conv2dKernels {
  /** The device the pipelines and workspaces live on. */
  readonly gpu: Gpu;
  /** The tuning the pipelines were compiled for. */
  readonly tuning: Readonly<Conv2dTuning>;
  /** Weights (and bias) → vec4 windows of the packed buffer. */
  readonly pack: Kernel;
  /** dout → [N·OH·OW, F] vec4 rows of the packed buffer (for the weight gradient). */
  readonly packDout: Kernel;
  /** Forward: one window (and channel pass) of output filters per dispatch. */
  readonly forward: ByQuads;
  /**
   * Forward for one input channel, K 3, S 2, P 1, W % 4 == 0 (the first layer): the same sums
   * in the same order as `forward`, with vector loads and stores.
   */
  readonly forwardC1: ByQuads;
  /** Input gradient: the forward's scheme with the weights packed over channels. */
  readonly backwardInput: ByQuads;
  /** Per-chunk partial sums of the weight and bias gradients. */
  readonly backwardWeight: ByQuads;
  /**
   * The same partials for one input channel, K 3, S 2, P 1, W % 4 == 0 and an even chunk, in
   * the same order, reading dout in place (no pack_dout pass).
   */
  readonly backwardWeightC1: Kernel;
  /** Adds the partial sums in chunk order to dw and db. */
  readonly reduce: Kernel;
  /**
   * The packed buffer (uniform and storage usage) with at least `vec4s` slots, or the
   * partial-sum buffer with at least `vec4s`·4 floats. Grown (reallocated) on demand; an outgrown
   * buffer is not destroyed, since a recorder still being filled may use it.
   */
  workspace(kind: "packed" | "partials", vec4s: number): GpuTensor<"f32">;
  /**
   * Destroys the workspaces (they are reallocated on next use). Only once no recorded or
   * submitted work still binds them, e.g. after a sync when a set is no longer used.
   */
  release(): void;
}

/** vec4 slots in one uniform window (64 KiB, WebGPU's default maxUniformBufferBindingSize). */
export const WINDOW = 4096;

function checkTuning(t: Conv2dTuning, gpu: Gpu): void {
  const limits = gpu.device.limits;
  const fail = (what: string) => {
    throw new RangeError(`conv2d tuning ${JSON.stringify(t)}: ${what}`);
  };
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isInteger(v) || v < 1) fail(`${name} = ${v}, expected a positive integer`);
  }
  for (const q of [t.quads, t.dwQuads]) if (![1, 2, 4].includes(q)) fail("quads must be 1, 2 or 4");
  for (const c of [t.cols, t.dwCols]) if (![4, 8].includes(c)) fail("cols must be 4 or 8");
  for (const wg of [t.wg, t.dwWg, t.auxWg]) {
    if (wg > limits.maxComputeInvocationsPerWorkgroup || wg > limits.maxComputeWorkgroupSizeX) {
      fail(`workgroup size ${wg} exceeds the device limit`);
    }
  }
  if (limits.maxUniformBufferBindingSize < WINDOW * 16) {
    fail(`the device's uniform bindings hold < ${WINDOW * 16} bytes`);
  }
}

/** The pipelines of a conv kernel set: everything but its device, tuning and workspaces. */
export type Conv2dPipelines = Omit<Conv2dKernels, "gpu" | "tuning" | "workspace" | "release">;

/** Compiles (once per process and tuning) the conv kernels. */
export async function conv2dKernels(
  gpu: Gpu,
  tuning: Partial<Conv2dTuning> = {},
): Promise<Conv2dKernels> {
  const t = Object.freeze({ ...DEFAULT_CONV2D_TUNING, ...tuning });
  checkTuning(t, gpu);
  const aux = { WG: t.auxWg };
  const byQuads = async (
    label: string,
    code: string,
    max: number,
    constants: Record<string, number>,
  ): Promise<ByQuads> => {
    const heights = [1, 2, 4].filter((q) => q <= max);
    const kernels = await Promise.all(
      heights.map((Q) => gpu.pipelines.get({ label, code, constants: { ...constants, Q } })),
    );
    return Object.freeze(Object.fromEntries(heights.map((q, i) => [q, kernels[i]])));
  };
  const mm = { WG: t.wg, COLS: t.cols };
  const pipelines = await awaitTable<Conv2dPipelines>({
    pack: gpu.pipelines.get({ label: "conv2d_pack", code: packCode, constants: aux }),
    packDout: gpu.pipelines.get({ label: "conv2d_pack_dout", code: packDoutCode, constants: aux }),
    forward: byQuads("conv2d_forward", forwardCode, t.quads, mm),
    forwardC1: byQuads("conv2d_forward_c1", forwardC1Code, t.quads, { WG: t.wg }),
    backwardInput: byQuads("conv2d_backward_input", inputCode, t.quads, mm),
    backwardWeight: byQuads("conv2d_backward_weight", weightCode, t.dwQuads, {
      WG: t.dwWg,
      COLS: t.dwCols,
    }),
    backwardWeightC1: gpu.pipelines.get({
      label: "conv2d_backward_weight_c1",
      code: weightC1Code,
      constants: { WG: t.dwWg },
    }),
    reduce: gpu.pipelines.get({ label: "conv2d_reduce", code: reduceCode, constants: aux }),
  });
  // Outgrown workspaces are kept: a recorder still being filled may bind them.
  const workspaces = new GrowingBuffers(gpu, "conv2d", {
    outgrown: "keep",
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST |
      GPUBufferUsage.UNIFORM,
  });
  return {
    gpu,
    tuning: t,
    ...pipelines,
    workspace: (kind, vec4s) => workspaces.get(kind, vec4s * 4),
    release: () => workspaces.release(),
  };
}

/** The smallest register-block height (quads) covering `rows`, at most `max`. */
export function quadsFor(rows: number, max: number): number {
  const q = rows <= 4 ? 1 : rows <= 8 ? 2 : 4;
  return Math.min(q, max);
}
