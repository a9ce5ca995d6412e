/**
 * Scratch buffers of the kernels objects (BatchNorm2d, LayerNorm, cross-entropy, activation
 * statistics): one GPU buffer per name, grown on demand and otherwise reused.
 *
 * @module
 */
import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";

/**
 * Scratch buffers owned by a kernels object, one per name, grown on demand and otherwise reused
 * (so steady-state training allocates nothing). Views are prefixes of the current buffer.
 */
export class ScratchBuffers {
  readonly #gpu: Gpu;
  readonly #label: string;
  readonly #buffers = new Map<string, GpuTensor<"f32">>();
  readonly #views = new Map<string, GpuTensor<"f32">>();
  /** Outgrown buffers, kept alive for work recorded before they were replaced. */
  readonly #retired: GpuTensor<"f32">[] = [];
  /** Smallest allocation in floats: covers every lesson shape, so growth is rare. */
  static readonly MIN_FLOATS = 16384;

  constructor(gpu: Gpu, label: string) {
    this.#gpu = gpu;
    this.#label = label;
  }

  /** A `[size]` f32 view named `name`; contents are whatever was last written there. */
  get(name: string, size: number): GpuTensor<"f32"> {
    const key = `${name}:${size}`;
    let view = this.#views.get(key);
    if (view) return view;
    let buffer = this.#buffers.get(name);
    if (!buffer || buffer.size < size) {
      // The old buffer is not destroyed: recorded but unsubmitted work may still bind it.
      if (buffer) this.#retired.push(buffer);
      buffer = this.#gpu.tensor([Math.max(size, ScratchBuffers.MIN_FLOATS)], {
        label: `${this.#label}.${name}`,
      });
      this.#buffers.set(name, buffer);
      for (const k of [...this.#views.keys()]) if (k.startsWith(`${name}:`)) this.#views.delete(k);
    }
    view = buffer.prefix([Math.max(size, 1)]);
    this.#views.set(key, view);
    return view;
  }

  /** Destroys every buffer (reallocated on next use); only once no work still binds them. */
  release(): void {
    for (const buffer of [...this.#buffers.values(), ...this.#retired]) this.#gpu.destroy(buffer);
    this.#buffers.clear();
    this.#retired.length = 0;
    this.#views.clear();
  }
}
