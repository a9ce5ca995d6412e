/**
 * Fashion-MNIST on the CPU: the four IDX files located, parsed strictly and checked against each
 * other. Train is the 60k train split; valid is the 10k test split, as the lesson uses it.
 *
 * @module
 */

import { DataError } from "./errors.ts";
import { checkImagesAndLabels, decodeIdx, inflateGzip, isGzip } from "./idx.ts";
import {
  type DataOrigin,
  FASHION_MNIST_FILES,
  type FileRole,
  locateFashionMnist,
  type LocateOptions,
  sha256Hex,
} from "./locate.ts";

/** One split: `count` images of `height × width` u8 pixels, row-major, and their labels. */
export interface ImageSplit {
  /** "train" (60k images) or "valid" (the 10k test split). */
  name: "train" | "valid";
  /** Images in the split. */
  count: number;
  /** Image height in pixels (28). */
  height: number;
  /** Image width in pixels (28). */
  width: number;
  /** [count, height, width] u8 */
  images: Uint8Array;
  /** [count] u8, class 0..9 */
  labels: Uint8Array;
}

/** Where the data came from, recorded with every result. */
export interface DatasetInfo {
  /** The dataset's name. */
  name: "fashion-mnist";
  /** Which rung of the lookup order the files came from. */
  origin: DataOrigin;
  /** The directory the files were read from (in a browser, the URL or "(picked)"). */
  dir: string;
  /** Per file: its path and the SHA-256 of its IDX content (after gunzip). */
  files: Record<FileRole, { path: string; contentSha256: string }>;
  /** True when all four contents match the official Fashion-MNIST release byte for byte. */
  canonical: boolean;
}

/** The dataset in CPU memory. */
export interface FashionMnist {
  /** The 60k training images. */
  train: ImageSplit;
  /** The 10k test images, used as the validation set as in the lesson. */
  valid: ImageSplit;
  /** Provenance: origin, files and content hashes. */
  info: DatasetInfo;
}

/** SHA-256 of the official IDX contents (uncompressed), whatever the gzip packaging. */
export const CONTENT_SHA256: Readonly<Record<FileRole, string>> = {
  trainImages: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
  trainLabels: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
  validImages: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
  validLabels: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
};

/** Locates (see `locateFashionMnist`), reads and validates Fashion-MNIST. */
export async function loadFashionMnist(options: LocateOptions = {}): Promise<FashionMnist> {
  const located = await locateFashionMnist(options);
  const roles = Object.keys(FASHION_MNIST_FILES) as FileRole[];
  const bytes = await Promise.all(roles.map((role) => readFileBytes(located.files[role])));
  const files = Object.fromEntries(
    roles.map((r, i) => [r, { path: located.files[r], bytes: bytes[i] }]),
  ) as Record<FileRole, { path: string; bytes: Uint8Array }>;
  return fashionMnistFromBytes(files, located.origin, located.dir);
}

/**
 * Fashion-MNIST from the bytes of its four IDX files (gzip or raw), validated as strictly as
 * files on disk: the one parsing path for Deno (files) and the browser (picked files or a URL).
 * `path` names each file in errors and in the recorded provenance.
 */
export async function fashionMnistFromBytes(
  files: Record<FileRole, { path: string; bytes: Uint8Array }>,
  origin: DatasetInfo["origin"],
  dir: string,
): Promise<FashionMnist> {
  const roles = Object.keys(FASHION_MNIST_FILES) as FileRole[];
  const read = await Promise.all(roles.map((role) => parseIdxFile(files[role])));
  const byRole = Object.fromEntries(roles.map((r, i) => [r, read[i]])) as Record<
    FileRole,
    Awaited<ReturnType<typeof parseIdxFile>>
  >;
  const train = toSplit("train", byRole.trainImages, byRole.trainLabels);
  const valid = toSplit("valid", byRole.validImages, byRole.validLabels);
  if (train.height !== valid.height || train.width !== valid.width) {
    throw new DataError(
      byRole.validImages.path,
      `images of ${train.height}×${train.width} like the train split`,
      `${valid.height}×${valid.width}`,
    );
  }
  const info = Object.fromEntries(
    roles.map((r) => [r, { path: byRole[r].path, contentSha256: byRole[r].sha256 }]),
  ) as DatasetInfo["files"];
  const canonical = roles.every((r) => byRole[r].sha256 === CONTENT_SHA256[r]);
  return {
    train,
    valid,
    info: { name: "fashion-mnist", origin, dir, files: info, canonical },
  };
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (err) {
    throw new DataError(path, "a readable file", (err as Error).message, { cause: err });
  }
}

async function parseIdxFile({ path, bytes }: { path: string; bytes: Uint8Array }) {
  const content = isGzip(bytes) ? await inflateGzip(bytes, path) : bytes;
  const idx = decodeIdx(content, path, { dtype: "u8" });
  return { path, idx, sha256: await sha256Hex(content) };
}

function toSplit(
  name: ImageSplit["name"],
  images: Awaited<ReturnType<typeof parseIdxFile>>,
  labels: Awaited<ReturnType<typeof parseIdxFile>>,
): ImageSplit {
  checkImagesAndLabels(images.idx, labels.idx, { images: images.path, labels: labels.path });
  const [count, height, width] = images.idx.dims;
  if (count === 0 || height === 0 || width === 0) {
    throw new DataError(
      images.path,
      "at least one image of at least 1×1 pixels",
      `dims ${images.idx.dims.join("×")}`,
    );
  }
  return {
    name,
    count,
    height,
    width,
    images: images.idx.data as Uint8Array,
    labels: labels.idx.data as Uint8Array,
  };
}

/** Mean and (population) std of a split's pixels scaled to [0, 1], in float64. */
export function pixelStats(split: Pick<ImageSplit, "images">): { mean: number; std: number } {
  // A histogram of the 256 byte values makes this exact and fast for 47M pixels.
  const counts = new Float64Array(256);
  for (const v of split.images) counts[v]++;
  let n = 0, sum = 0;
  for (let v = 0; v < 256; v++) {
    n += counts[v];
    sum += counts[v] * (v / 255);
  }
  const mean = sum / n;
  let sq = 0;
  for (let v = 0; v < 256; v++) sq += counts[v] * (v / 255 - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}
