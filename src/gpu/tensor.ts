/** Element types a {@link GpuTensor} can hold. `u8` is packed four to a 32-bit word (WGSL has no u8). */
export type Dtype = "f32" | "u32" | "i32" | "u8";

/** A CPU array matching a dtype, as returned by `Gpu.read`. */
export type HostArray<D extends Dtype = Dtype> = D extends "f32" ? Float32Array
  : D extends "u32" ? Uint32Array
  : D extends "i32" ? Int32Array
  : Uint8Array;

/** Bytes one element takes in a GPU buffer. */
export function bytesPerElement(dtype: Dtype): number {
  return dtype === "u8" ? 1 : 4;
}

/** Number of elements in a shape; the empty shape is a scalar (1 element). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`tensor shape [${shape.join(", ")}]: expected non-negative integers`);
    }
    n *= d;
  }
  return n;
}

/** Buffer size for `size` elements: a multiple of 4 bytes and never 0 (WebGPU needs both). */
export function bufferBytes(size: number, dtype: Dtype): number {
  return Math.max(4, Math.ceil((size * bytesPerElement(dtype)) / 4) * 4);
}

let nextBufferId = 1;

/** Byte offsets of bound sub-ranges must be multiples of this (WebGPU's default alignment). */
export const OFFSET_ALIGNMENT = 256;

/**
 * A GPU buffer (or an aligned range of one) seen as an N-dimensional array: the buffer, its
 * shape (dimension letters N, C, H, W by convention), element type and a label that names it in
 * error messages. Views ({@link GpuTensor.view}, {@link GpuTensor.prefix},
 * {@link GpuTensor.slice}) share the buffer and its id; nothing is copied.
 */
export class GpuTensor<D extends Dtype = Dtype> {
  /** Identifies the underlying buffer (shared by views) for bind-group caching. */
  readonly bufferId: number;
  /** The GPU buffer (shared by views; see `byteOffset`). */
  readonly buffer: GPUBuffer;
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: D;
  /** Names the tensor in error messages and dispatch descriptions. */
  readonly label: string;
  /** Number of elements. */
  readonly size: number;
  /** Where the elements start in the buffer (0, or a multiple of {@link OFFSET_ALIGNMENT}). */
  readonly byteOffset: number;

  /**
   * A tensor over `buffer` from `at.byteOffset`; throws if the shape does not fit. Use
   * `Gpu.tensor()` to allocate one.
   */
  constructor(
    buffer: GPUBuffer,
    shape: readonly number[],
    dtype: D,
    label: string,
    at: { bufferId?: number; byteOffset?: number } = {},
  ) {
    const size = shapeSize(shape);
    const byteOffset = at.byteOffset ?? 0;
    if (byteOffset + bufferBytes(size, dtype) > buffer.size) {
      throw new RangeError(
        `tensor ${label}: shape [${shape.join(", ")}] ${dtype} at byte ${byteOffset} needs ` +
          `${bufferBytes(size, dtype)} bytes, the buffer has ${buffer.size}`,
      );
    }
    this.buffer = buffer;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.label = label;
    this.size = size;
    this.bufferId = at.bufferId ?? nextBufferId++;
    this.byteOffset = byteOffset;
  }

  /** Bytes the elements occupy in the buffer, rounded up to whole 32-bit words. */
  get byteLength(): number {
    return bufferBytes(this.size, this.dtype);
  }

  /** The same buffer with another shape of equal size (flatten, reshape); no copy. */
  view(shape: readonly number[], label = this.label): GpuTensor<D> {
    if (shapeSize(shape) !== this.size) {
      throw new RangeError(
        `tensor ${this.label}: cannot view [${this.shape.join(", ")}] (${this.size} elements) ` +
          `as [${shape.join(", ")}] (${shapeSize(shape)} elements)`,
      );
    }
    return this.#at(shape, label, this.byteOffset);
  }

  /**
   * The first `shapeSize(shape)` elements with a new shape (e.g. a partial last batch): shares
   * the buffer, and binds only the prefix, so WGSL's `arrayLength` sees the smaller size.
   */
  prefix(shape: readonly number[], label = this.label): GpuTensor<D> {
    if (shapeSize(shape) > this.size) {
      throw new RangeError(
        `tensor ${this.label}: prefix [${shape.join(", ")}] (${shapeSize(shape)} elements) is ` +
          `larger than [${this.shape.join(", ")}] (${this.size} elements)`,
      );
    }
    return this.#at(shape, label, this.byteOffset);
  }

  /**
   * `shapeSize(shape)` elements starting at element `start` (e.g. one layer's weights in a flat
   * parameter arena). Bindable only at byte offsets that are multiples of
   * {@link OFFSET_ALIGNMENT}, so this insists on it. WebGPU tracks usage per buffer, not per
   * range: two slices of one buffer cannot be bound read-only and read-write in one dispatch.
   */
  slice(start: number, shape: readonly number[], label = this.label): GpuTensor<D> {
    const byteOffset = this.byteOffset + start * bytesPerElement(this.dtype);
    if (!Number.isInteger(start) || start < 0 || start + shapeSize(shape) > this.size) {
      throw new RangeError(
        `tensor ${this.label}: slice of ${shapeSize(shape)} elements at ${start} is outside ` +
          `its ${this.size} elements`,
      );
    }
    if (byteOffset % OFFSET_ALIGNMENT !== 0) {
      throw new RangeError(
        `tensor ${this.label}: slice at byte ${byteOffset} is not a multiple of ` +
          `${OFFSET_ALIGNMENT} (WebGPU binding alignment)`,
      );
    }
    return this.#at(shape, label, byteOffset);
  }

  #at(shape: readonly number[], label: string, byteOffset: number): GpuTensor<D> {
    return new GpuTensor(this.buffer, shape, this.dtype, label, {
      bufferId: this.bufferId,
      byteOffset,
    });
  }

  /** `label[60000×28×28] u8`, as used in error messages and perf tables. */
  describe(): string {
    const at = this.byteOffset === 0 ? "" : `@${this.byteOffset}`;
    return `${this.label}[${this.shape.join("×")}] ${this.dtype}${at}`;
  }
}
