/**
 * Audit of a claim's training run on the real data: trains a bench configuration (as
 * `src/bench/training.ts` seeds it) on the GPU for the first `--steps` batches and the same steps in
 * float64 on the references, and prints both losses per batch. Used to tell a kernel fault from
 * the configuration's own dynamics when a run diverges. A tool, not a test (minutes of float64):
 *
 *   deno run -A tests/trajectory_audit.ts --act general-relu --seed 1 --steps 30
 *
 * Models without normalisation only (the nb 11 MomentumLearner configurations).
 */
import { parseArgs } from "node:util";
import { Batcher } from "../src/data/batches.ts";
import { loadFashionMnist } from "../src/data/fashion_mnist.ts";
import { uploadFashionMnist } from "../src/data/gpu_dataset.ts";
import { getGpu } from "../src/gpu/device.ts";
import { kaimingNormal } from "../src/init/init.ts";
import { getModel } from "../src/nn/model.ts";
import { gatherRef } from "../src/ref/gather.ts";
import { HeavyBallRef } from "../src/ref/optim.ts";
import { MetricsCallback } from "../src/train/callbacks/metrics.ts";
import { CancelFitError } from "../src/train/errors.ts";
import { Learner } from "../src/train/learner.ts";
import { Rng } from "../src/util/rng.ts";
import { f64, referenceStep } from "./model_ref.ts";

const { values } = parseArgs({
  options: {
    act: { type: "string", default: "general-relu" },
    seed: { type: "string", default: "1" },
    steps: { type: "string", default: "30" },
    lr: { type: "string", default: "0.2" },
  },
});
const gr = values.act === "general-relu";
const seed = Number(values.seed), steps = Number(values.steps), lr = Number(values.lr);
const bs = 1024, normalize = { mean: 0.28, std: 0.35 };

const gpu = await getGpu();
const data = await loadFashionMnist();
const onGpu = uploadFashionMnist(gpu, data);
const rng = new Rng(seed);
const train = await Batcher.create(gpu, onGpu.train, {
  batchSize: bs,
  shuffle: true,
  seed: rng.derive("data").seed,
  normalize,
});
const valid = await Batcher.create(gpu, onGpu.valid, {
  batchSize: 2 * bs,
  shuffle: false,
  normalize,
});
const model = await getModel(gpu, {
  act: gr ? { leak: 0.1, sub: 0.4 } : "relu",
  seed: rng.derive("init").seed,
});
kaimingNormal(model, { a: gr ? 0.1 : 0, seed: rng.derive("kaiming").seed });
const params = new Map([...await model.readParams()].map(([k, v]) => [k, f64(v)]));
const state = new Map([...await model.readState()].map(([k, v]) => [k, f64(v)]));

let done = 0;
const metrics = new MetricsCallback();
const stop = {
  name: "stop",
  afterBatch: () => {
    if (++done >= steps) throw new CancelFitError(`${steps} steps`);
  },
};
const learner = new Learner({
  model,
  train,
  valid,
  optimizer: { kind: "sgd", lr },
  gradMode: { kind: "momentum-learner", mom: 0.85 },
  callbacks: [metrics, stop],
});
await learner.fit(Math.ceil(steps / train.batchCount), { valid: false });
const gpuLosses = metrics.batchLosses;

const updates = new Map(
  [...params.keys()].map((k) => [k, new HeavyBallRef({ lr, momentum: 0.85 })]),
);
console.log(`${values.act}, seed ${seed}, MomentumLearner lr ${lr}, bs ${bs}: loss per batch`);
console.log("step   GPU f32        float64        |rel diff|");
for (let step = 0; step < gpuLosses.length; step++) {
  const epoch = Math.floor(step / train.batchCount), b = step % train.batchCount;
  const start = b * bs, count = Math.min(bs, data.train.count - start);
  const { x, y } = gatherRef(data.train.images, data.train.labels, train.order(epoch), {
    start,
    count,
    pixels: 784,
    ...normalize,
  });
  const ref = referenceStep(model.layers, params, state, x, [count, 1, 28, 28], y, true);
  for (const [name, g] of ref.grads) updates.get(name)!.step(params.get(name)!, g);
  const g = gpuLosses[step];
  console.log(
    `${String(step + 1).padStart(4)}  ${g.toPrecision(6).padStart(12)}  ${
      ref.loss.toPrecision(6).padStart(12)
    }  ${(Math.abs(g - ref.loss) / Math.abs(ref.loss)).toExponential(2)}`,
  );
}
