import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { HeavyBallRef, OptimizerRef } from "../ref/optim.ts";
import { Rng } from "../util/rng.ts";
import { createOptimizer } from "./optimizer.ts";
import { recordScaleGrads, scaleGradsKernel } from "./scale_grads.ts";
import {
  arenaLayout,
  maxRelDiff,
  recordForwardBackward,
  type TinyBatch,
  tinyBatch,
  tinyGradsRef,
  tinyInitPacked,
  tinyNet,
  writeBatch,
} from "./testing.ts";

const STEPS = 10;
const MOM = 0.85;

/** A fixed stream of STEPS batches. */
function batchStream(seed: number): TinyBatch[] {
  const rng = new Rng(seed);
  return Array.from({ length: STEPS }, () => tinyBatch(rng));
}

Deno.test(
  "claim 22 (float64): MomentumLearner (grads ×0.85 instead of zeroed, then SGD) ≡ " +
    "PyTorch SGD momentum 0.85, dampening 0",
  () => {
    const batches = batchStream(22);
    const p0 = tinyInitPacked(new Rng(2200));
    for (const lr of [0.2, 0.05]) {
      // The lesson's MomentumLearner: backward ADDS into p.grad; step is plain SGD; zero_grad
      // multiplies p.grad by mom.
      const a = p0.slice();
      const grad = new Float64Array(a.length); // p.grad, zero before the first backward
      const sgd = new OptimizerRef({ kind: "sgd", lr });
      // PyTorch SGD(momentum = 0.85, dampening = 0), with true zero_grad.
      const b = p0.slice();
      const heavy = new HeavyBallRef({ lr, momentum: MOM });
      // A dampened variant that must NOT match (shows the check can fail).
      const c = p0.slice();
      const damped = new HeavyBallRef({ lr, momentum: MOM, dampening: MOM });
      for (const batch of batches) {
        const g = tinyGradsRef(a, batch);
        for (let i = 0; i < a.length; i++) grad[i] += g[i];
        sgd.step(a, grad);
        for (let i = 0; i < a.length; i++) grad[i] *= MOM;
        heavy.step(b, tinyGradsRef(b, batch));
        damped.step(c, tinyGradsRef(c, batch));
      }
      const diff = maxRelDiff(a, b);
      assert.ok(diff < 1e-6, `lr ${lr}: max relative difference ${diff} ≥ 1e-6`);
      assert.ok(maxRelDiff(c, b) > 1e-3, `lr ${lr}: the dampened variant should differ`);
    }
  },
);

Deno.test("claim 23 (float64): Momentum(lr 1.5, mom 0.9) lerp form ≡ heavy-ball at lr 0.15", () => {
  const batches = batchStream(23);
  const p0 = tinyInitPacked(new Rng(2300));
  const a = p0.slice();
  const lerp = new OptimizerRef({ kind: "momentum", lr: 1.5, mom: 0.9 });
  const b = p0.slice();
  const heavy = new HeavyBallRef({ lr: 0.15, momentum: 0.9 });
  // The same lerp momentum at lr 0.15 is 10× too slow: must NOT match.
  const c = p0.slice();
  const slow = new OptimizerRef({ kind: "momentum", lr: 0.15, mom: 0.9 });
  for (const batch of batches) {
    lerp.step(a, tinyGradsRef(a, batch));
    heavy.step(b, tinyGradsRef(b, batch));
    slow.step(c, tinyGradsRef(c, batch));
  }
  // a = 0.1·buf exactly in real arithmetic; float64 rounding of the two orders of operations
  // (≈1e-16 per step, mildly amplified by 10 steps of dynamics) is far below 1e-9.
  const diff = maxRelDiff(a, b);
  assert.ok(diff < 1e-9, `max relative difference ${diff} ≥ 1e-9`);
  assert.ok(maxRelDiff(c, b) > 1e-2, "lerp momentum at lr 0.15 should differ");
});

