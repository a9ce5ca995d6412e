/**
 * Flat GPU arenas: every parameter of a model lives in one buffer and every gradient in another
 * (same offsets), so an optimizer step is one dispatch over the whole arena. Non-learnable state
 * (BatchNorm running statistics) lives in a third buffer. Each entry starts on a 256-byte boundary
 * (64 floats) because WebGPU binds sub-ranges only at such offsets; the padding stays zero.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import { OFFSET_ALIGNMENT, shapeSize } from "../gpu/tensor.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { Rng } from "../util/rng.ts";

const ALIGN_FLOATS = OFFSET_ALIGNMENT / 4;

/** What an entry is for: learnable parameters get a gradient; state does not. */
export type EntryKind = "param" | "state";

/** One tensor in an arena; `value` (and `grad` for parameters) exist after allocation. */
export class ArenaEntry {
  /** The entry's name, e.g. `block1.conv.weight`. */
  readonly name: string;
  /** The tensor shape of the entry's value. */
  readonly shape: readonly number[];
  /** Whether it is a learnable parameter or state (e.g. running statistics). */
  readonly kind: EntryKind;
  /** Offset in floats from the start of its arena. */
  readonly offset: number;
  /** Initial value written at allocation (e.g. BatchNorm running var = 1), or zero. */
  readonly fill: number;
  #value: GpuTensor<"f32"> | null = null;
  #grad: GpuTensor<"f32"> | null = null;

  /** An entry at `offset` floats into its arena; use `Arena.param()` or `Arena.state()`. */
  constructor(
    name: string,
    shape: readonly number[],
    kind: EntryKind,
    offset: number,
    fill: number,
  ) {
    this.name = name;
    this.shape = shape;
    this.kind = kind;
    this.offset = offset;
    this.fill = fill;
  }

  /** Number of elements. */
  get size(): number {
    return shapeSize(this.shape);
  }

  /** The entry's slice of the parameter (or state) arena. */
  get value(): GpuTensor<"f32"> {
    if (!this.#value) throw new Error(`arena entry ${this.name}: arena not allocated yet`);
    return this.#value;
  }

  /** The entry's slice of the gradient arena (parameters only). */
  get grad(): GpuTensor<"f32"> {
    if (!this.#grad) {
      throw new Error(
        `arena entry ${this.name}: ${
          this.kind === "state" ? "state has no gradient" : "arena not allocated yet"
        }`,
      );
    }
    return this.#grad;
  }

  /** @internal Called by {@link Arena.allocate}. */
  bind(value: GpuTensor<"f32">, grad: GpuTensor<"f32"> | null): void {
    this.#value = value;
    this.#grad = grad;
  }
}

/**
 * Collects entries while a model is built, then allocates the buffers once with
 * {@link Arena.allocate}.
 */
export class Arena {
  readonly #params: ArenaEntry[] = [];
  readonly #state: ArenaEntry[] = [];
  #paramFloats = 0;
  #stateFloats = 0;
  #buffers: { params: GpuTensor<"f32">; grads: GpuTensor<"f32">; state: GpuTensor<"f32"> } | null =
    null;

  /** Registers a learnable parameter (zero until initialised). */
  param(name: string, shape: readonly number[]): ArenaEntry {
    const entry = new ArenaEntry(name, shape, "param", this.#paramFloats, 0);
    this.#assertOpen(entry);
    this.#paramFloats += align(entry.size);
    this.#params.push(entry);
    return entry;
  }

  /** Registers non-learnable state (e.g. running statistics) holding `fill` initially. */
  state(name: string, shape: readonly number[], fill = 0): ArenaEntry {
    const entry = new ArenaEntry(name, shape, "state", this.#stateFloats, fill);
    this.#assertOpen(entry);
    this.#stateFloats += align(entry.size);
    this.#state.push(entry);
    return entry;
  }

  /** The learnable parameters in registration order. */
  get params(): readonly ArenaEntry[] {
    return this.#params;
  }

  /** The state entries in registration order. */
  get stateEntries(): readonly ArenaEntry[] {
    return this.#state;
  }

  /** Number of learnable scalars (without alignment padding). */
  get paramCount(): number {
    return this.#params.reduce((n, e) => n + e.size, 0);
  }

  /** The allocated buffers: params [P], grads [P] (same layout), state [S]. */
  get buffers(): { params: GpuTensor<"f32">; grads: GpuTensor<"f32">; state: GpuTensor<"f32"> } {
    if (!this.#buffers) throw new Error("arena not allocated yet");
    return this.#buffers;
  }

  /** Allocates the three buffers and binds every entry to its slices; state gets its fill. */
  allocate(gpu: Gpu, label = "model"): void {
    if (this.#buffers) throw new Error(`arena ${label}: already allocated`);
    const floats = (n: number) => Math.max(n, 1);
    const params = gpu.tensor([floats(this.#paramFloats)], { label: `${label}.params` });
    const grads = gpu.tensor([floats(this.#paramFloats)], { label: `${label}.grads` });
    const state = gpu.tensor([floats(this.#stateFloats)], { label: `${label}.state` });
    for (const e of this.#params) {
      e.bind(
        params.slice(e.offset, e.shape, e.name),
        grads.slice(e.offset, e.shape, `${e.name}.grad`),
      );
    }
    const init = new Float32Array(floats(this.#stateFloats));
    for (const e of this.#state) {
      e.bind(state.slice(e.offset, e.shape, e.name), null);
      init.fill(e.fill, e.offset, e.offset + e.size);
    }
    gpu.write(state, init);
    this.#buffers = { params, grads, state };
  }

  #assertOpen(entry: ArenaEntry): void {
    if (this.#buffers) throw new Error(`arena entry ${entry.name}: arena already allocated`);
  }
}

/**
 * PyTorch's default init for conv and linear layers: every entry (weight, then bias) drawn from
 * U(±1/√fan_in), in order, from one stream (kaiming_uniform with a = √5 gives the same bound).
 */
export function pytorchDefaultInit(
  gpu: Gpu,
  entries: readonly ArenaEntry[],
  o: { fanIn: number; rng: Rng },
): void {
  const bound = 1 / Math.sqrt(o.fanIn);
  for (const e of entries) {
    gpu.write(e.value, o.rng.fillUniform(new Float32Array(e.size), -bound, bound));
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN_FLOATS) * ALIGN_FLOATS;
}
