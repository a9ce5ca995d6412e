/**
 * The uniform parameter block of every product kernel, declared once (issue 17): each launcher
 * packs its uniform with `BLOCK.pack({ ...named values })`, and `param_block_test.ts` holds each
 * block to the struct of the same name in the `.wgsl` files listed in {@link PARAM_BLOCK_FILES}
 * (field names, types, order and offsets), and fails for a `var<uniform>` struct without a block.
 * The probe kernels (src/perf/probes: fma_peak, load_cost, matmul, norm_bench, conv2d_bench) keep
 * their own packing.
 *
 * @module
 */
import { type ParamBlock, paramBlock } from "./param_block.ts";

/** act_stats.wgsl ChunkParams: the per-chunk pass. */
export const ACT_STATS_CHUNK_PARAMS = paramBlock("ChunkParams", [
  ["L", "u32"], // values of x (chunk4: vec4s)
  ["G", "u32"], // chunks
]);

/** act_stats.wgsl FinalParams: the merge of the chunks into one row of out. */
export const ACT_STATS_FINAL_PARAMS = paramBlock("FinalParams", [
  ["L", "u32"],
  ["G", "u32"],
  ["T", "u32"], // values per chunk
  ["row", "u32"],
]);

/** activations.wgsl Params: the element count, then GeneralReLU's settings. */
export const GENERAL_RELU_PARAMS = paramBlock("Params", [
  ["count", "u32"],
  ["flags", "u32"], // 1 leak, 2 sub, 4 maxv
  ["leak", "f32"],
  ["sub", "f32"],
  ["maxv", "f32"],
]);

/** The fused GeneralReLU (general_relu_fn.wgsl's Act) ending three batchnorm blocks. */
const ACT = [
  ["act_flags", "u32"], // 8 (on) | 1 leak | 2 sub | 4 maxv; 0: no activation
  ["act_leak", "f32"],
  ["act_sub", "f32"],
  ["act_maxv", "f32"],
] as const;

/** batchnorm_stats.wgsl Params (main4 counts HW and M in vec4s). */
export const BATCHNORM_STATS_PARAMS = paramBlock("Params", [
  ["N", "u32"],
  ["C", "u32"],
  ["HW", "u32"],
  ["M", "u32"],
  ["G", "u32"],
]);

/** batchnorm_finalize.wgsl Params. */
export const BATCHNORM_FINALIZE_PARAMS = paramBlock("Params", [
  ["C", "u32"],
  ["M", "u32"],
  ["G", "u32"],
  ["T", "u32"],
  ["training", "u32"],
  ["unbiased", "u32"],
  ["eps", "f32"],
  ["momentum", "f32"],
]);

/** batchnorm_apply.wgsl Params. */
export const BATCHNORM_APPLY_PARAMS = paramBlock("Params", [
  ["count", "u32"],
  ["C", "u32"],
  ["HW", "u32"],
  ["aligned", "u32"],
  ...ACT,
]);

/** batchnorm_backward_stats.wgsl Params (main4 counts HW and M in vec4s). */
export const BATCHNORM_BACKWARD_STATS_PARAMS = paramBlock("Params", [
  ["N", "u32"],
  ["C", "u32"],
  ["HW", "u32"],
  ["M", "u32"],
  ["G", "u32"],
  ...ACT,
]);

/** batchnorm_backward_finalize.wgsl Params. */
export const BATCHNORM_BACKWARD_FINALIZE_PARAMS = paramBlock("Params", [
  ["C", "u32"],
  ["G", "u32"],
]);

/** batchnorm_backward_dx.wgsl Params. */
export const BATCHNORM_BACKWARD_DX_PARAMS = paramBlock("Params", [
  ["count", "u32"],
  ["C", "u32"],
  ["HW", "u32"],
  ["M", "u32"],
  ["through_stats", "u32"],
  ["aligned", "u32"],
  ...ACT,
]);

/** The conv shape and output size opening every conv launch block. */
const CONV_SHAPE = [
  ["N", "u32"],
  ["C", "u32"],
  ["H", "u32"],
  ["W", "u32"],
  ["F", "u32"],
  ["K", "u32"],
  ["S", "u32"],
  ["P", "u32"],
  ["OH", "u32"],
  ["OW", "u32"],
] as const;

/** conv2d_forward.wgsl and conv2d_forward_c1.wgsl Params. */
export const CONV2D_FORWARD_PARAMS = paramBlock("Params", [
  ...CONV_SHAPE,
  ["J", "u32"],
  ["c0", "u32"],
  ["CC", "u32"],
  ["fb0", "u32"],
  ["BS", "u32"],
  ["accumulate", "u32"],
  ["bias_at", "u32"],
]);

/** conv2d_backward_input.wgsl Params. */
export const CONV2D_BACKWARD_INPUT_PARAMS = paramBlock("Params", [
  ...CONV_SHAPE,
  ["f0", "u32"],
  ["FC", "u32"],
  ["cb0", "u32"],
  ["NBw", "u32"],
  ["BS", "u32"],
  ["accumulate", "u32"],
]);

/** conv2d_backward_weight.wgsl and conv2d_backward_weight_c1.wgsl Params. */
export const CONV2D_BACKWARD_WEIGHT_PARAMS = paramBlock("Params", [
  ...CONV_SHAPE,
  ["J", "u32"],
  ["JC", "u32"],
  ["Z", "u32"],
  ["NB", "u32"],
  ["XB", "u32"],
]);

