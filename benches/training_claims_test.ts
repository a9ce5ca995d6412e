/**
 * Tests of the training claim modules (claims 7–21 and 25) without training: lesson configs,
 * ids and claim numbers, and every criterion and headline on hand-made evidence that must pass,
 * and evidence just past each boundary that must fail.
 */
import assert from "node:assert/strict";
import type { Claim, TrainConfig, TrainRun } from "../mod.ts";
import { TrainRunSchema } from "../mod.ts";
import { claim as batchnorm } from "./batchnorm.ts";
import { claim as defaultInit } from "./default_init.ts";
import { claim as generalRelu } from "./general_relu.ts";
import { claim as inputNormalization } from "./input_normalization.ts";
import { claim as layernorm } from "./layernorm.ts";
import { claim as lsuv } from "./lsuv.ts";
import { claim as optimizers } from "./optimizers.ts";
import { claim as schedules } from "./schedules.ts";
import { claim as towards90 } from "./towards_90.ts";

const MODULES: Record<string, Claim<unknown, unknown>> = {
  "default_init.ts": defaultInit as Claim<unknown, unknown>,
  "input_normalization.ts": inputNormalization as Claim<unknown, unknown>,
  "general_relu.ts": generalRelu as Claim<unknown, unknown>,
  "lsuv.ts": lsuv as Claim<unknown, unknown>,
  "layernorm.ts": layernorm as Claim<unknown, unknown>,
  "batchnorm.ts": batchnorm as Claim<unknown, unknown>,
  "towards_90.ts": towards90 as Claim<unknown, unknown>,
  "optimizers.ts": optimizers as Claim<unknown, unknown>,
  "schedules.ts": schedules as Claim<unknown, unknown>,
};

type Lsuv = NonNullable<TrainRun["lsuv"]>;
type Stats = NonNullable<TrainRun["activationStats"]>;

/**
 * A TrainRun-conforming fake: eval accuracy per epoch `evals` (train accuracy `train`, default
 * the same), finite losses, 59 batches per epoch.
 */
function fakeRun(
  seed: number,
  evals: readonly number[],
  o: { train?: readonly number[]; diverged?: boolean; lsuv?: Lsuv; stats?: Stats } = {},
): TrainRun {
  const epochs = evals.map((v, i) => ({
    epoch: i + 1,
    trainLoss: 0.4,
    trainAccuracy: o.train?.[i] ?? v,
    validLoss: Number.isNaN(v) ? NaN : 0.4,
    validAccuracy: v,
    seconds: 1,
  }));
  const steps = 59 * evals.length;
  return TrainRunSchema.parse({
    seed,
    epochs,
    batchLosses: Array.from({ length: steps }, () => 0.5),
    diverged: o.diverged ?? false,
    finalValidAccuracy: evals.at(-1) ?? NaN,
    lsuv: o.lsuv ?? null,
    activationStats: o.stats ?? null,
    hyper: { lr: Array(steps).fill(0.01), beta1: Array(steps).fill(0.9) },
    seconds: 1,
  });
}

/** One run per seed whose every one of `epochs` epochs has eval accuracy `finals[i]`. */
function runs(finals: readonly number[], epochs: number): TrainRun[] {
  return finals.map((v, i) => fakeRun(i + 1, Array(epochs).fill(v)));
}

/** A run that diverged in its first epoch: one epoch, NaN losses, no eval accuracy. */
function divergedRun(seed: number): TrainRun {
  const r = fakeRun(seed, [NaN], { diverged: true });
  return { ...r, epochs: [{ ...r.epochs[0], trainLoss: NaN, validAccuracy: null }] };
}

/** The criterion on schema-checked evidence and the full-mode config; one explanation line. */
function judged<E>(c: Claim<unknown, E>, e: E): { verdict: string; explanation: string } {
  const v = c.criterion(c.evidence.parse(e), c.config.parse({}));
  assert.ok(v.explanation.length > 0 && !v.explanation.includes("\n"), v.explanation);
  return v;
}

function assertPass<E>(c: Claim<unknown, E>, e: E): void {
  const v = judged(c, e);
  assert.equal(v.verdict, "pass", v.explanation);
}

