import assert from "node:assert/strict";
import { assertClose } from "../tests/assert_close.ts";
import { noGpu, testGpu } from "../tests/gpu.ts";
import { parseResults, stringifyResults } from "../src/bench/json.ts";
import { type Claim, type ClaimContext, Rng } from "../mod.ts";
import { hostStats, median } from "./_signal.ts";
import {
  CASE_NAMES,
  type CaseEvidence,
  type CaseName,
  claim as depth,
  type DepthSurvivalConfig,
  type DepthSurvivalEvidence,
} from "./depth_survival.ts";
import { claim as moments, type MomentsConfig, type MomentsEvidence } from "./moments.ts";

function context<C>(config: C, seeds: number[]): ClaimContext<C> {
  return {
    gpu: testGpu(),
    config,
    seeds,
    mode: "quick",
    data: () => {
      throw new Error("signal claims use no data");
    },
    log: () => {},
  };
}

/** Runs a claim as the runner would: validated config, run, evidence parsed at the boundary. */
async function runClaim<C, E>(c: Claim<C, E>, config: unknown, seeds: number[]): Promise<E> {
  const raw = await c.run(context(c.config.parse(config), seeds));
  return c.evidence.parse(raw);
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
  name: "depth-survival: the lesson's config passes claims 1–5 on seeds 1, 2, 3",
  ignore: noGpu,
  async fn() {
    const e = await runClaim(depth, {}, [1, 2, 3]);
    const v = depth.criterion(e, depth.config.parse({}));
    assert.equal(v.verdict, "pass", v.explanation);
    assert.equal(e.perSeed.length, 3);
    for (const s of e.perSeed) {
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
      assert.ok(first > 0, `seed ${s.seed}: randn std stays finite: ${randn}`);
      assert.ok(randn.slice(first).every((v) => !Number.isFinite(v)), `seed ${s.seed}: ${randn}`);
      assert.ok(randn.slice(0, first).every(Number.isFinite));
      assert.equal(s.cases[0].finalAllFinite, false);
      assert.ok(s.cases[0].finalBlock.flat().every(Number.isNaN), "the notebook prints all nan");
      // ×0.01: exact zeros, kept as measured.
      assert.ok(s.cases[1].finalBlock.flat().every((v) => v === 0));
      assert.equal(s.cases[1].finalStd, 0);
      // Kaiming: ReLU output, nonnegative, finite.
      assert.ok(s.cases[4].finalBlock.flat().every((v) => v >= 0));
      assert.equal(s.cases[4].finalAllFinite, true);
    }
    const h = depth.headline(e);
    assert.deepEqual(h.perSeed, e.perSeed.map((s) => s.cases[4].finalStd));
    assert.equal(h.value, median(h.perSeed));
    // What the results file stores (NaN and ±Infinity as strings) parses back to the same evidence.
    assert.deepEqual(depth.evidence.parse(parseResults(stringifyResults(e))), e);
  },
});

