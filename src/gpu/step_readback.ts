/**
 * Run-ahead readbacks: a ring of small staging buffers through which a step's scalar (a batch's
 * loss) comes back to the CPU a few steps late, without stalling the queue.
 *
 * Each step copies its value into the next staging buffer inside its own command encoder and
 * starts mapping it right after the submit. Once more than `depth` steps are in flight, the
 * oldest mapping is awaited: by then the GPU is `depth` steps past it, so the wait is mostly the
 * work the GPU still has queued, not the ~11 ms a lone readback costs on lavapipe. The CPU thus
 * records at most `depth` steps ahead of the GPU: a callback that reads the value, or a cancel
 * that checks a flag, acts within `depth` steps of real time, and no epoch's worth of work is
 * queued behind a progress read.
 *
 * @module
 */

import type { Gpu } from "./device.ts";
import type { Recorder } from "./recorder.ts";
import type { GpuTensor } from "./tensor.ts";

/** One value read back: its tag (the caller's step id) and the f32 values copied. */
export interface StepValue<T> {
  tag: T;
  values: Float32Array;
}

interface Slot<T> {
  buffer: GPUBuffer;
  tag: T | null;
  mapping: Promise<void> | null;
}

/** A ring of `depth + 1` staging buffers of `floats` f32 values each; see the module doc. */
export class StepReadback<T> {
  readonly depth: number;
  readonly floats: number;
  readonly #gpu: Gpu;
  readonly #slots: Slot<T>[];
  /** Index of the slot the next {@link record} uses. */
  #next = 0;
  /** Steps submitted and not yet returned, oldest first (slot indices). */
  readonly #inFlight: number[] = [];
  #destroyed = false;

  constructor(gpu: Gpu, options: { depth: number; floats?: number; label?: string }) {
    if (!Number.isInteger(options.depth) || options.depth < 1) {
      throw new RangeError(`StepReadback depth must be an integer ≥ 1, got ${options.depth}`);
    }
    this.#gpu = gpu;
    this.depth = options.depth;
    this.floats = options.floats ?? 1;
    this.#slots = Array.from({ length: this.depth + 1 }, (_, i) => ({
      buffer: gpu.device.createBuffer({
        label: `${options.label ?? "step readback"} ${i}`,
        size: 4 * this.floats,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
      tag: null,
      mapping: null,
    }));
  }

  /** Steps recorded whose values have not been returned yet. */
  get pending(): number {
    return this.#inFlight.length;
  }

  /**
   * Records a copy of the first {@link floats} values of `src` into the next staging buffer, in
   * `rec` (before its submit). Call {@link afterSubmit} after that submit; a step recorded but
   * never passed to it (its batch threw) is overwritten by the next one.
   */
  record(rec: Recorder, src: GpuTensor<"f32">, tag: T): void {
    this.#assertAlive();
    const slot = this.#slots[this.#next];
    rec.encoder().copyBufferToBuffer(src.buffer, src.byteOffset, slot.buffer, 0, 4 * this.floats);
    slot.tag = tag;
  }

  /**
   * Starts mapping the step just submitted; when more than `depth` steps are pending, waits for
   * the oldest and returns its values (otherwise null).
   */
  async afterSubmit(): Promise<StepValue<T> | null> {
    this.#assertAlive();
    const index = this.#next;
    const slot = this.#slots[index];
    slot.mapping = slot.buffer.mapAsync(GPUMapMode.READ);
    // Awaited in #takeOldest; a mapping abandoned by destroy() must not be an unhandled rejection.
    slot.mapping.catch(() => {});
    this.#inFlight.push(index);
    this.#next = (index + 1) % this.#slots.length;
    return this.#inFlight.length > this.depth ? await this.#takeOldest() : null;
  }

  /** Waits for every pending step and returns their values, oldest first. */
  async drain(): Promise<StepValue<T>[]> {
    const out: StepValue<T>[] = [];
    while (this.#inFlight.length > 0) out.push(await this.#takeOldest());
    return out;
  }

  /** Frees the staging buffers (pending mappings are abandoned). */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const slot of this.#slots) slot.buffer.destroy();
    this.#inFlight.length = 0;
  }

  async #takeOldest(): Promise<StepValue<T>> {
    const index = this.#inFlight.shift()!;
    const slot = this.#slots[index];
    try {
      await slot.mapping;
    } catch (err) {
      this.#gpu.assertAlive();
      await this.#gpu.checkErrors();
      throw err;
    } finally {
      slot.mapping = null;
    }
    const values = new Float32Array(slot.buffer.getMappedRange().slice(0));
    slot.buffer.unmap();
    return { tag: slot.tag as T, values };
  }

  #assertAlive(): void {
    if (this.#destroyed) throw new Error("StepReadback: used after destroy()");
  }
}
