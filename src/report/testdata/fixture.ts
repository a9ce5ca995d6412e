/**
 * A small synthetic results file (schema 2) for the report's tests, judged as the bench judges:
 * per-seed samples built from seeded synthetic runs, every check judged with the real
 * `judgeCheck` look by look under a 6 → 10 plan, the verdict by `verdictOf`, the reported figures
 * by `summarizeClaim`. It covers every verdict (reproduced, not reproduced, inconclusive, error,
 * not judged), every outcome (trained, collapsed, diverged, failed), an any-of check, an
 * every-seed check with a counterexample, comparisons, lesson numbers with percentiles, a probe
 * with depth-survival detail (0, ±∞ and NaN stds), a moments probe, LSUV, activation statistics
 * and a schedule.
 *
 * @module
 */

import type { LessonFigure, LessonNumber, MetricInfo, TrainMetric } from "../../bench/contract.ts";
import type { TrainRun } from "../../bench/evidence.ts";
import type { HistoryLine } from "../../bench/history.ts";
import { metricInfo, trainMetric } from "../../bench/metrics.ts";
import { runOutcome } from "../../bench/outcome.ts";
import type { ClaimResult, ConfigResult, Results, RunEntry } from "../../bench/results.ts";
import { subjectKey } from "../../bench/results.ts";
import { summarizeClaim } from "../../bench/summarize_claim.ts";
import { type CheckSpec, type JudgedCheck, type Subject, subjectsOf } from "../../verdict/check.ts";
import { judgeCheck, type Sample, verdictOf } from "../../verdict/judge.ts";
import { type LookPlan, lookPlan } from "../../verdict/plan.ts";
import { Rng } from "../../util/rng.ts";
import { HIST_BINS } from "../charts/activations.ts";

/** Sizes of the fixture's runs. */
export const FIXTURE = { epochs: 3, batchesPerEpoch: 12, layers: 4, depth: 12 };

/** The fixture's look plan: 6 → 10 seeds (`--max-seeds 10`). */
export const FIXTURE_PLAN: LookPlan = lookPlan({ maxSeeds: 10 });

/**
 * One synthetic run. `diverge` ends it with NaN losses after a blow-up at that batch; `level` sets
 * the accuracy it trains to (≤ 0.2 at the end: collapsed); `dead` raises its dead fractions.
 */
