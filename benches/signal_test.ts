/**
 * Tests of the signal-propagation claims (claims 1–6): the probes on the GPU against float64
 * references from the same random streams, and the claims' checks on synthetic probe seeds with
 * known answers (no GPU).
 */
import assert from "node:assert/strict";
import { assertClose } from "../tests/assert_close.ts";
import { noGpu, testGpu } from "../tests/gpu.ts";
import { parseResults, stringifyResults } from "../src/util/json.ts";
import { judgeClaimOnRuns, type SeedRun } from "../src/bench/judge_claim.ts";
import type { SequentialResult } from "../src/verdict/sequential.ts";
import {
  type Claim,
  type JudgedCheck,
  type LookPlan,
  lookPlan,
  type ProbeResult,
  type ProbeSubject,
  Rng,
} from "../mod.ts";
import { subjectsOf } from "../src/verdict/check.ts";
import { hostStats } from "./_signal.ts";
import {
  CASE_NAMES,
  type CaseEvidence,
  type CaseName,
  claim as depth,
  DEPTH_SURVIVAL_METRICS,
  type DepthSurvivalConfig,
  type DepthSurvivalMetric,
  depthSurvivalMetrics,
  DepthSurvivalSeed,
} from "./depth_survival.ts";
import {
  claim as moments,
  MOMENTS_METRICS,
  type MomentsConfig,
  type MomentsMetric,
  momentsMetrics,
  MomentsSeed,
} from "./moments.ts";

/** The claim's probe `name`, from `config` validated as the runner validates it. */
function probeOf<C>(c: Claim<C>, name: string, config: unknown): ProbeSubject {
  const s = c.subjects(c.config.parse(config))[name];
  assert.ok(s !== undefined && s.kind === "probe", `${c.id} has no probe "${name}"`);
  return s;
}

/** Runs one seed of a probe as the runner does. */
function runProbe<C>(c: Claim<C>, name: string, config: unknown, seed: number) {
  return probeOf(c, name, config).run({
    gpu: testGpu(),
    seed,
    log: () => {},
    data: () => Promise.reject(new Error("no data")),
  });
}

/** The probe seeds of a result list, as the runner hands them to the judge. */
function seedRuns(results: readonly { seed: number; r: ProbeResult }[]): SeedRun[] {
  return results.map(({ seed, r }) => ({ seed, probe: r.metrics }));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The judged check `id` of a result. */
function check(res: SequentialResult, id: string): JudgedCheck {
  const c = res.checks.find((c) => c.id === id);
  assert.ok(c, `no check ${id}`);
  return c;
}

/** "reproduced"-style summary for assertion messages. */
function explain(res: SequentialResult): string {
  return res.checks.map((c) =>
    c.kind === "any-of"
      ? `${c.id} ${c.judged.decision}`
      : `${c.id} ${c.judged.decision} (n ${c.judged.n}, counterexamples ` +
        `[${c.judged.counterexamples.join(", ")}])`
  ).join("; ");
}

// ---------------------------------------------------------------------------------------------
// Host float64 references (mirroring the modules' random streams, not their GPU code).

/** perLayerStd / perLayerMean / final x of one case, in float64 from the same f32 draws. */
function depthRef(config: DepthSurvivalConfig, seed: number, name: CaseName, scale: number) {
  const { rows: N, width: I, depth: D } = config;
  const rng = new Rng(seed);
  let x = Float64Array.from(rng.derive("x").fillNormal(new Float32Array(N * I))); // [N, I]
  const relu = name.startsWith("ReLU");
  const std: number[] = [];
  const mean: number[] = [];
  for (let l = 0; l < D; l++) {
    const w = rng.derive("w", name, l).fillNormal(new Float32Array(I * I)); // [O, I]
    for (let j = 0; j < w.length; j++) w[j] *= scale;
    const y = new Float64Array(N * I); // [N, O]
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < I; o++) {
        let s = 0;
        for (let i = 0; i < I; i++) s += x[n * I + i] * w[o * I + i];
        y[n * I + o] = relu ? Math.max(s, 0) : s;
      }
    }
    x = y;
    const s = hostStats(x);
    std.push(s.std);
    mean.push(s.mean);
  }
  return { std, mean, x };
}

