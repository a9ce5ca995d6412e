/**
 * The one grow-on-demand buffer policy of the trainer, used by the layers' activation buffers,
 * the kernels' scratch space and the convolutions' packed weights and partial sums.
 *
 * @module
 */
import type { Gpu } from "./device.ts";
import { shapeSize } from "./tensor.ts";
import type { GpuTensor } from "./tensor.ts";

/** How a {@link GrowingBuffers} allocates and what it does with a buffer it has outgrown. */
export interface GrowingBuffersOptions {
  /** Smallest allocation in floats, so that growth is rare (default 0: exactly what is asked). */
  minFloats?: number;
  /** GPU buffer usage flags (default: the device's storage usage). */
  usage?: number;
  /**
   * What happens to an outgrown buffer. "free": destroyed at once — for owners whose work up to
   * now is all submitted when a larger size is asked (a layer meeting its first larger batch).
   * "keep": kept until {@link GrowingBuffers.release} — for owners whose recorder, still being
   * filled, may already bind the old buffer (the kernels' scratch space).
   */
  outgrown: "free" | "keep";
}

/**
 * Named f32 buffers, each grown to the largest size asked for and otherwise reused, so
 * steady-state training allocates nothing; a smaller request gets a prefix view of the same
 * buffer, cached per shape (so bind groups are cached too).
 */
export class GrowingBuffers {
  readonly #gpu: Gpu;
  readonly #label: string;
  readonly #options: Required<GrowingBuffersOptions>;
  readonly #buffers = new Map<string, GpuTensor<"f32">>();
  readonly #views = new Map<string, GpuTensor<"f32">>();
  readonly #outgrown: GpuTensor<"f32">[] = [];

  /** An empty set whose buffers are labelled `label.name`. */
  constructor(gpu: Gpu, label: string, options: GrowingBuffersOptions) {
    this.#gpu = gpu;
    this.#label = label;
    this.#options = { minFloats: 0, usage: 0, ...options };
  }

  /** A tensor of `shape` (or `[size]`) named `name`; its contents are whatever was last written. */
  get(name: string, shape: readonly number[] | number): GpuTensor<"f32"> {
    const dims = typeof shape === "number" ? [Math.max(shape, 1)] : shape;
    const key = `${name}:${dims.join("x")}`;
    const cached = this.#views.get(key);
    if (cached) return cached;
    const size = shapeSize(dims);
    let buffer = this.#buffers.get(name);
    if (!buffer || buffer.size < size) {
      if (buffer) this.#retire(name, buffer);
      buffer = this.#gpu.tensor([Math.max(size, this.#options.minFloats)], {
        label: `${this.#label}.${name}`,
        ...(this.#options.usage ? { usage: this.#options.usage } : {}),
      });
      this.#buffers.set(name, buffer);
    }
    const view = buffer.prefix(dims, `${this.#label}.${name}`);
    this.#views.set(key, view);
    return view;
  }

  /** Destroys every buffer, outgrown ones included; only once no work still binds them. */
  release(): void {
    for (const b of [...this.#buffers.values(), ...this.#outgrown]) this.#gpu.destroy(b);
    this.#buffers.clear();
    this.#outgrown.length = 0;
    this.#views.clear();
  }

  /** Bytes held, outgrown buffers kept for pending work included. */
  get bytes(): number {
    let n = 0;
    for (const b of [...this.#buffers.values(), ...this.#outgrown]) n += b.buffer.size;
    return n;
  }

  #retire(name: string, buffer: GpuTensor<"f32">): void {
    for (const k of [...this.#views.keys()]) if (k.startsWith(`${name}:`)) this.#views.delete(k);
    if (this.#options.outgrown === "free") this.#gpu.destroy(buffer);
    else this.#outgrown.push(buffer);
  }
}
