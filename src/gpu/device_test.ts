import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { Gpu } from "./device.ts";
import { GpuKernelError, NoAdapterError } from "./errors.ts";

Deno.test("Gpu.create without navigator.gpu or without an adapter throws NoAdapterError", async () => {
  await assert.rejects(() => Gpu.create({ navigatorGpu: undefined }), NoAdapterError);
  const fake = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
  await assert.rejects(() => Gpu.create({ navigatorGpu: fake }), (err: Error) => {
    assert.ok(err instanceof NoAdapterError);
    assert.match(err.message, /no WebGPU adapter/);
    assert.match(err.message, /mesa-vulkan-drivers/);
    assert.equal(NoAdapterError.exitCode, 3);
    return true;
  });
});

Deno.test({
  name: "adapter record holds description, sorted features and every numeric limit",
  ignore: noGpu,
  fn() {
    const { adapter } = testGpu();
    assert.equal(typeof adapter.description, "string");
    assert.deepEqual(adapter.features, [...adapter.features].sort());
    assert.ok(adapter.limits.maxStorageBufferBindingSize >= 128 * 2 ** 20);
    assert.ok(adapter.limits.maxComputeWorkgroupsPerDimension >= 65535);
    assert.ok(Object.keys(adapter.limits).length > 20);
  },
});

Deno.test({
  name: "upload → read round-trips every dtype, including u8 tails that are not whole words",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const f = Float32Array.from({ length: 37 }, (_, i) => i * 0.5 - 3);
    assert.deepEqual(await gpu.read(gpu.upload(f, [37], { dtype: "f32", label: "f" })), f);
    const u = Uint32Array.from({ length: 5 }, (_, i) => 0xffffffff - i);
    assert.deepEqual(await gpu.read(gpu.upload(u, [5], { dtype: "u32" })), u);
    const i32 = Int32Array.from([-7, 0, 2 ** 31 - 1]);
    assert.deepEqual(await gpu.read(gpu.upload(i32, [3], { dtype: "i32" })), i32);
    for (const n of [1, 3, 5, 7, 13]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      const t = gpu.upload(bytes, [n], { dtype: "u8", label: "bytes" });
      assert.equal(t.byteLength % 4, 0);
      assert.deepEqual(await gpu.read(t), bytes);
    }
  },
});

Deno.test({
  name: "bytesAllocated tracks tensors and destroy()",
  ignore: noGpu,
  fn() {
    const gpu = testGpu();
    const before = gpu.bytesAllocated;
    const t = gpu.tensor([3, 5], { label: "acct" });
    assert.equal(gpu.bytesAllocated - before, 60);
    gpu.destroy(t);
    assert.equal(gpu.bytesAllocated, before);
  },
});

const COPY_WGSL = `
override SCALE: f32 = 1.0;
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= arrayLength(&dst)) { return; }
  dst[g.x] = src[g.x] * SCALE;
}
@compute @workgroup_size(64)
fn negate(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= arrayLength(&dst)) { return; }
  dst[g.x] = -src[g.x];
}`;

Deno.test({
  name: "pipeline cache: one pipeline per (module, entry point, constants)",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const a = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, constants: { SCALE: 2 } });
    const b = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, constants: { SCALE: 2 } });
    const c = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, constants: { SCALE: 3 } });
    const d = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, entryPoint: "negate" });
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.notEqual(a, d);
    assert.equal(c.name, "copy{SCALE=3}");
    assert.equal(d.name, "copy.negate");
  },
});

Deno.test({
  name: "recorder: many dispatches in one submit run in order; constants specialise",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const double = await gpu.pipelines.get({
      label: "copy",
      code: COPY_WGSL,
      constants: { SCALE: 2 },
    });
    const negate = await gpu.pipelines.get({
      label: "copy",
      code: COPY_WGSL,
      entryPoint: "negate",
    });
    const n = 131; // not a multiple of the workgroup size
    const x = gpu.upload(Float32Array.from({ length: n }, (_, i) => i), [n], { dtype: "f32" });
    const y = gpu.upload(new Float32Array(n).fill(NaN), [n], { dtype: "f32", label: "y" });
    const z = gpu.upload(new Float32Array(n).fill(NaN), [n], { dtype: "f32", label: "z" });
    const rec = gpu.recorder("chain");
    rec.dispatch(double, [x, y], Math.ceil(n / 64)); // y = 2x
    rec.dispatch(negate, [y, z], Math.ceil(n / 64)); // z = -y, must see the first dispatch
    assert.equal(rec.dispatchCount, 2);
    rec.submit();
    const out = await gpu.read(z);
    assert.deepEqual([...out], Array.from({ length: n }, (_, i) => -2 * i));
    assert.throws(() => rec.submit(), /already submitted/);
  },
});

Deno.test({
  name: "compile errors name the kernel and the WGSL line",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    await assert.rejects(
      () => gpu.pipelines.get({ label: "broken_kernel", code: "fn main( {}" }),
      (err: Error) => {
        assert.ok(err instanceof GpuKernelError);
        assert.equal(err.kind, "compilation");
        assert.match(err.message, /broken_kernel/);
        return true;
      },
    );
  },
});