/** Fails, and exactly the checks named by `failing` (a substring of each check's text) fail. */
function assertFail<E>(c: Claim<unknown, E>, e: E, failing: string[]): void {
  const v = judged(c, e);
  assert.equal(v.verdict, "fail", v.explanation);
  const failed = v.explanation.split(/; (?=#\d)/).filter((s) => s.includes("✗"));
  assert.equal(failed.length, failing.length, v.explanation);
  for (const f of failing) {
    assert.ok(failed.some((s) => s.includes(f)), `expected "${f}" to fail: ${v.explanation}`);
  }
}

Deno.test("training claims: ids match file names; claims 7–21 each judged exactly once", () => {
  const numbers: number[] = [];
  for (const [file, c] of Object.entries(MODULES)) {
    assert.equal(c.id, file.slice(0, -3).replaceAll("_", "-"));
    numbers.push(...c.claimNumbers);
    assert.ok(c.source.startsWith("nb 1"), `${c.id}: source names the notebook cell`);
    assert.equal(c.quick?.seeds, 1, `${c.id}: quick mode is 1 seed`);
    assert.equal(c.quick?.config, undefined, `${c.id}: quick mode keeps the lesson's config`);
  }
  const judged = numbers.filter((n) => n !== 25).sort((a, b) => a - b);
  assert.deepEqual(judged, Array.from({ length: 15 }, (_, i) => i + 7));
  assert.deepEqual(generalRelu.claimNumbers, [10, 25]);
});

Deno.test("training claims: quotes are exact passages of the transcript", {
  ignore: (() => {
    try {
      Deno.statSync(new URL("../../shared/lesson17-transcript.txt", import.meta.url));
      return false;
    } catch {
      return true;
    }
  })(),
}, () => {
  const text = Deno.readTextFileSync(
    new URL("../../shared/lesson17-transcript.txt", import.meta.url),
  );
  for (const c of Object.values(MODULES)) {
    for (const part of c.quote.split(" … ")) {
      assert.ok(text.includes(part), `${c.id}: "${part}" is not in the transcript`);
    }
  }
});

Deno.test("training claims: full-mode configs are the lesson's", () => {
  const cfg = (c: Claim<unknown, unknown>) => c.config.parse({}) as Record<string, TrainConfig>;
  const d = cfg(defaultInit as Claim<unknown, unknown>).defaultInit;
  assert.deepEqual(
    [d.init, d.act, d.norm, d.inputNorm, d.learner, d.opt, d.lr, d.bs, d.epochs],
    ["default", "relu", "none", false, "momentum-learner", "sgd", 0.2, 1024, 1],
  );
  const inorm = cfg(inputNormalization as Claim<unknown, unknown>);
  assert.deepEqual(
    [inorm.kaimingRaw.init, inorm.kaimingRaw.act, inorm.kaimingRaw.inputNorm],
    ["kaiming", "relu", false],
  );
  assert.deepEqual(
    [inorm.kaimingNorm.init, inorm.kaimingNorm.inputNorm, inorm.kaimingNorm.lr],
    ["kaiming", true, 0.2],
  );
  for (const c of [inorm.kaimingRaw, inorm.kaimingNorm]) {
    assert.deepEqual([c.epochs, c.bs, c.learner, c.norm], [3, 1024, "momentum-learner", "none"]);
  }
  const gr = cfg(generalRelu as Claim<unknown, unknown>);
  assert.deepEqual(
    [gr.generalRelu.act, gr.generalRelu.init, gr.generalRelu.activationStats, gr.generalRelu.lr],
    ["general-relu", "kaiming", true, 0.2],
  );
  const l = cfg(lsuv as Claim<unknown, unknown>);
  assert.deepEqual([l.lsuv.init, l.lsuv.act, l.lsuv.inputNorm, l.lsuv.epochs], [
    "lsuv",
    "general-relu",
    true,
    3,
  ]);
  const ln = cfg(layernorm as Claim<unknown, unknown>).layerNorm;
  assert.deepEqual([ln.norm, ln.act, ln.init, ln.lr, ln.bs, ln.epochs], [
    "layernorm",
    "general-relu",
    "kaiming",
    0.2,
    1024,
    3,
  ]);
  const bn = cfg(batchnorm as Claim<unknown, unknown>).lessonBatchNorm;
  assert.deepEqual([bn.norm, bn.lr, bn.learner, bn.epochs], [
    "lesson-batchnorm",
    0.4,
    "momentum-learner",
    3,
  ]);
  const t = cfg(towards90 as Claim<unknown, unknown>).towards90;
  assert.deepEqual([t.norm, t.bs, t.lr, t.epochs, t.learner], [
    "batchnorm",
    256,
    0.2,
    3,
    "momentum-learner",
  ]);
  assert.deepEqual(t.continueWith, { epochs: 2, lr: 0.05 });
  const o = cfg(optimizers as Claim<unknown, unknown>);
  for (
    const [name, opt, lr] of [
      ["sgd", "sgd", 0.4],
      ["momentum", "momentum", 1.5],
      ["rmsprop", "rmsprop", 3e-3],
      ["adam", "adam", 6e-3],
    ] as const
  ) {
    const c = o[name];
    assert.deepEqual(
      [c.opt, c.lr, c.learner, c.act, c.norm, c.init, c.bs, c.epochs, c.sched, c.wd],
      [opt, lr, "train", "general-relu", "batchnorm", "kaiming", 1024, 3, "none", undefined],
    );
  }
  const s = cfg(schedules as Claim<unknown, unknown>);
  for (
    const [name, sched, lr, epochs] of [
      ["cosineBatch", "cosine-batch", 2e-2, 3],
      ["cosineEpoch", "cosine-epoch", 2e-2, 3],
      ["oneCycle", "onecycle", 6e-2, 5],
    ] as const
  ) {
    const c = s[name];
    assert.deepEqual(
      [c.opt, c.wd, c.sched, c.lr, c.epochs, c.learner, c.norm, c.bs],
      ["adamw", 0.01, sched, lr, epochs, "train", "batchnorm", 1024],
    );
  }
  // A field given in a claim's config overrides the lesson's one by one.
  const over = defaultInit.config.parse({ defaultInit: { lr: 0.1 } }).defaultInit;
  assert.deepEqual([over.lr, over.init, over.epochs, over.inputNorm], [0.1, "default", 1, false]);
});

Deno.test("training claims: comparisons reuse the compared claim's exact config (shared runs)", () => {
  const key = (c: TrainConfig) => JSON.stringify(c);
  const inorm = inputNormalization.config.parse({});
  const gr = generalRelu.config.parse({});
  const l = lsuv.config.parse({});
  const o = optimizers.config.parse({});
  const s = schedules.config.parse({});
  assert.equal(key(gr.relu), key(inorm.kaimingNorm)); // claim 10 vs claim 9
  assert.equal(key(l.generalRelu), key(gr.generalRelu)); // claim 11 vs claim 10
  assert.equal(key(s.adam), key(o.adam)); // claim 19 vs claim 18
});

Deno.test("default-init (7): median epoch-1 eval ≤ 0.65; NaN fails", () => {
  const ev = (f: number[]) => ({ runs: { defaultInit: runs(f, 1) }, checks: [] });
  assertPass(defaultInit, ev([0.45, 0.65, 0.7]));
  assertFail(defaultInit, ev([0.45, 0.6501, 0.7]), ["#7 median ep1"]);
  assertFail(defaultInit, {
    runs: { defaultInit: [...runs([0.3, 0.4], 1), divergedRun(3)] },
    checks: [],
  }, ["#7 median ep1"]);
  const h = defaultInit.headline(defaultInit.evidence.parse(ev([0.45, 0.5, 0.2])));
  assert.deepEqual([h.value, h.tolerance, h.perSeed], [0.45, 0.05, [0.45, 0.5, 0.2]]);
});

Deno.test("input-normalization (8, 9): collapse or a 2-point gap; median ≥ 0.84", () => {
  const ev = (raw: TrainRun[], norm: number[]) => ({
    runs: { kaimingRaw: raw, kaimingNorm: runs(norm, 3) },
    checks: [],
  });
  const norm = [0.84, 0.85, 0.86];
  // 8 by collapse (≤ 0.2, boundary included), by a diverged seed, or by the mean gap.
  assertPass(inputNormalization, ev(runs([0.2, 0.9, 0.9], 3), norm));
  assertPass(inputNormalization, ev([divergedRun(1), ...runs([0.9, 0.9], 3)], norm));
  assertPass(inputNormalization, ev(runs([0.83, 0.83, 0.83], 3), [0.85, 0.85, 0.85]));
  // 1.99 points and no collapse: 8 fails.
  assertFail(inputNormalization, ev(runs([0.8301, 0.83, 0.83], 3), [0.85, 0.85, 0.85]), [
    "#8 raw input",
  ]);
  // No collapse at 0.2001 and a gap of 1.3 points: 8 fails while 9 passes.
  assertFail(inputNormalization, ev(runs([0.2001, 0.9, 0.9], 3), [0.3, 0.84, 0.9]), [
    "#8 raw input",
  ]);
  // 9: median 0.84 passes, 0.8399 fails, a NaN median fails.
  assertFail(inputNormalization, ev(runs([0.1, 0.9, 0.9], 3), [0.8399, 0.8399, 0.9]), [
    "#9 median",
  ]);
  assertFail(inputNormalization, {
    runs: {
      kaimingRaw: runs([0.1, 0.9, 0.9], 3),
      kaimingNorm: [...runs([0.9, 0.9], 3), divergedRun(3)],
    },
    checks: [],
  }, ["#9 median"]);
  const e = inputNormalization.evidence.parse(ev(runs([0.1, 0.9, 0.9], 3), norm));
  const h = inputNormalization.headline(e);
  assert.deepEqual([h.value, h.tolerance, h.perSeed], [0.85, 0.01, norm]);
});

/** 4 hooked layers × 177 batches with every mean `mean` and dead fraction `dead`. */
function stats(mean = 0.1, dead = 0.2, batches = 177): Stats {
  return Array.from({ length: 4 }, (_, l) => ({
    layer: `block${l + 1}.act`,
    means: Array(batches).fill(mean),
    stds: Array(batches).fill(0.8),
    dead: Array(batches).fill(dead),
    hists: Array(batches * 40).fill(1),
  }));
}

Deno.test("general-relu (10, 25): median ≥ 0.86, +0.5 pts over ReLU, activation bounds", () => {
  const ev = (
    gr: number[],
    relu: number[],
    st: (i: number) => Stats | undefined = () => stats(),
  ) => ({
    runs: {
      generalRelu: gr.map((v, i) => fakeRun(i + 1, [v, v, v], { stats: st(i) })),
      relu: runs(relu, 3),
    },
    checks: [],
  });
  assertPass(generalRelu, ev([0.87, 0.87, 0.87], [0.865, 0.865, 0.865]));
  // A gain 0.49 points short... and 0.01 short.
  assertFail(generalRelu, ev([0.87, 0.87, 0.87], [0.8651, 0.8651, 0.8651]), [
    "#10 mean ep3 eval gain",
  ]);
  assertFail(generalRelu, ev([0.8599, 0.8599, 0.9], [0.8, 0.8, 0.8]), ["#10 median"]);
  assertPass(generalRelu, ev([0.86, 0.86, 0.9], [0.8, 0.8, 0.8]));
  // Claim 25: the first 25 batches are exempt; from batch 26 on the bounds hold inclusively.
  const tweak = (f: (s: Stats) => void) => (i: number) => {
    const s = stats();
    if (i === 1) f(s);
    return s;
  };
  const good = [0.87, 0.87, 0.87], base = [0.86, 0.86, 0.86];
  assertPass(generalRelu, ev(good, base, tweak((s) => (s[2].dead[24] = 0.9, s[2].means[0] = 2))));
  assertPass(
    generalRelu,
    ev(good, base, tweak((s) => (s[3].dead[25] = 0.3, s[0].means[30] = -0.3))),
  );
  assertFail(generalRelu, ev(good, base, tweak((s) => (s[3].dead[25] = 0.3001))), ["#25 max dead"]);
  assertFail(generalRelu, ev(good, base, tweak((s) => (s[0].means[176] = 0.3001))), [
    "#25 layer means",
  ]);
  assertFail(generalRelu, ev(good, base, tweak((s) => (s[1].means[100] = -0.31))), [
    "#25 layer means",
  ]);
  assertFail(generalRelu, ev(good, base, tweak((s) => (s[1].means[100] = NaN))), [
    "#25 layer means",
  ]);
  assertFail(generalRelu, ev(good, base, tweak((s) => (s[1].dead[100] = NaN))), ["#25 max dead"]);
  assertFail(generalRelu, ev(good, base, (i) => (i === 2 ? undefined : stats())), [
    "#25 max dead",
    "#25 layer means",
  ]);
  assertFail(generalRelu, ev(good, base, () => stats(0.1, 0.2, 25)), [
    "#25 max dead",
    "#25 layer means",
  ]); // nothing after batch 25
  const h = generalRelu.headline(
    generalRelu.evidence.parse(ev([0.88, 0.87, 0.86], base)),
  );
  assert.deepEqual([h.value, h.tolerance, h.perSeed], [0.87, 0.01, [0.88, 0.87, 0.86]]);
});

function lsuvReport(mean = 5e-4, std = 1.0005, iterations = 4, layers = 4): Lsuv {
  return Array.from({ length: layers }, (_, l) => ({
    act: `block${l + 1}.act`,
    conv: `block${l + 1}.conv`,
    before: { mean: -0.13, std: 0.46 },
    after: { mean, std },
    iterations,
  }));
}

Deno.test("lsuv (11): invariant 1e-3, median ≥ 0.85, within 2 points of claim 10", () => {
  const ev = (
    l: number[],
    gr: number[],
    rep: (i: number) => Lsuv | undefined = () => lsuvReport(),
    failures: { seed: number; message: string }[] = [],
  ) => ({
    runs: {
      lsuv: l.map((v, i) => fakeRun(i + 1, [v, v, v], { lsuv: rep(i) })),
      generalRelu: runs(gr, 3),
    },
    lsuvFailures: failures,
    checks: [],
  });
  assertPass(lsuv, ev([0.85, 0.85, 0.85], [0.87, 0.87, 0.87]));
  assertPass(lsuv, ev([0.87, 0.87, 0.87], [0.85, 0.85, 0.85])); // |diff| counts both ways
  assertFail(lsuv, ev([0.85, 0.85, 0.85], [0.8701, 0.8701, 0.8701]), ["#11 |mean"]); // 2.01 points
  assertFail(lsuv, ev([0.8499, 0.8499, 0.9], [0.86, 0.86, 0.86]), ["#11 median"]);
  const good = [0.86, 0.86, 0.86];
  assertPass(lsuv, ev(good, good, () => lsuvReport(-1e-3, 1.001)));
  assertFail(lsuv, ev(good, good, (i) => (i === 1 ? lsuvReport(1.1e-3) : lsuvReport())), [
    "#11 after LSUV",
  ]);
  assertFail(lsuv, ev(good, good, (i) => (i === 1 ? lsuvReport(0, 1.0011) : lsuvReport())), [
    "#11 after LSUV",
  ]);
  assertFail(lsuv, ev(good, good, (i) => (i === 1 ? lsuvReport(0, NaN) : lsuvReport())), [
    "#11 after LSUV",
  ]);
  assertFail(lsuv, ev(good, good, () => lsuvReport(0, 1, 51)), ["#11 after LSUV"]);
  assertFail(lsuv, ev(good, good, () => lsuvReport(0, 1, 4, 3)), ["#11 after LSUV"]);
  assertFail(lsuv, ev(good, good, (i) => (i === 0 ? undefined : lsuvReport())), ["#11 after LSUV"]);
  assertFail(
    lsuv,
    ev([0.86, 0.86], good, undefined, [{ seed: 3, message: "LSUV: not within tolerance" }]),
    ["#11 after LSUV"],
  );
  const h = lsuv.headline(lsuv.evidence.parse(ev([0.866, 0.86, 0.87], good)));
  assert.deepEqual([h.value, h.tolerance], [0.866, 0.01]);
});

Deno.test("layernorm (12): median epoch-3 eval ≥ 0.86", () => {
  const ev = (f: number[]) => ({ runs: { layerNorm: runs(f, 3) }, checks: [] });
  assertPass(layernorm, ev([0.86, 0.86, 0.8]));
  assertFail(layernorm, ev([0.8599, 0.8599, 0.9]), ["#12 median"]);
  assertFail(layernorm, {
    runs: { layerNorm: [...runs([0.9, 0.9], 3), divergedRun(3)] },
    checks: [],
  }, ["#12 median"]);
  const h = layernorm.headline(layernorm.evidence.parse(ev([0.874, 0.87, 0.88])));
  assert.deepEqual([h.value, h.tolerance], [0.874, 0.01]);
});

Deno.test("batchnorm (13): no NaN, median train ≥ 0.875, median eval ≥ 0.835; gap reported", () => {
  const ev = (train: number[], evals: number[], extra: TrainRun[] = []) => {
    const r = [
      ...train.map((t, i) => fakeRun(i + 1, Array(3).fill(evals[i]), { train: Array(3).fill(t) })),
      ...extra,
    ];
    return { runs: { lessonBatchNorm: r }, trainEvalGap: [], checks: [] };
  };
  assertPass(batchnorm, ev([0.875, 0.875, 0.8], [0.835, 0.835, 0.9]));
  assertFail(batchnorm, ev([0.8749, 0.8749, 0.9], [0.85, 0.85, 0.85]), ["#13 median ep3 train"]);
  assertFail(batchnorm, ev([0.89, 0.89, 0.89], [0.8349, 0.8349, 0.9]), ["#13 median ep3 eval"]);
  assertFail(batchnorm, ev([0.89, 0.89], [0.85, 0.85], [divergedRun(3)]), [
    "#13 NaN-free",
    "#13 median ep3 train",
    "#13 median ep3 eval",
  ]);
  // A NaN batch loss fails "no NaN" even when the epoch metrics look fine.
  const nan = fakeRun(3, [0.85, 0.85, 0.85], { train: [0.89, 0.89, 0.89] });
  nan.batchLosses[10] = NaN;
  assertFail(batchnorm, ev([0.89, 0.89], [0.85, 0.85], [nan]), ["#13 NaN-free"]);
  const e = batchnorm.evidence.parse(ev([0.887, 0.887, 0.887], [0.849, 0.849, 0.849]));
  const v = batchnorm.criterion(e, batchnorm.config.parse({}));
  assert.match(v.explanation, /gap: median \+3\.80 pts/);
  const h = batchnorm.headline(e);
  assert.deepEqual([h.value, h.tolerance], [0.849, 0.02]);
});

Deno.test("towards-90 (14): median epoch-3 ≥ 0.865 and epoch-5 ≥ 0.89", () => {
  const ev = (e3: number, e5: number, n = 3) => ({
    runs: {
      towards90: Array.from({ length: n }, (_, i) => fakeRun(i + 1, [0.8, 0.85, e3, 0.88, e5])),
    },
    checks: [],
  });
  assertPass(towards90, ev(0.865, 0.89));
  assertFail(towards90, ev(0.8649, 0.9), ["#14 median ep3"]);
  assertFail(towards90, ev(0.88, 0.8899), ["#14 median ep5"]);
  // The continuation never ran: no epoch 5.
  assertFail(towards90, { runs: { towards90: runs([0.88, 0.88, 0.88], 3) }, checks: [] }, [
    "#14 median ep5",
  ]);
  const h = towards90.headline(towards90.evidence.parse(ev(0.876, 0.899)));
  assert.deepEqual([h.value, h.tolerance, h.name], [0.899, 0.01, "median epoch-5 eval accuracy"]);
});

Deno.test("optimizers (15–18): medians and mean gains at their boundaries", () => {
  const ev = (sgd: number, mom: number, rms: number, adam: number) => ({
    runs: {
      sgd: runs([sgd, sgd, sgd], 3),
      momentum: runs([mom, mom, mom], 3),
      rmsprop: runs([rms, rms, rms], 3),
      adam: runs([adam, adam, adam], 3),
    },
    checks: [],
  });
  assertPass(optimizers, ev(0.855, 0.865, 0.855, 0.86)); // gains exactly 1.0 and 0.5 points
  assertFail(optimizers, ev(0.8399, 0.9, 0.85, 0.9), ["#15 "]); // 15
  assertFail(optimizers, ev(0.85, 0.8649, 0.85, 0.9), ["#16 median"]); // 16 median
  assertFail(optimizers, ev(0.8551, 0.865, 0.85, 0.9), ["#16 mean gain"]); // 16 gain 0.99 points
  assertFail(optimizers, ev(0.85, 0.9, 0.8399, 0.9), ["#17 "]); // 17
  assertFail(optimizers, ev(0.85, 0.9, 0.85, 0.8599), ["#18 median"]); // 18 median
  assertFail(optimizers, ev(0.85, 0.9, 0.8551, 0.86), ["#18 mean gain"]); // 18 gain 0.49 points
  const h = optimizers.headline(optimizers.evidence.parse(ev(0.852, 0.876, 0.853, 0.871)));
  assert.deepEqual([h.value, h.tolerance], [0.871, 0.01]);
});

Deno.test("schedules (19–21): cosine vs Adam, cosine per epoch vs per batch, 1cycle", () => {
  const ev = (adam: number, cosB: number, cosE: number, one: number[]) => ({
    runs: {
      adam: runs([adam, adam, adam], 3),
      cosineBatch: runs([cosB, cosB, cosB], 3),
      cosineEpoch: runs([cosE, cosE, cosE], 3),
      oneCycle: runs(one, 5),
    },
    lrTrace: {},
    checks: [],
  });
  const one = [0.897, 0.9, 0.91];
  assertPass(schedules, ev(0.868, 0.873, 0.875, one));
  assertPass(schedules, ev(0.868, 0.875, 0.885, one)); // |diff| exactly 1 point
  assertFail(schedules, ev(0.86, 0.8729, 0.875, one), ["#19 median"]);
  assertFail(schedules, ev(0.8681, 0.873, 0.875, one), ["#19 mean gain"]); // 19 gain 0.49 points
  assertFail(schedules, ev(0.86, 0.88, 0.8749, one), ["#20 median"]); // 20 median
  assertFail(schedules, ev(0.86, 0.875, 0.8851, one), ["#20 |mean"]); // 20 diff 1.01 points
  assertFail(schedules, ev(0.86, 0.88, 0.88, [0.8969, 0.91, 0.91]), ["#21 min"]); // 21 every seed
  assertFail(schedules, ev(0.86, 0.88, 0.88, [0.897, 0.8999, 0.91]), ["#21 median"]); // 21 median
  assertFail(schedules, {
    ...ev(0.86, 0.88, 0.88, [0.91, 0.91]),
    runs: {
      ...ev(0.86, 0.88, 0.88, one).runs,
      oneCycle: [...runs([0.91, 0.91], 5), divergedRun(3)],
    },
  }, ["#21 min", "#21 median"]);
  const h = schedules.headline(
    schedules.evidence.parse(ev(0.871, 0.883, 0.887, [0.906, 0.9, 0.91])),
  );
  assert.deepEqual([h.value, h.tolerance, h.perSeed], [0.906, 0.01, [0.906, 0.9, 0.91]]);
});

Deno.test("training claims: the criterion judges the runs, not the stored checks; lines name claims", () => {
  // Stored checks are a record for readers; a forged "ok" cannot turn a failing run into a pass.
  const forged = [{ claim: 12, text: "forged", ok: true }];
  assertFail(layernorm, { runs: { layerNorm: runs([0.8, 0.8, 0.8], 3) }, checks: forged }, [
    "#12 median",
  ]);
  const v = judged(optimizers, {
    runs: {
      sgd: runs([0.85], 3),
      momentum: runs([0.87], 3),
      rmsprop: runs([0.85], 3),
      adam: runs([0.87], 3),
    },
    checks: [],
  });
  for (const n of [15, 16, 17, 18]) assert.match(v.explanation, new RegExp(`#${n} `));
});
