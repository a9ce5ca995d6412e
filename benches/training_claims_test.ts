/**
 * Tests of the training claim modules (claims 7–21 and 25) without training: the lesson's
 * configs, that every check, lesson number and headline names a config and metric the claim has,
 * the lesson's thresholds as declared checks (verdicts.md §4), and known answers of each claim's
 * checks under the look plan on synthetic runs (`judgeClaimOnRuns`), plus `runOutcome`.
 */
import assert from "node:assert/strict";
import type { Claim, TrainConfig, TrainRun } from "../mod.ts";
import { TrainRunSchema } from "../mod.ts";
import { type CheckSpec, CheckSpecSchema, type Subject, subjectsOf } from "../src/verdict/check.ts";
import { lookPlan } from "../src/verdict/plan.ts";
import { judgeClaimOnRuns, type SeedRun } from "../src/bench/judge_claim.ts";
import { EPOCH_METRICS, RUN_METRICS } from "../src/bench/metrics.ts";
import { runOutcome } from "../src/bench/outcome.ts";
import { canonicalJson } from "../src/store/run_key.ts";
import type { SequentialResult } from "../src/verdict/sequential.ts";
import { claim as batchnorm } from "./batchnorm.ts";
import { claim as defaultInit } from "./default_init.ts";
import { claim as generalRelu, SKIP } from "./general_relu.ts";
import { claim as inputNormalization } from "./input_normalization.ts";
import { claim as layernorm } from "./layernorm.ts";
import { claim as lsuv, lsuvConverged } from "./lsuv.ts";
import { claim as optimizers } from "./optimizers.ts";
import { claim as schedules } from "./schedules.ts";
import { claim as towards90 } from "./towards_90.ts";

/** Every training claim module by file name. */
const MODULES: Record<string, Claim> = {
  "default_init.ts": defaultInit as unknown as Claim,
  "input_normalization.ts": inputNormalization as unknown as Claim,
  "general_relu.ts": generalRelu as unknown as Claim,
  "lsuv.ts": lsuv as unknown as Claim,
  "layernorm.ts": layernorm as unknown as Claim,
  "batchnorm.ts": batchnorm as unknown as Claim,
  "towards_90.ts": towards90 as unknown as Claim,
  "optimizers.ts": optimizers as unknown as Claim,
  "schedules.ts": schedules as unknown as Claim,
};

/** Training batches per epoch at bs 1024 (60k / 1024, rounded up). */
const PER_EPOCH = 59;

type Lsuv = NonNullable<TrainRun["lsuv"]>;
type Stats = NonNullable<TrainRun["activationStats"]>;

/** What a synthetic run looks like. */
interface FakeRun {
  /** Eval accuracy after each planned epoch. */
  evals: readonly number[];
  /** Train accuracy after each epoch (default: the eval accuracy). */
  train?: readonly number[];
  /**
   * 0-based index of the first non-finite batch loss: the losses are NaN from there to the end
   * of that epoch, which is recorded with a train part only (valid accuracy null), and later
   * epochs are missing, as the trainer ends a diverged fit.
   */
  divergeAt?: number;
  /** Activation statistics (layers × batches), cut and NaN'd like the losses when diverged. */
  stats?: { means: number[][]; dead: number[][] };
  lsuv?: Lsuv | null;
}

/** A TrainRun (schema-checked) of seed `seed` as `o` describes. */
function fakeRun(seed: number, o: FakeRun): TrainRun {
  const divEpoch = o.divergeAt === undefined ? null : Math.floor(o.divergeAt / PER_EPOCH) + 1;
  const nEpochs = divEpoch ?? o.evals.length;
  const steps = nEpochs * PER_EPOCH;
  const bad = (i: number) => o.divergeAt !== undefined && i >= o.divergeAt;
  const epochs = Array.from({ length: nEpochs }, (_, i) => {
    const lost = divEpoch === i + 1;
    return {
      epoch: i + 1,
      trainLoss: lost ? NaN : 0.4,
      trainAccuracy: o.train?.[i] ?? o.evals[i] ?? NaN,
      validLoss: lost ? null : 0.4,
      validAccuracy: lost ? null : o.evals[i],
      seconds: 1,
    };
  });
  const series = (rows: number[][]) =>
    rows.map((r) => r.slice(0, steps).map((v, i) => bad(i) ? NaN : v));
  const stats: Stats | null = o.stats
    ? series(o.stats.means).map((means, l) => ({
      layer: `layer${l}`,
      means,
      stds: means.map(() => 0.8),
      dead: series(o.stats!.dead)[l],
      hists: [],
    }))
    : null;
  return TrainRunSchema.parse({
    seed,
    epochs,
    batchLosses: Array.from({ length: steps }, (_, i) => bad(i) ? NaN : 1 / (i + 2)),
    diverged: o.divergeAt !== undefined,
    finalValidAccuracy: epochs.at(-1)?.validAccuracy ?? NaN,
    lsuv: o.lsuv ?? null,
    activationStats: stats,
    hyper: { lr: Array(steps).fill(0.2), beta1: Array(steps).fill(0.9) },
    seconds: 1,
  });
}

