import assert from "node:assert/strict";
import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { generalReluBackwardRef, generalReluForwardRef } from "../ref/activations.ts";
import type { GeneralReluOptions } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  type GeneralReluKernels,
  generalReluKernels,
  recordGeneralReluBackward,
  recordGeneralReluForward,
} from "./activations.ts";

/**
 * Many small f32 tensors packed into one buffer at 256-byte-aligned slices, with a NaN guard
 * after each, so a test uploads once and reads once.
 */
class Slab {
  readonly #items: { at: number; data: Float32Array; shape: number[] }[] = [];
  #size = 0;
  #t: GpuTensor<"f32"> | null = null;
  static readonly GUARD = 64; // NaN floats after every region (one alignment unit)

  /** Reserves a region initialised to `data`; returns its handle. */
  put(data: Float32Array, shape: number[] = [data.length]): number {
    this.#items.push({ at: this.#size, data, shape });
    this.#size += Math.ceil(data.length / 64) * 64 + Slab.GUARD;
    return this.#items.length - 1;
  }

  /** Reserves a NaN-filled region (an output to be fully overwritten). */
  nan(shape: number[]): number {
    return this.put(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(NaN), shape);
  }

  /** Allocates and uploads everything reserved so far. */
  upload(gpu: Gpu, label: string): void {
    const host = new Float32Array(this.#size).fill(NaN);
    for (const it of this.#items) host.set(it.data, it.at);
    this.#t = gpu.upload(host, [this.#size], { dtype: "f32", label });
  }

  /** The tensor of region `h`. */
  t(h: number): GpuTensor<"f32"> {
    const it = this.#items[h];
    return this.#t!.slice(it.at, it.shape);
  }

  /** Reads the whole slab back once; returns region views, and checks every guard is NaN. */
  async read(gpu: Gpu): Promise<(h: number) => Float32Array> {
    const host = await gpu.read(this.#t!);
    for (const it of this.#items) {
      const end = Math.ceil(it.data.length / 64) * 64 + Slab.GUARD;
      const tail = host.subarray(it.at + it.data.length, it.at + end);
      assert.ok(
        tail.every(Number.isNaN),
        `${this.#t!.label}: region at ${it.at} wrote past its end`,
      );
    }
    return (h) => {
      const it = this.#items[h];
      return host.subarray(it.at, it.at + it.data.length);
    };
  }

  destroy(gpu: Gpu): void {
    if (this.#t) gpu.destroy(this.#t);
  }
}

// Forward tolerance: t = leak·x − sub in f32 is at most two roundings of values |·| ≤ 4 (plus
// f32(0.1) vs 0.1, 1.5e-9 relative), so ≤ 2·2⁻²⁴·4 ≈ 5e-7 absolute; atol 1e-6.
const FWD_TOL = { atol: 1e-6, rtol: 0 };
// Backward: dy·slope is one rounding (≤ 6e-8 relative) plus the f32(leak) offset; rtol 2e-7.
const BWD_TOL = { atol: 1e-9, rtol: 2e-7 };

const OPTION_CASES: { name: string; o: GeneralReluOptions }[] = [
  { name: "lesson (0.1, 0.4, none)", o: { leak: 0.1, sub: 0.4, maxv: null } },
  { name: "plain ReLU", o: {} },
  { name: "leak, sub and maxv", o: { leak: 0.125, sub: 0.5, maxv: 1.5 } },
  { name: "ReLU6", o: { maxv: 6 } },
  { name: "sub only", o: { sub: 0.25 } },
];

/** x with exact zeros, values hitting t == maxv exactly, and their float neighbours. */
function makeX(rng: Rng, count: number): Float32Array {
  const x = rng.fillUniform(new Float32Array(count), -3, 3);
  // 2.0 gives t = 2 − 0.5 = 1.5 = maxv exactly (passes); 6 is ReLU6's edge; zeros take the leak.
  const special = [0, -0, 2, Math.fround(2 + 2 ** -22), 6, Math.fround(6 + 2 ** -21), 0];
  for (let i = 0; i < count; i += 7) x[i] = special[(i / 7) % special.length];
  return x;
}

Deno.test({
  name: "GeneralReLU forward/backward match the float64 reference (odd sizes, three tunings)",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(101);
    const tunings = [{ workgroupSize: 64, perInvocation: 1 }, {}, {
      workgroupSize: 32,
      perInvocation: 3,
    }];
    // Odd sizes take the scalar kernels, multiples of 4 the vec4 ones; both with partial blocks.
    const sizes = [1, 4, 7, 12, 197, 1000, 3329, 12292, 114691];
    const inputs = new Slab(), outputs = new Slab();
    const cases: {
      what: string;
      x: Float32Array;
      dy: Float32Array;
      o: GeneralReluOptions;
      h: { x: number; dy: number; y: number; dx: number };
      k: GeneralReluKernels;
    }[] = [];
    for (const tuning of tunings) {
      const k = await generalReluKernels(gpu, tuning);
      for (const size of sizes) {
        for (const { name, o } of OPTION_CASES) {
          const x = makeX(rng, size);
          const dy = rng.fillNormal(new Float32Array(size));
          const h = {
            x: inputs.put(x),
            dy: inputs.put(dy),
            y: outputs.nan([size]),
            dx: outputs.nan([size]),
          };
          cases.push({ what: `${name} size ${size} ${JSON.stringify(tuning)}`, x, dy, o, h, k });
        }
      }
    }
    inputs.upload(gpu, "relu inputs");
    outputs.upload(gpu, "relu outputs");
    const rec = gpu.recorder("general relu test");
    for (const { o, h, k } of cases) {
      const x = inputs.t(h.x);
      recordGeneralReluForward(rec, k, { x, y: outputs.t(h.y) }, o);
      recordGeneralReluBackward(rec, k, { x, dy: inputs.t(h.dy), dx: outputs.t(h.dx) }, o);
    }
    rec.submit();
    const get = await outputs.read(gpu);
    for (const c of cases) {
      const x = Float64Array.from(c.x), dy = Float64Array.from(c.dy);
      assertClose(get(c.h.y), generalReluForwardRef(x, c.o), { ...FWD_TOL, what: `y ${c.what}` });
      assertClose(get(c.h.dx), generalReluBackwardRef(x, dy, c.o), {
        ...BWD_TOL,
        what: `dx ${c.what}`,
      });
    }
    inputs.destroy(gpu);
    outputs.destroy(gpu);
  },
});

Deno.test({
  name: "GeneralReLU edge cases: zeros take the leak, t == maxv passes, just above blocks",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await generalReluKernels(gpu);
    const x = Float32Array.of(0, -0, 2, Math.fround(2 + 2 ** -22), -1, 1, 0, 2);
    const dy = Float32Array.of(1, 1, 1, 1, 1, 1, 1, 1);
    const o = { leak: 0.125, sub: 0.5, maxv: 1.5 };
    const inputs = new Slab(), outputs = new Slab();
    // Eight values (the vec4 kernels) and the first six of them (the scalar kernels).
    const [hx, hdy, hy, hdx] = [inputs.put(x), inputs.put(dy), outputs.nan([8]), outputs.nan([8])];
    const [hx2, hdy2, hr, hrd] = [
      inputs.put(x.subarray(0, 6)),
      inputs.put(dy.subarray(0, 6)),
      outputs.nan([6]),
      outputs.nan([6]),
    ];
    inputs.upload(gpu, "edge inputs");
    outputs.upload(gpu, "edge outputs");
    const rec = gpu.recorder("relu edges");
    recordGeneralReluForward(rec, k, { x: inputs.t(hx), y: outputs.t(hy) }, o);
    recordGeneralReluBackward(
      rec,
      k,
      { x: inputs.t(hx), dy: inputs.t(hdy), dx: outputs.t(hdx) },
      o,
    );
    recordGeneralReluForward(rec, k, { x: inputs.t(hx2), y: outputs.t(hr) }, o);
    recordGeneralReluBackward(rec, k, {
      x: inputs.t(hx2),
      dy: inputs.t(hdy2),
      dx: outputs.t(hrd),
    }, o);
    rec.submit();
    const get = await outputs.read(gpu);
    const y = [-0.5, -0.5, 1.5, 1.5, -0.625, 0.5, -0.5, 1.5];
    const dx = [0.125, 0.125, 1, 0, 0.125, 1, 0.125, 1];
    assert.deepEqual([...get(hy)], y);
    assert.deepEqual([...get(hdx)], dx);
    assert.deepEqual([...get(hr)], y.slice(0, 6));
    assert.deepEqual([...get(hrd)], dx.slice(0, 6));
    inputs.destroy(gpu);
    outputs.destroy(gpu);
  },
});

Deno.test({
  name: "GeneralReLU launchers refuse mismatched sizes and non-finite options, naming them",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await generalReluKernels(gpu);
    const x = gpu.tensor([10], { label: "x" });
    const y = gpu.tensor([11], { label: "y" });
    const rec = gpu.recorder("bad relus");
    assert.throws(() => recordGeneralReluForward(rec, k, { x, y }), /y y\[11\] f32.*10 elements/);
    assert.throws(
      () => recordGeneralReluBackward(rec, k, { x, dy: x, dx: y }),
      /dx y\[11\]/,
    );
    assert.throws(
      () => recordGeneralReluForward(rec, k, { x, y: x }, { leak: NaN }),
      /leak = NaN/,
    );
    await assert.rejects(() => generalReluKernels(gpu, { workgroupSize: 0 }), /workgroupSize = 0/);
    for (const t of [x, y]) gpu.destroy(t);
  },
});
