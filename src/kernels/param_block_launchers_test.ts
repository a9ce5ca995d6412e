/**
 * The launchers' uniform words against the words they wrote before their parameter blocks were
 * declared (issue 17): every scenario of `tests/launch_capture.ts` (GeneralReLU, BatchNorm2d with
 * and without a fused act, LayerNorm, cross-entropy, activation statistics, conv2d forward and
 * gradients incl. the c1 kernels and multi-pass launches, gather) is recorded against a stand-in
 * device, and each uniform must equal, word for word and in order, the array the positional code
 * wrote at the commit before (captured by running the same scenarios there, pasted literally).
 * No GPU needed.
 */
import assert from "node:assert/strict";
import { captureLaunches } from "../../tests/launch_capture.ts";

/** Scenario → [label, words] per uniform, in call order, from the positional launchers. */
const BEFORE: Record<string, [string, number[]][]> = {
  generalRelu: [
    ["general_relu.params", [10, 0, 0, 0, 0]],
    ["general_relu.params", [10, 0, 0, 0, 0]],
    ["general_relu.params", [8, 7, 0x3dcccccd, 0x3ecccccd, 0x40c00000]],
    ["general_relu.params", [8, 7, 0x3dcccccd, 0x3ecccccd, 0x40c00000]],
    ["general_relu.params", [7, 1, 0xbe800000, 0, 0]],
    ["general_relu.params", [7, 1, 0xbe800000, 0, 0]],
  ],
  batchNorm: [
    ["batchnorm_stats.params", [2, 3, 25, 50, 1]],
    ["batchnorm_finalize.params", [3, 50, 1, 128, 1, 1, 0x3727c5ac, 0x3dcccccd]],
    ["batchnorm_apply", [150, 3, 25, 0, 0, 0, 0, 0]],
    ["batchnorm_bstats.params", [2, 3, 25, 50, 1, 0, 0, 0, 0]],
    ["batchnorm_backward_finalize.params", [3, 1]],
    ["batchnorm_dx.params", [150, 3, 25, 50, 0, 0, 0, 0, 0, 0]],
    ["batchnorm_stats.params", [4, 8, 4, 16, 1]],
    ["batchnorm_finalize.params", [8, 64, 1, 512, 1, 0, 0x3a83126f, 0x3e4ccccd]],
    ["batchnorm_apply", [512, 8, 16, 1, 11, 0x3dcccccd, 0x3ecccccd, 0]],
    ["batchnorm_bstats.params", [4, 8, 4, 16, 1, 11, 0x3dcccccd, 0x3ecccccd, 0]],
    ["batchnorm_backward_finalize.params", [8, 1]],
    ["batchnorm_dx.params", [512, 8, 16, 64, 1, 1, 11, 0x3dcccccd, 0x3ecccccd, 0]],
    ["batchnorm_finalize.params", [2, 27, 1, 128, 0, 0, 0x3727c5ac, 0x3dcccccd]],
    ["batchnorm_apply", [54, 2, 9, 0, 12, 0, 0, 0x40c00000]],
    ["batchnorm_bstats.params", [3, 2, 9, 27, 1, 12, 0, 0, 0x40c00000]],
    ["batchnorm_backward_finalize.params", [2, 1]],
    ["batchnorm_dx.params", [54, 2, 9, 27, 0, 0, 12, 0, 0, 0x40c00000]],
    ["batchnorm_stats.params", [64, 16, 49, 3136, 25]],
    ["batchnorm_finalize.params", [16, 3136, 25, 128, 1, 1, 0x3727c5ac, 0x3d4ccccd]],
    ["batchnorm_apply", [50176, 16, 49, 0, 8, 0, 0, 0]],
    ["batchnorm_bstats.params", [64, 16, 49, 3136, 25, 8, 0, 0, 0]],
    ["batchnorm_backward_finalize.params", [16, 25]],
    ["batchnorm_dx.params", [50176, 16, 49, 3136, 0, 0, 8, 0, 0, 0]],
  ],
  layerNorm: [
    ["layernorm_forward.params", [3, 18, 0x3a83126f]],
    ["layernorm_backward.params", [3, 18]],
    ["layernorm_reduce.params", [3]],
    ["layernorm_forward.params", [2, 16, 0x3727c5ac]],
    ["layernorm_backward.params", [2, 16]],
    ["layernorm_reduce.params", [2]],
  ],
  crossEntropy: [
    ["cross_entropy_rows.params", [5, 10, 1, 0x7fc00000]],
    ["cross_entropy_reduce.params", [5, 1]],
    ["cross_entropy_rows.params", [3, 7, 0, 0x7fc00000]],
    ["cross_entropy_reduce.params", [3, 0]],
  ],
  actStats: [
    ["act_stats.chunk.params", [250, 1]],
    ["act_stats.finalize.params", [1000, 1, 1024, 1]],
    ["act_stats.chunk.params", [1001, 4]],
    ["act_stats.finalize.params", [1001, 4, 256, 0]],
    ["act_stats.chunk.params", [1250, 5]],
    ["act_stats.finalize.params", [5000, 5, 1024, 2]],
  ],
  conv2d: [
    ["conv2d_pack params", [8, 9, 9, 9, 9, 9, 2, 1, 32, 32, 1]],
    ["conv2d_forward params", [2, 1, 28, 28, 8, 3, 2, 1, 14, 14, 392, 0, 1, 0, 32, 0, 18]],
    ["conv2d_backward_weight params", [2, 1, 28, 28, 8, 3, 2, 1, 14, 14, 392, 16, 25, 1, 2]],
    ["conv2d_reduce params", [8, 9, 25, 1]],
    ["conv2d_pack params", [16, 72, 72, 9, 72, 9, 4, 1, 304, 304, 0]],
    ["conv2d_forward params", [3, 8, 14, 14, 16, 3, 2, 1, 7, 7, 147, 0, 8, 0, 304, 0, 288]],
    ["conv2d_pack params", [8, 144, 144, 9, 9, 72, 2, 1, 304, 304, 0]],
    ["conv2d_backward_input params", [3, 8, 14, 14, 16, 3, 2, 1, 7, 7, 0, 16, 0, 1, 304, 0]],
    ["conv2d_backward_weight params", [3, 8, 14, 14, 16, 3, 2, 1, 7, 7, 147, 16, 10, 1, 10]],
    ["conv2d_pack_dout params", [16, 49, 4, 588]],
    ["conv2d_reduce params", [16, 72, 10, 0]],
    ["conv2d_pack params", [6, 45, 45, 9, 45, 9, 2, 1, 96, 96, 1]],
    ["conv2d_forward params", [2, 5, 9, 7, 6, 3, 1, 0, 7, 5, 70, 0, 5, 0, 96, 0, 90]],
    ["conv2d_pack params", [5, 54, 54, 9, 9, 45, 2, 1, 112, 112, 0]],
    ["conv2d_backward_input params", [2, 5, 9, 7, 6, 3, 1, 0, 7, 5, 0, 6, 0, 1, 112, 0]],
    ["conv2d_backward_weight params", [2, 5, 9, 7, 6, 3, 1, 0, 7, 5, 70, 16, 5, 1, 6]],
    ["conv2d_pack_dout params", [6, 35, 2, 140]],
    ["conv2d_reduce params", [6, 45, 5, 1]],
    ["conv2d_pack params", [64, 1600, 1000, 25, 1600, 25, 4, 4, 4016, 32128, 0]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 0, 40, 0, 4016, 0, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 0, 40, 1, 4016, 0, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 0, 40, 2, 4016, 0, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 0, 40, 3, 4016, 0, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 40, 24, 0, 4016, 1, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 40, 24, 1, 4016, 1, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 40, 24, 2, 4016, 1, 4000]],
    ["conv2d_forward params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 40, 24, 3, 4016, 1, 4000]],
    ["conv2d_pack params", [64, 1600, 1000, 25, 25, 1600, 4, 4, 4016, 32128, 0]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 0, 40, 0, 1, 4016, 0]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 0, 40, 1, 1, 4016, 0]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 0, 40, 2, 1, 4016, 0]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 0, 40, 3, 1, 4016, 0]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 40, 24, 0, 1, 4016, 1]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 40, 24, 1, 1, 4016, 1]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 40, 24, 2, 1, 4016, 1]],
    ["conv2d_backward_input params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 40, 24, 3, 1, 4016, 1]],
    ["conv2d_backward_weight params", [1, 64, 6, 6, 64, 5, 1, 2, 6, 6, 36, 16, 3, 4, 201]],
    ["conv2d_pack_dout params", [64, 36, 16, 576]],
    ["conv2d_reduce params", [64, 1600, 3, 0]],
    ["conv2d_backward_weight params", [2, 1, 28, 28, 8, 3, 2, 1, 14, 14, 392, 16, 25, 1, 2]],
    ["conv2d_pack_dout params", [8, 196, 2, 784]],
    ["conv2d_reduce params", [8, 9, 25, 1]],
  ],
  gather: [
    ["gather params", [5, 3, 196, 0x3e926e98, 0x3eb4bc6a]],
    ["gather params", [0, 1024, 196, 0, 0x3f800000]],
  ],
};

Deno.test("param blocks: every launcher writes the same uniform words as the positional code", async () => {
  const now = await captureLaunches();
  assert.deepStrictEqual(Object.keys(now), Object.keys(BEFORE));
  for (const [scenario, uniforms] of Object.entries(BEFORE)) {
    const got = now[scenario].map(({ label, words }) => [label, words]);
    assert.strictEqual(got.length, uniforms.length, `${scenario}: uniform count`);
    for (const [i, expected] of uniforms.entries()) {
      assert.deepStrictEqual(got[i], expected, `${scenario} uniform ${i} (${expected[0]})`);
    }
  }
});