/** Clean activation statistics: `layers` × `batches` with mean `mean` and dead fraction `dead`. */
function cleanStats(
  o: { layers?: number; batches?: number; mean?: number; dead?: number } = {},
): { means: number[][]; dead: number[][] } {
  const layers = o.layers ?? 4, batches = o.batches ?? 3 * PER_EPOCH;
  return {
    means: Array.from({ length: layers }, () => Array(batches).fill(o.mean ?? 0.1)),
    dead: Array.from({ length: layers }, () => Array(batches).fill(o.dead ?? 0.2)),
  };
}

/** An LSUV report of 4 converged (GeneralRelu, conv) pairs. */
function convergedLsuv(): Lsuv {
  return Array.from({ length: 4 }, (_, i) => ({
    act: `act${i}`,
    conv: `conv${i}`,
    before: { mean: 0.3, std: 0.5 },
    after: { mean: 2e-4, std: 1.0005 },
    iterations: 7,
  }));
}

/** Seeds 1..n of one config: `values[i]` the eval of every epoch, unless `o` gives others. */
function seeds(
  values: readonly number[],
  epochs: number,
  o: (seed: number) => Partial<FakeRun> = () => ({}),
): SeedRun[] {
  return values.map((v, i) => ({
    seed: i + 1,
    run: fakeRun(i + 1, { evals: Array(epochs).fill(v), ...o(i + 1) }),
  }));
}

/** `runs` with seed `seed` replaced. */
function replace(runs: readonly SeedRun[], seed: number, run: TrainRun | null): SeedRun[] {
  return runs.map((r) => r.seed === seed ? { seed, run } : r);
}

/** A judged check by id (any-of parts included). */
function check(r: SequentialResult, id: string) {
  const all = r.checks.flatMap((c) => c.kind === "any-of" ? [c, ...c.of] : [c]);
  const found = all.find((c) => c.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}

/** The decisions of a result by check id. */
function decisions(r: SequentialResult): Record<string, string> {
  return Object.fromEntries(r.checks.map((c) => [c.id, c.judged.decision]));
}

const six = (v: number) => Array(6).fill(v) as number[];

// ---------------------------------------------------------------------------------------------
// The modules: ids, configs, subjects.

Deno.test("training claims: ids match file names; claims 7–21 and 25 each judged by one module", () => {
  const numbers: number[] = [];
  for (const [file, c] of Object.entries(MODULES)) {
    assert.equal(c.id, file.slice(0, -3).replaceAll("_", "-"));
    numbers.push(...c.claimNumbers);
    assert.ok(c.source.startsWith("nb 1"), `${c.id}: source names the notebook cell`);
  }
  assert.deepEqual(
    numbers.sort((a, b) => a - b),
    [...Array.from({ length: 15 }, (_, i) => i + 7), 25],
  );
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
    for (const part of c.quote.replace(/ \[[^\]]*\]/g, "").split(" … ")) {
      assert.ok(text.includes(part), `${c.id}: "${part}" is not in the transcript`);
    }
  }
});

