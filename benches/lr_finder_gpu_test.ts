import assert from "node:assert/strict";
import { gpu, noGpu } from "../tests/gpu.ts";
import { loadFashionMnistToGpu } from "../src/data/gpu_dataset.ts";
import { locateFashionMnist } from "../src/data/locate.ts";
import { claim, LrFinderConfig, type LrFinderDetail } from "./lr_finder.ts";

const hasData = await locateFashionMnist({ download: false }).then(() => true, () => false);

Deno.test({
  name: "lr-finder on the GPU: lr grows ×1.1 from 0.01 per batch, stops at 3× the minimum",
  ignore: noGpu || !hasData,
  sanitizeResources: false,
  async fn() {
    const data = await loadFashionMnistToGpu(gpu!);
    try {
      const subject = claim.subjects(LrFinderConfig.parse({})).finder;
      assert.ok(subject.kind === "probe");
      const r = await subject.run({
        gpu: gpu!,
        seed: 1,
        log: () => {},
        data: () => Promise.resolve(data),
      });
      const d = r.detail as LrFinderDetail;
      assert.equal(d.points[0].lr, 0.01);
      for (let i = 1; i < d.points.length; i++) {
        assert.ok(Math.abs(d.points[i].lr / d.points[i - 1].lr - 1.1) < 1e-9);
      }
      const last = d.points.at(-1)!;
      const min = Math.min(...d.points.slice(0, -1).map((p) => p.loss));
      assert.ok(!Number.isFinite(last.loss) || last.loss > 3 * min, `stopped at ${last.loss}`);
      assert.ok(Math.abs(d.points[0].loss - 2.3) < 0.1, `first loss ${d.points[0].loss}`);
      assert.equal(r.metrics.stopLr, last.lr);
    } finally {
      for (const split of [data.train, data.valid]) {
        gpu!.destroy(split.images);
        gpu!.destroy(split.labels);
      }
    }
  },
});