function scaleOf(name: CaseName, I: number): number {
  return {
    "randn": 1,
    "x0.01": 0.01,
    "x0.1 (Glorot)": 1 / Math.sqrt(I),
    "ReLU x0.1": 1 / Math.sqrt(I),
    "ReLU x sqrt(2/100) (Kaiming)": Math.sqrt(2 / I),
  }[name];
}

// ---------------------------------------------------------------------------------------------
// depth-survival on the GPU

Deno.test({
  name: "depth-survival: the lesson's config reproduces claims 1–5 on seeds 1, 2, 3",
  ignore: noGpu,
  async fn() {
    const results: { seed: number; r: ProbeResult }[] = [];
    for (const seed of [1, 2, 3]) {
      results.push({ seed, r: await runProbe(depth, "stack", {}, seed) });
    }
    const res = judgeClaimOnRuns(depth, { stack: seedRuns(results) }, lookPlan({ seeds: 3 }));
    assert.equal(res.verdict, "reproduced", explain(res));
    for (const { seed, r } of results) {
      // The detail is the per-seed evidence the report draws from, exactly.
      const s = DepthSurvivalSeed.parse(r.detail);
      assert.deepEqual(s, r.detail);
      assert.equal(s.seed, seed);
      assert.deepEqual(r.metrics, depthSurvivalMetrics(s));
      assert.deepEqual(Object.keys(r.metrics).sort(), Object.keys(DEPTH_SURVIVAL_METRICS).sort());
      assert.deepEqual(s.cases.map((c) => c.name), [...CASE_NAMES]);
      for (const c of s.cases) {
        assert.equal(c.perLayerStd.length, 50, `${c.name} perLayerStd`);
        assert.equal(c.perLayerMean.length, 50, `${c.name} perLayerMean`);
        assert.equal(c.finalStd, c.perLayerStd[49]);
        assert.equal(c.finalBlock.length, 5);
        assert.ok(c.finalBlock.every((r) => r.length === 5));
      }
      // randn: the std turns non-finite at some depth and stays non-finite to the end.
      const randn = s.cases[0].perLayerStd;
      const first = randn.findIndex((v) => !Number.isFinite(v));
      assert.ok(first > 0, `seed ${seed}: randn std stays finite: ${randn}`);
      assert.ok(randn.slice(first).every((v) => !Number.isFinite(v)), `seed ${seed}: ${randn}`);
      assert.ok(randn.slice(0, first).every(Number.isFinite));
      assert.equal(s.cases[0].finalAllFinite, false);
      assert.equal(r.metrics.randnNonFinite, 1);
      assert.ok(s.cases[0].finalBlock.flat().every(Number.isNaN), "the notebook prints all nan");
      // ×0.01: exact zeros, kept as measured.
      assert.ok(s.cases[1].finalBlock.flat().every((v) => v === 0));
      assert.equal(s.cases[1].finalStd, 0);
      assert.equal(r.metrics.smallMaxAbs, 0);
      // Kaiming: ReLU output, nonnegative, finite.
      assert.ok(s.cases[4].finalBlock.flat().every((v) => v >= 0));
      assert.equal(s.cases[4].finalAllFinite, true);
      assert.equal(r.metrics.kaimingStd, s.cases[4].finalStd);
      // What the results file stores (NaN and ±Infinity as strings) parses back to the same detail.
      assert.deepEqual(DepthSurvivalSeed.parse(parseResults(stringifyResults(r.detail))), s);
    }
  },
});

for (const config of [{ rows: 7, width: 13, depth: 6 }, { rows: 8, width: 12, depth: 4 }]) {
  Deno.test({
    name: `depth-survival: GPU layers match a float64 reference (${JSON.stringify(config)})`,
    ignore: noGpu,
    async fn() {
      const seed = 5;
      const { detail } = await runProbe(depth, "stack", config, seed);
      const parsed = depth.config.parse(config);
      for (const c of DepthSurvivalSeed.parse(detail).cases) {
        const scale = scaleOf(c.name, config.width);
        assert.equal(c.scale, scale);
        const ref = depthRef(parsed, seed, c.name, scale);
        assertClose(c.perLayerStd, ref.std, { rtol: 1e-4, what: `${c.name} perLayerStd` });
        assertClose(c.perLayerMean, ref.mean, {
          atol: ref.std.map((s) => 1e-4 * s),
          what: `${c.name} perLayerMean`,
        });
        const block = ref.x.slice(0, 5 * config.width).filter((_, i) => i % config.width < 5);
        const last = ref.std[ref.std.length - 1];
        assertClose(c.finalBlock.flat(), block, {
          atol: 1e-4 * last,
          rtol: 1e-4,
          what: `${c.name} x[0:5,0:5]`,
        });
        assertClose([c.finalMaxAbs], [hostStats(ref.x).maxAbs], { rtol: 1e-4, what: c.name });
      }
    },
  });
}