export function syntheticRun(
  seed: number,
  opts: {
    diverge?: number;
    stats?: boolean;
    lsuv?: boolean;
    schedule?: boolean;
    level?: number;
    dead?: number;
  } = {},
): TrainRun {
  const rng = new Rng(seed * 7919 + Math.round((opts.level ?? 0) * 1000));
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
        dead: batchLosses.map((_, b) => 0.15 + (opts.dead ?? 0) + 0.05 * Math.sin(b / 3 + l)),
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

/** The depth-survival probe's detail for one seed: 5 cases, with 0, ∞ and NaN stds as measured. */
export function depthCases(seed: number) {
  const { depth } = FIXTURE;
  const rng = new Rng(seed);
  const grow = (f: number) => Array.from({ length: depth }, (_, d) => f ** (d + 1));
  const cases: [string, number[]][] = [
    ["randn", grow(10).map((v, d) => (d >= 9 ? NaN : d >= 7 ? Infinity : v))],
    ["x0.01", grow(0.1).map((v, d) => (d >= 8 ? 0 : v))],
    ["x0.1 (Glorot)", grow(1).map(() => 0.8 + 0.1 * rng.uniform())],
    ["ReLU x0.1", grow(0.3)],
    ["ReLU x sqrt(2/100) (Kaiming)", grow(1).map(() => 1 + 0.1 * rng.uniform())],
  ];
  return {
    seed,
    cases: cases.map(([name, perLayerStd]) => ({
      name,
      scale: 1,
      relu: name.startsWith("ReLU"),
      perLayerStd,
      perLayerMean: perLayerStd.map((s) => s / 10),
      finalStd: perLayerStd.at(-1)!,
    })),
  };
}

/** The moments probe's detail for one seed (seed 2's ReLU std is NaN, recorded as measured). */
export function momentsDetail(seed: number) {
  const rng = new Rng(100 + seed);
  return {
    seed,
    matmulMean: 0.09 + 0.01 * rng.normal(),
    matmulMeanSq: 100 + 3 * rng.normal(),
    linearMean: 0.01 * rng.normal(),
    linearStd: 1 + 0.02 * rng.normal(),
    reluMean: 0.4 + 0.005 * rng.normal(),
    reluStd: seed === 2 ? NaN : 0.58 + 0.005 * rng.normal(),
  };
}

/** A training config of a fixture claim: its run per seed (null: it failed, with `failure`). */
interface TrainSpec {
  kind: "train";
  label: string;
  config: Record<string, unknown>;
  run(seed: number): TrainRun | null;
  failure?: (seed: number) => string | null;
}

/** A probe config of a fixture claim: its metrics and detail per seed. */
interface ProbeSpec {
  kind: "probe";
  label: string;
  params: Record<string, unknown>;
  metrics: Record<string, MetricInfo>;
  run(seed: number): { metrics: Record<string, number>; detail: unknown };
}

interface ClaimSpec {
  id: string;
  title: string;
  source: string;
  quote: string;
  claimNumbers: number[];
  lesson: LessonNumber[];
  lessonNotes?: string[];
  findings?: string;
  dependsOn?: string[];
  /** Lesson figures the claim declares. */
  figures?: LessonFigure[];
  configs: Record<string, TrainSpec | ProbeSpec>;
  metrics?: Record<string, TrainMetric>;
  checks: CheckSpec[];
  headline: Omit<ClaimResult["headline"], "median">;
  /** Quick mode: seed 1, nothing judged. */
  mode?: "full" | "quick";
  /** The claim errored after this many seeds. */
  error?: { message: string; seeds: number };
}

const lsuvConfig = { act: "general-relu", init: "lsuv", opt: "sgd", lr: 0.2, bs: 1024, epochs: 3 };
const nb11 = {
  learner: "momentum-learner",
  opt: "sgd",
  lr: 0.2,
  bs: 1024,
  epochs: 3,
  inputNorm: true,
  norm: "none",
};

/** One seed's run of a config, computed once. */
function memo<T>(f: (seed: number) => T): (seed: number) => T {
  const cache = new Map<number, T>();
  return (seed) => {
    if (!cache.has(seed)) cache.set(seed, f(seed));
    return cache.get(seed)!;
  };
}

/** Builds, judges and summarises one claim as the bench runner does. */
export function buildClaim(spec: ClaimSpec, plan: LookPlan = FIXTURE_PLAN): ClaimResult {
  const mode = spec.mode ?? "full";
  const own: Record<string, MetricInfo> = { ...(spec.metrics ?? {}) };
  for (const c of Object.values(spec.configs)) {
    if (c.kind === "probe") Object.assign(own, c.metrics);
  }

  const runs = new Map<string, (seed: number) => RunEntry>();
  const subjects: Subject[] = [
    ...spec.checks.flatMap((c) => subjectsOf(c)),
    spec.headline.subject,
    ...spec.lesson.flatMap((l) => (l.subject ? [l.subject] : [])),
  ];
  const valueOf = (c: TrainSpec | ProbeSpec, seed: number, s: Subject): number => {
    if (c.kind === "probe") return c.run(seed).metrics[s.metric] ?? NaN;
    return trainMetric(c.run(seed), s, spec.metrics ?? {});
  };
  for (const [name, c] of Object.entries(spec.configs)) {
    const mine = subjects.filter((s) => s.config === name);
    runs.set(
      name,
      memo((seed) => {
        const run = c.kind === "train" ? c.run(seed) : null;
        const { outcome, divergedAt } = c.kind === "train"
          ? runOutcome(run)
          : { outcome: "trained" as const, divergedAt: null };
        return {
          seed,
          outcome,
          divergedAt,
          values: Object.fromEntries(mine.map((s) => [subjectKey(s), valueOf(c, seed, s)])),
          run,
          ...(c.kind === "probe" ? { detail: c.run(seed).detail } : {}),
          failure: c.kind === "train" && run === null
            ? (c.failure?.(seed) ?? "failed before training")
            : null,
        };
      }),
    );
  }
  const samples = (s: Subject): Sample[] =>
    Array.from({ length: plan.looks.at(-1)! }, (_, i) => {
      const r = runs.get(s.config)!(i + 1);
      return { seed: r.seed, outcome: r.outcome, value: r.values[subjectKey(s)] };
    });

  let checks: JudgedCheck[] = [];
  let n = 1;
  let decidedAt: number | null = null;
  if (mode === "full" && !spec.error) {
    for (const look of plan.looks) {
      const prev = checks;
      checks = spec.checks.map((c, i) =>
        judgeCheck(c, samples, { n: look, alpha: plan.alphaPerLook }, prev[i])
      );
      n = look;
      if (verdictOf(checks) !== "inconclusive") {
        decidedAt = look;
        break;
      }
    }
  } else if (spec.error) {
    n = spec.error.seeds;
  }
  const configs: ConfigResult[] = Object.entries(spec.configs).map(([name, c]) => ({
    name,
    label: c.label,
    kind: c.kind,
    config: c.kind === "train" ? c.config : c.params,
    runs: Array.from({ length: n }, (_, i) => runs.get(name)!(i + 1)),
    divergence: { k: 0, n: 0, estimate: NaN, interval: [0, 1] },
  }));
  const names = new Set(subjects.map((s) => s.metric));
  const metrics = Object.fromEntries(
    [...names].flatMap((m) => {
      const info = metricInfo(m, own);
      return info ? [[m, info]] : [];
    }),
  );
  const verdict = spec.error ? "error" : mode === "quick" ? "not judged" : verdictOf(checks);
  return summarizeClaim({
    id: spec.id,
    title: spec.title,
    source: spec.source,
    quote: spec.quote,
    claimNumbers: spec.claimNumbers,
    lesson: spec.lesson,
    lessonNotes: spec.lessonNotes ?? [],
    findings: spec.findings ?? null,
    dependsOn: spec.dependsOn ?? [],
    figures: spec.figures ?? [],
    mode,
    configs,
    metrics,
    checks,
    verdict,
    decidedAt: verdict === "inconclusive" ? null : decidedAt,
    seedsUsed: n,
    headline: { ...spec.headline, median: NaN },
    comparisons: [],
    lessonPercentiles: [],
    expectedMax: [],
    error: spec.error?.message ?? null,
    seconds: 12.5 * n,
  });
}

const evalAt = (config: string, epoch: number): Subject => ({
  config,
  metric: "evalAccuracy",
  epoch,
});

/** Claim 25's statistic: the worst value over hooked layers after the first 25 batches. */
function worstAfter25(run: TrainRun, pick: "dead" | "means"): number {
  const stats = run.activationStats;
  if (!stats) return NaN;
  let worst = -Infinity;
  for (const s of stats) {
    for (const v of s[pick].slice(25)) worst = Math.max(worst, pick === "means" ? Math.abs(v) : v);
  }
  return worst;
}

const generalReluRun = memo((seed: number) =>
  syntheticRun(seed, {
    stats: true,
    level: 0.878,
    diverge: seed === 1 || seed === 4 ? 16 : undefined,
    dead: seed === 3 ? 0.2 : 0,
  })
);
const generalRelu: TrainSpec = {
  kind: "train",
  label: "GeneralReLU + Kaiming(0.1)",
  config: { ...nb11, act: "general-relu", init: "kaiming", activationStats: true },
  run: generalReluRun,
};

/** The claims of the fixture, in the registry's (id) order. */
function claimSpecs(mode: "full" | "quick"): ClaimSpec[] {
  return [
    {
      id: "depth-survival",
      title: "50 random layers: randn blows up, Kaiming survives",
      source: "nb 11 cells 9–20",
      quote: "the gloro [Glorot] initialization keeps it around one",
      claimNumbers: [1, 2, 3, 4, 5],
      lesson: [{
        claim: 3,
        label: "nb 11 cell 14, x0.1 final std",
        value: 0.85,
        subject: { config: "cases", metric: "glorotStd" },
      }],
      lessonNotes: ["randn: all nan after 50 layers"],
      configs: {
        cases: {
          kind: "probe",
          label: "50 random layers per initialisation",
          params: { rows: 200, width: 100, depth: FIXTURE.depth },
          metrics: {
            randnNonFinite: { label: "randn output non-finite", unit: "event" },
            glorotStd: { label: "final std with ×0.1 (Glorot)", unit: "value" },
            reluGlorotStd: { label: "final std with ReLU ×0.1", unit: "value" },
          },
          run: memo((seed) => {
            const detail = depthCases(seed);
            const final = (i: number) => detail.cases[i].perLayerStd.at(-1)!;
            return {
              metrics: {
                randnNonFinite: Number.isFinite(final(0)) ? 0 : 1,
                glorotStd: final(2),
                reluGlorotStd: final(3),
              },
              detail,
            };
          }),
        },
      },
      checks: [
        {
          id: "1-blows-up",
          claim: 1,
          kind: "every-seed",
          subject: { config: "cases", metric: "randnNonFinite" },
          min: 1,
        },
        {
          id: "3-glorot",
          claim: 3,
          kind: "every-seed",
          subject: { config: "cases", metric: "glorotStd" },
          min: 0.4,
          max: 2.5,
        },
        {
          id: "4-relu-vanishes",
          claim: 4,
          kind: "every-seed",
          subject: { config: "cases", metric: "reluGlorotStd" },
          max: 1e-5,
        },
      ],
      headline: {
        label: "final std, ×0.1 (Glorot)",
        subject: { config: "cases", metric: "glorotStd" },
        better: "higher",
        tolerance: 0.1,
      },
      mode,
    },
    {
      id: "general-relu",
      title: "GeneralRelu with leaky Kaiming beats ReLU; activations stay alive",
      source: "nb 11 cell 97 (11-D)",
      quote: "we were at 845 [84.5%] after one epoch … look at that, we're up to an accuracy " +
        "of 87%",
      claimNumbers: [10, 25],
      lesson: [
        {
          claim: 10,
          label: "nb 11 cell 97, GeneralReLU",
          value: 0.872,
          subject: evalAt("generalRelu", 3),
        },
        { claim: 10, label: "nb 11 cell 83, ReLU", value: 0.853, subject: evalAt("relu", 3) },
      ],
      lessonNotes: ["GeneralReLU re-runs 0.872–0.875"],
      figures: ["general-relu-shape"],
      findings: "Seeds 1 and 4 diverge in the second epoch (a non-finite loss at lr 0.2); they " +
        "rank below every trained seed.",
      configs: {
        generalRelu,
        relu: {
          kind: "train",
          label: "ReLU + Kaiming (claim 9)",
          config: { ...nb11, act: "relu", init: "kaiming" },
          run: memo((seed) => syntheticRun(seed, { level: 0.85 })),
        },
      },
      metrics: {
        maxDeadAfter25: {
          label: "largest dead fraction of any hooked layer after batch 25",
          unit: "ratio",
          of: (run) => worstAfter25(run, "dead"),
        },
        maxAbsMeanAfter25: {
          label: "largest |mean| of any hooked layer after batch 25",
          unit: "value",
          of: (run) => worstAfter25(run, "means"),
        },
      },
      checks: [
        {
          id: "10-threshold",
          claim: 10,
          kind: "threshold",
          subject: evalAt("generalRelu", 3),
          direction: ">=",
          threshold: 0.86,
        },
        {
          id: "10-vs-relu",
          claim: 10,
          kind: "superiority",
          a: evalAt("generalRelu", 3),
          b: evalAt("relu", 3),
          margin: 0.005,
        },
        {
          id: "25-dead",
          claim: 25,
          kind: "every-seed",
          subject: { config: "generalRelu", metric: "maxDeadAfter25" },
          max: 0.3,
          trainedOnly: true,
        },
        {
          id: "25-means",
          claim: 25,
          kind: "every-seed",
          subject: { config: "generalRelu", metric: "maxAbsMeanAfter25" },
          max: 0.3,
          trainedOnly: true,
        },
      ],
      headline: {
        label: "epoch-3 eval accuracy",
        subject: evalAt("generalRelu", 3),
        better: "higher",
        tolerance: 0.01,
      },
      mode,
    },
    {
      id: "input-normalization",
      title: "Raw input is unstable; normalised input trains better",
      source: "nb 11 cells 70–83",
      quote: "sometimes it trains and sometimes it doesn't",
      claimNumbers: [8],
      lesson: [{
        claim: 8,
        label: "nb 11 cell 83, normalised input",
        value: 0.853,
        subject: evalAt("kaimingNorm", 3),
      }],
      configs: {
        kaimingRaw: {
          kind: "train",
          label: "ReLU + Kaiming, raw input",
          config: { ...nb11, act: "relu", init: "kaiming", inputNorm: false },
          run: memo((seed) => syntheticRun(seed, { level: seed === 2 ? 0.12 : 0.83 })),
        },
        kaimingNorm: {
          kind: "train",
          label: "ReLU + Kaiming, normalised input",
          config: { ...nb11, act: "relu", init: "kaiming" },
          run: memo((seed) => syntheticRun(seed, { level: 0.86 })),
        },
      },
      checks: [{
        id: "8-any",
        claim: 8,
        kind: "any-of",
        of: [
          {
            id: "8-collapses",
            claim: 8,
            kind: "rate",
            subject: { config: "kaimingRaw", metric: "collapsedOrDiverged" },
            direction: ">=",
            p0: 0.1,
          },
          {
            id: "8-normalised-better",
            claim: 8,
            kind: "superiority",
            a: evalAt("kaimingNorm", 3),
            b: evalAt("kaimingRaw", 3),
            margin: 0.02,
          },
        ],
      }],
      headline: {
        label: "epoch-3 eval accuracy",
        subject: evalAt("kaimingNorm", 3),
        better: "higher",
        tolerance: 0.01,
      },
      mode,
    },
    {
      id: "layernorm",
      title: "LayerNorm reaches 86%",
      source: "nb 11 cell 120 (11-F)",
      quote: "we got 86%",
      claimNumbers: [12],
      lesson: [{
        claim: 12,
        label: "nb 11 cell 120",
        value: 0.86,
        subject: evalAt("layerNorm", 3),
      }],
      configs: {
        layerNorm: {
          kind: "train",
          label: "GeneralReLU + LayerNorm",
          config: { ...nb11, act: "general-relu", norm: "layernorm" },
          run: memo((seed) => syntheticRun(seed, { level: 0.87 })),
        },
      },
      checks: [{
        id: "12-threshold",
        claim: 12,
        kind: "threshold",
        subject: evalAt("layerNorm", 3),
        direction: ">=",
        threshold: 0.86,
      }],
      headline: {
        label: "epoch-3 eval accuracy",
        subject: evalAt("layerNorm", 3),
        better: "higher",
        tolerance: 0.01,
      },
      // Merged in from a quick run (`--quick --only layernorm`): one seed, not judged.
      mode: "quick",
    },
    {
      id: "lsuv",
      title: "LSUV from the default init is competitive with leaky Kaiming",
      source: "nb 11 cells 104–107 (11-E)",
      quote: "0.86 versus previously 0.87, close enough",
      claimNumbers: [11],
      lesson: [{
        claim: 11,
        label: "nb 11 cell 107, LSUV",
        value: 0.866,
        subject: evalAt("lsuv", 3),
      }],
      dependsOn: ["general-relu"],
      configs: {
        lsuv: {
          kind: "train",
          label: "LSUV from the default init",
          config: lsuvConfig,
          run: memo((seed) => seed === 5 ? null : syntheticRun(seed, { lsuv: true, level: 0.875 })),
          failure: () => "LSUV: layer 2 did not reach |std − 1| ≤ 1e-3 within 50 iterations",
        },
        generalRelu: { ...generalRelu, label: "GeneralReLU + Kaiming(0.1) (claim 10)" },
      },
      checks: [
        {
          id: "11-threshold",
          claim: 11,
          kind: "threshold",
          subject: evalAt("lsuv", 3),
          direction: ">=",
          threshold: 0.85,
        },
        {
          id: "11-non-inferior",
          claim: 11,
          kind: "superiority",
          a: evalAt("lsuv", 3),
          b: evalAt("generalRelu", 3),
          margin: -0.02,
        },
      ],
      headline: {
        label: "epoch-3 eval accuracy",
        subject: evalAt("lsuv", 3),
        better: "higher",
        tolerance: 0.01,
      },
      mode,
    },
    {
      id: "moments",
      title: "Moment identities of a@x, a linear layer and ReLU",
      source: "nb 11 cells 24–40",
      quote: "the mean of the squares is about 100",
      claimNumbers: [6],
      lesson: [{
        claim: 6,
        label: "nb 11 cell 27, E[(a@x)²]",
        value: 102.9,
        subject: { config: "moments", metric: "matmulMeanSq" },
      }],
      configs: {
        moments: {
          kind: "probe",
          label: "a@x, linear layer and ReLU moments",
          params: { trials: 100 },
          metrics: { matmulMeanSq: { label: "E[(a@x)²]", unit: "value" } },
          run: memo((seed) => {
            const detail = momentsDetail(seed);
            return { metrics: { matmulMeanSq: detail.matmulMeanSq }, detail };
          }),
        },
      },
      checks: [{
        id: "6-matmul",
        claim: 6,
        kind: "every-seed",
        subject: { config: "moments", metric: "matmulMeanSq" },
        min: 90,
        max: 110,
      }],
      headline: {
        label: "E[(a@x)²]",
        subject: { config: "moments", metric: "matmulMeanSq" },
        better: "higher",
        tolerance: 5,
      },
      mode,
      error: { message: "a@x, seed 3: GPUDeviceLostError: the GPU device was lost", seeds: 2 },
    },
    {
      id: "schedules",
      title: "Cosine annealing per batch reaches 87.3%",
      source: "nb 12 cells 40–44 (12-E, 12-F)",
      quote: "we got up to 87.3%",
      claimNumbers: [19, 20],
      lesson: [
        {
          claim: 19,
          label: "nb 12 cell 40, cosine per batch",
          value: 0.873,
          subject: evalAt("cosineBatch", 3),
        },
        { claim: 20, label: "nb 12 cell 44, cosine per epoch", value: 0.875, subject: null },
      ],
      configs: {
        cosineBatch: {
          kind: "train",
          label: "AdamW, cosine per batch",
          config: { opt: "adamw", lr: 0.02, sched: "cosine-batch", bs: 1024, epochs: 3 },
          run: memo((seed) => syntheticRun(seed, { schedule: true, level: 0.886 })),
        },
        cosineEpoch: {
          kind: "train",
          label: "AdamW, cosine per epoch",
          config: { opt: "adamw", lr: 0.02, sched: "cosine-epoch", bs: 1024, epochs: 3 },
          run: memo((seed) => syntheticRun(seed, { schedule: true, level: 0.8835 })),
        },
      },
      checks: [
        {
          id: "19-threshold",
          claim: 19,
          kind: "threshold",
          subject: evalAt("cosineBatch", 3),
          direction: ">=",
          threshold: 0.873,
        },
        {
          id: "20-equivalent",
          claim: 20,
          kind: "equivalence",
          a: evalAt("cosineBatch", 3),
          b: evalAt("cosineEpoch", 3),
          margin: 0.01,
        },
      ],
      headline: {
        label: "epoch-3 eval accuracy",
        subject: evalAt("cosineBatch", 3),
        better: "higher",
        tolerance: 0.01,
      },
      mode,
    },
  ];
}

function meta(mode: "full" | "quick", ids: string[]): Results["meta"] {
  return {
    schema: 2,
    date: "2026-11-25T04:07:31.412Z",
    commit: "0123456789abcdef0123456789abcdef01234567-dirty",
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
    driver: "mesa-vulkan-drivers 25.0.7-2",
    codeIdentity: "c0de1d0123456789abcdef0123456789abcdef01",
    mode,
    plan: mode === "full" ? FIXTURE_PLAN : null,
    claimSet: ids,
    wallSeconds: 1261.5,
    runsTrained: 58,
    runsReused: 16,
    dataset: null,
    shard: null,
  };
}

/** The fixture results (full mode, 6 → 10 plan; layernorm merged from a quick run). */
export function fixtureResults(): Results {
  const claims = claimSpecs("full").map((s) => buildClaim(s));
  return { meta: meta("full", claims.map((c) => c.id)), claims };
}

/** The same claims in quick mode: seed 1 of every config, nothing judged (moments still errs). */
export function fixtureQuickResults(): Results {
  const claims = claimSpecs("quick").map((s) => buildClaim(s));
  return { meta: meta("quick", claims.map((c) => c.id)), claims };
}

/**
 * History: two old lines (results schema 1: pass/fail verdicts, no seeds), a quick run and the
 * fixture's own full run; general-relu's old headline was NaN, and once a lost run (−∞).
 */
export function fixtureHistory(): HistoryLine[] {
  const results = fixtureResults();
  const ids = results.claims.map((c) => c.id);
  const old = [0.86, 0.84].map((v, i): HistoryLine => ({
    date: `2026-11-2${i}T00:00:00.000Z`,
    commit: `c${i}`,
    mode: "full",
    adapter: "llvmpipe",
    wallSeconds: 100,
    claims: Object.fromEntries(
      ids.map((id) => [id, {
        verdict: v < 0.85 ? "fail" : "pass",
        headline: id === "general-relu" ? (i === 0 ? NaN : -Infinity) : v,
      }]),
    ),
  }));
  const current = (r: Results): HistoryLine => ({
    date: r.meta.date,
    commit: r.meta.commit,
    mode: r.meta.mode,
    adapter: r.meta.adapter.description,
    driver: r.meta.driver,
    wallSeconds: r.meta.wallSeconds,
    claimSet: r.meta.claimSet,
    claims: Object.fromEntries(
      r.claims.map((
        c,
      ) => [c.id, { verdict: c.verdict, headline: c.headline.median, seeds: c.seedsUsed }]),
    ),
  });
  return [...old, current(fixtureQuickResults()), current(results)];
}

/**
 * A baseline for the fixture results, built to exercise every row of the comparison: lsuv's
 * seeds were 5 points better (regressed now), input-normalization was not reproduced (improved
 * now), schedules is not in it (new), one claim is only in the baseline, moments errs now, and
 * the trainer's code differs (an environment note).
 */
export function fixtureBaseline(): Results {
  const results = fixtureResults();
  const claims = results.claims
    .filter((c) => c.id !== "schedules")
    .map((c): ClaimResult => {
      if (c.id === "lsuv") {
        const key = subjectKey(c.headline.subject);
        return {
          ...c,
          headline: { ...c.headline, median: c.headline.median + 0.05 },
          configs: c.configs.map((x) =>
            x.name !== c.headline.subject.config ? x : {
              ...x,
              runs: x.runs.map((r) =>
                r.values[key] === undefined
                  ? r
                  : { ...r, values: { ...r.values, [key]: r.values[key] + 0.05 } }
              ),
            }
          ),
        };
      }
      if (c.id === "input-normalization") return { ...c, verdict: "not reproduced" };
      if (c.id === "moments") return { ...c, verdict: "reproduced", error: null };
      return c;
    });
  const retired = { ...results.claims[0], id: "retired-claim", title: "A claim since removed" };
  return {
    meta: {
      ...results.meta,
      date: "2026-11-20T09:00:00.000Z",
      commit: "fedcba9876543210fedcba9876543210fedcba98",
      codeIdentity: "0ldc0de0123456789abcdef0123456789abcdef0",
      claimSet: [...claims.map((c) => c.id), retired.id],
    },
    claims: [...claims, retired],
  };
}
