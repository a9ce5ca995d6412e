/**
 * One run builder: `deno task train` with a claim's config and seed trains the very run the bench
 * trains for that claim, bit for bit (the lsuv claim's config: LSUV picks its batch the same way
 * in both, which it once did not).
 */
import assert from "node:assert/strict";
import { claim as lsuvClaim } from "../../benches/lsuv.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { REPO, runDeno, show } from "../../tests/subprocess.ts";
import { type TrainConfig, TrainConfigSchema, trainRun } from "../bench/training.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import { hasDataset } from "../../tests/dataset.ts";

/** The `deno task train` flags that describe `c` (every field that shapes the numbers). */
function trainFlags(c: TrainConfig, seed: number): string[] {
  assert.equal(c.continueWith, undefined, "train has no continuation flag");
  const opt = c.learner === "momentum-learner" ? "momentum-learner" : c.opt;
  return [
    ...["--act", c.act, "--norm", c.norm, "--init", c.init, "--opt", opt],
    ...["--lr", String(c.lr), "--sched", c.sched, "--bs", String(c.bs)],
    ...["--epochs", String(c.epochs), "--seed", String(seed)],
    ...(c.wd === undefined ? [] : ["--wd", String(c.wd)]),
    c.inputNorm ? "--input-norm" : "--no-input-norm",
  ];
}

Deno.test({
  name: "train reproduces a claim's run bit for bit (lsuv claim config, seed 3, 1 epoch)",
  ignore: noGpu || !(await hasDataset()),
  async fn() {
    const subject = lsuvClaim.subjects(lsuvClaim.config.parse({})).lsuv;
    assert.equal(subject.kind, "train");
    if (subject.kind !== "train") return;
    const config = TrainConfigSchema.parse({ ...subject.config, epochs: 1 });
    const gpu = testGpu();
    const data = await loadFashionMnistToGpu(gpu);
    let bench;
    try {
      bench = await trainRun({ gpu, data: () => Promise.resolve(data) }, config, 3);
    } finally {
      for (const split of [data.train, data.valid]) {
        gpu.destroy(split.images);
        gpu.destroy(split.labels);
      }
    }
    const r = await runDeno([
      "run",
      "-A",
      `${REPO}src/cli/train.ts`,
      ...trainFlags(config, 3),
      "--json",
    ]);
    assert.equal(r.code, 0, show(r));
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 1, show(r));
    const [cli] = lines;
    const [run] = bench.epochs;
    // JSON carries every f64 exactly: equal here means equal to the last bit.
    assert.deepEqual(
      [cli.trainLoss, cli.trainAccuracy, cli.validLoss, cli.validAccuracy],
      [run.trainLoss, run.trainAccuracy, run.validLoss, run.validAccuracy],
    );
    assert.ok(run.validAccuracy! > 0.5, `it trained: ${run.validAccuracy}`);
  },
});
