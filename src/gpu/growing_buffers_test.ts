import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { GrowingBuffers } from "./growing_buffers.ts";

Deno.test({
  name: "GrowingBuffers 'keep': an outgrown buffer stays allocated until release, then all go",
  ignore: noGpu,
  fn() {
    const gpu = testGpu();
    const before = gpu.bytesAllocated;
    const s = new GrowingBuffers(gpu, "scratch", { minFloats: 64, outgrown: "keep" });
    const a = s.get("partials", 10);
    assert.deepEqual(a.shape, [10]);
    assert.equal(gpu.bytesAllocated - before, 64 * 4, "at least minFloats");
    assert.equal(s.get("partials", 64).bufferId, a.bufferId, "within minFloats: no growth");
    const b = s.get("partials", 100);
    assert.notEqual(b.bufferId, a.bufferId);
    assert.equal(gpu.bytesAllocated - before, (64 + 100) * 4, "the outgrown one is kept");
    assert.equal(s.bytes, (64 + 100) * 4);
    assert.equal(s.get("partials", 10).bufferId, b.bufferId, "smaller sizes view the new one");
    assert.equal(s.get("other", 0).size, 1, "an empty request gets one float");
    s.release();
    assert.equal(gpu.bytesAllocated, before);
    assert.equal(s.bytes, 0);
    assert.notEqual(s.get("partials", 10).bufferId, b.bufferId, "reallocated after release");
    s.release();
  },
});

Deno.test({
  name: "GrowingBuffers: the usage flags given are the buffers'",
  ignore: noGpu,
  fn() {
    const gpu = testGpu();
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    const s = new GrowingBuffers(gpu, "conv2d", { outgrown: "keep", usage });
    assert.equal(s.get("packed", 16).buffer.usage, usage);
    s.release();
  },
});
