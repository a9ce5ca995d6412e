import type { Gpu } from "../gpu/device.ts";
import type { Binding, Kernel } from "../gpu/pipelines.ts";
import { grid2d, type Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { GatherParams } from "../shapes.ts";
import code from "./gather.wgsl" with { type: "text" };
import { GATHER_PARAMS } from "./params.ts";

export type { GatherParams };

/** Bytes of the `Params` uniform struct in gather.wgsl. */
export const GATHER_PARAMS_BYTES: number = GATHER_PARAMS.size;

/** The buffers a gather reads and writes; shapes in the comments are the WGSL's. */
export interface GatherBuffers {
  /** The split's images: [N_total, H, W] packed u8. */
  images: GpuTensor<"u8">;
  /** The split's labels: [N_total]. */
  labels: GpuTensor<"u32">;
  /** The epoch's order of image indices: [N_total]. */
  order: GpuTensor<"u32">;
  /** The {@link GatherParams} uniform (a 256-byte slot of a shared buffer). */
  params: Binding;
  /** The batch's images, written: [≥count, 1, H, W]. */
  x: GpuTensor<"f32">;
  /** The batch's labels, written: [≥count]. */
  y: GpuTensor<"u32">;
}

/** Compiles (once per process) the gather kernel with `workgroupSize` invocations per group. */
export function gatherKernel(gpu: Gpu, workgroupSize = 256): Promise<Kernel> {
  return gpu.pipelines.get({ label: "gather", code, constants: { WG: workgroupSize } });
}

/** The Params struct of gather.wgsl as bytes, for `words` 32-bit words per image. */
export function encodeGatherParams(p: GatherParams, words: number): Uint8Array {
  const u = GATHER_PARAMS.pack({
    start: p.start,
    count: p.count,
    words,
    mean: p.mean,
    std_dev: p.std,
  });
  return new Uint8Array(u.buffer);
}

/** Records one gather of `count` images into `b.x` / `b.y` (params must already hold `count`). */
export function recordGather(
  rec: Recorder,
  kernel: Kernel,
  b: GatherBuffers,
  count: number,
): void {
  const [, h, w] = b.images.shape;
  const words = (h * w) / 4;
  if (!Number.isInteger(words)) {
    throw new RangeError(`gather ${b.images.describe()}: H*W = ${h * w} must be a multiple of 4`);
  }
  if (count * h * w > b.x.size || count > b.y.size) {
    throw new RangeError(
      `gather of ${count} images does not fit ${b.x.describe()} / ${b.y.describe()}`,
    );
  }
  const wg = kernel.spec.constants?.WG ?? 256;
  rec.dispatch(
    kernel,
    [b.images, b.labels, b.order, b.params, b.x, b.y],
    grid2d(count * words, wg),
  );
}