/** conv2d_pack.wgsl Params. */
export const CONV2D_PACK_PARAMS = paramBlock("Params", [
  ["rows", "u32"],
  ["red", "u32"],
  ["rp", "u32"],
  ["KK", "u32"],
  ["row_stride", "u32"],
  ["outer_stride", "u32"],
  ["Q", "u32"],
  ["NB", "u32"],
  ["BS", "u32"],
  ["total", "u32"],
  ["has_bias", "u32"],
]);

/** conv2d_pack_dout.wgsl Params. */
export const CONV2D_PACK_DOUT_PARAMS = paramBlock("Params", [
  ["F", "u32"],
  ["OHW", "u32"],
  ["row", "u32"],
  ["total", "u32"],
]);

/** conv2d_reduce.wgsl Params. */
export const CONV2D_REDUCE_PARAMS = paramBlock("Params", [
  ["F", "u32"],
  ["R", "u32"],
  ["Z", "u32"],
  ["has_db", "u32"],
]);

/** cross_entropy_rows.wgsl Params. */
export const CROSS_ENTROPY_ROWS_PARAMS = paramBlock("Params", [
  ["N", "u32"],
  ["K", "u32"],
  ["flags", "u32"], // 1: write dlogits
  // The bits of a quiet NaN (0x7fc00000), read by the kernel through bitcast<f32>: a NaN the
  // compiler cannot fold away (a const NaN is a WGSL error). A u32 in WGSL, so a u32 here.
  ["nan_bits", "u32"],
]);

/** The bits {@link CROSS_ENTROPY_ROWS_PARAMS}' `nan_bits` carries: f32 quiet NaN. */
export const F32_QUIET_NAN_BITS = 0x7fc00000;

/** cross_entropy_reduce.wgsl Params. */
export const CROSS_ENTROPY_REDUCE_PARAMS = paramBlock("Params", [
  ["N", "u32"],
  ["flags", "u32"], // 1: write batch_loss
]);

/** gather.wgsl Params. */
export const GATHER_PARAMS = paramBlock("Params", [
  ["start", "u32"],
  ["count", "u32"],
  ["words", "u32"], // u32 words per image: H·W/4
  ["mean", "f32"],
  ["std_dev", "f32"],
]);

/** layernorm_forward.wgsl Params. */
export const LAYERNORM_FORWARD_PARAMS = paramBlock("Params", [
  ["N", "u32"],
  ["D", "u32"], // C·H·W
  ["eps", "f32"],
]);

/** layernorm_backward.wgsl Params. */
export const LAYERNORM_BACKWARD_PARAMS = paramBlock("Params", [
  ["N", "u32"],
  ["D", "u32"],
]);

/** layernorm_backward_reduce.wgsl Params. */
export const LAYERNORM_REDUCE_PARAMS = paramBlock("Params", [["N", "u32"]]);

/**
 * Each product kernel file in src/kernels and its uniform structs' blocks, struct name → block
 * (what `param_block_test.ts` checks against the WGSL).
 */
export const PARAM_BLOCK_FILES: Readonly<Record<string, Readonly<Record<string, ParamBlock>>>> =
  Object.freeze({
    "act_stats.wgsl": { ChunkParams: ACT_STATS_CHUNK_PARAMS, FinalParams: ACT_STATS_FINAL_PARAMS },
    "activations.wgsl": { Params: GENERAL_RELU_PARAMS },
    "batchnorm_stats.wgsl": { Params: BATCHNORM_STATS_PARAMS },
    "batchnorm_finalize.wgsl": { Params: BATCHNORM_FINALIZE_PARAMS },
    "batchnorm_apply.wgsl": { Params: BATCHNORM_APPLY_PARAMS },
    "batchnorm_backward_stats.wgsl": { Params: BATCHNORM_BACKWARD_STATS_PARAMS },
    "batchnorm_backward_finalize.wgsl": { Params: BATCHNORM_BACKWARD_FINALIZE_PARAMS },
    "batchnorm_backward_dx.wgsl": { Params: BATCHNORM_BACKWARD_DX_PARAMS },
    "conv2d_forward.wgsl": { Params: CONV2D_FORWARD_PARAMS },
    "conv2d_forward_c1.wgsl": { Params: CONV2D_FORWARD_PARAMS },
    "conv2d_backward_input.wgsl": { Params: CONV2D_BACKWARD_INPUT_PARAMS },
    "conv2d_backward_weight.wgsl": { Params: CONV2D_BACKWARD_WEIGHT_PARAMS },
    "conv2d_backward_weight_c1.wgsl": { Params: CONV2D_BACKWARD_WEIGHT_PARAMS },
    "conv2d_pack.wgsl": { Params: CONV2D_PACK_PARAMS },
    "conv2d_pack_dout.wgsl": { Params: CONV2D_PACK_DOUT_PARAMS },
    "conv2d_reduce.wgsl": { Params: CONV2D_REDUCE_PARAMS },
    "cross_entropy_rows.wgsl": { Params: CROSS_ENTROPY_ROWS_PARAMS },
    "cross_entropy_reduce.wgsl": { Params: CROSS_ENTROPY_REDUCE_PARAMS },
    "gather.wgsl": { Params: GATHER_PARAMS },
    "layernorm_forward.wgsl": { Params: LAYERNORM_FORWARD_PARAMS },
    "layernorm_backward.wgsl": { Params: LAYERNORM_BACKWARD_PARAMS },
    "layernorm_backward_reduce.wgsl": { Params: LAYERNORM_REDUCE_PARAMS },
  });
