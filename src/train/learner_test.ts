import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { syntheticSplit } from "../../tests/synthetic.ts";
import { Batcher } from "../data/batches.ts";
import { uploadSplit } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { getModel, type GetModelOptions } from "../nn/model.ts";
import type { OptimizerSpec } from "../optim/optimizer.ts";
import { MetricsCallback } from "./callbacks/metrics.ts";
import { CancelBatchError, CancelEpochError, CancelFitError } from "./errors.ts";
import {
  type BatchLoss,
  type Callback,
  type GradMode,
  Learner,
  type LearnerEvent,
} from "./learner.ts";

async function setup(
  gpu: Gpu,
  o: {
    model?: GetModelOptions;
    optimizer?: OptimizerSpec;
    gradMode?: GradMode;
    cbs?: Callback[];
    batchSize?: number;
    runAhead?: number;
  } = {},
) {
  const train = await Batcher.create(gpu, uploadSplit(gpu, syntheticSplit("train", 203, 1)), {
    batchSize: o.batchSize ?? 64,
    shuffle: true,
    seed: 7,
    normalize: { mean: 0.3, std: 0.3 },
  });
  const valid = await Batcher.create(gpu, uploadSplit(gpu, syntheticSplit("valid", 75, 2)), {
    batchSize: 128,
    shuffle: false,
    normalize: { mean: 0.3, std: 0.3 },
  });
  const model = await getModel(gpu, { act: { leak: 0.1, sub: 0.4 }, seed: 5, ...o.model });
  const metrics = new MetricsCallback();
  const learner = new Learner({
    model,
    train,
    valid,
    optimizer: o.optimizer ?? { kind: "sgd", lr: 0.1 },
    gradMode: o.gradMode,
    callbacks: [metrics, ...(o.cbs ?? [])],
    runAhead: o.runAhead,
  });
  return { learner, metrics, model };
}

/** Records every event it sees as `name:event` (plus the training flag for batch events). */
function tracer(
  name: string,
  log: string[],
  order = 0,
  throwAt?: { event: LearnerEvent; error: Error; when?: (l: Learner) => boolean },
): Callback {
  const cb: Record<string, unknown> = { order, name };
  const events: LearnerEvent[] = [
    "beforeFit",
    "afterFit",
    "cleanupFit",
    "beforeEpoch",
    "afterEpoch",
    "cleanupEpoch",
    "beforeBatch",
    "afterForward",
    "afterLoss",
    "afterBackward",
    "afterStep",
    "afterBatch",
    "cleanupBatch",
  ];
  for (const e of events) {
    cb[e] = (learn: Learner) => {
      log.push(`${name}:${e}${learn.training ? "" : "(valid)"}`);
      if (throwAt && throwAt.event === e && (throwAt.when?.(learn) ?? true)) throw throwAt.error;
    };
  }
  return cb as Callback;
}

Deno.test({
  name: "Learner: event order, callbacks sorted by order with stable ties",
  ignore: noGpu,
  async fn() {
    const log: string[] = [];
    const { learner } = await setup(testGpu(), {
      cbs: [tracer("late", log, 1), tracer("a", log), tracer("b", log)],
    });
    await learner.fit(1);
    const a = log.filter((l) => l.startsWith("a:"));
    // One train batch, in full.
    assert.deepEqual(a.slice(0, 9), [
      "a:beforeFit(valid)",
      "a:beforeEpoch",
      "a:beforeBatch",
      "a:afterForward",
      "a:afterLoss",
      "a:afterBackward",
      "a:afterStep",
      "a:afterBatch",
      "a:cleanupBatch",
    ]);
    // Valid batches skip backward and step.
    const validBatch = a.slice(
      a.indexOf("a:beforeBatch(valid)"),
      a.indexOf("a:beforeBatch(valid)") + 5,
    );
    assert.deepEqual(validBatch, [
      "a:beforeBatch(valid)",
      "a:afterForward(valid)",
      "a:afterLoss(valid)",
      "a:afterBatch(valid)",
      "a:cleanupBatch(valid)",
    ]);
    assert.deepEqual(a.slice(-4), [
      "a:afterEpoch(valid)",
      "a:cleanupEpoch(valid)",
      "a:afterFit(valid)",
      "a:cleanupFit(valid)",
    ]);
    assert.equal(a.filter((l) => l === "a:beforeBatch").length, 4); // 203 / 64 → 4 batches
    assert.equal(a.filter((l) => l === "a:beforeBatch(valid)").length, 1);
    // Order 0 callbacks in list order, then order 1.
    const firstThree = log.slice(0, 3).map((l) => l.split(":")[0]);
    assert.deepEqual(firstThree, ["a", "b", "late"]);
  },
});