Deno.test({
  name: "depth-survival: reruns are bit-identical",
  ignore: noGpu,
  async fn() {
    const config = { rows: 9, width: 20, depth: 45 };
    const a = await runProbe(depth, "stack", config, 2);
    const b = await runProbe(depth, "stack", config, 2);
    assert.deepEqual(a, b);
  },
});

// ---------------------------------------------------------------------------------------------
// depth-survival: metrics from hand-made detail

function handCase(name: CaseName, finalStd: number, extra: Partial<CaseEvidence> = {}) {
  return {
    name,
    scale: scaleOf(name, 100),
    relu: name.startsWith("ReLU"),
    perLayerStd: new Array(50).fill(finalStd),
    perLayerMean: new Array(50).fill(0),
    finalStd,
    finalMaxAbs: 3 * finalStd,
    finalAllFinite: Number.isFinite(finalStd),
    finalBlock: [[finalStd]],
    ...extra,
  };
}

/** A seed's detail with the given final stds of the three std cases (the rest as measured). */
function handSeed(
  seed: number,
  o: { glorot?: number; reluGlorot?: number; kaiming?: number } = {},
): DepthSurvivalSeed {
  return DepthSurvivalSeed.parse({
    seed,
    cases: [
      handCase("randn", NaN, { finalMaxAbs: NaN }),
      handCase("x0.01", 0, { finalMaxAbs: 0 }),
      handCase("x0.1 (Glorot)", o.glorot ?? 0.94),
      handCase("ReLU x0.1", o.reluGlorot ?? 1e-8),
      handCase("ReLU x sqrt(2/100) (Kaiming)", o.kaiming ?? 0.46),
    ],
  });
}

Deno.test("depth-survival metrics: one number per metric, read from the cases", () => {
  const m = depthSurvivalMetrics(handSeed(1, { glorot: 0.85, reluGlorot: 2e-8, kaiming: 0.5 }));
  assert.deepEqual(m, {
    randnNonFinite: 1,
    smallMaxAbs: 0,
    glorotStd: 0.85,
    reluGlorotStd: 2e-8,
    kaimingStd: 0.5,
    kaimingOverReluGlorot: 0.5 / 2e-8,
  });
  const finite = structuredClone(handSeed(1));
  Object.assign(finite.cases[0], { finalAllFinite: true, finalStd: 1e30, finalMaxAbs: 1e31 });
  assert.equal(depthSurvivalMetrics(finite).randnNonFinite, 0);
});

Deno.test("depth-survival metrics: the ratio is Infinity for a claim-4 std of 0, NaN stays NaN", () => {
  const ratio = (o: { reluGlorot?: number; kaiming?: number }) =>
    depthSurvivalMetrics(handSeed(1, o)).kaimingOverReluGlorot;
  assert.equal(ratio({ reluGlorot: 0, kaiming: 0.5 }), Infinity);
  assert.equal(ratio({ reluGlorot: -0, kaiming: 0.5 }), Infinity);
  assert.ok(Number.isNaN(ratio({ reluGlorot: 0, kaiming: 0 })));
  assert.ok(Number.isNaN(ratio({ reluGlorot: NaN, kaiming: 0.5 })));
  assert.ok(Number.isNaN(ratio({ reluGlorot: 1e-8, kaiming: NaN })));
  assert.ok(Number.isNaN(ratio({ reluGlorot: 0, kaiming: NaN })));
  assert.equal(ratio({ reluGlorot: 1e-8, kaiming: Infinity }), Infinity);
});

