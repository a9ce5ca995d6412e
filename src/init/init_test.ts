import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import type { Gpu } from "../gpu/device.ts";
import { GeneralRelu } from "../nn/activations.ts";
import { Arena } from "../nn/arena.ts";
import { Conv2d } from "../nn/conv2d.ts";
import { loadKernels } from "../nn/kernels.ts";
import type { Layer } from "../nn/layer.ts";
import { Linear } from "../nn/linear.ts";
import { getModel } from "../nn/model.ts";
import { Rng } from "../util/rng.ts";
import {
  fans,
  glorotNormal,
  glorotUniform,
  kaimingNormal,
  pytorchDefault,
  weightLayers,
} from "./init.ts";

/** The lesson's fan-ins (C·3·3 for C = 1, 8, 16, 32, 64). */
const CHANNELS = [1, 8, 16, 32, 64];

/**
 * Big layers for sampling statistics: 3×3 convs with the lesson's fan-ins and F = 8192/C filters
 * (73,728 weights each), a Linear 512→256 and a parameter-free activation; PyTorch-default init.
 */
async function bigLayers(gpu: Gpu) {
  const build = { gpu, arena: new Arena(), kernels: await loadKernels(gpu) };
  const layers: Layer[] = CHANNELS.map((C) =>
    new Conv2d(build, `conv${C}`, { C, F: 8192 / C, K: 3, S: 2, P: 1 })
  );
  layers.push(new GeneralRelu(build, "act", { leak: 0.1, sub: 0.4 }));
  layers.push(new Linear(build, "linear", { I: 512, O: 256 }));
  build.arena.allocate(gpu, "init test");
  const rng = new Rng(1);
  for (const l of layers) l.reset(gpu, rng.derive(l.name));
  const read = async () => {
    const all = await gpu.read(build.arena.buffers.params);
    return new Map(build.arena.params.map((e) => [e.name, all.slice(e.offset, e.offset + e.size)]));
  };
  const destroy = () => Object.values(build.arena.buffers).forEach((b) => gpu.destroy(b));
  return { gpu, layers, read, destroy };
}