Deno.test({
  name: "Learner: cancel errors end their level; after… is skipped and cleanup… still runs",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const batchLog: string[] = [];
    const { learner: l1 } = await setup(gpu, {
      cbs: [
        tracer("t", batchLog, 0, {
          event: "afterForward",
          error: new CancelBatchError(),
          when: (l) => l.training && l.iter === 1,
        }),
      ],
    });
    await l1.fit(1);
    assert.equal(batchLog.filter((l) => l === "t:afterStep").length, 3, "batch 1 skipped its step");
    assert.equal(batchLog.filter((l) => l === "t:cleanupBatch").length, 4);

    const epochLog: string[] = [];
    const { learner: l2 } = await setup(gpu, {
      cbs: [
        tracer("t", epochLog, 0, {
          event: "beforeEpoch",
          error: new CancelEpochError(),
          when: (l) => !l.training,
        }),
      ],
    });
    await l2.fit(2);
    assert.equal(epochLog.filter((l) => l === "t:beforeBatch(valid)").length, 0);
    assert.equal(epochLog.filter((l) => l === "t:cleanupEpoch(valid)").length, 2);
    assert.equal(epochLog.filter((l) => l === "t:afterFit(valid)").length, 1);

    const fitLog: string[] = [];
    const { learner: l3 } = await setup(gpu, {
      cbs: [
        tracer("t", fitLog, 0, {
          event: "afterBatch",
          error: new CancelFitError(),
          when: (l) => l.iter === 2,
        }),
      ],
    });
    await l3.fit(3);
    assert.equal(fitLog.filter((l) => l === "t:beforeBatch").length, 3);
    assert.ok(!fitLog.some((l) => l.startsWith("t:afterFit")));
    assert.equal(fitLog.at(-1), "t:cleanupFit");

    const { learner: l4 } = await setup(gpu, {
      cbs: [{
        beforeBatch: () => {
          throw new Error("boom");
        },
      }],
    });
    await assert.rejects(() => l4.fit(1), /boom/);
  },
});

Deno.test({
  name: "Learner: it learns, metrics per epoch, and the same seed gives bit-identical runs",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const run = async () => {
      const { learner, metrics, model } = await setup(gpu, {
        model: { norm: "batchnorm" }, // default init without a norm barely moves in 12 steps
        optimizer: { kind: "momentum", lr: 0.5 },
      });
      await learner.fit(3);
      return {
        history: metrics.history,
        losses: metrics.batchLosses,
        params: await model.readParams(),
      };
    };
    const a = await run();
    const b = await run();
    assert.equal(a.history.length, 3);
    assert.equal(a.losses.length, 12);
    assert.ok(a.history[2].valid!.accuracy > 0.9, `valid accuracy ${a.history[2].valid!.accuracy}`);
    assert.ok(a.losses[11] < a.losses[0], "the training loss falls");
    const strip = (h: typeof a.history) =>
      h.map((m) => [m.train!.loss, m.train!.accuracy, m.valid!.loss, m.valid!.accuracy]);
    assert.deepEqual(strip(a.history), strip(b.history));
    assert.deepEqual(a.losses, b.losses);
    for (const [name, p] of a.params) assert.deepEqual(p, b.params.get(name), name);
  },
});

