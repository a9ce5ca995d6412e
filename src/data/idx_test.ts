import assert from "node:assert/strict";
import { DataError } from "./errors.ts";
import {
  checkImagesAndLabels,
  decodeIdx,
  encodeIdx,
  gzip,
  type IdxArray,
  type IdxDtype,
  isGzip,
  parseIdx,
} from "./idx.ts";

const FILE = "fixture-idx3-ubyte";

/** Runs `fn` and asserts it throws a DataError naming FILE and matching every pattern. */
async function assertDataError(fn: () => unknown, ...patterns: RegExp[]): Promise<DataError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof DataError, `expected a DataError, got ${caught}`);
  assert.match(caught.message, new RegExp(FILE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

function sample(dtype: IdxDtype, dims: number[]): IdxArray {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => {
    switch (dtype) {
      case "u8":
        return (i * 37) % 256;
      case "i8":
        return ((i * 37) % 256) - 128;
      case "i16":
        return (i * 4099) % 65536 - 32768;
      case "i32":
        return (i * 2654435761) % 4294967296 - 2147483648;
      case "f32":
        return Math.fround((i - n / 2) * 0.37);
      case "f64":
        return (i - n / 2) / 3 + 1e-12 * i;
    }
  });
  const Ctor = {
    u8: Uint8Array,
    i8: Int8Array,
    i16: Int16Array,
    i32: Int32Array,
    f32: Float32Array,
    f64: Float64Array,
  }[dtype];
  return { dtype, dims, data: Ctor.from(values) };
}

/** A small valid u8 file: 3×5×7. */
const validU8 = () => encodeIdx(sample("u8", [3, 5, 7]));

Deno.test("round trip: every dtype, odd dims, raw and gzipped", async () => {
  const cases: [IdxDtype, number[]][] = [
    ["u8", [3, 5, 7]],
    ["i8", [11]],
    ["i16", [3, 5, 7]],
    ["i32", [2, 3, 5, 7]],
    ["f32", [7, 3]],
    ["f64", [3, 5, 7]],
    ["u8", [0, 4]],
  ];
  for (const [dtype, dims] of cases) {
    const arr = sample(dtype, dims);
    if (dtype !== "u8") {
      assert.ok(arr.data.some((v) => v < 0), `${dtype} sample has negative values`);
    }
    const raw = encodeIdx(arr);
    const zipped = await gzip(raw);
    assert.ok(isGzip(zipped) && !isGzip(raw));
    for (const bytes of [raw, zipped]) {
      const got = await parseIdx(bytes, FILE, { dtype, ndims: dims.length });
      assert.equal(got.dtype, dtype);
      assert.deepEqual(got.dims, dims);
      assert.equal(got.data.constructor, arr.data.constructor);
      assert.deepEqual(Array.from(got.data), Array.from(arr.data));
    }
  }
});

Deno.test("round trip: big-endian layout on disk", () => {
  const bytes = encodeIdx({ dtype: "i16", dims: [2], data: Int16Array.of(0x0102, -2) });
  assert.deepEqual(Array.from(bytes), [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
});

Deno.test("decodeIdx: unaligned multi-byte data in a sub-view", () => {
  const raw = encodeIdx(sample("f64", [3, 5]));
  const padded = new Uint8Array(raw.length + 1);
  padded.set(raw, 1);
  const got = decodeIdx(padded.subarray(1), FILE);
  assert.deepEqual(Array.from(got.data), Array.from(sample("f64", [3, 5]).data));
});

Deno.test("u8 data is a view, not a copy", () => {
  const raw = validU8();
  const got = decodeIdx(raw, FILE);
  assert.equal(got.data.buffer, raw.buffer);
});

Deno.test("corrupt: empty file", async () => {
  await assertDataError(() => parseIdx(new Uint8Array(0), FILE), /empty file/, /truncated/);
});

Deno.test("corrupt: 3-byte file", async () => {
  await assertDataError(() => parseIdx(Uint8Array.of(0, 0, 8), FILE), /3 bytes/, /truncated/);
});

Deno.test("corrupt: bad magic", async () => {
  const bytes = validU8();
  bytes.set([0x41, 0x42]);
  await assertDataError(() => parseIdx(bytes, FILE), /magic 0x4142/, /not an IDX file/);
});

Deno.test("corrupt: gzip bytes handed to decodeIdx", async () => {
  const zipped = await gzip(validU8());
  await assertDataError(() => decodeIdx(zipped, FILE), /magic 0x1f8b/, /gzip/);
});

Deno.test("corrupt: unknown dtype", async () => {
  const bytes = validU8();
  bytes[2] = 0x0a;
  const err = await assertDataError(() => parseIdx(bytes, FILE), /unknown dtype 0x0a/);
  assert.match(err.expected, /0x08 u8.*0x0e f64/);
});

Deno.test("corrupt: ndims 0 and ndims 17", async () => {
  const bytes = validU8();
  bytes[3] = 0;
  await assertDataError(() => parseIdx(bytes, FILE), /ndims 0/, /1 to 16 dimensions/);
  bytes[3] = 17;
  await assertDataError(() => parseIdx(bytes, FILE), /ndims 17/);
});

Deno.test("corrupt: header cut inside the dims", async () => {
  const bytes = validU8().subarray(0, 10);
  await assertDataError(
    () => parseIdx(bytes, FILE),
    /16-byte IDX header for 3 dimensions/,
    /10 bytes/,
    /header truncated/,
  );
});

Deno.test("corrupt: data truncated by one byte", async () => {
  const bytes = validU8();
  await assertDataError(
    () => parseIdx(bytes.subarray(0, bytes.length - 1), FILE),
    /expected 105 bytes of data for dims 3×5×7 u8, found 104 \(truncated, 1 byte missing\)/,
  );
  const f64 = encodeIdx(sample("f64", [3, 5, 7]));
  await assertDataError(
    () => parseIdx(f64.subarray(0, f64.length - 1), FILE),
    /840 bytes of data for dims 3×5×7 f64/,
    /truncated/,
  );
});

Deno.test("corrupt: one extra trailing byte", async () => {
  const bytes = validU8();
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  await assertDataError(
    () => parseIdx(longer, FILE),
    /found 106 \(1 trailing byte after the data\)/,
  );
});

Deno.test("corrupt: gzip cut in half", async () => {
  // Big enough that half the stream ends inside the deflate body.
  const zipped = await gzip(encodeIdx(sample("f64", [50, 50])));
  const half = zipped.subarray(0, zipped.length >> 1);
  const err = await assertDataError(
    () => parseIdx(half, FILE),
    /expected a valid gzip stream/,
    /corrupt or truncated gzip data/,
  );
  assert.ok(err.cause instanceof Error);
});

Deno.test("corrupt: gzip cut anywhere, even inside the trailer", async () => {
  const zipped = await gzip(validU8());
  for (const cut of [3, 10, 20, zipped.length - 8, zipped.length - 1]) {
    await assertDataError(() => parseIdx(zipped.subarray(0, cut), FILE), /gzip/);
  }
});

Deno.test("corrupt: gzip with corrupted middle bytes", async () => {
  const zipped = await gzip(encodeIdx(sample("f64", [50, 50])));
  const mid = zipped.length >> 1;
  for (let i = mid; i < mid + 16; i++) zipped[i] ^= 0xff;
  await assertDataError(() => parseIdx(zipped, FILE), /valid gzip stream/, /corrupt/);
});

Deno.test("expect mismatch: dtype", async () => {
  const bytes = encodeIdx(sample("i32", [4]));
  await assertDataError(
    () => parseIdx(bytes, FILE, { dtype: "u8" }),
    /expected dtype u8, found dtype i32/,
  );
});

Deno.test("expect mismatch: ndims", async () => {
  await assertDataError(
    () => parseIdx(validU8(), FILE, { ndims: 1 }),
    /expected 1 dimension, found 3 dimensions \(dims 3×5×7\)/,
  );
  await assertDataError(() => parseIdx(validU8(), FILE, { dims: [3, 35] }), /2 dimensions/);
});

Deno.test("expect mismatch: dims, null matches anything", async () => {
  await parseIdx(validU8(), FILE, { dtype: "u8", dims: [null, 5, 7] });
  await assertDataError(
    () => parseIdx(validU8(), FILE, { dims: [null, 28, 28] }),
    /expected dims \?×28×28 \(dim 1 = 28\), found dims 3×5×7 \(dim 1 = 5\)/,
  );
});

Deno.test("checkImagesAndLabels: consistent pair passes", () => {
  const images = sample("u8", [4, 2, 3]);
  const labels: IdxArray = { dtype: "u8", dims: [4], data: Uint8Array.of(0, 9, 3, 3) };
  checkImagesAndLabels(images, labels, { images: "img.gz", labels: "lab.gz" });
});

Deno.test("checkImagesAndLabels: count mismatch names both files and counts", () => {
  const images = sample("u8", [4, 2, 3]);
  const labels: IdxArray = { dtype: "u8", dims: [3], data: Uint8Array.of(0, 1, 2) };
  assert.throws(
    () => checkImagesAndLabels(images, labels, { images: "img.gz", labels: "lab.gz" }),
    (e: unknown) =>
      e instanceof DataError && /4 images in img\.gz but 3 labels in lab\.gz/.test(e.message) &&
      e.message.startsWith("img.gz and lab.gz: "),
  );
});

Deno.test("checkImagesAndLabels: label 10 rejected with file, index and value", () => {
  const images = sample("u8", [4, 2, 3]);
  const labels: IdxArray = { dtype: "u8", dims: [4], data: Uint8Array.of(0, 1, 10, 2) };
  assert.throws(
    () => checkImagesAndLabels(images, labels, { images: "img.gz", labels: "lab.gz" }),
    (e: unknown) =>
      e instanceof DataError && e.file === "lab.gz" &&
      /expected labels in 0\.\.9, found label 10 at index 2/.test(e.message),
  );
  // The same label is fine with more classes.
  checkImagesAndLabels(images, labels, { images: "img.gz", labels: "lab.gz" }, 11);
});

Deno.test("checkImagesAndLabels: wrong ndims and dtype rejected", () => {
  const files = { images: "img.gz", labels: "lab.gz" };
  const labels: IdxArray = { dtype: "u8", dims: [4], data: Uint8Array.of(0, 1, 2, 3) };
  const flat = sample("u8", [4, 6]);
  assert.throws(
    () => checkImagesAndLabels(flat, labels, files),
    (e: unknown) =>
      e instanceof DataError && e.file === "img.gz" && /expected 3 dimensions/.test(e.message),
  );
  const images = sample("u8", [4, 2, 3]);
  const labels2d: IdxArray = { dtype: "u8", dims: [4, 1], data: Uint8Array.of(0, 1, 2, 3) };
  assert.throws(
    () => checkImagesAndLabels(images, labels2d, files),
    (e: unknown) =>
      e instanceof DataError && e.file === "lab.gz" && /expected 1 dimension,/.test(e.message),
  );
  const labelsI32: IdxArray = { dtype: "i32", dims: [4], data: Int32Array.of(0, 1, 2, 3) };
  assert.throws(
    () => checkImagesAndLabels(images, labelsI32, files),
    (e: unknown) =>
      e instanceof DataError && /expected dtype u8 labels, found dtype i32/.test(e.message),
  );
});

Deno.test("DataError: message format and fields", () => {
  const cause = new Error("inner");
  const e = new DataError("a.gz", "X", "Y", { cause });
  assert.equal(e.message, "a.gz: expected X, found Y");
  assert.equal(e.name, "DataError");
  assert.deepEqual([e.file, e.expected, e.found, e.cause], ["a.gz", "X", "Y", cause]);
  assert.ok(e instanceof Error);
});

// --- Real Fashion-MNIST smoke test -------------------------------------------------------------

const REAL_DIR = "/usr/share/datasets/fashion-mnist";
const haveReal = (() => {
  try {
    return Deno.statSync(REAL_DIR).isDirectory;
  } catch {
    console.log(`idx_test: ${REAL_DIR} is absent; skipping the real Fashion-MNIST smoke test`);
    return false;
  }
})();

async function readReal(name: string, dims: (number | null)[]) {
  const file = `${REAL_DIR}/${name}`;
  const bytes = await Deno.readFile(file);
  const t0 = performance.now();
  const arr = await parseIdx(bytes, file, { dtype: "u8", dims });
  const ms = performance.now() - t0;
  console.log(`parseIdx ${name}: ${(bytes.length / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
  return arr;
}

Deno.test({
  name: "real Fashion-MNIST: shapes, class balance, pixel statistics",
  ignore: !haveReal,
  async fn() {
    const trainImages = await readReal("train-images-idx3-ubyte.gz", [60000, 28, 28]);
    const trainLabels = await readReal("train-labels-idx1-ubyte.gz", [60000]);
    const testImages = await readReal("t10k-images-idx3-ubyte.gz", [10000, 28, 28]);
    const testLabels = await readReal("t10k-labels-idx1-ubyte.gz", [10000]);
    const train = { images: "train-images", labels: "train-labels" };
    checkImagesAndLabels(trainImages, trainLabels, train);
    checkImagesAndLabels(testImages, testLabels, { images: "t10k-images", labels: "t10k-labels" });

    for (const [labels, perClass] of [[trainLabels, 6000], [testLabels, 1000]] as const) {
      const counts = new Array(10).fill(0);
      for (const v of labels.data) counts[v]++;
      assert.deepEqual(counts, new Array(10).fill(perClass));
    }

    let sum = 0;
    let sumSq = 0;
    for (const v of trainImages.data) {
      const x = v / 255;
      sum += x;
      sumSq += x * x;
    }
    const n = trainImages.data.length;
    const mean = sum / n;
    const std = Math.sqrt(sumSq / n - mean * mean);
    assert.ok(Math.abs(mean - 0.2860) <= 0.0005, `train pixel mean ${mean}`);
    assert.ok(Math.abs(std - 0.3530) <= 0.0005, `train pixel std ${std}`);
  },
});
