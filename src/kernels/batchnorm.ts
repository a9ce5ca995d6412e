/**
 * BatchNorm2d kernels: the lesson's variant (unbiased batch variance, statistics constant in the
 * backward) and PyTorch's nn.BatchNorm2d ("standard": biased variance, gradient through the
 * statistics), training and eval. Forward = chunk statistics → per-channel merge (+ running
 * statistics) → apply; backward = chunk sums → per-channel sums (+ parameter gradients) → dx.
 * Every reduction has a fixed order, so reruns are bit-identical. A following GeneralReLU can be
 * fused: apply then writes its output, and the backward passes take its gradient, recomputing
 * the pre-activation with the forward's exact operations (so results equal the separate passes'
 * bit for bit, with one pass over the activations fewer each way).
 *
 * @module
 */
import { withIncludes } from "./wgsl_include.ts";
import type { Gpu } from "../gpu/device.ts";
import { awaitTable, type Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type {
  BatchNormOptions,
  BatchNormVariant,
  GeneralReluOptions,
  NormShape,
} from "../shapes.ts";
import { generalReluFields } from "./activations.ts";
import applyWgsl from "./batchnorm_apply.wgsl" with { type: "text" };
import backDxWgsl from "./batchnorm_backward_dx.wgsl" with { type: "text" };
import backFinalizeCode from "./batchnorm_backward_finalize.wgsl" with { type: "text" };
import backStatsWgsl from "./batchnorm_backward_stats.wgsl" with { type: "text" };
import finalizeCode from "./batchnorm_finalize.wgsl" with { type: "text" };
import statsWgsl from "./batchnorm_stats.wgsl" with { type: "text" };
import { type BatchNormTuning, checkTensors, checkTuning, plan } from "./batchnorm_plan.ts";
import { grid2d } from "../gpu/recorder.ts";
import {
  BATCHNORM_APPLY_PARAMS,
  BATCHNORM_BACKWARD_DX_PARAMS,
  BATCHNORM_BACKWARD_FINALIZE_PARAMS,
  BATCHNORM_BACKWARD_STATS_PARAMS,
  BATCHNORM_FINALIZE_PARAMS,
  BATCHNORM_STATS_PARAMS,
} from "./params.ts";
import type { GrowingBuffers } from "../gpu/growing_buffers.ts";
import { scratchBuffers } from "./scratch.ts";

const applyCode = withIncludes(applyWgsl);
const backDxCode = withIncludes(backDxWgsl);
const backStatsCode = withIncludes(backStatsWgsl);
const statsCode = withIncludes(statsWgsl);

export type { BatchNormOptions, BatchNormTuning, BatchNormVariant, GeneralReluOptions };

/** The fused Act fields (general_relu_fn.wgsl's Act): none (all 0), or a GeneralReLU and on (8). */
function actFields(
  act: GeneralReluOptions | null,
): Record<"act_flags" | "act_leak" | "act_sub" | "act_maxv", number> {
  if (act === null) return { act_flags: 0, act_leak: 0, act_sub: 0, act_maxv: 0 };
  const { flags, leak, sub, maxv } = generalReluFields(act);
  return { act_flags: flags | 8, act_leak: leak, act_sub: sub, act_maxv: maxv };
}

/** The BatchNorm2d pipelines, one per pass and form. */
export interface BatchNormPipelines {
  /** Forward pass 1: per-chunk summaries (mean, M2) [C, G, 2]. */
  readonly stats: Kernel;
  /** Forward pass 2: per-channel mean and rstd (and the running statistics). */
  readonly finalize: Kernel;
  /** Forward pass 3: y = normalised x · mults + adds (and the fused act). */
  readonly apply: Kernel;
  /** Backward pass 1: per-chunk sums of dy and dy·(x − mean). */
  readonly backStats: Kernel;
  /** Backward pass 2: per-channel sums, accumulated into the parameter gradients. */
  readonly backFinalize: Kernel;
  /** Backward pass 3: dx. */
  readonly backDx: Kernel;
  /** apply on vec4s: used when N·C·H·W % 4 == 0 and H·W ≥ 3. */
  readonly apply4: Kernel;
  /** backDx on vec4s: used when N·C·H·W % 4 == 0 and H·W ≥ 3. */
  readonly backDx4: Kernel;
  /** apply per channel (workgroup = chunk of one channel): used when H·W % 4 == 0. */
  readonly applyChan4: Kernel;
  /** backDx per channel (workgroup = chunk of one channel): used when H·W % 4 == 0. */
  readonly backDxChan4: Kernel;
  /** stats on vec4s: used when H·W % 4 == 0. */
  readonly stats4: Kernel;
  /** backStats on vec4s: used when H·W % 4 == 0. */
  readonly backStats4: Kernel;
}

/** The compiled BatchNorm2d pipelines for one tuning, with their scratch space. */
export interface BatchNormKernels extends BatchNormPipelines {
  /** The device the pipelines and scratch buffers live on. */
  readonly gpu: Gpu;
  /** The tuning the pipelines were compiled for, defaults filled in. */
  readonly tuning: Readonly<Required<BatchNormTuning>>;
  /** Loads per chunk of the reduction passes: workgroupSize · chunkPerInvocation. */
  readonly chunk: number;
  /** @internal Chunk partials [C, G, 2] and per-channel sums [C, 2]. */
  readonly scratch: GrowingBuffers;
}

/** Compiles (once per device and tuning) the six BatchNorm2d passes. */
export async function batchNormKernels(
  gpu: Gpu,
  tuning: BatchNormTuning = {},
): Promise<BatchNormKernels> {
  const t: Required<BatchNormTuning> = {
    workgroupSize: tuning.workgroupSize ?? 256,
    perInvocation: tuning.perInvocation ?? 4,
    chunkPerInvocation: tuning.chunkPerInvocation ?? 16,
    fanIn: tuning.fanIn ?? 16,
    perChannel: tuning.perChannel ?? true,
  };
  checkTuning("batchNorm", t);
  const WG = t.workgroupSize;
  const reduce = { WG, PER: t.chunkPerInvocation, FAN: t.fanIn };
  const elementwise = { WG, PER: t.perInvocation };
  const get = (
    label: string,
    code: string,
    constants: Record<string, number>,
    entryPoint = "main",
  ) => gpu.pipelines.get({ label, code, constants, entryPoint });
  const pipelines = await awaitTable<BatchNormPipelines>({
    stats: get("batchnorm_stats", statsCode, reduce),
    finalize: get("batchnorm_finalize", finalizeCode, { WG }),
    apply: get("batchnorm_apply", applyCode, elementwise),
    backStats: get("batchnorm_backward_stats", backStatsCode, reduce),
    backFinalize: get("batchnorm_backward_finalize", backFinalizeCode, { WG }),
    backDx: get("batchnorm_backward_dx", backDxCode, elementwise),
    apply4: get("batchnorm_apply", applyCode, elementwise, "main4"),
    backDx4: get("batchnorm_backward_dx", backDxCode, elementwise, "main4"),
    applyChan4: get("batchnorm_apply", applyCode, elementwise, "chan4"),
    backDxChan4: get("batchnorm_backward_dx", backDxCode, elementwise, "chan4"),
    stats4: get("batchnorm_stats", statsCode, reduce, "main4"),
    backStats4: get("batchnorm_backward_stats", backStatsCode, reduce, "main4"),
  });
  return {
    gpu,
    tuning: Object.freeze(t),
    chunk: t.workgroupSize * t.chunkPerInvocation,
    scratch: scratchBuffers(gpu, "batchnorm.scratch"),
    ...pipelines,
  };
}

/**
 * BatchNorm2d forward over x [N, C, H, W] into y. Training: normalises with the batch statistics
 * (unbiased variance for "lesson", biased for "standard"), writes them to mean [C] and rstd [C],
 * and lerps runMean / runVar [C] in place (toward the unbiased variance in both variants). Eval:
 * normalises with runMean / runVar, writes mean = runMean and rstd = 1/√(runVar + eps), leaves
 * the running statistics alone. mults / adds [C] are read-only parameter slices. With `act`, y is
 * GeneralReLU(BatchNorm(x)) (the pre-activation is not stored: the backward recomputes it).
 */
export function recordBatchNormForward(
  rec: Recorder,
  k: BatchNormKernels,
  t: {
    x: GpuTensor<"f32">; // [N, C, H, W]
    y: GpuTensor<"f32">; // [N, C, H, W]
    mults: GpuTensor<"f32">; // [C]
    adds: GpuTensor<"f32">; // [C]
    runMean: GpuTensor<"f32">; // [C]
    runVar: GpuTensor<"f32">; // [C]
    mean: GpuTensor<"f32">; // [C]
    rstd: GpuTensor<"f32">; // [C]
  },
  s: NormShape,
  o: BatchNormOptions,
  act: GeneralReluOptions | null = null,
): void {
  const { M, HW, count, G, T, vecStats, momentum, eps } = plan("batchNorm forward", k, s, o);
  checkTensors("batchNorm forward", count, s.C, { x: t.x, y: t.y }, {
    mults: t.mults,
    adds: t.adds,
    runMean: t.runMean,
    runVar: t.runVar,
    mean: t.mean,
    rstd: t.rstd,
  });
  const gpu = k.gpu;
  const partials = k.scratch.get("partials", o.training ? s.C * G * 2 : 1); // [C, G, 2]
  if (o.training) {
    // The vec4 kernel counts H·W and M in vec4s.
    const u = vecStats ? 4 : 1;
    const p = gpu.uniform(
      BATCHNORM_STATS_PARAMS.pack({ N: s.N, C: s.C, HW: HW / u, M: M / u, G }),
      "batchnorm_stats.params",
    );
    rec.dispatch(vecStats ? k.stats4 : k.stats, [p, t.x, partials], [G, s.C]);
  }
  const fin = BATCHNORM_FINALIZE_PARAMS.pack({
    C: s.C,
    M,
    G,
    T,
    training: o.training ? 1 : 0,
    unbiased: o.variant === "lesson" ? 1 : 0,
    eps,
    momentum,
  });
  rec.dispatch(
    k.finalize,
    [gpu.uniform(fin, "batchnorm_finalize.params"), partials, t.mean, t.rstd, t.runMean, t.runVar],
    Math.ceil(s.C / k.tuning.workgroupSize),
  );
  const vec4s = count % 4 === 0 && HW >= 3;
  const pa = gpu.uniform(
    BATCHNORM_APPLY_PARAMS.pack({
      count,
      C: s.C,
      HW,
      aligned: HW % 4 === 0 ? 1 : 0,
      ...actFields(act),
    }),
    "batchnorm_apply",
  );
  const chan = vecStats && k.tuning.perChannel;
  rec.dispatch(
    chan ? k.applyChan4 : vec4s ? k.apply4 : k.apply,
    [pa, t.x, t.mean, t.rstd, t.mults, t.adds, t.y],
    chan
      ? chanGrid(k, M / 4, s.C)
      : grid2d(vec4s ? count / 4 : count, k.tuning.workgroupSize * k.tuning.perInvocation),
  );
}

/**
 * BatchNorm2d backward given dy [N, C, H, W] and the forward's x, mean [C] and rstd [C]:
 * dx (overwritten) = mults·rstd·dy, or for "standard" training
 * mults·rstd/M·(M·dy − Σdy − xhat·Σdy·xhat); dadds += Σdy and dmults += Σdy·xhat (accumulated,
 * slices of the gradient arena). With `act` (the forward's), dy is the gradient of the fused
 * GeneralReLU's output; `adds` is then needed to recompute the pre-activation.
 */
export function recordBatchNormBackward(
  rec: Recorder,
  k: BatchNormKernels,
  t: {
    x: GpuTensor<"f32">; // [N, C, H, W]
    dy: GpuTensor<"f32">; // [N, C, H, W]
    dx: GpuTensor<"f32">; // [N, C, H, W]
    mults: GpuTensor<"f32">; // [C]
    /** [C]; needed only with `act` (another [C] tensor is bound in its place otherwise). */
    adds?: GpuTensor<"f32">;
    mean: GpuTensor<"f32">; // [C]
    rstd: GpuTensor<"f32">; // [C]
    dmults: GpuTensor<"f32">; // [C]
    dadds: GpuTensor<"f32">; // [C]
  },
  s: NormShape,
  o: BatchNormOptions,
  act: GeneralReluOptions | null = null,
): void {
  if (act !== null && !t.adds) throw new RangeError("batchNorm backward: a fused act needs adds");
  // Without an act the kernels never read adds: mults stands in to fill the binding.
  const adds = t.adds ?? t.mults;
  const through = o.training && o.variant === "standard";
  const { M, HW, count, G, vecStats } = plan("batchNorm backward", k, s, {
    ...o,
    training: through,
  });
  checkTensors("batchNorm backward", count, s.C, { x: t.x, dy: t.dy, dx: t.dx }, {
    mults: t.mults,
    adds,
    mean: t.mean,
    rstd: t.rstd,
    dmults: t.dmults,
    dadds: t.dadds,
  });
  const partials = k.scratch.get("partials", s.C * G * 2); // [C, G, 2]
  const sums = k.scratch.get("sums", s.C * 2); // [C, 2]
  const p = backwardParams(k.gpu, s, { M, HW, count, G, vecStats, through }, act);
  rec.dispatch(
    vecStats ? k.backStats4 : k.backStats,
    [p.stats, t.x, t.dy, t.mean, partials, t.rstd, t.mults, adds],
    [G, s.C],
  );
  rec.dispatch(
    k.backFinalize,
    [p.finalize, partials, t.rstd, sums, t.dmults, t.dadds],
    Math.ceil(s.C / k.tuning.workgroupSize),
  );
  const vec4s = count % 4 === 0 && HW >= 3;
  const chan = vecStats && k.tuning.perChannel;
  rec.dispatch(
    chan ? k.backDxChan4 : vec4s ? k.backDx4 : k.backDx,
    [p.dx, t.x, t.dy, t.mean, t.rstd, t.mults, sums, t.dx, adds],
    chan
      ? chanGrid(k, M / 4, s.C)
      : grid2d(vec4s ? count / 4 : count, k.tuning.workgroupSize * k.tuning.perInvocation),
  );
}

/** The uniforms of the three backward passes (stats, finalize, dx), made in that order. */
function backwardParams(
  gpu: Gpu,
  s: NormShape,
  p: { M: number; HW: number; count: number; G: number; vecStats: boolean; through: boolean },
  act: GeneralReluOptions | null,
): Record<"stats" | "finalize" | "dx", GpuTensor<"u32">> {
  const { M, HW, count, G } = p;
  const u = p.vecStats ? 4 : 1; // the vec4 kernel counts H·W and M in vec4s
  const a = actFields(act);
  const stats = BATCHNORM_BACKWARD_STATS_PARAMS.pack({
    N: s.N,
    C: s.C,
    HW: HW / u,
    M: M / u,
    G,
    ...a,
  });
  const finalize = BATCHNORM_BACKWARD_FINALIZE_PARAMS.pack({ C: s.C, G });
  const dx = BATCHNORM_BACKWARD_DX_PARAMS.pack({
    ...{ count, C: s.C, HW, M, through_stats: p.through ? 1 : 0 },
    ...{ aligned: HW % 4 === 0 ? 1 : 0, ...a },
  });
  return {
    stats: gpu.uniform(stats, "batchnorm_bstats.params"),
    finalize: gpu.uniform(finalize, "batchnorm_backward_finalize.params"),
    dx: gpu.uniform(dx, "batchnorm_dx.params"),
  };
}

/** Workgroups of the per-channel elementwise kernels: [chunks of m4 vec4s, C]. */
function chanGrid(k: BatchNormKernels, m4: number, C: number): [number, number] {
  return [Math.ceil(m4 / (k.tuning.workgroupSize * k.tuning.perInvocation)), C];
}
