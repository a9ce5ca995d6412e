import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { Batcher } from "./batches.ts";
import { CONTENT_SHA256, loadFashionMnist, pixelStats } from "./fashion_mnist.ts";
import { loadFashionMnistToGpu } from "./gpu_dataset.ts";
import { SYSTEM_DIR } from "./locate.ts";
import { gatheredStats } from "./normalized_stats.ts";

const realDir = Deno.env.get("FASHION_MNIST_DIR") || SYSTEM_DIR;
const haveData = await Deno.stat(`${realDir}/train-images-idx3-ubyte.gz`).then(
  () => true,
  () => false,
);
if (!haveData) {
  console.warn(`skipping real Fashion-MNIST tests: no dataset in ${realDir}`);
}

Deno.test("pixelStats is the float64 mean and population std of pixels / 255", () => {
  const s = pixelStats({ images: Uint8Array.from([0, 255, 255, 0]) });
  assert.equal(s.mean, 0.5);
  assert.equal(s.std, 0.5);
});

Deno.test({
  name: "real Fashion-MNIST: shapes, the official content hashes and the known pixel statistics",
  ignore: !haveData,
  async fn() {
    const data = await loadFashionMnist({ dataDir: realDir, download: false });
    assert.equal(data.train.count, 60000);
    assert.equal(data.valid.count, 10000);
    assert.equal(data.train.images.length, 60000 * 784);
    assert.equal(data.info.canonical, true);
    assert.equal(data.info.files.trainImages.contentSha256, CONTENT_SHA256.trainImages);
    const s = pixelStats(data.train);
    assert.ok(
      Math.abs(s.mean - 0.2860) < 5e-4 && Math.abs(s.std - 0.3530) < 5e-4,
      `${s.mean} ${s.std}`,
    );
  },
});

Deno.test({
  name:
    "real Fashion-MNIST on the GPU: normalised train batches have mean 0.000 ± 0.01, std 1.000 ± 0.01",
  ignore: !haveData || noGpu,
  async fn() {
    const gpu = testGpu();
    const data = await loadFashionMnistToGpu(gpu, { dataDir: realDir, download: false });
    const normalized = await gatheredStats(gpu, data.train, data.trainStats);
    assert.equal(normalized.count, 60000 * 784);
    assert.ok(Math.abs(normalized.mean) <= 0.01, `mean ${normalized.mean}`);
    assert.ok(Math.abs(normalized.std - 1) <= 0.01, `std ${normalized.std}`);
    const raw = await gatheredStats(gpu, data.valid, null, 2048);
    assert.ok(Math.abs(raw.mean - 0.2868) < 1e-3, `raw valid mean ${raw.mean}`);

    // The lesson's hard-coded statistics, one shuffled batch of 1024 with labels 0..9.
    const batcher = await Batcher.create(gpu, data.train, {
      batchSize: 1024,
      shuffle: true,
      seed: 42,
      normalize: { mean: 0.28, std: 0.35 },
    });
    batcher.beginEpoch(0);
    const rec = gpu.recorder("one batch");
    const batch = batcher.record(rec, 0);
    rec.submit();
    const [x, y] = [await gpu.read(batch.x), await gpu.read(batch.y)];
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    assert.ok(Math.abs(mean) < 0.1, `one batch mean ${mean}`);
    assert.ok(y.every((v) => v < 10));
    assert.equal(new Set(y).size, 10);
    assert.equal(batcher.batchCount, 59);
  },
});