for (const config of [{ rows: 7, width: 13, depth: 6 }, { rows: 8, width: 12, depth: 4 }]) {
  Deno.test({
    name: `depth-survival: GPU layers match a float64 reference (${JSON.stringify(config)})`,
    ignore: noGpu,
    async fn() {
      const seed = 5;
      const e = await runClaim(depth, config, [seed]);
      const parsed = depth.config.parse(config);
      for (const c of e.perSeed[0].cases) {
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
    const a = await runClaim(depth, config, [2]);
    const b = await runClaim(depth, config, [2]);
    assert.deepEqual(a, b);
  },
});

// ---------------------------------------------------------------------------------------------
// depth-survival criterion on hand-made evidence

function handCase(name: CaseName, finalStd: number, extra: Partial<CaseEvidence> = {}) {
  const perLayerStd = new Array(50).fill(finalStd);
  return {
    name,
    scale: scaleOf(name, 100),
    relu: name.startsWith("ReLU"),
    perLayerStd,
    perLayerMean: new Array(50).fill(0),
    finalStd,
    finalMaxAbs: 3 * finalStd,
    finalAllFinite: Number.isFinite(finalStd),
    finalBlock: [[finalStd]],
    ...extra,
  };
}

/** Evidence that passes: the 200-seed simulation's typical values. */
function passingDepth(seeds = [1, 2, 3]): DepthSurvivalEvidence {
  return depth.evidence.parse({
    perSeed: seeds.map((seed) => ({
      seed,
      cases: [
        handCase("randn", NaN, { finalMaxAbs: NaN }),
        handCase("x0.01", 0, { finalMaxAbs: 0 }),
        handCase("x0.1 (Glorot)", 0.94),
        handCase("ReLU x0.1", 1e-8),
        handCase("ReLU x sqrt(2/100) (Kaiming)", 0.46),
      ],
    })),
  });
}

function withCase(
  e: DepthSurvivalEvidence,
  seedIndex: number,
  name: CaseName,
  patch: Partial<CaseEvidence>,
): DepthSurvivalEvidence {
  const copy = structuredClone(e);
  const c = copy.perSeed[seedIndex].cases.find((c) => c.name === name)!;
  Object.assign(c, patch);
  return depth.evidence.parse(copy);
}

const depthConfig = depth.config.parse({});

Deno.test("depth-survival criterion: typical evidence passes, and lists every sub-claim", () => {
  const v = depth.criterion(passingDepth(), depthConfig);
  assert.equal(v.verdict, "pass", v.explanation);
  for (const k of ["1 randn", "2 ×0.01", "3 ×0.1", "4 ReLU ×0.1", "5 Kaiming"]) {
    assert.ok(v.explanation.includes(k), v.explanation);
  }
  assert.ok(!v.explanation.includes("\n"));
});

Deno.test("depth-survival criterion: each sub-claim can fail", () => {
  const e = passingDepth();
  const fails: [string, DepthSurvivalEvidence][] = [
    ["a finite randn case", withCase(e, 1, "randn", { finalAllFinite: true, finalStd: 1e30 })],
    ["×0.01 not exactly zero", withCase(e, 2, "x0.01", { finalMaxAbs: 1e-44 })],
    ["Glorot std below 0.4", withCase(e, 0, "x0.1 (Glorot)", { finalStd: 0.39 })],
    ["Glorot std above 2.5", withCase(e, 0, "x0.1 (Glorot)", { finalStd: 2.6 })],
    ["Glorot std NaN", withCase(e, 0, "x0.1 (Glorot)", { finalStd: NaN })],
    ["ReLU ×0.1 std not vanishing", withCase(e, 1, "ReLU x0.1", { finalStd: 1e-5 })],
    ["Kaiming std of 0", withCase(e, 2, "ReLU x sqrt(2/100) (Kaiming)", { finalStd: 0 })],
    ["Kaiming std NaN", withCase(e, 2, "ReLU x sqrt(2/100) (Kaiming)", { finalStd: NaN })],
    ["Kaiming std above 5", withCase(e, 0, "ReLU x sqrt(2/100) (Kaiming)", { finalStd: 5.1 })],
    [
      // In range, claim 4 passes (9e-6 < 1e-5), but 0.05 < 1e4 × 9e-6 = 0.09.
      "Kaiming < 1e4 × claim 4",
      withCase(
        withCase(e, 0, "ReLU x sqrt(2/100) (Kaiming)", { finalStd: 0.05 }),
        1,
        "ReLU x0.1",
        { finalStd: 9e-6 },
      ),
    ],
    ["claim 4 std NaN", withCase(e, 1, "ReLU x0.1", { finalStd: NaN })],
  ];
  for (const [what, evidence] of fails) {
    const v = depth.criterion(evidence, depthConfig);
    assert.equal(v.verdict, "fail", `${what}: ${v.explanation}`);
    assert.ok(v.explanation.includes("✗"), what);
  }
});

Deno.test("depth-survival criterion: a claim-4 std of exactly 0 makes the 1e4 bound 0", () => {
  const e = withCase(passingDepth(), 0, "ReLU x0.1", { finalStd: 0, finalMaxAbs: 0 });
  assert.equal(depth.criterion(e, depthConfig).verdict, "pass");
  // Still judged against the range: a Kaiming std of 0.02 fails even then.
  const low = withCase(e, 0, "ReLU x sqrt(2/100) (Kaiming)", { finalStd: 0.02 });
  assert.equal(depth.criterion(low, depthConfig).verdict, "fail");
});

Deno.test("depth-survival evidence schema: NaN/Infinity kept, cases checked", () => {
  const e = passingDepth([4]);
  assert.ok(Number.isNaN(e.perSeed[0].cases[0].finalStd));
  const inf = withCase(e, 0, "randn", { perLayerStd: new Array(50).fill(Infinity) });
  assert.equal(inf.perSeed[0].cases[0].perLayerStd[0], Infinity);
  const swapped = structuredClone(e);
  swapped.perSeed[0].cases.reverse();
  assert.throws(() => depth.evidence.parse(swapped));
  const missing = structuredClone(e);
  missing.perSeed[0].cases.pop();
  assert.throws(() => depth.evidence.parse(missing));
  assert.throws(() => depth.evidence.parse({ perSeed: [] }));
  const h = depth.headline(passingDepth());
  assert.equal(h.value, 0.46);
  assert.deepEqual(h.perSeed, [0.46, 0.46, 0.46]);
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
  name: "moments: the lesson's config passes claim 6 on seeds 1, 2, 3",
  ignore: noGpu,
  async fn() {
    const e = await runClaim(moments, {}, [1, 2, 3]);
    const config = moments.config.parse({});
    const v = moments.criterion(e, config);
    assert.equal(v.verdict, "pass", v.explanation);
    assert.deepEqual(e.perSeed.map((s) => s.seed), [1, 2, 3]);
    const h = moments.headline(e);
    assert.equal(h.tolerance, 10);
    assertClose([h.value], [(h.perSeed[0] + h.perSeed[1] + h.perSeed[2]) / 3], { rtol: 1e-12 });
    // The GPU numbers are the float64 reference's, to float32 accuracy.
    const ref = momentsRef(config, 2);
    const got = e.perSeed[1];
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
    const e = await runClaim(moments, config, [8, 9]);
    for (const s of e.perSeed) {
      const ref = momentsRef(moments.config.parse(config), s.seed);
      const keys = Object.keys(ref) as (keyof typeof ref)[];
      assertClose(keys.map((k) => s[k]), keys.map((k) => ref[k]), {
        atol: 1e-5,
        rtol: 1e-4,
        what: `seed ${s.seed} ${keys.join(", ")}`,
      });
    }
  },
});

function passingMoments(): MomentsEvidence {
  return moments.evidence.parse({
    perSeed: [1, 2, 3].map((seed) => ({
      seed,
      matmulMean: 0.09,
      matmulMeanSq: 101,
      linearMean: 0.01,
      linearStd: 0.99,
      reluMean: 0.4,
      reluStd: 0.58,
    })),
  });
}

Deno.test("moments criterion: typical evidence passes; each band fails in any one seed", () => {
  const config = moments.config.parse({});
  const ok = moments.criterion(passingMoments(), config);
  assert.equal(ok.verdict, "pass", ok.explanation);
  assert.ok(ok.explanation.includes("every seed"));
  const cases: [keyof MomentsEvidence["perSeed"][number], number][] = [
    ["matmulMeanSq", 89.9],
    ["matmulMeanSq", 110.1],
    ["matmulMeanSq", NaN],
    ["linearStd", 0.89],
    ["linearStd", 1.11],
    ["reluMean", 0.36],
    ["reluMean", 0.44],
    ["reluStd", 0.54],
    ["reluStd", Infinity],
  ];
  for (const [key, value] of cases) {
    const e = structuredClone(passingMoments());
    e.perSeed[2][key] = value;
    const v = moments.criterion(moments.evidence.parse(e), config);
    assert.equal(v.verdict, "fail", `${key} = ${value}: ${v.explanation}`);
  }
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
      for (const part of quote.split(" … ")) {
        assert.ok(transcript!.includes(part), `${id}: not in the transcript: "${part}"`);
      }
    }
  },
});