function moments(a: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0, maxAbs = 0;
  for (const v of a) {
    s += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / a.length;
  let m2 = 0;
  for (const v of a) m2 += (v - mean) ** 2;
  return { mean, std: Math.sqrt(m2 / (a.length - 1)), maxAbs };
}

const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  new Uint32Array(a.buffer).every((v, i) => v === new Uint32Array(b.buffer)[i]);

// Tolerance: a sample std over n = 73,728 (or 131,072) draws has relative standard error
// 1/√(2n) ≈ 0.26%, so 2% is > 7 standard errors; the mean's is std/√n, checked at 5/√n.
function checkNormal(w: Float32Array, std: number, what: string) {
  const m = moments(w);
  assert.ok(Math.abs(m.std / std - 1) < 0.02, `${what}: std ${m.std}, expected ${std} ± 2%`);
  assert.ok(Math.abs(m.mean) < 5 * std / Math.sqrt(w.length), `${what}: mean ${m.mean}`);
}

Deno.test({
  name: "kaimingNormal: std gain/√fan_in within 2% for a = 0 and 0.1, biases unchanged",
  ignore: noGpu,
  async fn() {
    const t = await bigLayers(testGpu());
    const start = await t.read();
    for (const a of [0, 0.1]) {
      kaimingNormal(t, { a, seed: 3 });
      const p = await t.read();
      const gain = Math.sqrt(2 / (1 + a * a));
      for (const C of CHANNELS) {
        checkNormal(p.get(`conv${C}.weight`)!, gain / Math.sqrt(9 * C), `a ${a} conv${C}`);
      }
      checkNormal(p.get("linear.weight")!, gain / Math.sqrt(512), `a ${a} linear`);
      for (const name of [...CHANNELS.map((C) => `conv${C}.bias`), "linear.bias"]) {
        assert.ok(sameBits(p.get(name)!, start.get(name)!), `a ${a}: ${name} changed`);
      }
    }
    // The lesson's per-layer stds at a = 0.1 (gain ≈ 1.4072) for fan_in 9, 72, 144, 288, 576.
    const p = await t.read();
    const lesson = [0.469, 0.166, 0.117, 0.083, 0.059];
    CHANNELS.forEach((C, i) => {
      const expected = Math.sqrt(2 / 1.01) / Math.sqrt(9 * C);
      assert.equal(expected.toFixed(3), lesson[i].toFixed(3));
      checkNormal(p.get(`conv${C}.weight`)!, lesson[i], `lesson std conv${C}`);
    });
    t.destroy();
  },
});

Deno.test({
  name: "glorotUniform stays within ±√(6/(fan_in+fan_out)); glorotNormal has std √(2/(…))",
  ignore: noGpu,
  async fn() {
    const t = await bigLayers(testGpu());
    const start = await t.read();
    glorotUniform(t, { seed: 4 });
    const u = await t.read();
    glorotNormal(t, { seed: 4 });
    const n = await t.read();
    for (const layer of t.layers.filter(weightLayers)) {
      const { fanIn, fanOut } = fans(layer);
      const name = `${layer.name}.weight`;
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      const m = moments(u.get(name)!);
      assert.ok(m.maxAbs <= bound, `${name}: max |w| ${m.maxAbs} > bound ${bound}`);
      assert.ok(m.maxAbs > 0.999 * bound, `${name}: max |w| ${m.maxAbs} far below ${bound}`);
      checkNormal(u.get(name)!, bound / Math.sqrt(3), `uniform ${name}`);
      checkNormal(n.get(name)!, Math.sqrt(2 / (fanIn + fanOut)), `normal ${name}`);
      const bias = `${layer.name}.bias`;
      assert.ok(
        sameBits(u.get(bias)!, start.get(bias)!) && sameBits(n.get(bias)!, start.get(bias)!),
      );
    }
    // Fans: F·K·K out for a conv, O for a linear.
    assert.deepEqual(fans(t.layers[1]), { fanIn: 72, fanOut: 1024 * 9 });
    assert.deepEqual(fans(t.layers[6]), { fanIn: 512, fanOut: 256 });
    t.destroy();
  },
});

Deno.test({
  name: "initialisers respect the filter, are deterministic per seed and per layer stream",
  ignore: noGpu,
  async fn() {
    const t = await bigLayers(testGpu());
    const start = await t.read();
    kaimingNormal(t, { seed: 9, filter: (l) => l.name === "conv8" });
    const one = await t.read();
    for (const [name, v] of one) {
      assert.equal(sameBits(v, start.get(name)!), name !== "conv8.weight", name);
    }
    // Every layer has its own stream: all layers at once give conv8 the same weights.
    kaimingNormal(t, { seed: 9 });
    const all = await t.read();
    assert.ok(sameBits(all.get("conv8.weight")!, one.get("conv8.weight")!));
    kaimingNormal(t, { seed: 9 });
    const again = await t.read();
    for (const [name, v] of all) assert.ok(sameBits(v, again.get(name)!), `rerun: ${name}`);
    kaimingNormal(t, { seed: 10 });
    const other = await t.read();
    assert.ok(!sameBits(other.get("conv8.weight")!, all.get("conv8.weight")!), "seed 10 = seed 9");
    for (const init of [glorotUniform, glorotNormal]) {
      init(t, { seed: 2, filter: (l) => l instanceof Linear });
      const p = await t.read();
      assert.ok(sameBits(p.get("conv1.weight")!, other.get("conv1.weight")!), init.name);
      assert.ok(!sameBits(p.get("linear.weight")!, other.get("linear.weight")!), init.name);
      init(t, { seed: 2, filter: (l) => l instanceof Linear });
      assert.ok(sameBits((await t.read()).get("linear.weight")!, p.get("linear.weight")!));
    }
    assert.throws(
      () => kaimingNormal(t, { seed: 1, filter: () => true }),
      /act \(GeneralRelu\): has no fan-in/,
    );
    assert.throws(() => kaimingNormal(t, { seed: -1 }), /seed = -1/);
    assert.throws(() => glorotUniform(t, { seed: 0.5 }), /seed = 0.5/);
    assert.throws(() => kaimingNormal(t, { seed: 1, a: NaN }), /a = NaN/);
    t.destroy();
  },
});

Deno.test({
  name:
    "on the lesson model: kaiming reaches every conv incl. the head, biases kept; pytorchDefault",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const model = await getModel(gpu, { act: { leak: 0.1, sub: 0.4 }, seed: 5 });
    const start = await model.readParams();
    kaimingNormal(model, { a: 0.1, seed: 7 });
    const after = await model.readParams();
    const convs = model.layers.filter((l) => l instanceof Conv2d);
    assert.deepEqual(convs.map((l) => l.name), [
      "block1.conv",
      "block2.conv",
      "block3.conv",
      "block4.conv",
      "head.conv",
    ]);
    for (const l of convs) {
      assert.ok(!sameBits(after.get(`${l.name}.weight`)!, start.get(`${l.name}.weight`)!), l.name);
      assert.ok(sameBits(after.get(`${l.name}.bias`)!, start.get(`${l.name}.bias`)!), l.name);
      // 72 to 5,760 weights: a loose check that the scale is right (the big-tensor tests are tight).
      const m = moments(after.get(`${l.name}.weight`)!);
      const std = Math.sqrt(2 / 1.01) / Math.sqrt(fans(l).fanIn);
      assert.ok(Math.abs(m.std / std - 1) < 0.25, `${l.name}: std ${m.std}, expected ${std}`);
    }
    pytorchDefault(model, 5);
    const reset = await model.readParams();
    for (const [name, v] of start) assert.ok(sameBits(reset.get(name)!, v), `reset: ${name}`);
    // PyTorch's default: U(±1/√fan_in) for weights and biases.
    for (const l of convs) {
      const bound = 1 / Math.sqrt(fans(l).fanIn);
      for (const p of ["weight", "bias"]) {
        assert.ok(moments(reset.get(`${l.name}.${p}`)!).maxAbs < bound, `${l.name}.${p}`);
      }
    }
  },
});
