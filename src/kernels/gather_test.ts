import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { gatherRef } from "../ref/gather.ts";
import { Rng } from "../util/rng.ts";
import { encodeGatherParams, gatherKernel, recordGather } from "./gather.ts";
import { grid2d } from "../gpu/recorder.ts";

const POISON_Y = 0xdeadbeef;

// Tolerance: the kernel computes (b/255 − mean)/std in f32 with two roundings of |x| ≤ ~3 plus
// WGSL's 2.5-ulp division, i.e. well under 1e-6 absolute; the reference is float64.
const TOL = { atol: 2e-6, rtol: 1e-6 };

Deno.test("grid2d covers every invocation with at most 65535 groups along x", () => {
  assert.deepEqual(grid2d(0, 256), [0, 0]);
  assert.deepEqual(grid2d(1, 256), [1, 1]);
  assert.deepEqual(grid2d(256 * 65535 + 1, 256), [65535, 2]);
  const [x, y] = grid2d(60000 * 196, 256);
  assert.ok(x * y * 256 >= 60000 * 196 && x <= 65535);
});

Deno.test({
  name: "gather kernel matches the float64 reference on odd sizes, leaving the rest untouched",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(7);
    const [total, h, w] = [1001, 6, 10]; // 60 pixels = 15 words per image: no tile multiple
    const pixels = h * w;
    const images = Uint8Array.from({ length: total * pixels }, () => rng.int(256));
    const labels = Uint32Array.from({ length: total }, () => rng.int(10));
    const order = rng.permutation(total);
    const imagesT = gpu.upload(images, [total, h, w], { dtype: "u8", label: "images" });
    const labelsT = gpu.upload(labels, [total], { dtype: "u32", label: "labels" });
    const orderT = gpu.upload(order, [total], { dtype: "u32", label: "order" });
    const kernel = await gatherKernel(gpu, 64);
    const cases = [
      { start: 0, count: 1, mean: 0, std: 1 },
      { start: 17, count: 333, mean: 0.2860, std: 0.3530 },
      { start: total - 7, count: 7, mean: 0.28, std: 0.35 }, // a last partial batch
      { start: 0, count: total, mean: 0.5, std: 0.25 },
    ];
    for (const p of cases) {
      const spare = 5; // capacity beyond `count` that must stay poisoned
      const x = gpu.upload(new Float32Array((p.count + spare) * pixels).fill(NaN), [
        p.count + spare,
        1,
        h,
        w,
      ], { dtype: "f32", label: "x" });
      const y = gpu.upload(new Uint32Array(p.count + spare).fill(POISON_Y), [p.count + spare], {
        dtype: "u32",
        label: "y",
      });
      const params = gpu.upload(encodeGatherParams(p, pixels / 4), [20], {
        dtype: "u8",
        label: "params",
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      const rec = gpu.recorder("gather test");
      recordGather(rec, kernel, {
        images: imagesT,
        labels: labelsT,
        order: orderT,
        params,
        x,
        y,
      }, p.count);
      rec.submit();
      const [gx, gy] = [await gpu.read(x), await gpu.read(y)];
      const ref = gatherRef(images, labels, order, { ...p, pixels });
      const what = `gather start ${p.start} count ${p.count}`;
      assertClose(gx.subarray(0, p.count * pixels), ref.x, { ...TOL, what });
      assert.deepEqual(gy.subarray(0, p.count), ref.y, what);
      assert.ok(gx.subarray(p.count * pixels).every(Number.isNaN), `${what}: wrote past count`);
      assert.ok(gy.subarray(p.count).every((v) => v === POISON_Y), `${what}: wrote past count`);
      for (const t of [x, y, params]) gpu.destroy(t);
    }
  },
});

Deno.test({
  name: "gather refuses a batch larger than its outputs and images whose H*W is not word-sized",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const kernel = await gatherKernel(gpu);
    const images = gpu.tensor([3, 4, 4], { dtype: "u8" });
    const odd = gpu.tensor([3, 3, 3], { dtype: "u8", label: "odd" });
    const labels = gpu.tensor([3], { dtype: "u32" });
    const params = gpu.tensor([32], { dtype: "u8", usage: GPUBufferUsage.UNIFORM });
    const x = gpu.tensor([2, 1, 4, 4]);
    const y = gpu.tensor([2], { dtype: "u32" });
    const rec = gpu.recorder("bad gathers");
    const b = { images, labels, order: labels, params, x, y };
    assert.throws(() => recordGather(rec, kernel, b, 3), /does not fit/);
    assert.throws(() => recordGather(rec, kernel, { ...b, images: odd }, 1), /multiple of 4/);
  },
});
