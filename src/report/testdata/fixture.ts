/**
 * A small synthetic `results.json` for the report's tests: every evidence part the report draws
 * (training runs with a diverged seed, activation statistics, LSUV, a schedule, depth survival
 * with 0/∞/NaN, moments) and every verdict (pass, fail, error), seeded and tiny.
 *
 * @module
 */

import type { TrainRun } from "../../bench/evidence.ts";
import type { HistoryLine } from "../../bench/history.ts";
import type { ClaimResult, Results } from "../../bench/results.ts";
import { summarize } from "../../bench/stats.ts";
import { Rng } from "../../util/rng.ts";
import { HIST_BINS } from "../charts/activations.ts";

/** Sizes of the fixture's runs. */
export const FIXTURE = { seeds: [1, 2], epochs: 3, batchesPerEpoch: 12, layers: 4, depth: 12 };

/** One synthetic run; `diverge` ends it with NaN losses after a blow-up at that batch. */
export function syntheticRun(
  seed: number,
  opts: { diverge?: number; stats?: boolean; lsuv?: boolean; schedule?: boolean; level?: number } =
    {},
): TrainRun {
  const rng = new Rng(seed * 7919 + (opts.level ?? 0) * 1000);
  const { epochs, batchesPerEpoch, layers } = FIXTURE;
  const n = epochs * batchesPerEpoch;
  const batchLosses = Array.from({ length: n }, (_, i) => {
    if (opts.diverge !== undefined && i >= opts.diverge) return i === opts.diverge ? 1e6 : NaN;
    return 2.3 * Math.exp(-i / 8) + 0.35 + 0.05 * rng.normal();
  });
  const level = opts.level ?? 0.86;
  const accs = Array.from(
    { length: epochs },
    (_, e) =>
      opts.diverge !== undefined && opts.diverge < (e + 1) * batchesPerEpoch
        ? null
        : level - 0.04 / (e + 1) + 0.004 * rng.normal(),
  );
  const lr = Array.from(
    { length: n },
    (_, i) => opts.schedule ? 0.006 * 0.5 * (1 + Math.cos((Math.PI * i) / n)) : 0.2,
  );
  const beta1 = Array.from({ length: n }, (_, i) => opts.schedule ? 0.85 + 0.1 * i / n : 0);
  return {
    seed,
    epochs: accs.map((a, e) => ({
      epoch: e + 1,
      trainLoss: a === null ? NaN : 0.4,
      trainAccuracy: a === null ? null : a + 0.01,
      validLoss: a === null ? null : 0.45,
      validAccuracy: a,
      seconds: 1.5,
    })),
    batchLosses,
    diverged: opts.diverge !== undefined,
    finalValidAccuracy: accs.at(-1) ?? NaN,
    lsuv: opts.lsuv
      ? Array.from({ length: layers }, (_, l) => ({
        act: `block${l + 1}.act`,
        conv: `block${l + 1}.conv`,
        before: { mean: 0.3 * rng.normal(), std: 0.5 + rng.uniform() },
        after: { mean: 1e-4 * rng.normal(), std: 1 + 1e-4 * rng.normal() },
        iterations: 10 + l,
      }))
      : null,
    activationStats: opts.stats
      ? Array.from({ length: layers }, (_, l) => ({
        layer: `block${l + 1}.act`,
        means: batchLosses.map((_, b) => 0.05 * Math.sin(b / 5 + l) + (b === 20 ? 1e30 : 0)),
        stds: batchLosses.map((_, b) => 0.8 + 0.05 * Math.cos(b / 4 + l)),
        dead: batchLosses.map((_, b) => 0.15 + 0.05 * Math.sin(b / 3 + l)),
        hists: Array.from(
          { length: n * HIST_BINS },
          (_, k) => Math.round(1000 * Math.exp(-(k % HIST_BINS) / (3 + l))),
        ),
      }))
      : null,
    hyper: { lr, beta1 },
    seconds: 4.5,
  };
}

function claim(
  partial:
    & Pick<ClaimResult, "id" | "title" | "verdict" | "explanation" | "evidence">
    & Partial<ClaimResult>,
  perSeed: number[] | null,
): ClaimResult {
  const seeds = FIXTURE.seeds;
  return {
    source: "nb 11, cell 97",
    quote: "look at that, we're up to an accuracy of 87%",
    claimNumbers: [10],
    lesson: { evalAccuracyEpoch3: 0.872, reruns: "0.872–0.875" },
    mode: "quick",
    quickNote: "1 seed; same configs",
    seeds,
    config: { lr: 0.2, bs: 1024 },
    headline: perSeed
      ? {
        name: "median epoch-3 eval accuracy",
        value: summarize(perSeed).median,
        tolerance: 0.01,
        perSeed,
        summary: summarize(perSeed),
      }
      : null,
    seconds: 12.5,
    ...partial,
  };
}