Deno.test("depth-survival detail schema: NaN/Infinity kept, cases checked, JSON round trip", () => {
  const s = handSeed(4);
  assert.ok(Number.isNaN(s.cases[0].finalStd));
  const inf = structuredClone(s);
  inf.cases[0].perLayerStd = new Array(50).fill(Infinity);
  assert.equal(DepthSurvivalSeed.parse(inf).cases[0].perLayerStd[0], Infinity);
  assert.deepEqual(DepthSurvivalSeed.parse(parseResults(stringifyResults(inf))), inf);
  const swapped = structuredClone(s);
  swapped.cases.reverse();
  assert.throws(() => DepthSurvivalSeed.parse(swapped));
  const missing = structuredClone(s);
  missing.cases.pop();
  assert.throws(() => DepthSurvivalSeed.parse(missing));
  const ragged = structuredClone(s);
  ragged.cases[2].perLayerStd.pop();
  assert.throws(() => DepthSurvivalSeed.parse(ragged));
});

// ---------------------------------------------------------------------------------------------
// depth-survival: the checks on synthetic probe seeds (known answers, no GPU)

/** Lesson-like metrics of one seed (what the GPU measures: Kaiming spreads over seeds). */
function lessonLikeDepth(seed: number): Record<DepthSurvivalMetric, number> {
  const kaimingStd = [1.11, 1.28, 0.39, 0.46, 0.2][seed % 5];
  const reluGlorotStd = 1e-8 * (1 + seed / 10);
  return {
    randnNonFinite: 1,
    smallMaxAbs: 0,
    glorotStd: 0.85 + 0.01 * (seed % 7),
    reluGlorotStd,
    kaimingStd,
    kaimingOverReluGlorot: kaimingStd / reluGlorotStd,
  };
}

/** 20 synthetic seeds; `patch` changes seed `at`'s metrics. */
function depthSeeds(
  patch: Partial<Record<DepthSurvivalMetric, number>> = {},
  at = 7,
  n = 20,
): SeedRun[] {
  return range(n).map((seed) => ({
    seed,
    probe: { ...lessonLikeDepth(seed), ...(seed === at ? patch : {}) },
  }));
}

const judgeDepth = (seeds: readonly SeedRun[], plan: LookPlan = lookPlan()) =>
  judgeClaimOnRuns(depth, { stack: seeds }, plan);

Deno.test("depth-survival checks: lesson-like seeds reproduce claims 1–5", () => {
  const res = judgeDepth(depthSeeds());
  assert.equal(res.verdict, "reproduced", explain(res));
  assert.ok(res.checks.every((c) => c.judged.decision === "supported"), explain(res));
  // Every seed the runner probes (20), in one look: the same answer.
  const all = judgeDepth(depthSeeds(), lookPlan({ seeds: 20 }));
  assert.equal(all.verdict, "reproduced", explain(all));
  for (const c of all.checks) {
    assert.ok(c.kind === "every-seed");
    assert.equal(c.judged.n, 20, c.id);
    assert.equal(c.judged.estimate, 20, c.id);
  }
});

/** [what, patched metrics of one seed, the checks it must refute]. */
const DEPTH_BREAKS: [string, Partial<Record<DepthSurvivalMetric, number>>, string[]][] = [
  ["a finite randn output", { randnNonFinite: 0 }, ["1-randn-nonfinite"]],
  ["a NaN event", { randnNonFinite: NaN }, ["1-randn-nonfinite"]],
  // Far past the judge's 1e-9 slack: max 0 reads ≤ 1e-9 (see the check's comment).
  ["×0.01 not vanished to zero", { smallMaxAbs: 1e-6 }, ["2-small-zero"]],
  ["×0.01 max|x| NaN", { smallMaxAbs: NaN }, ["2-small-zero"]],
  ["a Glorot std of 3", { glorotStd: 3 }, ["3-glorot-std"]],
  ["a Glorot std of 0.39", { glorotStd: 0.39 }, ["3-glorot-std"]],
  ["a NaN Glorot std", { glorotStd: NaN }, ["3-glorot-std"]],
  ["an infinite Glorot std", { glorotStd: Infinity }, ["3-glorot-std"]],
  ["ReLU ×0.1 std not vanishing", { reluGlorotStd: 1.1e-5 }, ["4-relu-glorot-vanishes"]],
  [
    "a NaN ReLU ×0.1 std (and so a NaN ratio)",
    { reluGlorotStd: NaN, kaimingOverReluGlorot: NaN },
    ["4-relu-glorot-vanishes", "5-kaiming-over-relu-glorot"],
  ],
  ["a Kaiming std of 0.02", { kaimingStd: 0.02, kaimingOverReluGlorot: 2e6 }, ["5-kaiming-std"]],
  ["a Kaiming std of 5.1", { kaimingStd: 5.1, kaimingOverReluGlorot: 5e8 }, ["5-kaiming-std"]],
  [
    "a NaN Kaiming std (and so a NaN ratio)",
    { kaimingStd: NaN, kaimingOverReluGlorot: NaN },
    ["5-kaiming-std", "5-kaiming-over-relu-glorot"],
  ],
  [
    // Both in range (9e-6 ≤ 1e-5 and 0.05 ≥ 0.03), but 0.05 < 1e4 × 9e-6 = 0.09.
    "Kaiming < 1e4 × claim 4 in one seed",
    { reluGlorotStd: 9e-6, kaimingStd: 0.05, kaimingOverReluGlorot: 0.05 / 9e-6 },
    ["5-kaiming-over-relu-glorot"],
  ],
];

