/**
 * Strict reader and writer for the IDX format used by MNIST and Fashion-MNIST
 * (http://yann.lecun.com/exdb/mnist/):
 *
 * ```
 * 0x00 0x00 <dtype> <ndims> | ndims × big-endian u32 size | data, big-endian, row-major
 * ```
 *
 * Every problem becomes a {@link DataError} naming the file, what was expected and what was found.
 * Parsing is pure: it takes bytes, never touches the file system.
 *
 * @module
 */

import { DataError } from "./errors.ts";

/** Element type of an IDX file. */
export type IdxDtype = "u8" | "i8" | "i16" | "i32" | "f32" | "f64";

/** A decoded IDX array: row-major data in host endianness. */
export interface IdxArray {
  /** Element type. */
  dtype: IdxDtype;
  /** Sizes of the dimensions, outermost first (e.g. `[60000, 28, 28]`). */
  dims: number[];
  /** The elements; `u8` data may be a view into the inflated file bytes (no copy). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** What {@link decodeIdx} and {@link parseIdx} should insist on; `null` dims match any size. */
export interface IdxExpect {
  /** Required element type. */
  dtype?: IdxDtype;
  /** Required number of dimensions. */
  ndims?: number;
  /** Required sizes; a `null` entry accepts any size in that position. */
  dims?: (number | null)[];
}

interface DtypeInfo {
  dtype: IdxDtype;
  code: number;
  size: number;
}

const DTYPES: readonly DtypeInfo[] = [
  { dtype: "u8", code: 0x08, size: 1 },
  { dtype: "i8", code: 0x09, size: 1 },
  { dtype: "i16", code: 0x0b, size: 2 },
  { dtype: "i32", code: 0x0c, size: 4 },
  { dtype: "f32", code: 0x0d, size: 4 },
  { dtype: "f64", code: 0x0e, size: 8 },
];

/** Real IDX files have 1 to 4 dims; anything above this is a corrupt header, not a tensor. */
const MAX_NDIMS = 16;

const hex2 = (n: number) => "0x" + n.toString(16).padStart(2, "0");
const dimsText = (dims: readonly (number | null)[]) => dims.map((d) => d ?? "?").join("×");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function dtypeInfo(dtype: IdxDtype): DtypeInfo {
  return DTYPES.find((d) => d.dtype === dtype)!;
}

/** True when `bytes` starts with the gzip magic 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates a gzip stream with `DecompressionStream("gzip")`.
 *
 * Deno's decompressor rejects a truncated stream (cut anywhere, even inside the 8-byte trailer)
 * with "corrupt gzip stream does not have a matching checksum", a corrupted deflate body with
 * "corrupt deflate stream", and trailing bytes after the stream with "failed to write whole
 * buffer". All of these become one DataError; the decompressor's words are kept in `found`.
 *
 * @param bytes the gzip file contents
 * @param file path or name used in error messages
 * @throws {DataError} `${file}: expected a valid gzip stream, found corrupt or truncated gzip data
 *   (<decompressor message>)`
 */
export async function inflateGzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    const said = cause instanceof Error ? cause.message : String(cause);
    throw new DataError(
      file,
      "a valid gzip stream",
      `corrupt or truncated gzip data (decompressor: ${said})`,
      { cause },
    );
  }
}

/** Compresses `bytes` with `CompressionStream("gzip")`; used to build fixtures. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Parses an IDX file, inflating it first when it starts with the gzip magic.
 *
 * @param bytes raw or gzipped IDX file contents
 * @param file path or name used in error messages
 * @param expect optional dtype / ndims / dims the file must have
 * @throws {DataError} on a corrupt gzip stream, any malformed header, a data size that does not
 *   match the dims, or a mismatch with `expect`
 */
export async function parseIdx(
  bytes: Uint8Array,
  file = "<bytes>",
  expect?: IdxExpect,
): Promise<IdxArray> {
  const raw = isGzip(bytes) ? await inflateGzip(bytes, file) : bytes;
  return decodeIdx(raw, file, expect);
}

/**
 * Decodes already-inflated IDX bytes. `u8` data is returned as a view into `bytes`.
 *
 * @param bytes IDX file contents (not gzipped)
 * @param file path or name used in error messages
 * @param expect optional dtype / ndims / dims the file must have
 * @throws {DataError} on a malformed header, a data size that does not match the dims, or a
 *   mismatch with `expect`
 */
export function decodeIdx(bytes: Uint8Array, file = "<bytes>", expect?: IdxExpect): IdxArray {
  const { info, dims, offset } = readHeader(bytes, file);
  checkExpect(info.dtype, dims, file, expect);
  checkDataLength(bytes.length - offset, info, dims, file);
  return { dtype: info.dtype, dims, data: readData(bytes.subarray(offset), info) };
}

