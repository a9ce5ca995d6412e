import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { syntheticSplit } from "../../tests/synthetic.ts";
import { uploadSplit } from "../data/gpu_dataset.ts";
import { GRID_ONLY_CONV2D_PARAMS } from "../kernels/conv2d.ts";
import { AUTOTUNE_SPACE, autotuneConv, trainingDiffers } from "./autotune.ts";

Deno.test({
  name:
    "autotune: times every grid-only move, returns a grid-only tuning no slower than the defaults",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const data = { train: uploadSplit(gpu, syntheticSplit("train", 150, 3)) };
    // Warm the content-keyed uniform cache for these shapes: it is meant to persist.
    await trainingDiffers(gpu, data, {}, 48);
    const before = gpu.bytesAllocated;
    const r = await autotuneConv(gpu, data, { batchSize: 48, steps: 1 });
    // Every candidate's model, optimizer, batches and kernel workspaces are freed.
    assert.equal(gpu.bytesAllocated, before);
    assert.deepEqual(Object.keys(r.tuning).sort(), [...GRID_ONLY_CONV2D_PARAMS].sort());
    const moves = Object.values(AUTOTUNE_SPACE).reduce((n, values) => n + values.length - 1, 0);
    assert.ok(r.tried.length >= 1 + moves + 1, `${r.tried.length} candidates timed`);
    assert.ok(r.msPerStep <= r.defaultMsPerStep);
    for (const [k, v] of Object.entries(r.tuning)) {
      assert.ok((AUTOTUNE_SPACE as Record<string, readonly number[]>)[k].includes(v), `${k} ${v}`);
    }
  },
});

Deno.test({
  name: "trainingDiffers: grid-only moves train bit-identically; a split-K chunk change does not",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const data = { train: uploadSplit(gpu, syntheticSplit("train", 150, 4)) };
    assert.equal(
      await trainingDiffers(gpu, data, { wg: 256, cols: 4, dwWg: 32, auxWg: 128 }, 48),
      null,
    );
    assert.notEqual(await trainingDiffers(gpu, data, { chunk: 40, minLanes: 1 }, 48), null);
  },
});