Deno.test({
  name: "claim 22 on the GPU: recordScaleGrads(0.85) + SGD step ≡ float64 heavy-ball, 10 steps",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const lr = 0.2;
    const t = await tinyNet(gpu, new Rng(2201));
    const layout = arenaLayout(t);
    const sgd = await createOptimizer(gpu, t.arena, { kind: "sgd", lr });
    const scale = await scaleGradsKernel(gpu, { workgroupSize: 64 });
    const heavy = new HeavyBallRef({ lr, momentum: MOM });
    const p = Float64Array.from(await gpu.read(t.arena.buffers.params));
    const atol = new Float64Array(p.length);
    const gradAtol = new Float64Array(p.length); // error bound of the momentum buffer
    // The MomentumLearner relies on the gradient arena starting at zero.
    assert.ok((await gpu.read(t.arena.buffers.grads)).every((v) => v === 0));
    for (const batch of batchStream(2202)) {
      // The reference gradient at the GPU's current parameters, so both runs see the same
      // gradient stream and only f32 arithmetic separates them.
      const gpuParams = Float64Array.from(await gpu.read(t.arena.buffers.params));
      const g = tinyGradsRef(gpuParams, batch, layout);
      writeBatch(t, batch);
      const rec = gpu.recorder("momentum learner step");
      recordForwardBackward(t, rec); // accumulates onto 0.85·(previous gradient)
      sgd.step(rec);
      recordScaleGrads(rec, scale, t.arena.buffers.grads, MOM); // instead of zeroGrad
      rec.submit();
      heavy.step(p, g);
      // Tolerance: the f32 backward of these 16×13 inputs errs by ≲ 1e-6 of Σ|terms| ≈ |g|max
      // per gradient element, accumulated into the buffer like the gradient itself
      // (err ← 0.85·err + 1e-6·max|g| + ulps of buf); the step then adds lr·err plus the
      // rounding of p (2^-22·|p|).
      const gMax = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const buf = heavy.buf!;
      for (let i = 0; i < p.length; i++) {
        gradAtol[i] = MOM * gradAtol[i] + 1e-6 * gMax + 2 ** -22 * Math.abs(buf[i]);
        atol[i] += lr * gradAtol[i] + 2 ** -22 * Math.abs(p[i]);
      }
    }
    const got = await gpu.read(t.arena.buffers.params);
    assertClose(got, p, { atol, what: "MomentumLearner (GPU) vs heavy-ball (float64) params" });
    sgd.destroy();
  },
});

Deno.test({
  name: "recordScaleGrads multiplies exactly in f32, in place, and only inside its tensor",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(9);
    for (const workgroupSize of [64, 256]) {
      const k = await scaleGradsKernel(gpu, { workgroupSize });
      const n = 64 * 37; // many workgroups at both sizes, and not a multiple of 256·4
      const values = rng.fillNormal(new Float32Array(n + 64));
      const t = gpu.upload(values, [n + 64], { dtype: "f32", label: "grads" });
      const rec = gpu.recorder("scale");
      recordScaleGrads(rec, k, t.prefix([n]), MOM);
      recordScaleGrads(rec, k, t.prefix([n]), 0.5); // twice: a second uniform, same kernel
      rec.submit();
      const got = await gpu.read(t);
      const f = Math.fround(MOM);
      // f32 multiplication is correctly rounded: exactly fround(fround(v·0.85f)·0.5).
      const expected = values.map((v, i) => i < n ? Math.fround(Math.fround(v * f) * 0.5) : v);
      assert.deepEqual(got, expected);
      gpu.destroy(t);
    }
    const k = await scaleGradsKernel(gpu);
    const odd = gpu.tensor([6], { label: "odd" });
    assert.throws(
      () => recordScaleGrads(gpu.recorder("x"), k, odd, 0.85),
      { name: "RangeError", message: /odd\[6\] f32: expected f32 with a multiple of 4/ },
    );
    assert.throws(
      () => recordScaleGrads(gpu.recorder("x"), k, odd.prefix([4]), NaN),
      { name: "RangeError", message: /factor = NaN/ },
    );
    gpu.destroy(odd);
  },
});