function readHeader(bytes: Uint8Array, file: string) {
  if (bytes.length < 4) {
    const what = bytes.length === 0 ? "an empty file" : plural(bytes.length, "byte");
    throw new DataError(file, "a 4-byte IDX header", `${what} (header truncated)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = "0x" + hex2(bytes[0]).slice(2) + hex2(bytes[1]).slice(2);
    const hint = isGzip(bytes) ? "gzip data that was not inflated" : "not an IDX file";
    throw new DataError(file, "IDX magic 0x0000", `magic ${magic} (${hint})`);
  }
  const info = DTYPES.find((d) => d.code === bytes[2]);
  if (info === undefined) {
    const valid = DTYPES.map((d) => `${hex2(d.code)} ${d.dtype}`).join(", ");
    throw new DataError(file, `an IDX dtype code (${valid})`, `unknown dtype ${hex2(bytes[2])}`);
  }
  const ndims = bytes[3];
  if (ndims === 0 || ndims > MAX_NDIMS) {
    throw new DataError(file, `1 to ${MAX_NDIMS} dimensions`, `ndims ${ndims}`);
  }
  const offset = 4 + 4 * ndims;
  if (bytes.length < offset) {
    throw new DataError(
      file,
      `a ${offset}-byte IDX header for ${ndims} dimensions`,
      `${plural(bytes.length, "byte")} (header truncated inside the dimension sizes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, offset);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { info, dims, offset };
}

/** `what` ("images", "labels") is appended to the expected dtype to make the message concrete. */
function checkExpect(
  dtype: IdxDtype,
  dims: number[],
  file: string,
  expect?: IdxExpect,
  what = "",
) {
  if (expect?.dtype !== undefined && expect.dtype !== dtype) {
    throw new DataError(file, `dtype ${expect.dtype}${what && " " + what}`, `dtype ${dtype}`);
  }
  const wantNdims = expect?.ndims ?? expect?.dims?.length;
  if (wantNdims !== undefined && wantNdims !== dims.length) {
    throw new DataError(
      file,
      plural(wantNdims, "dimension"),
      `${plural(dims.length, "dimension")} (dims ${dimsText(dims)})`,
    );
  }
  const want = expect?.dims ?? [];
  const bad = want.findIndex((d, i) => d !== null && d !== dims[i]);
  if (bad >= 0) {
    throw new DataError(
      file,
      `dims ${dimsText(want)} (dim ${bad} = ${want[bad]})`,
      `dims ${dimsText(dims)} (dim ${bad} = ${dims[bad]})`,
    );
  }
}

function checkDataLength(found: number, info: DtypeInfo, dims: number[], file: string) {
  // A product past 2^53 is not exact, but no buffer can be that large, so it still mismatches.
  const want = dims.reduce((a, b) => a * b, 1) * info.size;
  if (found === want) return;
  const expected = `${want} bytes of data for dims ${dimsText(dims)} ${info.dtype}`;
  const why = found < want
    ? `truncated, ${plural(want - found, "byte")} missing`
    : `${plural(found - want, "trailing byte")} after the data`;
  throw new DataError(file, expected, `${found} (${why})`);
}

function readData(body: Uint8Array, info: DtypeInfo): IdxArray["data"] {
  const n = body.length / info.size;
  if (info.dtype === "u8") return body;
  if (info.dtype === "i8") return new Int8Array(body.buffer, body.byteOffset, n);
  // Multi-byte data is big-endian and possibly unaligned: read it through a DataView.
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  switch (info.dtype) {
    case "i16":
      return Int16Array.from({ length: n }, (_, i) => view.getInt16(2 * i, false));
    case "i32":
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, false));
    case "f32":
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, false));
    case "f64":
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, false));
  }
}

/**
 * Encodes an array as IDX bytes (big-endian); the inverse of {@link decodeIdx}.
 *
 * @throws {RangeError} if `data.length` is not the product of `dims`
 */
export function encodeIdx(arr: IdxArray): Uint8Array {
  const { code, size } = dtypeInfo(arr.dtype);
  const count = arr.dims.reduce((a, b) => a * b, 1);
  if (arr.data.length !== count) {
    throw new RangeError(`encodeIdx: ${arr.data.length} elements for dims ${dimsText(arr.dims)}`);
  }
  const offset = 4 + 4 * arr.dims.length;
  const out = new Uint8Array(offset + count * size);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, arr.dims.length]);
  arr.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const write = {
    u8: (i: number, v: number) => view.setUint8(offset + i, v),
    i8: (i: number, v: number) => view.setInt8(offset + i, v),
    i16: (i: number, v: number) => view.setInt16(offset + 2 * i, v, false),
    i32: (i: number, v: number) => view.setInt32(offset + 4 * i, v, false),
    f32: (i: number, v: number) => view.setFloat32(offset + 4 * i, v, false),
    f64: (i: number, v: number) => view.setFloat64(offset + 8 * i, v, false),
  }[arr.dtype];
  arr.data.forEach((v, i) => write(i, v));
  return out;
}

/**
 * Checks that an images file and a labels file belong together: u8 images of dims N×H×W, u8
 * labels of dims N, the same N, and every label below `numClasses`.
 *
 * @param images decoded images file
 * @param labels decoded labels file
 * @param files the two files' paths or names, for error messages
 * @param numClasses labels must lie in `0..numClasses-1`
 * @throws {DataError} naming the offending file(s) on any mismatch
 */
export function checkImagesAndLabels(
  images: IdxArray,
  labels: IdxArray,
  files: { images: string; labels: string },
  numClasses = 10,
): void {
  checkExpect(images.dtype, images.dims, files.images, { dtype: "u8", ndims: 3 }, "images");
  checkExpect(labels.dtype, labels.dims, files.labels, { dtype: "u8", ndims: 1 }, "labels");
  const [nImages] = images.dims;
  const [nLabels] = labels.dims;
  if (nImages !== nLabels) {
    throw new DataError(
      `${files.images} and ${files.labels}`,
      "as many labels as images",
      `${nImages} images in ${files.images} but ${nLabels} labels in ${files.labels}`,
    );
  }
  const bad = labels.data.findIndex((v) => v >= numClasses);
  if (bad >= 0) {
    throw new DataError(
      files.labels,
      `labels in 0..${numClasses - 1}`,
      `label ${labels.data[bad]} at index ${bad}`,
    );
  }
}