function depthCases(seed: number) {
  const { depth } = FIXTURE;
  const rng = new Rng(seed);
  const grow = (f: number) => Array.from({ length: depth }, (_, d) => f ** (d + 1));
  const cases: [string, number[]][] = [
    ["randn", grow(10).map((v, d) => (d >= 9 ? NaN : d >= 7 ? Infinity : v))],
    ["x0.01", grow(0.1).map((v, d) => (d >= 8 ? 0 : v))],
    ["x0.1 (Glorot)", grow(1).map(() => 0.8 + 0.1 * rng.uniform())],
    ["ReLU x0.1", grow(0.7)],
    ["ReLU x sqrt(2/100) (Kaiming)", grow(1).map(() => 1 + 0.1 * rng.uniform())],
  ];
  return cases.map(([name, perLayerStd]) => ({
    name,
    scale: 1,
    relu: name.startsWith("ReLU"),
    perLayerStd,
    perLayerMean: perLayerStd.map((s) => s / 10),
  }));
}

/** The fixture results: 5 claims covering every drawn part and every verdict. */
export function fixtureResults(): Results {
  const seeds = FIXTURE.seeds;
  const gr = seeds.map((s) => syntheticRun(s, { stats: true, diverge: s === 1 ? 16 : undefined }));
  const relu = seeds.map((s) => syntheticRun(s, { level: 0.85 }));
  const lsuvRuns = seeds.map((s) => syntheticRun(s, { lsuv: true }));
  const cos = seeds.map((s) => syntheticRun(s, { schedule: true, level: 0.88 }));
  const claims: ClaimResult[] = [
    claim({
      id: "depth-survival",
      title: "50 random layers: randn blows up, Kaiming survives",
      claimNumbers: [1, 2, 3, 4, 5],
      lesson: { "x0.1 (Glorot) std": 0.85 },
      verdict: "pass",
      explanation: "1 randn non-finite in 2/2 seeds ✓",
      evidence: { perSeed: seeds.map((seed) => ({ seed, cases: depthCases(seed) })) },
    }, [1.1, 1.2]),
    claim({
      id: "general-relu",
      title: "GeneralRelu beats ReLU",
      verdict: "fail",
      explanation: "#10 median ep3 eval (GeneralRelu) NaN (need ≥ 0.8600) ✗; #10 mean gain " +
        "NaN pts (need ≥ +0.50 pts) ✗; seed 1 diverged",
      evidence: {
        runs: { generalRelu: gr, relu },
        checks: [
          { claim: 10, text: "median ep3 eval (GeneralRelu) NaN (need ≥ 0.8600)", ok: false },
          { claim: 10, text: "mean gain NaN pts (need ≥ +0.50 pts)", ok: false },
        ],
      },
    }, gr.map((r) => r.finalValidAccuracy)),
    claim({
      id: "lsuv",
      title: "LSUV initialises every layer to mean 0, std 1",
      claimNumbers: [11],
      verdict: "pass",
      explanation: "#11 median ep3 eval (LSUV) 0.8600 (need ≥ 0.8500) ✓",
      evidence: {
        runs: { lsuv: lsuvRuns },
        checks: [{ claim: 11, text: "median ep3 eval (LSUV) 0.8600 (need ≥ 0.8500)", ok: true }],
      },
    }, lsuvRuns.map((r) => r.finalValidAccuracy)),
    claim({
      id: "schedules",
      title: "Cosine annealing beats a constant rate",
      claimNumbers: [19],
      lesson: { cosineBatchEvalAccuracyEpoch3: 0.883 },
      verdict: "pass",
      explanation: "#19 median ep3 eval cosine/batch 0.88 (need ≥ 0.8730) ✓",
      evidence: {
        runs: { cosineBatch: cos },
        checks: [{
          claim: 19,
          text: "median ep3 eval cosine/batch 0.88 (need ≥ 0.8730)",
          ok: true,
        }],
      },
    }, cos.map((r) => r.finalValidAccuracy)),
    claim({
      id: "moments",
      title: "Moment identities",
      claimNumbers: [6],
      lesson: { "E[(a@x)²]": 102.9 },
      verdict: "error",
      explanation: "error: the GPU device was lost",
      evidence: null,
    }, null),
  ];
  return {
    meta: {
      schema: 1,
      date: "2026-11-25T04:00:00.000Z",
      commit: "0123456789abcdef0123456789abcdef01234567",
      denoVersion: "2.9.6",
      adapter: {
        description: "llvmpipe (LLVM 15.0.6, 256 bits)",
        vendor: "mesa",
        architecture: "",
        device: "",
        isFallbackAdapter: true,
        features: [],
        limits: {},
      },
      mode: "quick",
      seeds,
      wallSeconds: 61.5,
      dataset: null,
      shard: null,
    },
    claims,
  };
}

/** Three history lines for the fixture's claims (a quick run, a full run, a regression). */
export function fixtureHistory(): HistoryLine[] {
  const ids = fixtureResults().claims.map((c) => c.id);
  return [0.86, 0.87, 0.84].map((v, i) => ({
    date: `2026-11-2${i}T00:00:00.000Z`,
    commit: `c${i}`,
    mode: i === 1 ? "full" : "quick",
    adapter: "llvmpipe",
    wallSeconds: 100,
    claims: Object.fromEntries(
      ids.map((id) => [id, {
        verdict: v < 0.85 ? "fail" : "pass",
        headline: id === "general-relu" && i === 2 ? NaN : v,
      }]),
    ),
  }));
}