Deno.test({
  name: "Learner: a non-finite loss ends the fit cleanly as diverged, keeping its records",
  ignore: noGpu,
  async fn() {
    const { learner, metrics } = await setup(testGpu(), { optimizer: { kind: "sgd", lr: 1e6 } });
    await learner.fit(3);
    assert.equal(learner.diverged, true);
    assert.ok(metrics.history.length >= 1 && metrics.history.length < 3);
    assert.ok(metrics.batchLosses.length >= 4);
    assert.ok(
      !Number.isFinite(metrics.history.at(-1)!.train!.loss) ||
        !Number.isFinite(metrics.history.at(-1)!.valid?.loss ?? NaN),
    );
  },
});

Deno.test({
  name: "Learner: each batch's loss comes back runAhead batches later, equal to the logged loss",
  ignore: noGpu,
  async fn() {
    for (const runAhead of [1, 2, 3]) {
      const seen: { iter: number; training: boolean; latest: BatchLoss | null }[] = [];
      const { learner, metrics } = await setup(testGpu(), {
        batchSize: 16,
        runAhead,
        cbs: [{
          afterBatch: (l) =>
            void seen.push({ iter: l.iter, training: l.training, latest: l.latest }),
        }],
      });
      await learner.fit(2);
      const perEpoch = Math.ceil(203 / 16);
      const train = seen.filter((s) => s.training);
      assert.equal(train.length, 2 * perEpoch);
      for (const s of train) {
        if (s.iter < runAhead) continue; // the lag is within a part: the part before was drained
        // The CPU is exactly runAhead batches ahead of the loss it has read back.
        assert.deepEqual([s.latest?.training, s.latest?.iter], [true, s.iter - runAhead]);
        assert.equal(s.latest!.loss, metrics.batchLosses[s.latest!.step - 1]);
      }
      // After the fit, `latest` is the last validation batch (the part was drained).
      assert.deepEqual(
        [learner.latest?.training, learner.latest?.iter, learner.latest?.epoch],
        [false, learner.latest!.batches - 1, 2],
      );
    }
  },
});

Deno.test({
  name: "Learner: a non-finite batch loss ends the fit within runAhead batches, mid-epoch",
  ignore: noGpu,
  async fn() {
    const runAhead = 2;
    const { learner, metrics } = await setup(testGpu(), {
      batchSize: 16,
      runAhead,
      optimizer: { kind: "sgd", lr: 1e6 },
    });
    await learner.fit(3);
    assert.equal(learner.diverged, true);
    const bad = metrics.batchLosses.findIndex((l) => !Number.isFinite(l));
    assert.ok(bad >= 0, "a non-finite loss was logged");
    assert.equal(learner.divergedAt?.step, bad + 1);
    assert.ok(Number.isNaN(learner.divergedAt!.loss) || !Number.isFinite(learner.divergedAt!.loss));
    // Batches recorded after the bad one: at most runAhead (the ring's depth).
    assert.ok(metrics.batchLosses.length <= bad + 1 + runAhead, `${metrics.batchLosses.length}`);
    assert.ok(metrics.batchLosses.length < Math.ceil(203 / 16), "it stopped mid-epoch");
    // The diverged epoch is recorded, with its (partial) training part and no validation.
    const last = metrics.history.at(-1)!;
    assert.equal(last.epoch, learner.divergedAt!.epoch);
    assert.ok(!Number.isFinite(last.train!.loss) && last.valid === undefined);
  },
});

Deno.test({
  name: "Learner: MomentumLearner gradients carry across fits; memory does not grow across epochs",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const sizes: number[] = [];
    const { learner, model } = await setup(gpu, {
      gradMode: { kind: "momentum-learner", mom: 0.85 },
      cbs: [{
        afterEpoch: (l) => {
          if (!l.training) sizes.push(gpu.bytesAllocated);
        },
      }],
    });
    await learner.fit(3);
    assert.equal(sizes.length, 3);
    assert.equal(sizes[2], sizes[0], "no GPU growth between epoch 1 and epoch 3");
    const grads = await model.readGrads();
    const norm = [...grads.values()].reduce((s, g) => s + g.reduce((a, v) => a + v * v, 0), 0);
    assert.ok(norm > 0, "the momentum buffer (scaled gradients) survives the fit");
    await learner.fit(1, { lr: 0.05 }); // a continuation with a fresh optimizer
    assert.equal(learner.epochsDone, 4);
  },
});

