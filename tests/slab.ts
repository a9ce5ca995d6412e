import assert from "node:assert/strict";
import type { Gpu } from "../src/gpu/device.ts";
import type { GpuTensor } from "../src/gpu/tensor.ts";

/**
 * Many small f32 tensors packed into one buffer at 256-byte-aligned slices, with a NaN guard
 * after each, so a test uploads once and reads once. (One slab per binding role: WebGPU forbids
 * binding one buffer read-only and read-write in the same dispatch.)
 */
export class Slab {
  readonly #items: { at: number; data: Float32Array; shape: number[] }[] = [];
  #size = 0;
  #t: GpuTensor<"f32"> | null = null;
  static readonly GUARD = 64;

  put(data: Float32Array | number[], shape: number[] = [data.length]): number {
    this.#items.push({ at: this.#size, data: Float32Array.from(data), shape });
    this.#size += Math.ceil(data.length / 64) * 64 + Slab.GUARD;
    return this.#items.length - 1;
  }

  nan(shape: number[]): number {
    return this.put(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(NaN), shape);
  }

  upload(gpu: Gpu, label: string): this {
    const host = new Float32Array(Math.max(this.#size, 1)).fill(NaN);
    for (const it of this.#items) host.set(it.data, it.at);
    this.#t = gpu.upload(host, [host.length], { dtype: "f32", label });
    return this;
  }

  t(h: number): GpuTensor<"f32"> {
    const it = this.#items[h];
    return this.#t!.slice(it.at, it.shape);
  }

  async read(gpu: Gpu): Promise<(h: number) => Float64Array> {
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
      return Float64Array.from(host.subarray(it.at, it.at + it.data.length));
    };
  }

  destroy(gpu: Gpu): void {
    if (this.#t) gpu.destroy(this.#t);
  }
}

/** Largest |value| of an array (0 for an empty one). */
export const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};