Deno.test("depth-survival checks: one seed past any bound refutes its check (20 seeds)", () => {
  for (const [what, patch, refuted] of DEPTH_BREAKS) {
    const res = judgeDepth(depthSeeds(patch, 7), lookPlan({ seeds: 20 }));
    assert.equal(res.verdict, "not reproduced", `${what}: ${explain(res)}`);
    for (const c of res.checks) {
      assert.ok(c.kind === "every-seed");
      if (refuted.includes(c.id)) {
        assert.equal(c.judged.decision, "refuted", `${what}: ${c.id}`);
        assert.deepEqual(c.judged.counterexamples, [7], `${what}: ${c.id}`);
        assert.equal(c.judged.estimate, 19, `${what}: ${c.id}`);
      } else {
        assert.equal(c.judged.decision, "supported", `${what}: ${c.id}`);
      }
    }
  }
});

Deno.test("depth-survival checks: under the default plan a break in the first look refutes", () => {
  for (const [what, patch] of DEPTH_BREAKS) {
    const res = judgeDepth(depthSeeds(patch, 3));
    assert.equal(res.verdict, "not reproduced", `${what}: ${explain(res)}`);
    assert.equal(res.lastLook, 20, what); // probes: the first look is 20 seeds
  }
});

Deno.test("depth-survival checks: under the default plan a Glorot std of 3 on seed 7 refutes", () => {
  // Probes run 20 seeds at the first look and are judged on all of them.
  const res = judgeDepth(depthSeeds({ glorotStd: 3 }, 7));
  assert.equal(res.verdict, "not reproduced", explain(res));
  assert.equal(res.lastLook, 20);
});

Deno.test("depth-survival checks: a claim-4 std of 0 passes claim 5's ratio via Infinity", () => {
  const seeds = depthSeeds().map((s) =>
    s.seed === 7
      ? { seed: 7, probe: depthSurvivalMetrics(handSeed(7, { reluGlorot: 0, kaiming: 0.5 })) }
      : s
  );
  assert.equal(("probe" in seeds[6]) && seeds[6].probe.kaimingOverReluGlorot, Infinity);
  const res = judgeDepth(seeds, lookPlan({ seeds: 20 }));
  assert.equal(res.verdict, "reproduced", explain(res));
  // Still judged against the range: a Kaiming std of 0.02 fails even then.
  const low = depthSeeds().map((s) =>
    s.seed === 7
      ? { seed: 7, probe: depthSurvivalMetrics(handSeed(7, { reluGlorot: 0, kaiming: 0.02 })) }
      : s
  );
  const r2 = judgeDepth(low, lookPlan({ seeds: 20 }));
  assert.equal(r2.verdict, "not reproduced");
  assert.equal(check(r2, "5-kaiming-std").judged.decision, "refuted");
  assert.equal(check(r2, "5-kaiming-over-relu-glorot").judged.decision, "supported");
});

Deno.test("depth-survival checks: bounds are inclusive (claim 4's 1e-5 reads ≤, not <)", () => {
  const edge = depthSeeds({
    glorotStd: 2.5,
    reluGlorotStd: 1e-5,
    kaimingStd: 5,
    kaimingOverReluGlorot: 5 / 1e-5,
  });
  const res = judgeDepth(edge, lookPlan({ seeds: 20 }));
  assert.equal(res.verdict, "reproduced", explain(res));
  const low = depthSeeds({ glorotStd: 0.4, kaimingStd: 0.03, kaimingOverReluGlorot: 1e4 });
  assert.equal(judgeDepth(low, lookPlan({ seeds: 20 })).verdict, "reproduced");
});

