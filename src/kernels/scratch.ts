/**
 * Scratch space of the kernels objects (BatchNorm2d, LayerNorm, cross-entropy, activation
 * statistics): partial sums and placeholders, under the trainer's one grow-on-demand policy.
 *
 * @module
 */
import type { Gpu } from "../gpu/device.ts";
import { GrowingBuffers } from "../gpu/growing_buffers.ts";

/** Smallest scratch allocation in floats: covers every lesson shape, so growth is rare. */
export const SCRATCH_MIN_FLOATS = 16384;

/**
 * A kernels object's scratch buffers, one per name. Outgrown buffers are kept until release:
 * a recorder still being filled may bind them.
 */
export function scratchBuffers(gpu: Gpu, label: string): GrowingBuffers {
  return new GrowingBuffers(gpu, label, { minFloats: SCRATCH_MIN_FLOATS, outgrown: "keep" });
}
