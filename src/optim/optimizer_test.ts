import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import type { Gpu } from "../gpu/device.ts";
import { Arena } from "../nn/arena.ts";
import { HeavyBallRef, OptimizerRef } from "../ref/optim.ts";
import { Rng } from "../util/rng.ts";
import {
  createOptimizer,
  OPTIMIZER_HYPER_BYTES,
  type OptimizerSpec,
  resolveOptimizerSpec,
} from "./optimizer.ts";
import { oneCycle } from "./schedules.ts";
import { recordForwardBackward, tinyBatch, type TinyNet, tinyNet, writeBatch } from "./testing.ts";

// Tolerance of a GPU run against the float64 reference fed the SAME gradients (read back each
// step), so only the update's own f32 arithmetic separates them. Per element and step: storing p
// rounds it (≤ 2^-24·|p|; 2^-22 allows the decay multiply and the subtraction as well); the
// update's few f32 ops (products, sqrt, division, state lerps) are each correctly rounded or
// within 2.5 ulp, so 1e-5 of the update's size is ~100× their worst case; and a state that
// nearly cancels (m of alternating-sign gradients) errs by ulps of its terms, not of itself,
// which for these normalised updates (≤ ~lr per element) stays below 1e-6·lr. Errors add over
// steps. A wrong rule (eps inside vs outside the sqrt, a missing bias correction, the decay
// applied after the update) moves results by far more than this.
function tolerance(p: Float64Array, delta: Float64Array, lr: number, atol: Float64Array): void {
  for (let i = 0; i < p.length; i++) {
    atol[i] += 2 ** -22 * Math.abs(p[i]) + 1e-5 * Math.abs(delta[i]) + 1e-6 * lr;
  }
}

/** One training step's gradients on the GPU (zeroed first), read back. */
async function gpuGrads(t: TinyNet, rng: Rng): Promise<Float32Array> {
  writeBatch(t, tinyBatch(rng));
  const rec = t.gpu.recorder("forward/backward");
  rec.clear(t.arena.buffers.grads); // zeroGrad
  recordForwardBackward(t, rec);
  rec.submit();
  return await t.gpu.read(t.arena.buffers.grads);
}

interface Case {
  name: string;
  spec: OptimizerSpec;
  /** Hyperparameters per step (a scheduler), applied to both the GPU and the reference. */
  schedule?: (step: number) => { lr: number; beta1?: number };
  workgroupSize: number;
}

const STEPS = 5;
const CASES: Case[] = [
  { name: "sgd", spec: { kind: "sgd", lr: 0.4 }, workgroupSize: 64 },
  { name: "sgd wd 0.05", spec: { kind: "sgd", lr: 0.4, wd: 0.05 }, workgroupSize: 256 },
  { name: "momentum", spec: { kind: "momentum", lr: 1.5 }, workgroupSize: 64 },
  { name: "rmsprop", spec: { kind: "rmsprop", lr: 3e-3 }, workgroupSize: 256 },
  { name: "rmsprop wd 0.1", spec: { kind: "rmsprop", lr: 3e-3, wd: 0.1 }, workgroupSize: 64 },
  { name: "adam", spec: { kind: "adam", lr: 6e-3 }, workgroupSize: 128 },
  { name: "adamw (wd 0.01 default)", spec: { kind: "adamw", lr: 2e-2 }, workgroupSize: 256 },
  {
    name: "adamw wd 0.1 + OneCycle lr and β1",
    spec: { kind: "adamw", lr: 0, wd: 0.1 },
    // A 5-step cycle so that lr and β1 change a lot at every step.
    schedule: (step) => oneCycle(step, { maxLr: 0.06, totalSteps: STEPS }),
    workgroupSize: 64,
  },
];

