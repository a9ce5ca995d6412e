/**
 * Fashion-MNIST resident on the GPU as packed bytes: 60000×784 u8 is 47 MB, where f32 would be
 * 188 MB and exceed the 128 MiB storage-binding limit of many adapters. Labels are u32.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import {
  type DatasetInfo,
  type FashionMnist,
  type ImageSplit,
  loadFashionMnist,
  pixelStats,
} from "./fashion_mnist.ts";
import type { LocateOptions } from "./locate.ts";

/** A split on the GPU. */
export interface GpuSplit {
  /** "train" or "valid". */
  name: ImageSplit["name"];
  /** Images in the split. */
  count: number;
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** [count, H, W] u8, packed four to a word */
  images: GpuTensor<"u8">;
  /** [count] u32 */
  labels: GpuTensor<"u32">;
}

/** Both splits on the GPU, with provenance and the train split's pixel statistics. */
export interface GpuFashionMnist {
  /** The training split. */
  train: GpuSplit;
  /** The validation split. */
  valid: GpuSplit;
  /** Provenance: origin, files and content hashes. */
  info: DatasetInfo;
  /** Mean and std of the train pixels in [0, 1] (float64, whole split). */
  trainStats: { mean: number; std: number };
}

/** Uploads one split (queued; no wait). */
export function uploadSplit(gpu: Gpu, split: ImageSplit): GpuSplit {
  const { name, count, height, width } = split;
  const binding = gpu.device.limits.maxStorageBufferBindingSize;
  if (split.images.byteLength > binding) {
    throw new RangeError(
      `${name} images: ${split.images.byteLength} bytes exceed this adapter's ` +
        `maxStorageBufferBindingSize (${binding})`,
    );
  }
  return {
    name,
    count,
    height,
    width,
    images: gpu.upload(split.images, [count, height, width], {
      dtype: "u8",
      label: `${name}.images`,
    }),
    labels: gpu.upload(Uint32Array.from(split.labels), [count], {
      dtype: "u32",
      label: `${name}.labels`,
    }),
  };
}

/** Uploads a CPU dataset to the GPU. */
export function uploadFashionMnist(gpu: Gpu, data: FashionMnist): GpuFashionMnist {
  return {
    train: uploadSplit(gpu, data.train),
    valid: uploadSplit(gpu, data.valid),
    info: data.info,
    trainStats: pixelStats(data.train),
  };
}

/** Locates, loads, validates and uploads Fashion-MNIST (see `locateFashionMnist` for options). */
export async function loadFashionMnistToGpu(
  gpu: Gpu,
  options: LocateOptions = {},
): Promise<GpuFashionMnist> {
  return uploadFashionMnist(gpu, await loadFashionMnist(options));
}
