/**
 * Activation statistics (fast.ai lesson 17's `ActivationStats`): for a tensor of any shape, the
 * mean, the unbiased std and `torch.histc(|x|, bins=40, min=0, max=10)`, written as one row
 * `[mean, std, hist[0..39]]` of a `[rows, 42]` GPU buffer, so a training run records every batch on
 * the GPU and reads the buffer once. Two dispatches: per-chunk partials, then a fixed-order merge.
 *
 * @module
 */
import { withIncludes } from "./wgsl_include.ts";
import type { Gpu } from "../gpu/device.ts";
import type { Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import actStatsWgsl from "./act_stats.wgsl" with { type: "text" };
import type { GrowingBuffers } from "../gpu/growing_buffers.ts";
import { scratchBuffers } from "./scratch.ts";
import { grid2d } from "../gpu/recorder.ts";
import { ACT_STATS_CHUNK_PARAMS, ACT_STATS_FINAL_PARAMS } from "./params.ts";

const code = withIncludes(actStatsWgsl);

/** Histogram bins: 40 over |x| ∈ [0, 10] (width 0.25). */
export const ACT_STATS_BINS = 40;
/** Floats per output row: `[mean, std, hist[0..39]]`. */
export const ACT_STATS_WIDTH = 42;

/** Override constants of act_stats.wgsl. */
export interface ActStatsTuning {
  /** Invocations per workgroup, for both passes (default 256). */
  workgroupSize?: number;
  /** Values (vec4s on the vector path) per invocation per chunk (default 32). */
  perInvocation?: number;
  /** Fan-in of the in-workgroup merge tree (default 16; ≥ 2). */
  fanIn?: number;
  /** Use the vec4 pass when the element count is a multiple of 4 (default true). */
  vec4?: boolean;
  /**
   * Count into per-invocation bins and add them to the workgroup's once (default true: ~3x faster
   * on lavapipe); false: one workgroup atomic per value.
   */
  privateHistogram?: boolean;
}

/** The compiled activation-statistics pipelines for one tuning, with their scratch space. */
export interface ActStatsKernels {
  /** The device the pipelines and scratch buffers live on. */
  readonly gpu: Gpu;
  /** The tuning the pipelines were compiled for, defaults filled in. */
  readonly tuning: Readonly<Required<ActStatsTuning>>;
  /** Pass 1 on scalars: per-chunk summaries (mean, M2, bin counts). */
  readonly chunk: Kernel;
  /** Pass 1 on vec4s. */
  readonly chunk4: Kernel;
  /** Pass 2: merges the chunk partials in order into the output row. */
  readonly finalize: Kernel;
  /** @internal Chunk partials [G, 42]; reused by every call (dispatches run in order). */
  readonly scratch: GrowingBuffers;
}

/** Compiles (once per device and tuning) the activation-statistics kernels. */
export async function actStatsKernels(
  gpu: Gpu,
  tuning: ActStatsTuning = {},
): Promise<ActStatsKernels> {
  // Defaults measured on lavapipe for the lesson's four activations at bs 1024 (3.2M values):
  // ~8.5 ms per batch; one atomic per value took ~22 ms, PER 16 ~10 ms, PER 64 ~7.5 ms (fewer,
  // larger chunks, which would starve a big GPU of workgroups).
  const t = {
    workgroupSize: tuning.workgroupSize ?? 256,
    perInvocation: tuning.perInvocation ?? 32,
    fanIn: tuning.fanIn ?? 16,
  };
  for (const [name, v] of Object.entries(t)) {
    const lo = name === "fanIn" ? 2 : 1;
    if (!Number.isInteger(v) || v < lo || v > 1024) {
      throw new RangeError(`actStats tuning: ${name} = ${v}, expected an integer in [${lo}, 1024]`);
    }
  }
  // Chunk counts are stored as f32: keep a chunk's values (vec4 path: 4·WG·PER) below 2^24.
  if (4 * t.workgroupSize * t.perInvocation >= 2 ** 24) {
    throw new RangeError(
      `actStats tuning: workgroupSize·perInvocation = ${t.workgroupSize * t.perInvocation}, ` +
        "expected < 2^22",
    );
  }
  const privateHistogram = tuning.privateHistogram ?? true;
  const constants = {
    WG: t.workgroupSize,
    PER: t.perInvocation,
    FAN: t.fanIn,
    PRIVATE_HIST: privateHistogram ? 1 : 0,
  };
  const get = (entryPoint: string) =>
    gpu.pipelines.get({ label: "act_stats", code, entryPoint, constants });
  const [chunk, chunk4, finalize] = await Promise.all([
    get("chunk"),
    get("chunk4"),
    get("finalize"),
  ]);
  return {
    gpu,
    tuning: Object.freeze({ ...t, vec4: tuning.vec4 ?? true, privateHistogram }),
    chunk,
    chunk4,
    finalize,
    scratch: scratchBuffers(gpu, "act_stats.partials"),
  };
}

/**
 * Records the statistics of every element of `t.x` (any shape, ≥ 2 elements) into row `row` of
 * `t.out` [rows, 42]: mean, unbiased std, then the 40 bin counts of |x| over [0, 10] (|x| == 10 in
 * the last bin; larger values, inf and NaN are not counted), counts as f32 (exact below 2^24).
 * Other rows are untouched. Deterministic: reruns give bit-identical rows.
 */
export function recordActStats(
  rec: Recorder,
  k: ActStatsKernels,
  t: {
    x: GpuTensor<"f32">; // any shape, L elements
    out: GpuTensor<"f32">; // [rows, 42]
  },
  row: number,
): void {
  const { x, out } = t;
  const L = x.size;
  const per = k.tuning.workgroupSize * k.tuning.perInvocation;
  if (x.dtype !== "f32" || out.dtype !== "f32") {
    throw new TypeError(`actStats: x ${x.describe()} and out ${out.describe()} must be f32`);
  }
  if (L < 2) {
    throw new RangeError(
      `actStats: ${x.describe()} has ${L} elements, expected ≥ 2 (unbiased std)`,
    );
  }
  if (L > 2 ** 32 - 1 - 4 * per) {
    throw new RangeError(
      `actStats: ${x.describe()} has ${L} elements, expected < 2^32 − ${4 * per}`,
    );
  }
  if (out.shape.length !== 2 || out.shape[1] !== ACT_STATS_WIDTH) {
    throw new RangeError(`actStats: out ${out.describe()}, expected [rows, ${ACT_STATS_WIDTH}]`);
  }
  const rows = out.shape[0];
  if (!Number.isInteger(row) || row < 0 || row >= rows) {
    throw new RangeError(`actStats: row ${row}, expected an integer in [0, ${rows})`);
  }
  const vec = k.tuning.vec4 && L % 4 === 0;
  const n = vec ? L / 4 : L; // pass-1 units: values or vec4s
  const G = Math.ceil(n / per);
  const T = vec ? 4 * per : per; // values per chunk
  const partials = k.scratch.get("partials", G * ACT_STATS_WIDTH); // [G, 42]
  rec.dispatch(
    vec ? k.chunk4 : k.chunk,
    [
      k.gpu.uniform(ACT_STATS_CHUNK_PARAMS.pack({ L: n, G }), "act_stats.chunk.params"),
      x,
      partials,
    ],
    grid2d(G, 1),
  );
  rec.dispatch(
    k.finalize,
    [
      k.gpu.uniform(ACT_STATS_FINAL_PARAMS.pack({ L, G, T, row }), "act_stats.finalize.params"),
      partials,
      out,
    ],
    1,
  );
}
