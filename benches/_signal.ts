/**
 * Helpers shared by the signal-propagation claims (`depth_survival.ts`, `moments.ts`): GPU buffers
 * of stacked matrices at bindable offsets, host-side statistics that keep NaN and ±Infinity, and
 * the number formatting of log lines. Not a claim module (the registry skips `_` files).
 *
 * @module
 */
import type { Gpu, GpuTensor, Rng } from "../mod.ts";

/** f32 elements per 256 bytes: WebGPU binds storage slices only at multiples of 256 bytes. */
const ALIGN_F32 = 64;

/** `elements` rounded up to a multiple of 64 f32s, so consecutive slices stay bindable. */
export function alignedStride(elements: number): number {
  if (!Number.isInteger(elements) || elements < 1) {
    throw new RangeError(`alignedStride: elements = ${elements}, expected a positive integer`);
  }
  return Math.ceil(elements / ALIGN_F32) * ALIGN_F32;
}

/**
 * Fills `count` standard-normal f32 blocks of `elements` values, block i at i·stride of the
 * result (padding stays 0), each from its own stream `rng(i)`, then multiplies by `scale` (f64
 * product rounded to f32, like `torch.randn(...) * scale`). Returns the host array and stride.
 */
export function normalBlocks(
  rng: (i: number) => Rng,
  o: { count: number; elements: number; scale?: number },
): { data: Float32Array; stride: number } {
  const stride = alignedStride(o.elements);
  const data = new Float32Array(o.count * stride); // [count, stride]
  const scale = o.scale ?? 1;
  for (let i = 0; i < o.count; i++) {
    const block = data.subarray(i * stride, i * stride + o.elements);
    rng(i).fillNormal(block);
    if (scale !== 1) { for (let j = 0; j < block.length; j++) block[j] *= scale; }
  }
  return { data, stride };
}

/** Uploads `[count, stride]` blocks and returns block i as a tensor of `shape` (a 256-byte slice). */
export function uploadBlocks(
  gpu: Gpu,
  blocks: { data: Float32Array; stride: number },
  o: { shape: readonly number[]; label: string },
): { tensor: GpuTensor<"f32">; block(i: number): GpuTensor<"f32"> } {
  const count = blocks.data.length / blocks.stride;
  const tensor = gpu.upload(blocks.data, [count, blocks.stride], { dtype: "f32", label: o.label });
  return { tensor, block: (i) => tensor.slice(i * blocks.stride, o.shape) };
}

/** Statistics of host values in float64, keeping what was measured (NaN and ±Infinity). */
export interface HostStats {
  mean: number;
  /** Unbiased (÷(L − 1)), like `torch.Tensor.std()`. */
  std: number;
  /** max |x|; NaN when any value is NaN. */
  maxAbs: number;
  /** Whether every value is finite. */
  allFinite: boolean;
  /** Mean of x² (E[x²]). */
  meanSq: number;
}

/** Mean, unbiased std, max |x|, finiteness and mean square of `values` (at least 2), in float64. */
export function hostStats(values: ArrayLike<number>): HostStats {
  const L = values.length;
  if (L < 2) throw new RangeError(`hostStats: ${L} values, expected at least 2`);
  let sum = 0;
  let sumSq = 0;
  let maxAbs = 0;
  let allFinite = true;
  for (let i = 0; i < L; i++) {
    const v = values[i];
    sum += v;
    sumSq += v * v;
    const a = Math.abs(v);
    if (!Number.isFinite(v)) allFinite = false;
    if (Number.isNaN(a) || Number.isNaN(maxAbs)) maxAbs = NaN;
    else if (a > maxAbs) maxAbs = a;
  }
  const mean = sum / L;
  let m2 = 0;
  for (let i = 0; i < L; i++) m2 += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(m2 / (L - 1)), maxAbs, allFinite, meanSq: sumSq / L };
}

/** A number for a log line: 3 significant digits, scientific when tiny or huge. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}
