import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { f64, referenceStep } from "../../tests/model_ref.ts";
import { Rng } from "../util/rng.ts";
import { getModel, type GetModelOptions } from "./model.ts";

const GR = { leak: 0.1, sub: 0.4 };
const CONFIGS: [string, GetModelOptions][] = [
  ["ReLU, no norm", { act: "relu" }],
  ["GeneralReLU, no norm", { act: GR }],
  ["GeneralReLU + lesson BatchNorm", { act: GR, norm: "lesson-batchnorm" }],
  ["GeneralReLU + nn.BatchNorm2d", { act: GR, norm: "batchnorm" }],
  ["GeneralReLU + lesson LayerNorm", { act: GR, norm: "layernorm" }],
];

Deno.test(
  "getModel has the lesson's parameter count: 30,154 (+240 with BatchNorm, +8 with LayerNorm)",
  {
    ignore: noGpu,
  },
  async () => {
    const gpu = testGpu();
    assert.equal((await getModel(gpu)).paramCount, 30154);
    assert.equal((await getModel(gpu, { norm: "batchnorm" })).paramCount, 30394);
    assert.equal((await getModel(gpu, { norm: "layernorm" })).paramCount, 30162);
    const m = await getModel(gpu, { act: GR, norm: "batchnorm" });
    assert.deepEqual(m.net.outShape([5, 1, 28, 28]), [5, 10]);
    assert.deepEqual(m.layers.map((l) => l.kind).slice(0, 3), [
      "Conv2d",
      "BatchNorm2d",
      "GeneralRelu",
    ]);
  },
);

for (const [name, options] of CONFIGS) {
  Deno.test({
    name: `whole model on the GPU equals the float64 references: ${name}`,
    ignore: noGpu,
    async fn() {
      const gpu = testGpu();
      const model = await getModel(gpu, { ...options, seed: 3 });
      const rng = new Rng(99);
      const N = 7; // odd, not a multiple of any workgroup size
      const x = rng.fillNormal(new Float32Array(N * 784));
      const labels = Uint32Array.from({ length: N }, () => rng.int(10));
      const xT = gpu.upload(x, [N, 1, 28, 28], { dtype: "f32", label: "x" });
      const yT = gpu.upload(labels, [N], { dtype: "u32", label: "y" });
      const params = await model.readParams();
      const state = await model.readState();

      const rec = gpu.recorder("train step");
      model.zeroGrad(rec);
      const logits = model.step(rec, { x: xT, y: yT }, true);
      rec.submit();
      const ref = referenceStep(model.layers, params, state, f64(x), [N, 1, 28, 28], labels, true);

      // Tolerance: f32 through five conv layers, norms and their backward passes; sums are
      // short (≤ 576 terms per output, ≤ N·14·14 per weight gradient), so errors stay near
      // 1e-6 relative to each tensor's scale; 1e-4 of the largest magnitude leaves margin
      // without hiding a wrong index or a missing term (those are O(scale)). Conv gradients
      // also get 1e-5 of the Σ|terms| behind each element, the scale f32 rounding works at.
      const scale = (a: ArrayLike<number>) => Math.max(1e-12, ...Array.from(a, Math.abs));
      const gotLogits = await gpu.read(logits);
      assertClose(gotLogits, ref.logits, { atol: 1e-4 * scale(ref.logits), what: "logits" });
      const totals = await model.loss.readTotals();
      assert.ok(Math.abs(totals.lossSum / N - ref.loss) < 1e-5 * Math.max(1, ref.loss), "loss");
      assert.equal(totals.correct, ref.correct);
      assert.equal(totals.count, N);
      const grads = await model.readGrads();
      for (const [pname, g] of ref.grads) {
        const mag = ref.magnitudes.get(pname);
        const floor = 1e-4 * scale(g);
        const atol = mag ? mag.map((m) => floor + 1e-5 * m) : floor;
        assertClose(grads.get(pname)!, g, { atol, what: `grad ${pname}` });
      }
      assert.equal(grads.size, ref.grads.size);
      if (ref.running.size > 0) {
        const after = await model.readState();
        for (const [lname, r] of ref.running) {
          assertClose(after.get(`${lname}.running_mean`)!, r.mean, {
            atol: 1e-5,
            what: `${lname} mean`,
          });
          assertClose(after.get(`${lname}.running_var`)!, r.var, {
            atol: 1e-5,
            rtol: 1e-5,
            what: `${lname} var`,
          });
        }
        // Eval mode uses the running statistics just updated.
        const evalState = await model.readState();
        const rec2 = gpu.recorder("eval");
        const evalLogits = model.forward(rec2, xT, false);
        rec2.submit();
        const refEval = referenceStep(
          model.layers,
          params,
          evalState,
          f64(x),
          [N, 1, 28, 28],
          labels,
          false,
        );
        assertClose(await gpu.read(evalLogits), refEval.logits, {
          atol: 1e-4 * scale(refEval.logits),
          what: "eval logits",
        });
      }
    },
  });
}

