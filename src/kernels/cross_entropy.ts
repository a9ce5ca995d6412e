/**
 * Fused softmax cross-entropy: per-row loss, dlogits and argmax hits, then one fixed-order
 * reduction into the batch's mean loss and running totals (no atomics: bit-identical reruns).
 *
 * @module
 */
import { withIncludes } from "./wgsl_include.ts";
import type { Gpu } from "../gpu/device.ts";
import { awaitTable, type Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { LogitsShape } from "../shapes.ts";
import type { GrowingBuffers } from "../gpu/growing_buffers.ts";
import { scratchBuffers } from "./scratch.ts";
import reduceWgsl from "./cross_entropy_reduce.wgsl" with { type: "text" };
import rowsCode from "./cross_entropy_rows.wgsl" with { type: "text" };
import { grid2d } from "../gpu/recorder.ts";
import {
  CROSS_ENTROPY_REDUCE_PARAMS,
  CROSS_ENTROPY_ROWS_PARAMS,
  F32_QUIET_NAN_BITS,
} from "./params.ts";

const reduceCode = withIncludes(reduceWgsl);

/** Override constants of the cross_entropy*.wgsl kernels. */
export interface CrossEntropyTuning {
  /** Invocations per workgroup, both passes (default 64). */
  workgroupSize?: number;
  /** Fan-in of the reduction tree (default 16; ≥ 2). */
  fanIn?: number;
}

/** The cross-entropy pipelines. */
export interface CrossEntropyPipelines {
  /** Pass 1, one invocation per row: loss, argmax hit and dlogits. */
  readonly rows: Kernel;
  /** Pass 2: adds the per-row losses and hits in a fixed order (batch loss, totals). */
  readonly reduce: Kernel;
}

/** The compiled cross-entropy pipelines for one tuning, with their scratch space. */
export interface CrossEntropyKernels extends CrossEntropyPipelines {
  /** The device the pipelines and scratch buffers live on. */
  readonly gpu: Gpu;
  /** The tuning the pipelines were compiled for, defaults filled in. */
  readonly tuning: Readonly<Required<CrossEntropyTuning>>;
  /** @internal Per-row (loss, correct) [N, 2]; placeholders for absent outputs. */
  readonly scratch: GrowingBuffers;
}

/** Compiles (once per device and tuning) the two cross-entropy passes. */
export async function crossEntropyKernels(
  gpu: Gpu,
  tuning: CrossEntropyTuning = {},
): Promise<CrossEntropyKernels> {
  const t = { workgroupSize: tuning.workgroupSize ?? 64, fanIn: tuning.fanIn ?? 16 };
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isInteger(v) || v < (name === "fanIn" ? 2 : 1) || v > 1024) {
      throw new RangeError(`crossEntropy tuning: ${name} = ${v}, expected an integer in [1, 1024]`);
    }
  }
  const pipelines = await awaitTable<CrossEntropyPipelines>({
    rows: gpu.pipelines.get({
      label: "cross_entropy_rows",
      code: rowsCode,
      constants: { WG: t.workgroupSize },
    }),
    reduce: gpu.pipelines.get({
      label: "cross_entropy_reduce",
      code: reduceCode,
      constants: { WG: t.workgroupSize, FAN: t.fanIn },
    }),
  });
  return {
    gpu,
    tuning: Object.freeze(t),
    scratch: scratchBuffers(gpu, "cross_entropy.scratch"),
    ...pipelines,
  };
}

/**
 * Softmax cross-entropy of logits [N, K] against labels [N] (u32 in 0..K−1; a label ≥ K gives a
 * NaN loss). dlogits [N, K] (overwritten, unless null) = (softmax − onehot) / N, the gradient of
 * the mean loss; batchLoss [1] (overwritten, unless null) = the mean loss; totals [4]
 * accumulates (Σ loss, correct count, N, 1 batch), with argmax taking the first maximal index.
 */
export function recordSoftmaxCrossEntropy(
  rec: Recorder,
  k: CrossEntropyKernels,
  t: {
    logits: GpuTensor<"f32">; // [N, K]
    labels: GpuTensor<"u32">; // [N]
    dlogits: GpuTensor<"f32"> | null; // [N, K]
    batchLoss: GpuTensor<"f32"> | null; // [1]
    totals: GpuTensor<"f32">; // [4]
  },
  s: LogitsShape,
): void {
  const what = "softmaxCrossEntropy";
  for (const name of ["N", "K"] as const) {
    const v = s[name];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${what}: shape ${name} = ${v}, expected a positive integer`);
    }
  }
  if (s.N * s.K >= 2 ** 32) {
    throw new RangeError(`${what}: shape ${JSON.stringify(s)} too large for u32 indices`);
  }
  const expect: [string, GpuTensor | null, string, number, string][] = [
    ["logits", t.logits, "f32", s.N * s.K, "[N, K]"],
    ["labels", t.labels, "u32", s.N, "[N]"],
    ["dlogits", t.dlogits, "f32", s.N * s.K, "[N, K]"],
    ["batchLoss", t.batchLoss, "f32", 1, "[1]"],
    ["totals", t.totals, "f32", 4, "[4]"],
  ];
  for (const [name, u, dtype, size, shape] of expect) {
    if (u !== null && (u.dtype !== dtype || u.size !== size)) {
      throw new RangeError(
        `${what}: ${name} ${u.describe()} must be ${dtype} with ${size} elements ${shape}`,
      );
    }
  }
  const partials = k.scratch.get("partials", s.N * 2); // [N, 2]
  // Absent outputs bind a placeholder the kernels never write (flags off).
  const dlogits = t.dlogits ?? k.scratch.get("placeholder", 1);
  const batchLoss = t.batchLoss ?? k.scratch.get("placeholder", 1);
  const pr = CROSS_ENTROPY_ROWS_PARAMS.pack({
    N: s.N,
    K: s.K,
    flags: t.dlogits ? 1 : 0,
    nan_bits: F32_QUIET_NAN_BITS,
  });
  rec.dispatch(
    k.rows,
    [k.gpu.uniform(pr, "cross_entropy_rows.params"), t.logits, t.labels, dlogits, partials],
    grid2d(s.N, k.tuning.workgroupSize),
  );
  const pd = CROSS_ENTROPY_REDUCE_PARAMS.pack({ N: s.N, flags: t.batchLoss ? 1 : 0 });
  rec.dispatch(
    k.reduce,
    [k.gpu.uniform(pd, "cross_entropy_reduce.params"), partials, batchLoss, t.totals],
    1,
  );
}
