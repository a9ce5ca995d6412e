import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { actStatsKernels } from "./act_stats.ts";
import { ADAPTER_VARIANTS, adapterKind } from "./adapter_variants.ts";
import { generalReluKernels } from "./activations.ts";
import { batchNormKernels } from "./batchnorm.ts";
import { conv2dKernels } from "./conv2d.ts";
import { crossEntropyKernels } from "./cross_entropy.ts";
import { layerNormKernels } from "./layernorm.ts";

const adapter = (over: Partial<Parameters<typeof adapterKind>[0]>) => ({
  isFallbackAdapter: false,
  vendor: "",
  architecture: "",
  device: "",
  description: "",
  ...over,
});

Deno.test("adapterKind: fallback adapters and software rasterisers are cpu, hardware gpu", () => {
  assert.equal(adapterKind(adapter({ isFallbackAdapter: true })), "cpu");
  assert.equal(adapterKind(adapter({ description: "llvmpipe (LLVM 15.0.7, 256 bits)" })), "cpu");
  assert.equal(adapterKind(adapter({ vendor: "google", device: "SwiftShader Device" })), "cpu");
  assert.equal(adapterKind(adapter({ vendor: "nvidia", description: "NVIDIA H200" })), "gpu");
  assert.equal(adapterKind(adapter({})), "gpu");
});

Deno.test({
  name: "adapter variants: the cpu row is what every family compiles to when given nothing",
  ignore: noGpu,
  async fn() {
    // The lavapipe-measured defaults live in the launchers and in the table: they must agree,
    // or the table would say one thing and the code do another.
    const gpu = testGpu();
    const cpu = ADAPTER_VARIANTS.cpu;
    const pick = (t: object, keys: readonly string[]) =>
      Object.fromEntries(Object.entries(t).filter(([k]) => keys.includes(k)));
    const same = (got: object, row: object | undefined, what: string) =>
      assert.deepEqual(pick(got, Object.keys(row ?? {})), { ...row }, what);
    same((await conv2dKernels(gpu)).tuning, cpu.conv, "conv");
    same((await batchNormKernels(gpu)).tuning, cpu.batchNorm, "batchNorm");
    same((await layerNormKernels(gpu)).tuning, cpu.layerNorm, "layerNorm");
    same((await crossEntropyKernels(gpu)).tuning, cpu.crossEntropy, "crossEntropy");
    same((await actStatsKernels(gpu)).tuning, cpu.actStats, "actStats");
    const act = cpu.act ?? {};
    assert.equal((await generalReluKernels(gpu)).block, act.workgroupSize! * act.perInvocation!);
  },
});

Deno.test({
  name: "adapter variants: every row compiles for every family it names",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    for (const [kind, row] of Object.entries(ADAPTER_VARIANTS)) {
      await assert.doesNotReject(async () => {
        if (row.conv) await conv2dKernels(gpu, row.conv);
        if (row.batchNorm) await batchNormKernels(gpu, row.batchNorm);
        if (row.layerNorm) await layerNormKernels(gpu, row.layerNorm);
        if (row.crossEntropy) await crossEntropyKernels(gpu, row.crossEntropy);
        if (row.actStats) await actStatsKernels(gpu, row.actStats);
      }, kind);
    }
  },
});