Deno.test("depth-survival checks: fewer than 3 seeds are inconclusive; a counterexample still refutes", () => {
  const two = depthSeeds({}, 7, 2);
  const res = judgeDepth(two, lookPlan({ seeds: 2 }));
  assert.equal(res.verdict, "inconclusive", explain(res));
  assert.ok(res.checks.every((c) => c.judged.decision === "inconclusive"), explain(res));
  const broken = judgeDepth(depthSeeds({ glorotStd: 3 }, 2, 2), lookPlan({ seeds: 2 }));
  assert.equal(broken.verdict, "not reproduced", explain(broken));
});

// ---------------------------------------------------------------------------------------------
// moments

/** (a) E[y], E[y²] and (b, c) the layer statistics, in float64 from the same f32 draws. */
function momentsRef(config: MomentsConfig, seed: number) {
  const { trials: T, outputs: O, inputs: I, rows: N, hidden: H } = config;
  const rng = new Rng(seed);
  let sumMean = 0;
  let sumSq = 0;
  for (let t = 0; t < T; t++) {
    const x = rng.derive("trial", t, "x").fillNormal(new Float32Array(I));
    const a = rng.derive("trial", t, "a").fillNormal(new Float32Array(O * I)); // [O, I]
    const y = new Float64Array(O);
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) y[o] += a[o * I + i] * x[i];
    const s = hostStats(y);
    sumMean += s.mean;
    sumSq += s.meanSq;
  }
  const x = rng.derive("layer", "x").fillNormal(new Float32Array(N * I)); // [N, I]
  const w = rng.derive("layer", "w1").fillNormal(new Float32Array(H * I)); // [H, I]
  for (let j = 0; j < w.length; j++) w[j] /= Math.sqrt(I);
  const l1 = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < I; i++) l1[n * H + h] += x[n * I + i] * w[h * I + i];
    }
  }
  const lin = hostStats(l1);
  const rel = hostStats(l1.map((v) => Math.max(v, 0)));
  return {
    matmulMean: sumMean / T,
    matmulMeanSq: sumSq / T,
    linearMean: lin.mean,
    linearStd: lin.std,
    reluMean: rel.mean,
    reluStd: rel.std,
  };
}

Deno.test({
  name: "moments: the lesson's config reproduces claim 6 on seeds 1, 2, 3",
  ignore: noGpu,
  async fn() {
    const results: { seed: number; r: ProbeResult }[] = [];
    for (const seed of [1, 2, 3]) {
      results.push({ seed, r: await runProbe(moments, "identities", {}, seed) });
    }
    const res = judgeClaimOnRuns(
      moments,
      { identities: seedRuns(results) },
      lookPlan({ seeds: 3 }),
    );
    assert.equal(res.verdict, "reproduced", explain(res));
    for (const { seed, r } of results) {
      const s = MomentsSeed.parse(r.detail);
      assert.deepEqual(s, r.detail);
      assert.equal(s.seed, seed);
      assert.deepEqual(r.metrics, momentsMetrics(s));
      assert.deepEqual(Object.keys(r.metrics).sort(), Object.keys(MOMENTS_METRICS).sort());
    }
    // The GPU numbers are the float64 reference's, to float32 accuracy.
    const ref = momentsRef(moments.config.parse({}), 2);
    const got = results[1].r.metrics;
    assertClose([got.matmulMeanSq, got.linearStd, got.reluMean, got.reluStd], [
      ref.matmulMeanSq,
      ref.linearStd,
      ref.reluMean,
      ref.reluStd,
    ], { rtol: 1e-4, what: "seed 2 moments" });
    assertClose([got.matmulMean, got.linearMean], [ref.matmulMean, ref.linearMean], {
      atol: 1e-4,
      what: "seed 2 means",
    });
  },
});

Deno.test({
  name: "moments: odd sizes match a float64 reference",
  ignore: noGpu,
  async fn() {
    const config = { trials: 3, outputs: 7, inputs: 5, rows: 9, hidden: 3 };
    for (const seed of [8, 9]) {
      const { metrics } = await runProbe(moments, "identities", config, seed);
      const ref = momentsRef(moments.config.parse(config), seed);
      const keys = Object.keys(ref) as (keyof typeof ref)[];
      assertClose(keys.map((k) => metrics[k]), keys.map((k) => ref[k]), {
        atol: 1e-5,
        rtol: 1e-4,
        what: `seed ${seed} ${keys.join(", ")}`,
      });
    }
  },
});