for (const c of CASES) {
  Deno.test({
    name: `optimizer ${c.name}: 5 GPU steps on a tiny net equal the float64 reference ` +
      `(WG ${c.workgroupSize}); arena padding stays 0`,
    ignore: noGpu,
    async fn() {
      const gpu = testGpu();
      const rng = new Rng(17).derive(c.name);
      const t = await tinyNet(gpu, rng.derive("init"));
      const opt = await createOptimizer(gpu, t.arena, {
        ...c.spec,
        workgroupSize: c.workgroupSize,
      });
      const ref = new OptimizerRef(c.spec);
      const p0 = await gpu.read(t.arena.buffers.params);
      const p = Float64Array.from(p0);
      const atol = new Float64Array(p.length);
      const data = rng.derive("data");
      for (let step = 0; step < STEPS; step++) {
        if (c.schedule) {
          const h = c.schedule(step);
          opt.lr = ref.lr = h.lr;
          if (h.beta1 !== undefined) opt.beta1 = ref.beta1 = h.beta1;
        }
        const grads = await gpuGrads(t, data);
        const rec = gpu.recorder(`${c.name} step`);
        opt.step(rec);
        rec.submit();
        const before = p.slice();
        ref.step(p, grads);
        tolerance(before, p.map((v, i) => v - before[i]), ref.lr, atol);
      }
      assert.equal(opt.stepCount, STEPS);
      const got = await gpu.read(t.arena.buffers.params);
      assertClose(got, p, { atol, what: `${c.name} params after ${STEPS} steps` });
      // The update must have moved every real parameter (a no-op kernel would pass otherwise).
      for (const e of t.arena.params) {
        for (let i = e.offset; i < e.offset + e.size; i++) {
          assert.notEqual(got[i], p0[i], `${e.name}[${i - e.offset}] did not move`);
        }
      }
      assertPaddingZero(t.arena, got);
      opt.destroy();
    },
  });
}

function assertPaddingZero(arena: Arena, values: Float32Array): void {
  const entries = [...arena.params].sort((a, b) => a.offset - b.offset);
  let next = 0;
  for (const e of entries) {
    for (let i = next; i < e.offset; i++) assert.equal(values[i], 0, `padding at ${i}`);
    next = e.offset + e.size;
  }
  for (let i = next; i < values.length; i++) assert.equal(values[i], 0, `padding at ${i}`);
}

Deno.test({
  name: "claim 23 on the GPU: Momentum(lr 1.5, mom 0.9) lerp form ≡ heavy-ball at lr 0.15 " +
    "(float64 ref), 10 steps on the same gradients",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(23);
    const t = await tinyNet(gpu, rng.derive("init"));
    const opt = await createOptimizer(gpu, t.arena, { kind: "momentum", lr: 1.5, mom: 0.9 });
    const heavy = new HeavyBallRef({ lr: 0.15, momentum: 0.9 });
    const p = Float64Array.from(await gpu.read(t.arena.buffers.params));
    const atol = new Float64Array(p.length);
    const data = rng.derive("data");
    for (let step = 0; step < 10; step++) {
      const grads = await gpuGrads(t, data);
      const rec = gpu.recorder("momentum step");
      opt.step(rec);
      rec.submit();
      const before = p.slice();
      heavy.step(p, grads);
      // As in the per-optimizer tests; lr·a is ~lr·(1 − mom)·|g|-sized, the floor uses 0.15.
      tolerance(before, p.map((v, i) => v - before[i]), 0.15, atol);
    }
    const got = await gpu.read(t.arena.buffers.params);
    assertClose(got, p, { atol, what: "momentum (GPU) vs heavy-ball (float64) params" });
    opt.destroy();
  },
});

/** A small arena: entries of 5 and 3×7 floats (so there is padding) with known values. */
function smallArena(gpu: Gpu, rng: Rng): { arena: Arena; p: Float32Array; g: Float32Array } {
  const arena = new Arena();
  const a = arena.param("a", [5]);
  const b = arena.param("b", [3, 7]);
  arena.allocate(gpu, "small");
  const n = arena.buffers.params.size;
  const p = new Float32Array(n), g = new Float32Array(n);
  for (const e of [a, b]) {
    rng.fillNormal(p.subarray(e.offset, e.offset + e.size));
    rng.fillNormal(g.subarray(e.offset, e.offset + e.size));
  }
  gpu.write(arena.buffers.params, p);
  gpu.write(arena.buffers.grads, g);
  return { arena, p, g };
}

Deno.test({
  name: "optimizer state is allocated on the first step only, then never; destroy frees it",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const expected = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2, adamw: 2 } as const;
    for (const kind of ["sgd", "momentum", "rmsprop", "adam", "adamw"] as const) {
      const { arena } = smallArena(gpu, new Rng(5));
      const P = arena.buffers.params.size;
      const before = gpu.bytesAllocated;
      const opt = await createOptimizer(gpu, arena, { kind, lr: 1e-3 });
      assert.equal(gpu.bytesAllocated, before, `${kind}: bytes after createOptimizer`);
      let rec = gpu.recorder("first");
      opt.step(rec);
      rec.submit();
      const after = before + OPTIMIZER_HYPER_BYTES + expected[kind] * P * 4;
      assert.equal(gpu.bytesAllocated, after, `${kind}: bytes after the first step`);
      for (let i = 0; i < 3; i++) {
        rec = gpu.recorder("later");
        opt.step(rec);
        rec.submit();
      }
      assert.equal(gpu.bytesAllocated, after, `${kind}: bytes after later steps`);
      assert.equal(opt.stepCount, 4);
      await gpu.sync();
      opt.destroy();
      assert.equal(gpu.bytesAllocated, before, `${kind}: bytes after destroy`);
      assert.throws(() => opt.step(gpu.recorder("x")), /after destroy/);
    }
  },
});