Deno.test({
  name: "gradients accumulate across steps until zeroGrad",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const model = await getModel(gpu, { act: GR, seed: 1 });
    const rng = new Rng(5);
    const x = gpu.upload(rng.fillNormal(new Float32Array(3 * 784)), [3, 1, 28, 28], {
      dtype: "f32",
    });
    const y = gpu.upload(Uint32Array.of(1, 2, 3), [3], { dtype: "u32" });
    const rec = gpu.recorder("twice");
    model.zeroGrad(rec);
    model.step(rec, { x, y }, true);
    rec.submit();
    const once = await model.readGrads();
    const rec2 = gpu.recorder("again");
    model.step(rec2, { x, y }, true);
    rec2.submit();
    const twice = await model.readGrads();
    for (const [name, g] of once) {
      assertClose(twice.get(name)!, g.map((v) => 2 * v), { atol: 1e-6, rtol: 1e-5, what: name });
    }
  },
});

Deno.test({
  name: "BatchNorm fused with its activation trains bit-identically to the separate layers",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(12);
    const N = 9;
    const x = gpu.upload(rng.fillNormal(new Float32Array(N * 784)), [N, 1, 28, 28], {
      dtype: "f32",
    });
    const y = gpu.upload(Uint32Array.from({ length: N }, () => rng.int(10)), [N], {
      dtype: "u32",
    });
    const settings: GetModelOptions[] = [
      { act: GR, norm: "batchnorm" },
      { act: "relu", norm: "lesson-batchnorm" },
      { act: { leak: 0.1, sub: 0.4, maxv: 0.5 }, norm: "batchnorm", bias: false },
    ];
    for (const o of settings) {
      const bits = async (fuse: boolean) => {
        const m = await getModel(gpu, { ...o, seed: 4, fuse });
        const out: Float32Array[] = [];
        for (let i = 0; i < 2; i++) {
          const rec = gpu.recorder("step");
          m.zeroGrad(rec);
          const logits = m.step(rec, { x, y }, true);
          rec.submit();
          out.push(await gpu.read(logits));
          const g = await gpu.read(m.arena.buffers.grads);
          out.push(g);
          // A crude SGD step through the host, identical for both models.
          const p = await gpu.read(m.arena.buffers.params);
          gpu.write(m.arena.buffers.params, p.map((v, j) => v - 0.5 * g[j]));
        }
        const rec = gpu.recorder("eval");
        const logits = m.forward(rec, x, false);
        rec.submit();
        out.push(await gpu.read(logits), await gpu.read(m.arena.buffers.state));
        const keys = [...m.net.outputs.keys()];
        m.destroy();
        return { out, keys };
      };
      const [fused, apart] = [await bits(true), await bits(false)];
      fused.out.forEach((a, i) => assert.deepStrictEqual(a, apart.out[i], `${JSON.stringify(o)}`));
      assert.ok(fused.keys.includes("block1.act") && !fused.keys.includes("block1.norm"));
      assert.ok(apart.keys.includes("block1.norm"));
    }
  },
});
