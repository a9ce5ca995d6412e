import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { gatherRef } from "../ref/gather.ts";
import { Rng } from "../util/rng.ts";
import { Batcher } from "./batches.ts";
import { uploadSplit } from "./gpu_dataset.ts";
import type { ImageSplit } from "./fashion_mnist.ts";

function syntheticSplit(count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const [height, width] = [28, 28];
  return {
    name: "train",
    count,
    height,
    width,
    images: Uint8Array.from({ length: count * height * width }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
  };
}

Deno.test({
  name: "Batcher: each epoch visits every image once, last batch partial, matching the reference",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const split = syntheticSplit(203, 1); // 203 = 4 × 50 + 3: a partial last batch of 3
    const batcher = await Batcher.create(gpu, uploadSplit(gpu, split), {
      batchSize: 50,
      shuffle: true,
      seed: 11,
      normalize: { mean: 0.3, std: 0.4 },
    });
    assert.equal(batcher.batchCount, 5);
    for (const epoch of [0, 1]) {
      batcher.beginEpoch(epoch);
      const order = batcher.order(epoch);
      const seen = new Uint32Array(split.count);
      for (let b = 0; b < batcher.batchCount; b++) {
        const rec = gpu.recorder(`epoch ${epoch} batch ${b}`);
        const batch = batcher.record(rec, b);
        rec.submit();
        assert.equal(batch.count, b < 4 ? 50 : 3);
        assert.deepEqual(batch.x.shape, [batch.count, 1, 28, 28]);
        const [x, y] = [await gpu.read(batch.x), await gpu.read(batch.y)];
        const ref = gatherRef(split.images, split.labels, order, {
          start: b * 50,
          count: batch.count,
          mean: 0.3,
          std: 0.4,
          pixels: 784,
        });
        assertClose(x, ref.x, { atol: 2e-6, rtol: 1e-6, what: `epoch ${epoch} batch ${b} x` });
        assert.deepEqual(y, ref.y);
        for (const row of order.subarray(b * 50, b * 50 + batch.count)) seen[row]++;
      }
      assert.ok(seen.every((n) => n === 1), `epoch ${epoch}: every image exactly once`);
    }
    assert.notDeepEqual(batcher.order(0), batcher.order(1), "reshuffled every epoch");
    batcher.destroy();
  },
});

Deno.test({
  name: "Batcher: order is a pure function of (seed, epoch); no shuffle is the identity",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const split = uploadSplit(gpu, syntheticSplit(97, 2));
    const a = await Batcher.create(gpu, split, { batchSize: 10, shuffle: true, seed: 5 });
    const b = await Batcher.create(gpu, split, { batchSize: 32, shuffle: true, seed: 5 });
    const c = await Batcher.create(gpu, split, { batchSize: 10, shuffle: true, seed: 6 });
    assert.deepEqual(a.order(3), b.order(3));
    assert.notDeepEqual(a.order(3), c.order(3));
    const plain = await Batcher.create(gpu, split, { batchSize: 10, shuffle: false });
    assert.deepEqual([...plain.order(4)], Array.from({ length: 97 }, (_, i) => i));
    await assert.rejects(
      () => Batcher.create(gpu, split, { batchSize: 10, shuffle: true }),
      /shuffle needs a seed/,
    );
    await assert.rejects(
      () => Batcher.create(gpu, split, { batchSize: 0, shuffle: false }),
      /batchSize/,
    );
    assert.throws(() => plain.record(gpu.recorder("early"), 0), /beginEpoch/);
    plain.beginEpoch(0);
    assert.throws(() => plain.record(gpu.recorder("oob"), 10), /out of range/);
  },
});

Deno.test({
  name: "Batcher: several batches recorded into one submit each get their own parameters",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const split = syntheticSplit(30, 3);
    const batcher = await Batcher.create(gpu, uploadSplit(gpu, split), {
      batchSize: 8,
      shuffle: false,
    });
    batcher.beginEpoch(0);
    // Gather batch 1, copy it away, then gather batch 3 (partial: 6 images) in the same encoder.
    const keep = gpu.tensor([8, 1, 28, 28], { label: "keep" });
    const rec = gpu.recorder("two gathers");
    batcher.record(rec, 1);
    rec.copy(batcher.x, keep);
    const last = batcher.record(rec, 3);
    rec.submit();
    const order = batcher.order(0);
    const p = { mean: 0, std: 1, pixels: 784 };
    assertClose(
      await gpu.read(keep),
      gatherRef(split.images, split.labels, order, {
        ...p,
        start: 8,
        count: 8,
      }).x,
      { atol: 1e-7, what: "batch 1" },
    );
    assertClose(
      await gpu.read(last.x),
      gatherRef(split.images, split.labels, order, {
        ...p,
        start: 24,
        count: 6,
      }).x,
      { atol: 1e-7, what: "batch 3" },
    );
  },
});
