import type { Gpu } from "../gpu/device.ts";
import { shapeSize } from "../gpu/tensor.ts";
import type { GpuTensor } from "../gpu/tensor.ts";

/**
 * A layer's activation buffers: one buffer per name, grown only when a larger batch arrives (the
 * first validation batch of 2048, say) and otherwise reused, so steady-state training allocates
 * nothing. Smaller batches (the last partial one) get prefix views, cached per shape.
 */
export class Workspace {
  readonly #gpu: Gpu;
  readonly #label: string;
  readonly #buffers = new Map<string, GpuTensor<"f32">>();
  readonly #views = new Map<string, GpuTensor<"f32">>();

  /** An empty workspace whose buffers are labelled after `label`. */
  constructor(gpu: Gpu, label: string) {
    this.#gpu = gpu;
    this.#label = label;
  }

  /** A tensor of `shape` named `name`: contents are whatever was last written there. */
  get(name: string, shape: readonly number[]): GpuTensor<"f32"> {
    const key = `${name}:${shape.join("x")}`;
    const cached = this.#views.get(key);
    if (cached) return cached;
    const size = shapeSize(shape);
    let buffer = this.#buffers.get(name);
    if (!buffer || buffer.size < size) {
      if (buffer) {
        this.#gpu.destroy(buffer);
        for (const k of [...this.#views.keys()]) {
          if (k.startsWith(`${name}:`)) this.#views.delete(k);
        }
      }
      buffer = this.#gpu.tensor([size], { label: `${this.#label}.${name}` });
      this.#buffers.set(name, buffer);
    }
    const view = buffer.prefix(shape, `${this.#label}.${name}`);
    this.#views.set(key, view);
    return view;
  }

  /** Frees every buffer (the layer must not run again). */
  destroy(): void {
    for (const b of this.#buffers.values()) this.#gpu.destroy(b);
    this.#buffers.clear();
    this.#views.clear();
  }

  /** Bytes held by this workspace. */
  get bytes(): number {
    let n = 0;
    for (const b of this.#buffers.values()) n += b.buffer.size;
    return n;
  }
}