Deno.test({
  name: "moments: reruns are bit-identical",
  ignore: noGpu,
  async fn() {
    const config = { trials: 4, outputs: 70, inputs: 30, rows: 20, hidden: 10 };
    const a = await runProbe(moments, "identities", config, 3);
    const b = await runProbe(moments, "identities", config, 3);
    assert.deepEqual(a, b);
  },
});

/** Lesson-like metrics of one seed. */
function lessonLikeMoments(seed: number): Record<MomentsMetric, number> {
  const d = ((seed % 5) - 2) / 100; // −0.02 … 0.02
  return {
    matmulMean: 0.093,
    matmulMeanSq: 100 + 150 * d, // 97 … 103
    linearMean: 0.02,
    linearStd: 0.98 + d,
    reluMean: 0.40 + d / 2,
    reluStd: 0.58 + d / 2,
  };
}

function momentsSeeds(
  patch: Partial<Record<MomentsMetric, number>> = {},
  at = 7,
  n = 20,
): SeedRun[] {
  return range(n).map((seed) => ({
    seed,
    probe: { ...lessonLikeMoments(seed), ...(seed === at ? patch : {}) },
  }));
}

const judgeMoments = (seeds: readonly SeedRun[], plan: LookPlan = lookPlan()) =>
  judgeClaimOnRuns(moments, { identities: seeds }, plan);

Deno.test("moments metrics: the seed's numbers without the seed", () => {
  const s = MomentsSeed.parse({ seed: 4, ...lessonLikeMoments(4) });
  assert.deepEqual(momentsMetrics(s), lessonLikeMoments(4));
  const nan = MomentsSeed.parse(parseResults(stringifyResults({ ...s, reluStd: NaN })));
  assert.ok(Number.isNaN(momentsMetrics(nan).reluStd));
});

Deno.test("moments checks: lesson-like seeds reproduce claim 6", () => {
  const res = judgeMoments(momentsSeeds());
  assert.equal(res.verdict, "reproduced", explain(res));
  const all = judgeMoments(momentsSeeds(), lookPlan({ seeds: 20 }));
  assert.equal(all.verdict, "reproduced", explain(all));
  assert.ok(all.checks.every((c) => c.kind === "every-seed" && c.judged.n === 20));
  // The means are reported, not checked: wild values change nothing.
  const wild = judgeMoments(
    momentsSeeds({ matmulMean: 50, linearMean: NaN }),
    lookPlan({ seeds: 20 }),
  );
  assert.equal(wild.verdict, "reproduced", explain(wild));
});

Deno.test("moments checks: each band fails in any one seed", () => {
  const cases: [MomentsMetric, number, string][] = [
    ["matmulMeanSq", 89.9, "6-matmul-mean-sq"],
    ["matmulMeanSq", 110.1, "6-matmul-mean-sq"],
    ["matmulMeanSq", NaN, "6-matmul-mean-sq"],
    ["linearStd", 0.89, "6-linear-std"],
    ["linearStd", 1.11, "6-linear-std"],
    ["reluMean", 0.36, "6-relu-mean"],
    ["reluMean", 0.44, "6-relu-mean"],
    ["reluStd", 0.54, "6-relu-std"],
    ["reluStd", Infinity, "6-relu-std"],
  ];
  for (const [key, value, id] of cases) {
    const res = judgeMoments(momentsSeeds({ [key]: value }, 7), lookPlan({ seeds: 20 }));
    assert.equal(res.verdict, "not reproduced", `${key} = ${value}: ${explain(res)}`);
    for (const c of res.checks) {
      assert.ok(c.kind === "every-seed");
      assert.equal(c.judged.decision, c.id === id ? "refuted" : "supported", `${key}: ${c.id}`);
      if (c.id === id) assert.deepEqual(c.judged.counterexamples, [7]);
    }
    // The same break on a seed of the default plan's first look.
    const first = judgeMoments(momentsSeeds({ [key]: value }, 5));
    assert.equal(first.verdict, "not reproduced", `${key} = ${value} on seed 5`);
  }
  // The bands' edges are inside.
  const edges = momentsSeeds({ matmulMeanSq: 110, linearStd: 0.9, reluMean: 0.43, reluStd: 0.55 });
  assert.equal(judgeMoments(edges, lookPlan({ seeds: 20 })).verdict, "reproduced");
});