Deno.test({
  name: "a validation error in a submission is rethrown naming the kernel and tensor shapes",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL });
    const x = gpu.tensor([4, 8], { label: "aliased" });
    const rec = gpu.recorder("bad step");
    // The same buffer bound read-only and read-write in one dispatch is invalid in WebGPU.
    rec.dispatch(k, [x, x], 1);
    rec.submit();
    await assert.rejects(() => gpu.sync(), (err: Error) => {
      assert.ok(err instanceof GpuKernelError, String(err));
      assert.equal(err.kind, "validation");
      assert.match(err.message, /copy\(aliased\[4×8\] f32, aliased\[4×8\] f32\)/);
      return true;
    });
    // The error is reported once; the device stays usable.
    await gpu.sync();
  },
});

Deno.test({
  name: "out-of-range workgroup counts are rejected before encoding, naming the kernel",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL });
    const x = gpu.tensor([3], { label: "wx" });
    const rec = gpu.recorder("too many");
    assert.throws(() => rec.dispatch(k, [x, x], 70000), /copy.*wx\[3\] f32.*70000/);
    assert.throws(() => rec.dispatch(k, [x, x], 1.5), /workgroup counts/);
  },
});

Deno.test({
  name: "views share the buffer; prefix views bind only their elements",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, constants: { SCALE: 2 } });
    const x = gpu.upload(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], { dtype: "f32" });
    const y = gpu.upload(new Float32Array(6).fill(-1), [6], { dtype: "f32", label: "py" });
    assert.throws(() => x.view([4]), /cannot view/);
    assert.throws(() => y.prefix([7]), /larger/);
    const rec = gpu.recorder("prefix");
    rec.dispatch(k, [x.view([6]), y.prefix([4])], 1); // arrayLength(dst) is 4
    rec.dispatch(k, [x.view([6]), y], 0); // a zero-size dispatch is recorded but does nothing
    rec.submit();
    assert.deepEqual([...await gpu.read(y)], [2, 4, 6, 8, -1, -1]);
  },
});

Deno.test({
  name: "slices: aligned sub-ranges bind, write and read at their offset; misaligned ones throw",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, constants: { SCALE: 2 } });
    const arena = gpu.upload(new Float32Array(200).fill(-1), [200], {
      dtype: "f32",
      label: "arena",
    });
    assert.throws(() => arena.slice(3, [4]), /multiple of 256/);
    assert.throws(() => arena.slice(128, [100]), /outside/);
    const a = arena.slice(0, [5], "a");
    const b = arena.slice(64, [7], "b"); // byte 256
    assert.equal(b.describe(), "b[7] f32@256");
    gpu.write(a, Float32Array.from([1, 2, 3, 4, 5]));
    // WebGPU tracks usage per buffer, not per range: the source must be another buffer.
    const src = gpu.upload(Float32Array.from([1, 2, 3, 4, 5]), [5], { dtype: "f32" });
    const rec = gpu.recorder("slices");
    rec.dispatch(k, [src, b.prefix([5])], 1);
    rec.submit();
    assert.deepEqual([...await gpu.read(b)], [2, 4, 6, 8, 10, -1, -1]);
    const all = await gpu.read(arena);
    assert.deepEqual([...all.subarray(0, 6)], [1, 2, 3, 4, 5, -1]);
    assert.ok(all.subarray(71).every((v) => v === -1));
  },
});

Deno.test({
  name: "uniform(): one buffer per distinct content, holding those bytes",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const a = gpu.uniform(Uint32Array.from([1, 2, 3]), "shape");
    const b = gpu.uniform(Uint32Array.from([1, 2, 3]), "shape");
    const c = gpu.uniform(Float32Array.from([1, 2, 3]), "shape");
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.deepEqual([...await gpu.read(a)], [1, 2, 3]);
    assert.deepEqual(new Float32Array((await gpu.read(c)).buffer), Float32Array.from([1, 2, 3]));
  },
});

Deno.test({
  name: "recorder.clear zero-fills only the tensor's range",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const t = gpu.upload(new Float32Array(130).fill(7), [130], { dtype: "f32", label: "c" });
    const rec = gpu.recorder("clear");
    rec.clear(t.slice(64, [3]));
    rec.submit();
    const out = await gpu.read(t);
    assert.deepEqual([...out.subarray(62, 68)], [7, 7, 0, 0, 0, 7]);
  },
});

Deno.test({
  name: "profiler: timestamp queries time each dispatch by kernel name",
  ignore: noGpu || !testGpuHasTimestamps(),
  async fn() {
    const gpu = testGpu();
    const { Profiler } = await import("./profiler.ts");
    const profiler = new Profiler(gpu.device, 16);
    const k = await gpu.pipelines.get({ label: "copy", code: COPY_WGSL, constants: { SCALE: 2 } });
    const x = gpu.tensor([4096], { label: "px" });
    const y = gpu.tensor([4096], { label: "py" });
    for (let s = 0; s < 2; s++) {
      const rec = gpu.recorder(`profiled ${s}`, { profiler });
      rec.dispatch(k, [x, y], 64).dispatch(k, [x, y], 64);
      rec.submit();
    }
    await gpu.sync();
    const times = await profiler.collect();
    assert.equal(times.length, 1);
    assert.equal(times[0].label, "copy{SCALE=2}");
    assert.equal(times[0].dispatches, 4);
    assert.ok(times[0].ms >= 0 && Number.isFinite(times[0].ms));
  },
});

function testGpuHasTimestamps(): boolean {
  return !noGpu && testGpu().device.features.has("timestamp-query");
}