Deno.test({
  name: "ActivationStatsCallback: per hooked layer and training batch, mean, std and histogram",
  ignore: noGpu,
  async fn() {
    const { ActivationStatsCallback } = await import("./callbacks/activation_stats.ts");
    const stats = new ActivationStatsCallback();
    const { learner } = await setup(testGpu(), { cbs: [stats] });
    await learner.fit(2);
    assert.deepEqual(stats.stats.map((s) => s.layer), [
      "block1.act",
      "block2.act",
      "block3.act",
      "block4.act",
    ]);
    const perItem = [8 * 14 * 14, 16 * 7 * 7, 32 * 4 * 4, 64 * 2 * 2];
    stats.stats.forEach((s, i) => {
      assert.equal(s.means.length, 8, "2 epochs × 4 training batches, no valid batches");
      for (let b = 0; b < 8; b++) {
        const count = (b % 4 === 3 ? 203 - 3 * 64 : 64) * perItem[i];
        const total = s.hists.subarray(b * 40, (b + 1) * 40).reduce((a, v) => a + v, 0);
        // GeneralReLU outputs are ≥ −0.4 and small here: every |x| ≤ 10 is counted.
        assert.equal(total, count, `${s.layer} batch ${b}`);
        assert.ok(Number.isFinite(s.means[b]) && s.stds[b] > 0);
      }
    });
  },
});

Deno.test({
  name: "ScheduleCallback + HyperRecorder: every step runs with the schedule's lr and β1",
  ignore: noGpu,
  async fn() {
    const { ScheduleCallback, HyperRecorder } = await import("./callbacks/schedule.ts");
    const { oneCycle } = await import("../optim/schedules.ts");
    const sched = (t: number) => oneCycle(t, { maxLr: 0.06, totalSteps: 8 });
    const recorder = new HyperRecorder();
    const perEpoch: number[] = [];
    const { learner } = await setup(testGpu(), {
      model: { norm: "batchnorm" },
      optimizer: { kind: "adamw", lr: 0.01 },
      cbs: [new ScheduleCallback(sched, { per: "batch" }), recorder],
    });
    await learner.fit(2);
    assert.equal(recorder.records.length, 8);
    recorder.records.forEach((r, t) => {
      assert.equal(r.lr, sched(t).lr);
      assert.equal(r.beta1, sched(t).beta1);
    });
    const { learner: l2 } = await setup(testGpu(), {
      cbs: [
        new ScheduleCallback((e) => ({ lr: [0.02, 0.015, 0.005][e] }), { per: "epoch" }),
        { afterStep: (l) => void perEpoch.push(l.opt!.lr) },
      ],
    });
    await l2.fit(3);
    assert.deepEqual([...new Set(perEpoch)], [0.02, 0.015, 0.005]);
  },
});

Deno.test({
  name: "LrFinderCallback: lr grows by gamma per batch, stops when the loss explodes, skips valid",
  ignore: noGpu,
  async fn() {
    const { LrFinderCallback } = await import("./callbacks/lr_finder.ts");
    const finder = new LrFinderCallback({ gamma: 3, maxMult: 3, startLr: 1e-3 });
    const log: string[] = [];
    const { learner } = await setup(testGpu(), {
      model: { norm: "batchnorm" },
      cbs: [finder, { beforeBatch: (l) => void log.push(l.training ? "train" : "valid") }],
    });
    await learner.fit(10);
    assert.ok(!log.includes("valid"), "validation is skipped");
    assert.ok(
      finder.points.length >= 3 && finder.points.length < 40,
      `${finder.points.length} points`,
    );
    finder.points.forEach((p, i) => assert.ok(Math.abs(p.lr / (1e-3 * 3 ** i) - 1) < 1e-12));
    const last = finder.points.at(-1)!;
    const min = Math.min(...finder.points.slice(0, -1).map((p) => p.loss));
    assert.ok(!Number.isFinite(last.loss) || last.loss > 3 * min, "it stopped on an explosion");
  },
});
