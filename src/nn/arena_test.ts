import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { Arena } from "./arena.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

Deno.test({
  name: "Arena: 256-byte aligned entries in flat param/grad/state buffers; state gets its fill",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const arena = new Arena();
    const w = arena.param("w", [8, 1, 3, 3]); // 72 floats
    const b = arena.param("b", [8]);
    const rv = arena.state("running_var", [3], 1);
    assert.throws(() => w.value, /not allocated/);
    arena.allocate(gpu, "t");
    assert.equal(w.offset, 0);
    assert.equal(b.offset, 128); // 72 rounded up to 64-float (256-byte) blocks
    assert.equal(arena.paramCount, 80);
    assert.equal(arena.buffers.params.size, 192);
    assert.equal(b.value.byteOffset, 512);
    assert.equal(b.grad.byteOffset, 512);
    assert.notEqual(b.value.buffer, b.grad.buffer);
    assert.throws(() => rv.grad, /state has no gradient/);
    assert.throws(() => arena.param("late", [1]), /already allocated/);
    assert.deepEqual([...await gpu.read(rv.value)], [1, 1, 1]);
    gpu.write(b.value, Float32Array.from({ length: 8 }, (_, i) => i));
    const all = await gpu.read(arena.buffers.params);
    assert.deepEqual([...all.subarray(128, 136)], [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(all.subarray(72, 128).every((v) => v === 0), "padding stays zero");
  },
});

Deno.test({
  name:
    "GrowingBuffers (a layer's): grows only for larger batches, smaller ones are prefix views of one buffer",
  ignore: noGpu,
  fn() {
    const gpu = testGpu();
    const ws = new GrowingBuffers(gpu, "layer", { outgrown: "free" });
    const before = gpu.bytesAllocated;
    const a = ws.get("out", [1024, 8]);
    const b = ws.get("out", [608, 8]);
    assert.equal(a.bufferId, b.bufferId);
    assert.equal(ws.get("out", [1024, 8]), a, "views are cached");
    assert.equal(gpu.bytesAllocated - before, 1024 * 8 * 4);
    const c = ws.get("out", [2048, 8]);
    assert.notEqual(c.bufferId, a.bufferId);
    assert.equal(gpu.bytesAllocated - before, 2048 * 8 * 4, "the old buffer was freed");
    assert.equal(ws.get("out", [1024, 8]).bufferId, c.bufferId);
    assert.equal(ws.bytes, 2048 * 8 * 4);
  },
});

Deno.test({
  name: "Model.destroy frees every buffer it allocated",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const { getModel } = await import("./model.ts");
    const { loadKernels } = await import("./kernels.ts");
    const kernels = await loadKernels(gpu);
    const x = gpu.tensor([6, 1, 28, 28], { label: "x" });
    const y = gpu.tensor([6], { dtype: "u32", label: "y" });
    // Kernel workspaces and shape uniforms are shared per device and stay: warm them first.
    const rec0 = gpu.recorder("warm kernels");
    const warm = await getModel(gpu, { norm: "batchnorm", act: { leak: 0.1, sub: 0.4 }, kernels });
    warm.step(rec0, { x, y }, true);
    rec0.submit();
    await gpu.sync();
    warm.destroy();
    const before = gpu.bytesAllocated;
    const model = await getModel(gpu, { norm: "batchnorm", act: { leak: 0.1, sub: 0.4 }, kernels });
    const rec = gpu.recorder("step");
    model.step(rec, { x, y }, true);
    rec.submit();
    await gpu.sync();
    assert.ok(gpu.bytesAllocated > before);
    model.destroy();
    assert.equal(gpu.bytesAllocated, before);
  },
});