Deno.test({
  name: "optimizer lr changes between steps take effect; one step per recorder is enforced",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const { arena, p, g } = smallArena(gpu, new Rng(6));
    const opt = await createOptimizer(gpu, arena, { kind: "sgd", lr: 0.1 });
    let rec = gpu.recorder("step 1");
    opt.step(rec);
    assert.throws(() => opt.step(rec), /second step\(\) on recorder step 1/);
    rec.submit();
    opt.lr = 0.3;
    rec = gpu.recorder("step 2");
    opt.step(rec);
    rec.submit();
    const got = await gpu.read(arena.buffers.params);
    // Two f32 roundings of p − lr·g (|p|, |g| ≲ 4): 1e-6 absolute.
    const expected = p.map((v, i) => v - 0.1 * g[i] - 0.3 * g[i]);
    assertClose(got, expected, { atol: 1e-6, what: "sgd params after lr 0.1 then 0.3" });
    // With lr = 0.1 for both steps the result would be off by 0.2·|g| (sanity of the check).
    assert.ok(got.some((v, i) => Math.abs(v - (p[i] - 0.2 * g[i])) > 1e-3));
    opt.destroy();
  },
});

Deno.test("optimizer specs: defaults, and a RangeError naming each bad field", () => {
  assert.deepEqual(resolveOptimizerSpec({ kind: "adamw", lr: 1e-3 }), {
    kind: "adamw",
    lr: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    wd: 0.01,
  });
  assert.deepEqual(resolveOptimizerSpec({ kind: "adam", lr: 6e-3 }), {
    kind: "adam",
    lr: 6e-3,
    beta1: 0.9,
    beta2: 0.99,
    eps: 1e-5,
    wd: 0,
  });
  assert.deepEqual(resolveOptimizerSpec({ kind: "rmsprop", lr: 3e-3 }), {
    kind: "rmsprop",
    lr: 3e-3,
    beta1: 0,
    beta2: 0.99,
    eps: 1e-5,
    wd: 0,
  });
  assert.equal(resolveOptimizerSpec({ kind: "momentum", lr: 1.5 }).beta1, 0.9);
  const bad: [OptimizerSpec, RegExp][] = [
    [{ kind: "sgd", lr: -0.1 }, /sgd: lr = -0.1/],
    [{ kind: "sgd", lr: NaN }, /lr = NaN/],
    [{ kind: "sgd", lr: 0.1, wd: -1 }, /wd = -1/],
    [{ kind: "momentum", lr: 0.1, mom: 1 }, /mom = 1,/],
    [{ kind: "rmsprop", lr: 0.1, sqrMom: 1.5 }, /sqrMom = 1.5/],
    [{ kind: "rmsprop", lr: 0.1, eps: 0 }, /eps = 0,/],
    [{ kind: "adam", lr: 0.1, beta1: 1 }, /beta1 = 1,/],
    [{ kind: "adam", lr: 0.1, beta2: -0.5 }, /beta2 = -0.5/],
    [{ kind: "adamw", lr: 0.1, eps: -1e-8 }, /eps = -1e-8/],
    [{ kind: "lamb", lr: 0.1 } as unknown as OptimizerSpec, /kind = lamb/],
  ];
  for (const [spec, message] of bad) {
    assert.throws(() => resolveOptimizerSpec(spec), (e: unknown) => {
      assert.ok(e instanceof RangeError, `${JSON.stringify(spec)}: ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test({
  name: "createOptimizer rejects bad specs and the lr / beta1 setters validate",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const { arena } = smallArena(gpu, new Rng(7));
    await assert.rejects(createOptimizer(gpu, arena, { kind: "adam", lr: 1, beta1: 1.2 }), {
      name: "RangeError",
      message: /beta1 = 1.2/,
    });
    await assert.rejects(
      createOptimizer(gpu, arena, { kind: "sgd", lr: 1, workgroupSize: 0 }),
      { name: "RangeError", message: /workgroupSize = 0/ },
    );
    const opt = await createOptimizer(gpu, arena, { kind: "adamw", lr: 1e-3 });
    assert.throws(() => (opt.lr = -1), { name: "RangeError", message: /lr = -1/ });
    assert.throws(() => (opt.beta1 = 1), { name: "RangeError", message: /beta1 = 1,/ });
    opt.beta1 = 0.85;
    assert.equal(opt.beta1, 0.85);
    assert.equal(opt.lr, 1e-3);
    opt.destroy();
  },
});
