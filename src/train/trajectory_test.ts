/**
 * Training end to end against float64: the Learner on the GPU (gather from a shuffled epoch
 * order, forward, loss, backward, the MomentumLearner's gradient scaling or a true zero, the
 * optimizer over the flat arena) follows a float64 trainer built only from the references
 * (`gatherRef`, the model references, PyTorch's heavy-ball SGD or the lesson's Adam), batch for
 * batch over two epochs. The single-step model test proves each gradient; this proves the
 * composition: data order, momentum carried in the gradients, optimizer state across steps.
 */
import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { f64, referenceStep } from "../../tests/model_ref.ts";
import { syntheticSplit } from "../../tests/synthetic.ts";
import { Batcher } from "../data/batches.ts";
import { uploadSplit } from "../data/gpu_dataset.ts";
import { kaimingNormal } from "../init/init.ts";
import { getModel, type GetModelOptions } from "../nn/model.ts";
import type { OptimizerSpec } from "../optim/optimizer.ts";
import { gatherRef } from "../ref/gather.ts";
import { HeavyBallRef, OptimizerRef } from "../ref/optim.ts";
import { MetricsCallback } from "./callbacks/metrics.ts";
import { type GradMode, Learner } from "./learner.ts";

const GR = { leak: 0.1, sub: 0.4 };
const NORMALIZE = { mean: 0.28, std: 0.35 };

interface Case {
  name: string;
  model: GetModelOptions;
  optimizer: OptimizerSpec;
  gradMode: GradMode;
  /** The float64 update of one parameter tensor. */
  reference: () => { step(p: Float64Array, g: ArrayLike<number>): void };
}

const CASES: Case[] = [
  {
    name: "nb 11: GeneralReLU + Kaiming(0.1), MomentumLearner lr 0.2 ≡ PyTorch SGD momentum 0.85",
    model: { act: GR },
    optimizer: { kind: "sgd", lr: 0.2 },
    gradMode: { kind: "momentum-learner", mom: 0.85 },
    reference: () => new HeavyBallRef({ lr: 0.2, momentum: 0.85 }),
  },
  {
    name: "nb 12: GeneralReLU + nn.BatchNorm2d + Kaiming(0.1), the lesson's Adam lr 6e-3",
    model: { act: GR, norm: "batchnorm" },
    optimizer: { kind: "adam", lr: 6e-3 },
    gradMode: { kind: "zero" },
    reference: () => new OptimizerRef({ kind: "adam", lr: 6e-3 }),
  },
];

for (const c of CASES) {
  Deno.test({
    name: `training trajectory equals float64 references, 2 epochs × 4 batches: ${c.name}`,
    ignore: noGpu,
    async fn() {
      const gpu = testGpu();
      const split = syntheticSplit("train", 203, 11); // 3 × 64 + 11: a partial last batch
      const bs = 64, epochs = 2;
      const train = await Batcher.create(gpu, uploadSplit(gpu, split), {
        batchSize: bs,
        shuffle: true,
        seed: 21,
        normalize: NORMALIZE,
      });
      const valid = await Batcher.create(gpu, uploadSplit(gpu, syntheticSplit("valid", 9, 12)), {
        batchSize: 2 * bs,
        shuffle: false,
        normalize: NORMALIZE,
      });
      const model = await getModel(gpu, { ...c.model, seed: 31 });
      kaimingNormal(model, { a: 0.1, seed: 41 });
      const params = new Map([...await model.readParams()].map(([k, v]) => [k, f64(v)]));
      const state = new Map([...await model.readState()].map(([k, v]) => [k, f64(v)]));
      const metrics = new MetricsCallback();
      const learner = new Learner({
        model,
        train,
        valid,
        optimizer: c.optimizer,
        gradMode: c.gradMode,
        callbacks: [metrics],
      });
      await learner.fit(epochs, { valid: false });

      const updates = new Map([...params.keys()].map((k) => [k, c.reference()]));
      const losses: number[] = [];
      for (let e = 0; e < epochs; e++) {
        const order = train.order(e);
        for (let b = 0; b < train.batchCount; b++) {
          const start = b * bs, count = Math.min(bs, split.count - start);
          const { x, y } = gatherRef(split.images, split.labels, order, {
            start,
            count,
            pixels: 784,
            ...NORMALIZE,
          });
          const ref = referenceStep(model.layers, params, state, x, [count, 1, 28, 28], y, true);
          losses.push(ref.loss);
          for (const [name, r] of ref.running) {
            state.set(`${name}.running_mean`, r.mean);
            state.set(`${name}.running_var`, r.var);
          }
          for (const [name, g] of ref.grads) updates.get(name)!.step(params.get(name)!, g);
        }
      }

      // Tolerances, from f32 arithmetic compounding over 8 steps (measured: losses within
      // 1.1e-6 relative of float64 while they are O(1), weights within 1e-6 of their tensor's
      // scale, running stats within 2e-7): rtol 1e-4 with atol 1e-6 for losses (once the task
      // is learnt a loss of ~2e-5 is a difference of nearly equal f32 logits, good to ~1e-8),
      // 1e-4 of the scale for weights. A wrong batch order, a dropped momentum term, a missed
      // zeroing or a stale optimizer state each move them by O(1e-2) or more.
      assert.equal(metrics.batchLosses.length, epochs * train.batchCount);
      assertClose(metrics.batchLosses, losses, { atol: 1e-6, rtol: 1e-4, what: "batch losses" });
      const got = await model.readParams();
      for (const [name, p] of params) {
        const scale = Math.max(...Array.from(p, Math.abs));
        assertClose(got.get(name)!, p, { atol: 1e-4 * scale, what: `param ${name}` });
      }
      const gotState = await model.readState();
      for (const [name, s] of state) {
        assertClose(gotState.get(name)!, s, { atol: 1e-4, rtol: 1e-4, what: `state ${name}` });
      }
      train.destroy();
      valid.destroy();
      model.destroy();
    },
  });
}