Deno.test("training claims: full-mode configs are the lesson's", () => {
  const cfg = (c: Claim) => c.config.parse({}) as Record<string, TrainConfig>;
  const d = cfg(MODULES["default_init.ts"]).defaultInit;
  assert.deepEqual(
    [d.init, d.act, d.norm, d.inputNorm, d.learner, d.opt, d.lr, d.bs, d.epochs],
    ["default", "relu", "none", false, "momentum-learner", "sgd", 0.2, 1024, 1],
  );
  const inorm = cfg(MODULES["input_normalization.ts"]);
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
  const gr = cfg(MODULES["general_relu.ts"]);
  assert.deepEqual(
    [gr.generalRelu.act, gr.generalRelu.init, gr.generalRelu.activationStats, gr.generalRelu.lr],
    ["general-relu", "kaiming", true, 0.2],
  );
  const l = cfg(MODULES["lsuv.ts"]).lsuv;
  assert.deepEqual([l.init, l.act, l.inputNorm, l.epochs], ["lsuv", "general-relu", true, 3]);
  const ln = cfg(MODULES["layernorm.ts"]).layerNorm;
  assert.deepEqual(
    [ln.norm, ln.act, ln.init, ln.lr, ln.bs, ln.epochs],
    ["layernorm", "general-relu", "kaiming", 0.2, 1024, 3],
  );
  const bn = cfg(MODULES["batchnorm.ts"]).lessonBatchNorm;
  assert.deepEqual(
    [bn.norm, bn.lr, bn.learner, bn.epochs],
    ["lesson-batchnorm", 0.4, "momentum-learner", 3],
  );
  const t = cfg(MODULES["towards_90.ts"]).towards90;
  assert.deepEqual(
    [t.norm, t.bs, t.lr, t.epochs, t.learner],
    ["batchnorm", 256, 0.2, 3, "momentum-learner"],
  );
  assert.deepEqual(t.continueWith, { epochs: 2, lr: 0.05 });
  const o = cfg(MODULES["optimizers.ts"]);
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
  const s = cfg(MODULES["schedules.ts"]);
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

Deno.test("training claims: comparisons use the compared claim's exact config (shared runs)", () => {
  const key = (c: TrainConfig) => canonicalJson(c);
  const inorm = inputNormalization.config.parse({});
  const gr = generalRelu.config.parse({});
  const l = lsuv.config.parse({});
  const o = optimizers.config.parse({});
  const s = schedules.config.parse({});
  assert.equal(key(gr.relu), key(inorm.kaimingNorm)); // claim 10 vs claim 9
  assert.equal(key(l.generalRelu), key(gr.generalRelu)); // claim 11 vs claim 10
  assert.equal(key(s.adam), key(o.adam)); // claim 19 vs claim 18
});

/** Why `subject` is invalid for `claim` (null: valid). */
function subjectProblem(claim: Claim, subject: Subject): string | null {
  const subjects = claim.subjects(claim.config.parse({}));
  const config = subjects[subject.config];
  if (!config) return `no config "${subject.config}"`;
  if (config.kind !== "train") return `config "${subject.config}" is not a training config`;
  const epochs = config.config.epochs + (config.config.continueWith?.epochs ?? 0);
  if (EPOCH_METRICS[subject.metric]) {
    if (subject.epoch === undefined) return `${subject.metric} needs an epoch`;
    if (subject.epoch < 1 || subject.epoch > epochs) {
      return `epoch ${subject.epoch} outside 1..${epochs} of ${subject.config}`;
    }
    return null;
  }
  if (RUN_METRICS[subject.metric] || claim.metrics?.[subject.metric]) {
    return subject.epoch === undefined ? null : `${subject.metric} is per run, not per epoch`;
  }
  return `unknown metric "${subject.metric}"`;
}

/** A check and its any-of parts. */
function leaves(c: CheckSpec): CheckSpec[] {
  return c.kind === "any-of" ? [c, ...c.of] : [c];
}

Deno.test("training claims: checks, lesson numbers and headlines name configs and metrics the claim has", () => {
  const allIds: string[] = [];
  for (const c of Object.values(MODULES)) {
    const problems: string[] = [];
    const ids = c.checks.flatMap(leaves).map((x) => x.id);
    assert.equal(new Set(ids).size, ids.length, `${c.id}: check ids are unique: ${ids}`);
    allIds.push(...ids);
    for (const spec of c.checks) {
      CheckSpecSchema.parse(spec);
      for (const leaf of leaves(spec)) {
        if (!c.claimNumbers.includes(leaf.claim)) {
          problems.push(`check ${leaf.id}: claim ${leaf.claim} not in ${c.claimNumbers}`);
        }
      }
      for (const s of subjectsOf(spec)) {
        const p = subjectProblem(c, s);
        if (p) problems.push(`check ${spec.id}: ${p}`);
      }
    }
    for (const n of c.claimNumbers) {
      if (!c.checks.flatMap(leaves).some((x) => x.claim === n)) {
        problems.push(`claim ${n} has no check`);
      }
    }
    for (const l of c.lesson) {
      if (!l.subject) continue;
      const p = subjectProblem(c, l.subject);
      if (p) problems.push(`lesson number "${l.label}": ${p}`);
    }
    const h = subjectProblem(c, c.headline.subject);
    if (h) problems.push(`headline: ${h}`);
    assert.ok(c.headline.tolerance > 0, `${c.id}: headline tolerance`);
    assert.deepEqual(problems, [], `${c.id}: ${problems.join("; ")}`);
  }
  assert.equal(new Set(allIds).size, allIds.length, "check ids are unique across claims");
});

Deno.test("training claims: subjectProblem itself catches bad subjects", () => {
  const c = MODULES["towards_90.ts"];
  assert.equal(subjectProblem(c, { config: "towards90", metric: "evalAccuracy", epoch: 5 }), null);
  assert.match(
    subjectProblem(c, { config: "towards90", metric: "evalAccuracy", epoch: 6 })!,
    /epoch 6 outside 1\.\.5/,
  );
  assert.match(subjectProblem(c, { config: "nope", metric: "evalAccuracy", epoch: 1 })!, /nope/);
  assert.match(subjectProblem(c, { config: "towards90", metric: "x" })!, /unknown metric/);
  assert.match(
    subjectProblem(c, { config: "towards90", metric: "evalAccuracy" })!,
    /needs an epoch/,
  );
  assert.equal(
    subjectProblem(MODULES["general_relu.ts"], { config: "generalRelu", metric: "maxDeadAfter25" }),
    null,
  );
});

// ---------------------------------------------------------------------------------------------
// The lesson's thresholds (verdicts.md §4), as declared checks.

/** A check in one line: "<claim> <kind> <subjects> <direction> <number>". */
function line(c: CheckSpec): string {
  const s = (x: Subject) => `${x.config}.${x.metric}${x.epoch === undefined ? "" : `@${x.epoch}`}`;
  const n = (v: number) => String(Number(v.toPrecision(12)));
  switch (c.kind) {
    case "threshold":
      return `${c.claim} threshold ${s(c.subject)} ${c.direction} ${n(c.threshold)}`;
    case "superiority":
      return `${c.claim} superiority ${s(c.a)} - ${s(c.b)} >= ${n(c.margin)}`;
    case "equivalence":
      return `${c.claim} equivalence |${s(c.a)} - ${s(c.b)}| <= ${n(c.margin)}`;
    case "rate":
      return `${c.claim} rate ${s(c.subject)} ${c.direction} ${n(c.p0)}`;
    case "every-seed":
      return `${c.claim} every-seed${c.trainedOnly ? " (trained)" : ""} ${s(c.subject)} in [${
        c.min === undefined ? "-inf" : n(c.min)
      }, ${c.max === undefined ? "inf" : n(c.max)}]`;
    case "any-of":
      return `${c.claim} any-of(${c.of.map(line).join("; ")})`;
  }
}

/** verdicts.md §4, claims 7–21 and 25; differences as fractions (0.5 points = 0.005). */
const LESSON_TABLE: Record<string, string[]> = {
  "default-init": ["7 threshold defaultInit.evalAccuracy@1 <= 0.65"],
  "input-normalization": [
    "8 any-of(8 rate kaimingRaw.collapsedOrDiverged >= 0.1; " +
    "8 superiority kaimingNorm.evalAccuracy@3 - kaimingRaw.evalAccuracy@3 >= 0.02)",
    "9 threshold kaimingNorm.evalAccuracy@3 >= 0.84",
  ],
  "general-relu": [
    "10 threshold generalRelu.evalAccuracy@3 >= 0.86",
    "10 superiority generalRelu.evalAccuracy@3 - relu.evalAccuracy@3 >= 0.005",
    "25 every-seed (trained) generalRelu.maxDeadAfter25 in [-inf, 0.3]",
    "25 every-seed (trained) generalRelu.maxAbsMeanAfter25 in [-inf, 0.3]",
  ],
  lsuv: [
    "11 every-seed lsuv.lsuvConverged in [1, inf]",
    "11 threshold lsuv.evalAccuracy@3 >= 0.85",
    "11 superiority lsuv.evalAccuracy@3 - generalRelu.evalAccuracy@3 >= -0.02",
  ],
  layernorm: ["12 threshold layerNorm.evalAccuracy@3 >= 0.86"],
  batchnorm: [
    "13 every-seed lessonBatchNorm.diverged in [-inf, 0]",
    "13 threshold lessonBatchNorm.trainAccuracy@3 >= 0.875",
    "13 threshold lessonBatchNorm.evalAccuracy@3 >= 0.835",
  ],
  "towards-90": [
    "14 threshold towards90.evalAccuracy@3 >= 0.865",
    "14 threshold towards90.evalAccuracy@5 >= 0.89",
  ],
  optimizers: [
    "15 threshold sgd.evalAccuracy@3 >= 0.84",
    "16 threshold momentum.evalAccuracy@3 >= 0.865",
    "16 superiority momentum.evalAccuracy@3 - sgd.evalAccuracy@3 >= 0.01",
    "17 threshold rmsprop.evalAccuracy@3 >= 0.84",
    "18 threshold adam.evalAccuracy@3 >= 0.86",
    "18 superiority adam.evalAccuracy@3 - rmsprop.evalAccuracy@3 >= 0.005",
  ],
  schedules: [
    "19 threshold cosineBatch.evalAccuracy@3 >= 0.873",
    "19 superiority cosineBatch.evalAccuracy@3 - adam.evalAccuracy@3 >= 0.005",
    "20 threshold cosineEpoch.evalAccuracy@3 >= 0.875",
    "20 equivalence |cosineBatch.evalAccuracy@3 - cosineEpoch.evalAccuracy@3| <= 0.01",
    "21 threshold oneCycle.evalAccuracy@5 >= 0.9",
  ],
};

Deno.test("training claims: the declared checks are the lesson's thresholds (verdicts.md §4)", () => {
  assert.deepEqual(
    Object.keys(LESSON_TABLE).sort(),
    Object.values(MODULES).map((c) => c.id).sort(),
  );
  for (const c of Object.values(MODULES)) {
    assert.deepEqual(c.checks.map(line), LESSON_TABLE[c.id], c.id);
  }
});

Deno.test("lsuv: converged means 4 pairs at |mean| ≤ 1e-3, |std − 1| ≤ 1e-3 within 50 iterations", () => {
  const run = (lsuvReport: Lsuv | null) =>
    fakeRun(1, { evals: [0.8, 0.85, 0.86], lsuv: lsuvReport });
  const ok = convergedLsuv();
  assert.equal(lsuvConverged(run(ok)), 1);
  const edge = ok.map((l) => ({ ...l, after: { mean: -1e-3, std: 1 + 1e-3 }, iterations: 50 }));
  assert.equal(lsuvConverged(run(edge)), 1);
  const bad = (f: (l: Lsuv[number]) => Lsuv[number]) => ok.map((l, i) => i === 2 ? f(l) : l);
  assert.equal(lsuvConverged(run(bad((l) => ({ ...l, after: { ...l.after, mean: 2e-3 } })))), 0);
  assert.equal(lsuvConverged(run(bad((l) => ({ ...l, after: { ...l.after, std: 0.998 } })))), 0);
  assert.equal(lsuvConverged(run(bad((l) => ({ ...l, iterations: 51 })))), 0);
  assert.equal(lsuvConverged(run(ok.slice(0, 3))), 0);
  assert.ok(Number.isNaN(lsuvConverged(run(null))));
});

Deno.test("general-relu (25): the first SKIP = 25 batches are left out; NaN or no stats is NaN", () => {
  assert.equal(SKIP, 25);
  const m = generalRelu.metrics!;
  const at = (batch: number, dead: number, mean: number) => {
    const s = cleanStats();
    s.dead[1][batch] = dead;
    s.means[3][batch] = mean;
    return fakeRun(1, { evals: [0.8, 0.85, 0.87], stats: s });
  };
  assert.equal(m.maxDeadAfter25.of(at(24, 0.9, -0.9)), 0.2);
  assert.equal(m.maxAbsMeanAfter25.of(at(24, 0.9, -0.9)), 0.1);
  assert.equal(m.maxDeadAfter25.of(at(25, 0.9, -0.9)), 0.9);
  assert.equal(m.maxAbsMeanAfter25.of(at(25, 0.9, -0.9)), 0.9);
  assert.ok(Number.isNaN(m.maxDeadAfter25.of(at(100, NaN, 0))));
  assert.ok(Number.isNaN(m.maxDeadAfter25.of(fakeRun(1, { evals: [0.8, 0.85, 0.87] }))));
});

// ---------------------------------------------------------------------------------------------
// Known answers under the default look plan (6 → 10 → 20 at α/3 = 0.0167 per look): at 6 seeds
// the bounds of a median are the smallest and largest seed, at 10 the 2nd from each end.

const PLAN = lookPlan();

/** general-relu's runs: GeneralReLU at `gr` per seed (clean statistics), ReLU at `relu`. */
function generalReluRuns(gr: readonly number[], relu: readonly number[]) {
  return {
    generalRelu: seeds(gr, 3, () => ({ stats: cleanStats() })),
    relu: seeds(relu, 3),
  };
}

Deno.test("general-relu: 6 seeds at 0.87 vs ReLU at 0.85, clean statistics → reproduced at 6", () => {
  const r = judgeClaimOnRuns(
    generalRelu as unknown as Claim,
    generalReluRuns(six(0.87), six(0.85)),
    PLAN,
  );
  assert.equal(r.verdict, "reproduced");
  assert.equal(r.lastLook, 6);
  assert.deepEqual(decisions(r), {
    "10-threshold": "supported",
    "10-vs-relu": "supported",
    "25-dead": "supported",
    "25-means": "supported",
  });
  const t = check(r, "10-threshold").judged as { interval: number[]; estimate: number };
  assert.deepEqual([t.estimate, t.interval], [0.87, [0.87, 0.87]]);
  const d = check(r, "10-vs-relu").judged as { estimate: number; decidedAt: number };
  assert.ok(Math.abs(d.estimate - 0.02) < 1e-12);
  assert.equal(d.decidedAt, 6);
});

Deno.test("general-relu: a diverged GeneralReLU seed ranks lowest; claim 25 judges trained seeds only", () => {
  const claim = generalRelu as unknown as Claim;
  // Seed 3 diverges at batch 40 of epoch 1; its statistics turn NaN there.
  const runs = (n: number) => {
    const r = generalReluRuns(Array(n).fill(0.87), Array(n).fill(0.85));
    r.generalRelu = replace(
      r.generalRelu,
      3,
      fakeRun(3, { evals: [0.87, 0.87, 0.87], divergeAt: 40, stats: cleanStats() }),
    );
    return r;
  };
  // Six seeds only: the lower bound at 6 is the smallest seed, the diverged one (−∞).
  const at6 = judgeClaimOnRuns(claim, runs(6), PLAN);
  const t = check(at6, "10-threshold").judged as {
    decision: string;
    interval: number[];
    estimate: number;
    trained: number;
  };
  assert.equal(t.decision, "inconclusive");
  assert.deepEqual([t.interval, t.estimate, t.trained], [[-Infinity, 0.87], 0.87, 5]);
  const s = check(at6, "10-vs-relu").judged as { decision: string; interval: number[] };
  assert.equal(s.decision, "inconclusive");
  assert.equal(s.interval[0], -Infinity);
  for (const id of ["25-dead", "25-means"]) {
    const j = check(at6, id).judged as {
      decision: string;
      n: number;
      trained: number;
      counterexamples: number[];
    };
    assert.deepEqual(
      [j.decision, j.n, j.trained, j.counterexamples],
      ["supported", 6, 5, []],
      `${id}: the diverged seed's NaN statistics are not a counterexample`,
    );
  }
  assert.equal(at6.verdict, "inconclusive");
  // With 10 seeds the 2nd smallest decides: reproduced at 10.
  const at10 = judgeClaimOnRuns(claim, runs(10), PLAN);
  assert.equal(at10.verdict, "reproduced");
  assert.equal(at10.lastLook, 10);
  assert.equal((check(at10, "10-threshold").judged as { decidedAt: number }).decidedAt, 10);
  assert.equal((check(at10, "25-dead").judged as { decidedAt: number }).decidedAt, 6);
});

Deno.test("general-relu: a dead fraction of 0.5 after batch 25 on one trained seed refutes claim 25", () => {
  const runs = generalReluRuns(six(0.87), six(0.85));
  const stats = cleanStats();
  stats.dead[2][100] = 0.5;
  runs.generalRelu = replace(runs.generalRelu, 4, fakeRun(4, { evals: [0.87, 0.87, 0.87], stats }));
  const r = judgeClaimOnRuns(generalRelu as unknown as Claim, runs, PLAN);
  assert.equal(r.verdict, "not reproduced");
  assert.equal(r.lastLook, 6);
  const dead = check(r, "25-dead").judged as { decision: string; counterexamples: number[] };
  assert.deepEqual([dead.decision, dead.counterexamples], ["refuted", [4]]);
  assert.equal(check(r, "25-means").judged.decision, "supported");
  // A layer mean of −0.31 likewise refutes 25-means.
  const m = cleanStats();
  m.means[0][30] = -0.31;
  const runs2 = generalReluRuns(six(0.87), six(0.85));
  runs2.generalRelu = replace(
    runs2.generalRelu,
    2,
    fakeRun(2, { evals: [0.87, 0.87, 0.87], stats: m }),
  );
  const r2 = judgeClaimOnRuns(generalRelu as unknown as Claim, runs2, PLAN);
  assert.deepEqual(decisions(r2)["25-means"], "refuted");
  assert.equal(r2.verdict, "not reproduced");
});

Deno.test("lsuv: a seed where LSUV failed (no run) refutes 11-converges", () => {
  const claim = lsuv as unknown as Claim;
  const ok = {
    lsuv: seeds(six(0.865), 3, () => ({ lsuv: convergedLsuv() })),
    generalRelu: seeds(six(0.87), 3, () => ({ stats: cleanStats() })),
  };
  const good = judgeClaimOnRuns(claim, ok, PLAN);
  assert.equal(good.verdict, "reproduced");
  assert.deepEqual(decisions(good), {
    "11-converges": "supported",
    "11-threshold": "supported",
    "11-non-inferior": "supported",
  });
  const r = judgeClaimOnRuns(claim, { ...ok, lsuv: replace(ok.lsuv, 5, null) }, PLAN);
  assert.equal(r.verdict, "not reproduced");
  const c = check(r, "11-converges").judged as { decision: string; counterexamples: number[] };
  assert.deepEqual([c.decision, c.counterexamples], ["refuted", [5]]);
  // A run whose LSUV report misses the tolerance refutes it too.
  const loose = convergedLsuv().map((l) => ({ ...l, after: { mean: 5e-3, std: 1 } }));
  const r2 = judgeClaimOnRuns(claim, {
    ...ok,
    lsuv: replace(ok.lsuv, 2, fakeRun(2, { evals: [0.86, 0.865, 0.865], lsuv: loose })),
  }, PLAN);
  assert.equal(decisions(r2)["11-converges"], "refuted");
});

Deno.test("input-normalization: 3 of 6 raw seeds collapsing support claim 8 by the collapse rate", () => {
  const claim = inputNormalization as unknown as Claim;
  const r = judgeClaimOnRuns(claim, {
    kaimingRaw: seeds([0.1, 0.84, 0.1, 0.84, 0.1, 0.84], 3),
    kaimingNorm: seeds(six(0.85), 3),
  }, PLAN);
  assert.equal(check(r, "8-collapse-rate").judged.decision, "supported");
  assert.equal(check(r, "8-gap").judged.decision, "inconclusive", "1 point on half the seeds");
  assert.deepEqual(decisions(r), { "8-unstable": "supported", "9-threshold": "supported" });
  assert.equal(r.verdict, "reproduced");
  assert.equal(r.lastLook, 6);
  const rate = check(r, "8-collapse-rate").judged as { estimate: number; interval: number[] };
  assert.equal(rate.estimate, 0.5);
  assert.ok(rate.interval[0] >= 0.1 && rate.interval[0] < 0.11, `${rate.interval}`);
  // Two of six are not enough at this look (lower bound < 0.1), and there is no gap either.
  const two = judgeClaimOnRuns(claim, {
    kaimingRaw: seeds([0.1, 0.84, 0.1, 0.84, 0.84, 0.84], 3),
    kaimingNorm: seeds(six(0.85), 3),
  }, { ...PLAN, looks: [6] });
  assert.equal(check(two, "8-collapse-rate").judged.decision, "inconclusive");
  assert.equal(decisions(two)["8-unstable"], "inconclusive");
  // A diverged raw seed counts as collapsing (the lesson's "dead" network).
  const div = judgeClaimOnRuns(claim, {
    kaimingRaw: replace(
      seeds([0.1, 0.84, 0.1, 0.84, 0.84, 0.84], 3),
      6,
      fakeRun(6, {
        evals: [0.5, 0.5, 0.5],
        divergeAt: 70,
      }),
    ),
    kaimingNorm: seeds(six(0.85), 3),
  }, PLAN);
  assert.equal(check(div, "8-collapse-rate").judged.decision, "supported");
});

Deno.test("input-normalization: a 5-point gap on every seed supports claim 8 by the gap", () => {
  const r = judgeClaimOnRuns(inputNormalization as unknown as Claim, {
    kaimingRaw: seeds(six(0.8), 3),
    kaimingNorm: seeds(six(0.85), 3),
  }, PLAN);
  assert.equal(check(r, "8-gap").judged.decision, "supported");
  assert.equal(check(r, "8-collapse-rate").judged.decision, "inconclusive");
  assert.equal(r.verdict, "reproduced");
  // No collapse in 20 seeds and a 1-point gap: the gap is refuted at 6, but 0 of 20 cannot push
  // the rate's upper bound below 0.1 (Clopper–Pearson at α/3: 0.185), so claim 8 stays open.
  const none = judgeClaimOnRuns(inputNormalization as unknown as Claim, {
    kaimingRaw: seeds(Array(20).fill(0.84), 3),
    kaimingNorm: seeds(Array(20).fill(0.85), 3),
  }, PLAN);
  const gap = check(none, "8-gap").judged as { decision: string; decidedAt: number };
  assert.deepEqual([gap.decision, gap.decidedAt], ["refuted", 6]);
  const rate = check(none, "8-collapse-rate").judged as { decision: string; interval: number[] };
  assert.equal(rate.decision, "inconclusive");
  assert.ok(Math.abs(rate.interval[1] - (1 - (0.05 / 3) ** (1 / 20))) < 1e-6, `${rate.interval}`);
  assert.deepEqual(decisions(none), { "8-unstable": "inconclusive", "9-threshold": "supported" });
  assert.deepEqual([none.verdict, none.lastLook], ["inconclusive", 20]);
});

Deno.test("batchnorm: one diverged seed refutes 13-no-divergence", () => {
  const claim = batchnorm as unknown as Claim;
  const ok = seeds(six(0.85), 3, () => ({ train: [0.85, 0.87, 0.89] }));
  const good = judgeClaimOnRuns(claim, { lessonBatchNorm: ok }, PLAN);
  assert.equal(good.verdict, "reproduced");
  const r = judgeClaimOnRuns(claim, {
    lessonBatchNorm: replace(ok, 2, fakeRun(2, { evals: [0.85, 0.85, 0.85], divergeAt: 130 })),
  }, PLAN);
  assert.equal(r.verdict, "not reproduced");
  const c = check(r, "13-no-divergence").judged as { decision: string; counterexamples: number[] };
  assert.deepEqual([c.decision, c.counterexamples], ["refuted", [2]]);
  // The train-accuracy threshold reads train accuracy, not eval.
  const lowTrain = judgeClaimOnRuns(claim, {
    lessonBatchNorm: seeds(six(0.85), 3, () => ({ train: [0.85, 0.86, 0.87] })),
  }, PLAN);
  assert.equal(decisions(lowTrain)["13-train"], "refuted");
  assert.equal(decisions(lowTrain)["13-eval"], "supported");
});

Deno.test("default-init: ≤ 0.65 is supported when every seed is ≤ 0.6, a diverged seed included", () => {
  const claim = defaultInit as unknown as Claim;
  const r = judgeClaimOnRuns(claim, {
    defaultInit: seeds([0.45, 0.6, 0.5, 0.55, 0.3, 0.6], 1),
  }, PLAN);
  assert.equal(r.verdict, "reproduced");
  assert.equal(r.lastLook, 6);
  // A diverged seed ranks lowest: for "≤" it is the best case, still supported.
  const d = judgeClaimOnRuns(claim, {
    defaultInit: replace(
      seeds([0.45, 0.6, 0.5, 0.55, 0.3, 0.6], 1),
      4,
      fakeRun(4, { evals: [0.5], divergeAt: 29 }),
    ),
  }, PLAN);
  assert.equal(d.verdict, "reproduced");
  const t = check(d, "7-threshold").judged as { interval: number[]; trained: number };
  assert.deepEqual([t.interval, t.trained], [[-Infinity, 0.6], 5]);
  // Every seed above 0.65: refuted.
  const bad = judgeClaimOnRuns(claim, { defaultInit: seeds(six(0.7), 1) }, PLAN);
  assert.equal(bad.verdict, "not reproduced");
});

Deno.test("schedules: per batch and per epoch within 0.3 points on every seed are equivalent", () => {
  const claim = schedules as unknown as Claim;
  const runs = {
    adam: seeds(six(0.87), 3),
    cosineBatch: seeds(six(0.88), 3),
    cosineEpoch: seeds([0.877, 0.883, 0.877, 0.883, 0.877, 0.883], 3),
    oneCycle: seeds(six(0.905), 5),
  };
  const r = judgeClaimOnRuns(claim, runs, PLAN);
  assert.equal(r.verdict, "reproduced");
  assert.equal(r.lastLook, 6);
  const e = check(r, "20-equivalence").judged as { decision: string; interval: number[] };
  assert.equal(e.decision, "supported");
  assert.ok(Math.abs(e.interval[0] + 0.003) < 1e-9 && Math.abs(e.interval[1] - 0.003) < 1e-9);
  // 1.5 points apart on every seed: refuted.
  const far = judgeClaimOnRuns(claim, { ...runs, cosineEpoch: seeds(six(0.895), 3) }, PLAN);
  assert.equal(decisions(far)["20-equivalence"], "refuted");
  assert.equal(far.verdict, "not reproduced");
  // 1cycle is judged at epoch 5: epoch 3 at 0.95 and epoch 5 at 0.89 is refuted.
  const late = judgeClaimOnRuns(claim, {
    ...runs,
    oneCycle: seeds(six(0.89), 5, () => ({ evals: [0.95, 0.95, 0.95, 0.95, 0.89] })),
  }, PLAN);
  assert.equal(decisions(late)["21-threshold"], "refuted");
});

Deno.test("towards-90: judged at epochs 3 and 5 of the 3 + 2 epoch run", () => {
  const claim = towards90 as unknown as Claim;
  const run = (evals: number[]) => seeds(six(0), 5, () => ({ evals }));
  const good = judgeClaimOnRuns(claim, { towards90: run([0.8, 0.85, 0.87, 0.895, 0.9]) }, PLAN);
  assert.equal(good.verdict, "reproduced");
  const ep5 = judgeClaimOnRuns(claim, { towards90: run([0.8, 0.85, 0.87, 0.895, 0.88]) }, PLAN);
  assert.deepEqual(decisions(ep5), { "14-epoch3": "supported", "14-epoch5": "refuted" });
  const ep3 = judgeClaimOnRuns(claim, { towards90: run([0.8, 0.85, 0.86, 0.9, 0.9]) }, PLAN);
  assert.deepEqual(decisions(ep3), { "14-epoch3": "refuted", "14-epoch5": "supported" });
  // A run of only 3 epochs (epoch 5 missing) cannot support epoch 5.
  const short = judgeClaimOnRuns(claim, { towards90: seeds(six(0.9), 3) }, PLAN);
  assert.notEqual(decisions(short)["14-epoch5"], "supported");
});

Deno.test("optimizers: momentum beats SGD by ≥ 1 point on every seed; half a point is not enough", () => {
  const claim = optimizers as unknown as Claim;
  const runs = {
    sgd: seeds(six(0.85), 3),
    momentum: seeds(six(0.875), 3),
    rmsprop: seeds(six(0.85), 3),
    adam: seeds(six(0.87), 3),
  };
  assert.equal(judgeClaimOnRuns(claim, runs, PLAN).verdict, "reproduced");
  const close = judgeClaimOnRuns(claim, { ...runs, sgd: seeds(six(0.87), 3) }, PLAN);
  assert.equal(decisions(close)["16-momentum-vs-sgd"], "refuted");
  // Exactly 0.5 points (0.873 − 0.868 in floats) supports a 0.5-point margin.
  const exact = judgeClaimOnRuns(claim, {
    ...runs,
    adam: seeds(six(0.873), 3),
    rmsprop: seeds(six(0.868), 3),
  }, PLAN);
  assert.equal(decisions(exact)["18-adam-vs-rmsprop"], "supported");
});

Deno.test("judgeClaimOnRuns: runs of a config the claim lacks are an error", () => {
  assert.throws(
    () => judgeClaimOnRuns(layernorm as unknown as Claim, { nope: seeds(six(0.9), 3) }, PLAN),
    /layernorm has no config "nope"/,
  );
});

// ---------------------------------------------------------------------------------------------
// runOutcome.

Deno.test("runOutcome: trained, collapsed (final eval ≤ 0.2), diverged with epoch and step, failed", () => {
  assert.deepEqual(runOutcome(fakeRun(1, { evals: [0.5, 0.8, 0.85] })), {
    outcome: "trained",
    divergedAt: null,
  });
  assert.equal(runOutcome(fakeRun(1, { evals: [0.5, 0.3, 0.2] })).outcome, "collapsed");
  assert.equal(runOutcome(fakeRun(1, { evals: [0.5, 0.3, 0.1] })).outcome, "collapsed");
  assert.equal(runOutcome(fakeRun(1, { evals: [0.1, 0.1, 0.2001] })).outcome, "trained");
  assert.deepEqual(runOutcome(fakeRun(1, { evals: [0.5, 0.8, 0.85], divergeAt: 29 })), {
    outcome: "diverged",
    divergedAt: { epoch: 1, step: 30 },
  });
  const at70 = fakeRun(1, { evals: [0.5, 0.8, 0.85], divergeAt: 70 });
  assert.equal(at70.epochs.length, 2);
  assert.equal(at70.batchLosses.length, 2 * PER_EPOCH);
  assert.deepEqual(runOutcome(at70), { outcome: "diverged", divergedAt: { epoch: 2, step: 71 } });
  // The first and the last batch of an epoch.
  assert.deepEqual(runOutcome(fakeRun(1, { evals: [0.5, 0.8], divergeAt: 0 })).divergedAt, {
    epoch: 1,
    step: 1,
  });
  assert.deepEqual(runOutcome(fakeRun(1, { evals: [0.5, 0.8], divergeAt: 58 })).divergedAt, {
    epoch: 1,
    step: 59,
  });
  assert.deepEqual(runOutcome(fakeRun(1, { evals: [0.5, 0.8], divergeAt: 59 })).divergedAt, {
    epoch: 2,
    step: 60,
  });
  // A run that logged every epoch's losses, NaN from index 70: still epoch 2, step 71.
  const full = fakeRun(1, { evals: [0.5, 0.8, 0.85] });
  const nanTail = {
    ...full,
    batchLosses: full.batchLosses.map((l, i) => i >= 70 ? NaN : l),
    diverged: true,
  };
  assert.deepEqual(runOutcome(nanTail).divergedAt, { epoch: 2, step: 71 });
  // An infinite loss is non-finite too; so is a diverged flag with finite losses (valid loss).
  const inf = { ...full, batchLosses: full.batchLosses.map((l, i) => i === 100 ? Infinity : l) };
  assert.deepEqual(runOutcome(inf).divergedAt, { epoch: 2, step: 101 });
  assert.deepEqual(runOutcome({ ...full, diverged: true }), {
    outcome: "diverged",
    divergedAt: { epoch: 3, step: 3 * PER_EPOCH },
  });
  // A diverged run is diverged whatever its last accuracy; never collapsed.
  assert.equal(runOutcome(fakeRun(1, { evals: [0.1, 0.1], divergeAt: 80 })).outcome, "diverged");
  assert.deepEqual(runOutcome(null), { outcome: "failed", divergedAt: null });
});
