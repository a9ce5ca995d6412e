/**
 * Conv2d forward and backward (input, weight and bias gradients) as implicit GEMMs in WGSL.
 *
 * - forward: `conv2d_pack.wgsl` lays weights and bias out as vec4 over 4 filters in 64 KiB
 *   windows of a uniform buffer; `conv2d_forward.wgsl` runs once per window (and per channel pass
 *   when one filter block's C·K·K weights exceed a window; later passes add to the output).
 * - input gradient: the same with the weights packed over channels, `conv2d_backward_input.wgsl`.
 * - weight and bias gradients: `conv2d_pack_dout.wgsl` transposes dout to [N·OH·OW, F] (vec4 over
 *   4 filters); `conv2d_backward_weight.wgsl` writes one partial sum per chunk of output positions
 *   to a workspace; `conv2d_reduce.wgsl` adds the chunks in order to dw and db.
 *
 * No atomics anywhere: every sum has a fixed order, so reruns are bit-identical. Each kernel comes
 * in register-block heights of 1, 2 and 4 quads (4, 8, 16 filters or channels) up to the tuning's
 * maximum; a launch uses the smallest that covers the rows, so an 8-filter layer does not compute
 * 8 rows of zeros.
 *
 * @module
 */
import type { Gpu } from "../gpu/device.ts";
import type { Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";
import { grid2d } from "./gather.ts";
import packCode from "./conv2d_pack.wgsl" with { type: "text" };
import packDoutCode from "./conv2d_pack_dout.wgsl" with { type: "text" };
import forwardCode from "./conv2d_forward.wgsl" with { type: "text" };
import forwardC1Code from "./conv2d_forward_c1.wgsl" with { type: "text" };
import inputCode from "./conv2d_backward_input.wgsl" with { type: "text" };
import weightCode from "./conv2d_backward_weight.wgsl" with { type: "text" };
import weightC1Code from "./conv2d_backward_weight_c1.wgsl" with { type: "text" };
import reduceCode from "./conv2d_reduce.wgsl" with { type: "text" };

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
  readonly gpu: Gpu;
  readonly tuning: Readonly<Conv2dTuning>;
  /** Weights (and bias) → vec4 windows of the packed buffer. */
  readonly pack: Kernel;
  /** dout → [N·OH·OW, F] vec4 rows of the packed buffer (for the weight gradient). */
  readonly packDout: Kernel;
  readonly forward: ByQuads;
  /**
   * Forward for one input channel, K 3, S 2, P 1, W % 4 == 0 (the first layer): the same sums
   * in the same order as `forward`, with vector loads and stores.
   */
  readonly forwardC1: ByQuads;
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
const WINDOW = 4096;

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

class Conv2dKernelSet implements Conv2dKernels {
  #packed: GpuTensor<"f32"> | null = null;
  #partials: GpuTensor<"f32"> | null = null;
  /** Outgrown workspaces, kept alive for work recorded before they were replaced. */
  readonly #retired: GpuTensor<"f32">[] = [];

  constructor(
    readonly gpu: Gpu,
    readonly tuning: Readonly<Conv2dTuning>,
    readonly pack: Kernel,
    readonly packDout: Kernel,
    readonly forward: ByQuads,
    readonly forwardC1: ByQuads,
    readonly backwardInput: ByQuads,
    readonly backwardWeight: ByQuads,
    readonly backwardWeightC1: Kernel,
    readonly reduce: Kernel,
  ) {}

  workspace(kind: "packed" | "partials", vec4s: number): GpuTensor<"f32"> {
    const have = kind === "packed" ? this.#packed : this.#partials;
    if (have !== null && have.size >= vec4s * 4) return have;
    const t = this.gpu.tensor<"f32">([vec4s * 4], {
      label: `conv2d ${kind}`,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST |
        (kind === "packed" ? GPUBufferUsage.UNIFORM : 0),
    });
    if (have !== null) this.#retired.push(have);
    if (kind === "packed") this.#packed = t;
    else this.#partials = t;
    return t;
  }

  release(): void {
    for (const t of [this.#packed, this.#partials, ...this.#retired]) {
      if (t !== null) this.gpu.destroy(t);
    }
    this.#packed = this.#partials = null;
    this.#retired.length = 0;
  }
}

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
  const [
    pack,
    packDout,
    forward,
    forwardC1,
    backwardInput,
    backwardWeight,
    backwardWeightC1,
    reduce,
  ] = await Promise
    .all([
      gpu.pipelines.get({ label: "conv2d_pack", code: packCode, constants: aux }),
      gpu.pipelines.get({ label: "conv2d_pack_dout", code: packDoutCode, constants: aux }),
      byQuads("conv2d_forward", forwardCode, t.quads, mm),
      byQuads("conv2d_forward_c1", forwardC1Code, t.quads, { WG: t.wg }),
      byQuads("conv2d_backward_input", inputCode, t.quads, mm),
      byQuads("conv2d_backward_weight", weightCode, t.dwQuads, { WG: t.dwWg, COLS: t.dwCols }),
      gpu.pipelines.get({
        label: "conv2d_backward_weight_c1",
        code: weightC1Code,
        constants: { WG: t.dwWg },
      }),
      gpu.pipelines.get({ label: "conv2d_reduce", code: reduceCode, constants: aux }),
    ]);
  return new Conv2dKernelSet(
    gpu,
    t,
    pack,
    packDout,
    forward,
    forwardC1,
    backwardInput,
    backwardWeight,
    backwardWeightC1,
    reduce,
  );
}

/** The smallest register-block height (quads) covering `rows`, at most `max`. */
function quadsFor(rows: number, max: number): number {
  const q = rows <= 4 ? 1 : rows <= 8 ? 2 : 4;
  return Math.min(q, max);
}

type Dims = readonly (readonly [string, number])[];

function convDims(s: Conv2dShape): Record<string, Dims> {
  const { OH, OW } = conv2dOutSize(s);
  const { N, C, H, W, F, K } = s;
  const x: Dims = [["N", N], ["C", C], ["H", H], ["W", W]];
  const w: Dims = [["F", F], ["C", C], ["K", K], ["K", K]];
  const out: Dims = [["N", N], ["F", F], ["OH", OH], ["OW", OW]];
  return { x, w, b: [["F", F]], out, dout: out, dx: x, dw: w, db: [["F", F]] };
}

/**
 * Throws a RangeError naming the tensor unless it is f32 with exactly the element count of `dims`
 * (dimension letter and size), e.g. `conv2d w: expected 72 elements [8,1,3,3], found 80`.
 */
export function expectElements(
  t: GpuTensor,
  { op, name, dims }: { op: string; name: string; dims: Dims },
): void {
  const expected = dims.reduce((a, [, v]) => a * v, 1);
  if (t.size !== expected) {
    throw new RangeError(
      `${op} ${name}: expected ${expected} elements [${dims.map(([, v]) => v).join(",")}], ` +
        `found ${t.size} (${name} is [${dims.map(([d]) => d).join(", ")}])`,
    );
  }
  if (t.dtype !== "f32") {
    throw new RangeError(`${op} ${name}: expected dtype f32, found ${t.dtype}`);
  }
}

function checkTensors(t: Record<string, GpuTensor | null>, s: Conv2dShape): void {
  const dims = convDims(s);
  for (const [name, v] of Object.entries(t)) {
    if (v !== null) expectElements(v, { op: "conv2d", name, dims: dims[name] });
  }
  // Kernels index with u32 (and i32 for x offsets): keep every tensor below 2^31 elements.
  const { OH, OW } = conv2dOutSize(s);
  const biggest = Math.max(s.N * s.C * s.H * s.W, s.N * s.F * OH * OW);
  if (biggest >= 2 ** 31) {
    throw new RangeError(`conv2d shape ${JSON.stringify(s)}: ${biggest} elements ≥ 2^31`);
  }
}

function roundUp(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}

/** How the weights of one launch are packed: passes over the reduction, blocks of 4·Q rows. */
interface PackPlan {
  Q: number;
  /** Reduction elements (channels or filters) per pass, and passes. */
  per: number;
  passes: number;
  /** Row blocks (4·Q rows each) and vec4 slots per block (a multiple of 16: 256-byte offsets). */
  blocks: number;
  BS: number;
  /** Blocks per 64 KiB window. */
  perWindow: number;
}

function packPlan(outer: number, KK: number, rows: number, Q: number, what: string): PackPlan {
  // A block holds `per`·K·K·Q weight slots plus Q bias slots.
  const per = Math.min(outer, Math.floor((WINDOW / Q - 1) / KK));
  if (per < 1) {
    throw new RangeError(
      `${what}: K·K = ${KK} taps × ${Q} quads exceed a ${WINDOW}-slot uniform window`,
    );
  }
  const BS = roundUp((per * KK + 1) * Q, 16);
  return {
    Q,
    per,
    passes: Math.ceil(outer / per),
    blocks: Math.ceil(rows / (4 * Q)),
    BS,
    perWindow: Math.floor(WINDOW / BS),
  };
}

function u32s(values: number[], label: string, gpu: Gpu): GpuTensor<"u32"> {
  return gpu.uniform(new Uint32Array(values), label);
}

/** Records the pack of `w` (and `b`) into the packed workspace; returns the workspace. */
function recordPack(
  rec: Recorder,
  k: Conv2dKernels,
  t: { w: GpuTensor<"f32">; b: GpuTensor<"f32"> | null },
  plan: PackPlan,
  layout: { rows: number; red: number; KK: number; rowStride: number; outerStride: number },
): GpuTensor<"f32"> {
  const total = plan.passes * plan.blocks * plan.BS;
  const packed = k.workspace("packed", total + WINDOW);
  const params = u32s(
    [
      layout.rows,
      layout.red,
      plan.per * layout.KK,
      layout.KK,
      layout.rowStride,
      layout.outerStride,
      plan.Q,
      plan.blocks,
      plan.BS,
      total,
      t.b !== null ? 1 : 0,
    ],
    "conv2d_pack params",
    k.gpu,
  );
  rec.dispatch(k.pack, [t.w, t.b ?? t.w, params, packed], grid2d(total, k.tuning.auxWg));
  return packed;
}

/** Windows of one pass: [first block, block count, the 64 KiB window bound for them]. */
function* windows(
  packed: GpuTensor<"f32">,
  plan: PackPlan,
  pass: number,
): Generator<[number, number, GpuTensor<"f32">]> {
  for (let b0 = 0; b0 < plan.blocks; b0 += plan.perWindow) {
    const start = (pass * plan.blocks + b0) * plan.BS * 4;
    yield [b0, Math.min(plan.perWindow, plan.blocks - b0), packed.slice(start, [WINDOW * 4])];
  }
}

/**
 * Records out [N, F, OH, OW] = conv2d(x [N, C, H, W], w [F, C, K, K]) + b [F] (b may be null).
 * `out` is overwritten. Tensors may be slices of larger buffers; `out` must not share a buffer
 * with x, w or b. One-channel K3 S2 P1 convs with W % 4 == 0 take the `forwardC1` kernel
 * (bit-identical) unless `options.generic` (for tests).
 */
export function recordConv2dForward(
  rec: Recorder,
  k: Conv2dKernels,
  t: {
    x: GpuTensor<"f32">;
    w: GpuTensor<"f32">;
    b: GpuTensor<"f32"> | null;
    out: GpuTensor<"f32">;
  },
  s: Conv2dShape,
  options: { generic?: boolean } = {},
): void {
  checkTensors(t, s);
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  const KK = K * K;
  const Q = quadsFor(F, k.tuning.quads);
  const plan = packPlan(C, KK, F, Q, `conv2d ${JSON.stringify(s)}`);
  const packed = recordPack(rec, k, t, plan, {
    rows: F,
    red: C * KK,
    KK,
    rowStride: C * KK,
    outerStride: KK,
  });
  const J = N * OH * OW;
  const c1 = C === 1 && K === 3 && S === 2 && P === 1 && W % 4 === 0 && !options.generic;
  const grid = c1
    ? grid2d(Math.ceil((N * Math.ceil(OH / 4) * (OW / 2)) / k.tuning.wg), 1) // 4-row groups
    : grid2d(Math.ceil(J / (k.tuning.wg * k.tuning.cols)), 1);
  for (let pass = 0; pass < plan.passes; pass++) {
    const c0 = pass * plan.per;
    for (const [fb0, count, window] of windows(packed, plan, pass)) {
      const params = u32s(
        [
          N,
          C,
          H,
          W,
          F,
          K,
          S,
          P,
          OH,
          OW,
          J,
          c0,
          Math.min(plan.per, C - c0),
          fb0,
          plan.BS,
          pass > 0 ? 1 : 0,
          plan.per * KK * Q,
        ],
        "conv2d_forward params",
        k.gpu,
      );
      rec.dispatch((c1 ? k.forwardC1 : k.forward)[Q], [t.x, window, params, t.out], [
        ...grid,
        count,
      ]);
    }
  }
}

/**
 * Records the conv gradients given dout [N, F, OH, OW]: dx [N, C, H, W] is overwritten (skipped
 * when null, e.g. for the first layer); dw [F, C, K, K] and db [F] (skipped when null) are
 * ACCUMULATED (+=). dw and db may be slices of one buffer; none of dx, dw, db may share a buffer
 * with x, w or dout.
 */
export function recordConv2dBackward(
  rec: Recorder,
  k: Conv2dKernels,
  t: {
    x: GpuTensor<"f32">;
    w: GpuTensor<"f32">;
    dout: GpuTensor<"f32">;
    dx: GpuTensor<"f32"> | null;
    dw: GpuTensor<"f32">;
    db: GpuTensor<"f32"> | null;
  },
  s: Conv2dShape,
): void {
  checkTensors(t, s);
  if (t.dx !== null) recordConv2dInputGradient(rec, k, { w: t.w, dout: t.dout, dx: t.dx }, s);
  recordConv2dWeightGradient(rec, k, { x: t.x, dout: t.dout, dw: t.dw, db: t.db }, s);
}

/**
 * Records only the input gradient dx [N, C, H, W] (overwritten) of {@link recordConv2dBackward}.
 * Tensor sizes are not checked here.
 */
export function recordConv2dInputGradient(
  rec: Recorder,
  k: Conv2dKernels,
  t: { w: GpuTensor<"f32">; dout: GpuTensor<"f32">; dx: GpuTensor<"f32"> },
  s: Conv2dShape,
): void {
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  const KK = K * K;
  const Q = quadsFor(C, k.tuning.quads);
  const plan = packPlan(F, KK, C, Q, `conv2d ${JSON.stringify(s)}`);
  const packed = recordPack(rec, k, { w: t.w, b: null }, plan, {
    rows: C,
    red: F * KK,
    KK,
    rowStride: KK,
    outerStride: C * KK,
  });
  // The largest phase class has ⌈H/S⌉·⌈W/S⌉ positions per image.
  const Jc = N * Math.ceil(H / S) * Math.ceil(W / S);
  const grid = grid2d(Math.ceil(Jc / (k.tuning.wg * k.tuning.cols)), 1);
  if (S * S * plan.perWindow > 65535) {
    throw new RangeError(`conv2d ${JSON.stringify(s)}: S·S·blocks exceeds 65535 workgroups`);
  }
  for (let pass = 0; pass < plan.passes; pass++) {
    const f0 = pass * plan.per;
    for (const [cb0, count, window] of windows(packed, plan, pass)) {
      const params = u32s(
        [
          N,
          C,
          H,
          W,
          F,
          K,
          S,
          P,
          OH,
          OW,
          f0,
          Math.min(plan.per, F - f0),
          cb0,
          count,
          plan.BS,
          pass > 0 ? 1 : 0,
        ],
        "conv2d_backward_input params",
        k.gpu,
      );
      rec.dispatch(k.backwardInput[Q], [t.dout, window, params, t.dx], [...grid, S * S * count]);
    }
  }
}

/** Weight-gradient work split: one invocation per (chunk, filter block, column block). */
export interface WeightPlan {
  /** Register-block height: 4·Q filters per invocation. */
  Q: number;
  /** Filter blocks of 4·Q filters, column blocks of dwCols columns of the R + 1. */
  NB: number;
  XB: number;
  /** Positions per chunk, and chunks (partials). */
  JC: number;
  Z: number;
}

/**
 * Splits the weight-gradient GEMM (F × R1 with R1 = C·K·K + 1 columns, the last one for the bias,
 * reduction over J = N·OH·OW positions) into invocations.
 */
export function weightPlan(
  { R1, F, J }: { R1: number; F: number; J: number },
  t: Readonly<Conv2dTuning>,
): WeightPlan {
  const Q = quadsFor(F, t.dwQuads);
  const NB = Math.ceil(F / (4 * Q));
  const XB = Math.ceil(R1 / t.dwCols);
  let JC = Math.min(t.chunk, J);
  // Shorter chunks give more invocations (parallelism) at the price of more partials to store
  // and add; below ~16 positions the partials cost more than the chunk.
  while (JC > 16 && NB * XB * Math.ceil(J / JC) < t.minLanes) {
    JC = Math.max(16, Math.ceil(JC / 2));
  }
  return { Q, NB, XB, JC, Z: Math.ceil(J / JC) };
}

/**
 * Records only the accumulated weight and bias gradients (dw += …, and db += … when db is not
 * null) of {@link recordConv2dBackward}. Tensor sizes are not checked here. One-channel K3 S2 P1
 * convs with W % 4 == 0 (and an even chunk) take the `backwardWeightC1` kernel (bit-identical)
 * unless `options.generic` (for tests).
 */
export function recordConv2dWeightGradient(
  rec: Recorder,
  k: Conv2dKernels,
  t: {
    x: GpuTensor<"f32">;
    dout: GpuTensor<"f32">;
    dw: GpuTensor<"f32">;
    db: GpuTensor<"f32"> | null;
  },
  s: Conv2dShape,
  options: { generic?: boolean } = {},
): void {
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  const R = C * K * K;
  const J = N * OH * OW;
  const plan = weightPlan({ R1: R + 1, F, J }, k.tuning);
  const c1 = C === 1 && K === 3 && S === 2 && P === 1 && W % 4 === 0 && plan.JC % 2 === 0 &&
    !options.generic;
  const params = u32s(
    [N, C, H, W, F, K, S, P, OH, OW, J, plan.JC, plan.Z, plan.NB, plan.XB],
    "conv2d_backward_weight params",
    k.gpu,
  );
  const part = k.workspace("partials", Math.ceil((plan.Z * F * (R + 1)) / 4));
  if (c1) {
    rec.dispatch(
      k.backwardWeightC1,
      [t.x, t.dout, params, part],
      grid2d(plan.Z * Math.ceil(F / 4), k.tuning.dwWg),
    );
  } else {
    // dout as [J, NB·Q] vec4 over 4 filters: one vec4 load per 4 filters in the GEMM.
    const row = plan.NB * plan.Q;
    const dt = k.workspace("packed", J * row);
    const packParams = u32s([F, OH * OW, row, J * row], "conv2d_pack_dout params", k.gpu);
    rec.dispatch(k.packDout, [t.dout, packParams, dt], grid2d(J * row, k.tuning.auxWg));
    rec.dispatch(
      k.backwardWeight[plan.Q],
      [t.x, dt.prefix([J * row * 4]), params, part],
      grid2d(plan.Z * plan.NB * plan.XB, k.tuning.dwWg),
    );
  }
  const reduceParams = u32s([F, R, plan.Z, t.db !== null ? 1 : 0], "conv2d_reduce params", k.gpu);
  // Without db another buffer fills its binding, never written: not dw, since WebGPU forbids two
  // overlapping writable bindings in one dispatch (Dawn rejects it; wgpu does not check).
  rec.dispatch(
    k.reduce,
    [part, reduceParams, t.dw, t.db ?? k.workspace("packed", 1)],
    grid2d(F * (R + 1), k.tuning.auxWg),
  );
}