Deno.test("moments checks: fewer than 3 seeds are inconclusive", () => {
  const res = judgeMoments(momentsSeeds({}, 7, 2), lookPlan({ seeds: 2 }));
  assert.equal(res.verdict, "inconclusive", explain(res));
});

// ---------------------------------------------------------------------------------------------
// Metadata

Deno.test("claims: ids match file names, configs default to the lesson's sizes", () => {
  assert.equal(depth.id, "depth-survival");
  assert.equal(moments.id, "moments");
  assert.deepEqual(depth.config.parse({}), { rows: 200, width: 100, depth: 50 });
  assert.deepEqual(moments.config.parse({}), {
    trials: 100,
    outputs: 512,
    inputs: 100,
    rows: 200,
    hidden: 50,
  });
  assert.deepEqual(depth.claimNumbers, [1, 2, 3, 4, 5]);
  assert.deepEqual(moments.claimNumbers, [6]);
  assert.throws(() => depth.config.parse({ width: 1 }));
  assert.equal(
    probeOf(depth, "stack", {}).label,
    "50 random layers, x = randn(200, 100)",
  );
});

Deno.test("claims: checks, headline and lesson numbers name the probe and its metrics", () => {
  for (const c of [depth, moments] as Claim[]) {
    const subjects = c.subjects(c.config.parse({}));
    assert.equal(Object.keys(subjects).length, 1, c.id);
    const [name, probe] = Object.entries(subjects)[0];
    assert.ok(probe.kind === "probe");
    assert.deepEqual(probe.params, c.config.parse({}), c.id);
    const named = [
      ...c.checks.flatMap((k) => subjectsOf(k)),
      c.headline.subject,
      ...c.lesson.flatMap((l) => l.subject ? [l.subject] : []),
    ];
    for (const s of named) {
      assert.equal(s.config, name, `${c.id}: ${JSON.stringify(s)}`);
      assert.ok(s.metric in probe.metrics, `${c.id}: undeclared metric ${s.metric}`);
      assert.equal(s.epoch, undefined);
    }
    for (const k of c.checks) {
      assert.equal(k.kind, "every-seed", `${c.id} ${k.id}`);
      assert.ok(c.claimNumbers.includes(k.claim), `${c.id} ${k.id}`);
      assert.ok(k.id.startsWith(`${k.claim}-`), k.id);
    }
    assert.equal(new Set(c.checks.map((k) => k.id)).size, c.checks.length, `${c.id}: ids`);
    for (const l of c.lesson) assert.ok(c.claimNumbers.includes(l.claim), `${c.id}: ${l.label}`);
  }
  assert.deepEqual(depth.checks.map((k) => k.claim), [1, 2, 3, 4, 5, 5]);
  assert.deepEqual(depth.headline, {
    label: depth.headline.label,
    subject: { config: "stack", metric: "kaimingStd" },
    better: "higher",
    tolerance: 0.5,
  });
  assert.deepEqual(moments.headline.subject, { config: "identities", metric: "matmulMeanSq" });
  assert.equal(moments.headline.tolerance, 10);
  assert.deepEqual(
    depth.lesson.map((l) => [l.subject?.metric, l.value]),
    [["glorotStd", 0.85]],
  );
  assert.deepEqual(
    moments.lesson.map((l) => [l.subject?.metric, l.value]),
    [
      ["matmulMean", 0.093],
      ["matmulMeanSq", 102.9],
      ["linearMean", 0.02],
      ["linearStd", 0.98],
      ["reluMean", 0.40],
      ["reluStd", 0.58],
    ],
  );
  assert.ok(depth.lessonNotes?.some((n) => n.includes("all nan")));
  assert.ok(depth.lessonNotes?.some((n) => n.includes("all 0.")));
});

const transcript = (() => {
  try {
    return Deno.readTextFileSync(new URL("../../shared/lesson17-transcript.txt", import.meta.url));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
})();

Deno.test({
  name: "claims: every part of each quote is verbatim from the lesson transcript",
  ignore: transcript === null,
  fn() {
    for (const { id, quote } of [depth, moments]) {
      for (const part of quote.replace(/ \[[^\]]*\]/g, "").split(" … ")) {
        assert.ok(transcript!.includes(part), `${id}: not in the transcript: "${part}"`);
      }
    }
  },
});
