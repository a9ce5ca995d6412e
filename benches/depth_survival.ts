/**
 * Claims 1–5 of `../shared/lesson-claims.md` §8 A (depth survival): 50 random linear layers,
 * x ← x @ W from x = randn(200, 100), blow up to NaN with W = randn, vanish to exact zeros with
 * randn × 0.01, keep an order-1 std with randn × 0.1 (Glorot); with a ReLU after each layer
 * randn × 0.1 vanishes and randn × √(2/100) (Kaiming) survives.
 *
 * Everything runs in float32 on the GPU through the project's own kernels: the Linear forward
 * (no bias), the GeneralReLU forward with no options (plain ReLU), and the activation-statistics
 * kernel recording the mean and std of x after every layer into a [depth, 42] buffer. One submit
 * and one readback per case and seed. Non-finite values and exact zeros are kept as measured.
 *
 * @module
 */
import { z } from "zod";
import {
  ACT_STATS_WIDTH,
  type ActStatsKernels,
  actStatsKernels,
  AnyNumber,
  type Claim,
  type GeneralReluKernels,
  generalReluKernels,
  type Gpu,
  type GpuTensor,
  type LinearKernels,
  linearKernels,
  type MetricInfo,
  type ProbeSubject,
  recordActStats,
  recordGeneralReluForward,
  recordLinearForward,
  Rng,
} from "../mod.ts";
import { alignedStride, fmt, hostStats, normalBlocks, uploadBlocks } from "./_signal.ts";

/** The five cases in the notebook's order; the names quote the lesson's width of 100. */
export const CASE_NAMES = [
  "randn",
  "x0.01",
  "x0.1 (Glorot)",
  "ReLU x0.1",
  "ReLU x sqrt(2/100) (Kaiming)",
] as const;
/** One of {@link CASE_NAMES}. */
export type CaseName = typeof CASE_NAMES[number];

/** Weight scale (as a function of the width I) and whether a ReLU follows each layer. */
const CASES: Record<CaseName, { relu: boolean; scale(I: number): number }> = {
  "randn": { relu: false, scale: () => 1 },
  "x0.01": { relu: false, scale: () => 0.01 },
  // 1/√n_in: exactly 0.1 at the lesson's width of 100.
  "x0.1 (Glorot)": { relu: false, scale: (I) => 1 / Math.sqrt(I) },
  "ReLU x0.1": { relu: true, scale: (I) => 1 / Math.sqrt(I) },
  "ReLU x sqrt(2/100) (Kaiming)": { relu: true, scale: (I) => Math.sqrt(2 / I) },
};

/** Claim 1–5 thresholds (lesson-claims.md §8 A), fixed in advance. */
const GLOROT_STD = { min: 0.4, max: 2.5 } as const;
const RELU_GLOROT_STD_MAX = 1e-5;
const KAIMING_STD = { min: 0.03, max: 5 } as const;
const KAIMING_OVER_RELU_GLOROT = 1e4;

/** The notebook's sizes (a seed takes well under a second). */
export const DepthSurvivalConfig = z.object({
  /** N: rows of x (the notebook's 200). */
  rows: z.number().int().min(1).max(4096).default(200),
  /** I = O: features, the size of every square weight matrix (the notebook's 100). */
  width: z.number().int().min(2).max(256).default(100),
  /** Layers (the notebook's 50). */
  depth: z.number().int().min(1).max(200).default(50),
});
/** {@link DepthSurvivalConfig} with its defaults applied. */
export type DepthSurvivalConfig = z.infer<typeof DepthSurvivalConfig>;

/** What one case measured in one seed; NaN and ±Infinity are recorded as such. */
export const CaseEvidence = z.object({
  name: z.enum(CASE_NAMES),
  /** The factor each randn weight was multiplied by. */
  scale: z.number(),
  relu: z.boolean(),
  /**
   * [depth]: unbiased std of all of x after layer d + 1 (act-stats kernel, f32). Its f32 sum of
   * squares overflows once |x| passes about 1e17, so for randn it reads Infinity from depth ≈ 18,
   * about 20 layers before x itself overflows (then NaN once x holds inf − inf).
   */
  perLayerStd: z.array(AnyNumber).min(1),
  /** [depth]: mean of all of x after layer d + 1 (for randn NaN from depth ≈ 38, where x does). */
  perLayerMean: z.array(AnyNumber).min(1),
  /** The last entry of perLayerStd: the notebook's `x.std()`. */
  finalStd: AnyNumber,
  /** max |x| of the final x read back (NaN when any value is NaN). */
  finalMaxAbs: AnyNumber,
  /** Whether every value of the final x is finite. */
  finalAllFinite: z.boolean(),
  /** x[0:5, 0:5] of the final x, as the notebook prints it. */
  finalBlock: z.array(z.array(AnyNumber)),
});
/** {@link CaseEvidence}, parsed. */
export type CaseEvidence = z.infer<typeof CaseEvidence>;

/** What one seed measured: the probe's `detail`, which the report draws per-layer std from. */
export const DepthSurvivalSeed = z.object({
  seed: z.number().int().min(0),
  /** The five cases, in {@link CASE_NAMES} order. */
  cases: z.array(CaseEvidence),
}).refine(
  (s) =>
    s.cases.length === CASE_NAMES.length && s.cases.every((c, i) => c.name === CASE_NAMES[i]) &&
    s.cases.every((c) =>
      c.perLayerStd.length === s.cases[0].perLayerStd.length &&
      c.perLayerMean.length === c.perLayerStd.length
    ),
  { message: `expected the cases ${CASE_NAMES.join(", ")} in order, with equal depths` },
);
/** {@link DepthSurvivalSeed}, parsed. */
export type DepthSurvivalSeed = z.infer<typeof DepthSurvivalSeed>;

interface Kernels {
  linear: LinearKernels;
  relu: GeneralReluKernels;
  stats: ActStatsKernels;
}

/**
 * Runs one case for one seed: `depth` layers from x0 [N, I], weights from `rng.derive("w", name,
 * layer)`, one submit, one readback of [stats | final x].
 */
async function runCase(
  gpu: Gpu,
  k: Kernels,
  o: { config: DepthSurvivalConfig; name: CaseName; x0: Float32Array; rng: Rng; seed: number },
): Promise<CaseEvidence> {
  const { rows: N, width: I, depth } = o.config;
  const { relu, scale: scaleOf } = CASES[o.name];
  const scale = scaleOf(I);
  // The notebook computes x @ W; the Linear kernel computes x·wᵀ. For W with i.i.d. N(0, scale²)
  // entries, Wᵀ has the same distribution, so drawing w [O = I, I] i.i.d. and computing x·wᵀ
  // samples the notebook's process exactly (a different draw of it, not the same numbers).
  const weights = uploadBlocks(
    gpu,
    normalBlocks((l) => o.rng.derive("w", o.name, l), { count: depth, elements: I * I, scale }),
    { shape: [I, I], label: `depth-survival ${o.name} w` }, // [depth, stride]; layer l: [O, I]
  );
  const label = `depth-survival ${o.name} seed ${o.seed}`;
  const x = gpu.upload(o.x0, [N, I], { dtype: "f32", label: `${label} x0` }); // [N, I]
  const a = gpu.tensor<"f32">([N, I], { label: `${label} a` }); // [N, I]
  const b = gpu.tensor<"f32">([N, I], { label: `${label} b` }); // [N, I]
  const t = gpu.tensor<"f32">([N, I], { label: `${label} pre-relu` }); // [N, I]
  // One readback buffer: stats rows [depth, 42], then (at a bindable offset) the final x [N, I].
  const xAt = alignedStride(depth * ACT_STATS_WIDTH);
  const readout = gpu.tensor<"f32">([xAt + N * I], { label: `${label} readout` });
  const stats = readout.slice(0, [depth, ACT_STATS_WIDTH]); // [depth, 42]
  const xOut = readout.slice(xAt, [N, I]); // [N, I]
  try {
    const rec = gpu.recorder(label);
    // Ping-pong between a and b; with ReLU the linear output goes to t first. A layer's output
    // never shares a buffer with its input (the kernels bind them read-only and read-write).
    let cur: GpuTensor<"f32"> = x;
    const other = (u: GpuTensor<"f32">) => (u === a ? b : a);
    for (let l = 0; l < depth; l++) {
      const y = relu ? t : other(cur);
      recordLinearForward(rec, k.linear, { x: cur, w: weights.block(l), b: null, y }, {
        N,
        I,
        O: I,
      });
      if (relu) {
        const r = other(cur);
        recordGeneralReluForward(rec, k.relu, { x: t, y: r }); // no options: plain ReLU
        cur = r;
      } else {
        cur = y;
      }
      recordActStats(rec, k.stats, { x: cur, out: stats }, l);
    }
    rec.copy(cur, xOut);
    rec.submit();
    const host = await gpu.read(readout);
    const perLayerMean: number[] = [];
    const perLayerStd: number[] = [];
    for (let l = 0; l < depth; l++) {
      perLayerMean.push(host[l * ACT_STATS_WIDTH]);
      perLayerStd.push(host[l * ACT_STATS_WIDTH + 1]);
    }
    const final = host.subarray(xAt, xAt + N * I); // [N, I]
    const s = hostStats(final);
    const finalBlock: number[][] = [];
    for (let r = 0; r < Math.min(5, N); r++) {
      finalBlock.push(Array.from(final.subarray(r * I, r * I + Math.min(5, I))));
    }
    return {
      name: o.name,
      scale,
      relu,
      perLayerStd,
      perLayerMean,
      finalStd: perLayerStd[depth - 1],
      finalMaxAbs: s.maxAbs,
      finalAllFinite: s.allFinite,
      finalBlock,
    };
  } finally {
    for (const u of [weights.tensor, x, a, b, t, readout]) gpu.destroy(u);
  }
}

/** The probe's metrics: one number per seed each (events are 1 = happened, 0 = not). */
export const DEPTH_SURVIVAL_METRICS = {
  randnNonFinite: { label: "final x has a non-finite value (randn weights)", unit: "event" },
  smallMaxAbs: { label: "final max |x| (randn × 0.01 weights)", unit: "value" },
  glorotStd: { label: "final std of x (randn × 0.1 weights, Glorot)", unit: "value" },
  reluGlorotStd: { label: "final std of x (ReLU, randn × 0.1 weights)", unit: "value" },
  kaimingStd: {
    label: "final std of x (ReLU, randn × √(2/100) weights, Kaiming)",
    unit: "value",
  },
  kaimingOverReluGlorot: {
    label: "final std with Kaiming ÷ final std with ReLU × 0.1 (same seed)",
    unit: "ratio",
  },
} as const satisfies Record<string, MetricInfo>;
/** A metric name of {@link DEPTH_SURVIVAL_METRICS}. */
export type DepthSurvivalMetric = keyof typeof DEPTH_SURVIVAL_METRICS;

/** The case `name` of one seed. */
function caseOf(s: DepthSurvivalSeed, name: CaseName): CaseEvidence {
  const c = s.cases.find((c) => c.name === name);
  if (c === undefined) throw new RangeError(`depth-survival: seed ${s.seed} has no ${name}`);
  return c;
}

/**
 * The metrics of one seed, from its cases as measured. The ratio is claim 5's "at least 10⁴ × the
 * std of claim 4" per seed: Infinity when claim 4's std is exactly 0 (the most extreme form of
 * vanishing, so any Kaiming std > 0 clears it; its own range check still applies), NaN when either
 * std is NaN or both are 0 (NaN is no evidence of vanishing or of surviving, and fails every check).
 */
export function depthSurvivalMetrics(s: DepthSurvivalSeed): Record<DepthSurvivalMetric, number> {
  const kaiming = caseOf(s, "ReLU x sqrt(2/100) (Kaiming)").finalStd;
  const reluGlorot = caseOf(s, "ReLU x0.1").finalStd;
  let ratio: number;
  if (Number.isNaN(kaiming) || Number.isNaN(reluGlorot)) ratio = NaN;
  else if (reluGlorot === 0) ratio = kaiming > 0 ? Infinity : NaN; // also for a −0 std
  else ratio = kaiming / reluGlorot;
  return {
    randnNonFinite: caseOf(s, "randn").finalAllFinite ? 0 : 1,
    smallMaxAbs: caseOf(s, "x0.01").finalMaxAbs,
    glorotStd: caseOf(s, "x0.1 (Glorot)").finalStd,
    reluGlorotStd: reluGlorot,
    kaimingStd: kaiming,
    kaimingOverReluGlorot: ratio,
  };
}

/** The probe's config name in the claim. */
const STACK = "stack";
const stack = (metric: DepthSurvivalMetric) => ({ config: STACK, metric });

/**
 * The probe: for one seed, one x = randn(rows, width) from `rng.derive("x")` shared by the five
 * cases (a paired comparison), then each case in {@link CASE_NAMES} order.
 */
export function depthSurvivalProbe(config: DepthSurvivalConfig): ProbeSubject {
  return {
    kind: "probe",
    label: `${config.depth} random layers, x = randn(${config.rows}, ${config.width})`,
    params: config,
    metrics: DEPTH_SURVIVAL_METRICS,
    async run({ gpu, seed, log }) {
      // Compiled once per device: the pipeline cache returns the same kernels on later seeds.
      const [linear, relu, stats] = await Promise.all([
        linearKernels(gpu),
        generalReluKernels(gpu),
        actStatsKernels(gpu),
      ]);
      const k: Kernels = { linear, relu, stats };
      const rng = new Rng(seed);
      // [N, I]
      const x0 = rng.derive("x").fillNormal(new Float32Array(config.rows * config.width));
      const cases: CaseEvidence[] = [];
      for (const name of CASE_NAMES) {
        cases.push(await runCase(gpu, k, { config, name, x0, rng, seed }));
      }
      log(
        `depth-survival seed ${seed}: final std ` +
          cases.map((c) => `${c.name} ${fmt(c.finalStd)}`).join(", "),
      );
      const detail: DepthSurvivalSeed = { seed, cases };
      return { metrics: depthSurvivalMetrics(detail), detail };
    },
  };
}

/** Claims 1–5: depth survival of random linear (and ReLU) stacks at five weight scales. */
export const claim: Claim<DepthSurvivalConfig> = {
  id: "depth-survival",
  title: "50 random layers: randn blows up, ×0.01 vanishes, Glorot survives; " +
    "with ReLU Glorot vanishes and Kaiming survives",
  source: "nb 11_initializing, '## Glorot/Xavier init' (the randn, ×0.01 and ×0.1 cells, then " +
    "`x.std()`) and '## Kaiming/He init › ### Background' (the two ReLU cells); video 16:05 " +
    "'Why do we need a mean of 0 and standard deviation of 1?', 29:33 'Xavier Glorot " +
    "initialization', 35:27 'ReLU and Kaiming He initialization'",
  quote: "if we run this after 50 times of multiplying by a matrix by a matrix by a matrix by a " +
    "matrix we end up with NANs that's no good … let's try multiplying by 0.01 and we multiply " +
    "that lots of times oh now we've got zeros … we multiply by random numbers times 0.1 which " +
    "is this is the gloro [Glorot] initialization you can see we do end up with numbers that are " +
    "actually reasonable … create it like a deep neural network with Glauro [Glorot] initialization but " +
    "with a ReLU oh dear it's disappeared it's all gone to zero … we have to multiply it by root " +
    "2 over 100 and there we go you can see we are in fact getting some nonzero numbers that's " +
    "very encouraging even after going through 50 layers of depth",
  claimNumbers: [1, 2, 3, 4, 5],
  lesson: [
    {
      claim: 3,
      label: "nb 11 '## Glorot/Xavier init', `x.std()` after 50 layers of randn × 0.1",
      value: 0.85,
      subject: stack("glorotStd"),
    },
  ],
  lessonNotes: [
    "randn: x[0:5, 0:5] all nan",
    "×0.01: x[0:5, 0:5] all 0.",
    "×0.1 (Glorot): x[0] = -0.81, -0.20, -0.18, 0.24, -0.47",
    "ReLU ×0.1: x[0:5, 0:5] all 0.00",
    "ReLU × √(2/100) (Kaiming): x[0:5, 0:5] small nonzero values among zeros, e.g. 0.07, 0.01, " +
    "0.07, 0.06, 0.15, 0.02",
  ],
  config: DepthSurvivalConfig,
  subjects: (c) => ({ [STACK]: depthSurvivalProbe(c) }),
  // Each in every seed (verdicts.md §4 rows 1–5): one counterexample refutes.
  checks: [
    {
      id: "1-randn-nonfinite",
      claim: 1,
      kind: "every-seed",
      subject: stack("randnNonFinite"),
      min: 1,
    },
    // "All 0." as max 0. The every-seed judge compares with a slack of 1e-9 (ROUNDING in
    // src/verdict/judge.ts), so a max |x| in (0, 1e-9] would pass too. The ×0.01 stack shrinks
    // x by about 10 per layer, so 50 layers (≈ 1e-50) are far below f32's smallest denormal
    // (1.4e-45) and the measured x is exact zeros; a value in (0, 1e-9] would need a kernel
    // broken in a way that still shrinks x.
    { id: "2-small-zero", claim: 2, kind: "every-seed", subject: stack("smallMaxAbs"), max: 0 },
    {
      id: "3-glorot-std",
      claim: 3,
      kind: "every-seed",
      subject: stack("glorotStd"),
      ...GLOROT_STD,
    },
    // §8 says "< 1e-5"; every-seed's max is inclusive (≤ 1e-5, plus the judge's 1e-9 slack). The
    // difference is immaterial here: the measured stds are about 1e-8.
    {
      id: "4-relu-glorot-vanishes",
      claim: 4,
      kind: "every-seed",
      subject: stack("reluGlorotStd"),
      max: RELU_GLOROT_STD_MAX,
    },
    {
      id: "5-kaiming-std",
      claim: 5,
      kind: "every-seed",
      subject: stack("kaimingStd"),
      ...KAIMING_STD,
    },
    {
      id: "5-kaiming-over-relu-glorot",
      claim: 5,
      kind: "every-seed",
      subject: stack("kaimingOverReluGlorot"),
      min: KAIMING_OVER_RELU_GLOROT,
    },
  ],
  headline: {
    label: "Kaiming (ReLU x sqrt(2/100)) final std",
    subject: stack("kaimingStd"),
    better: "higher",
    // Noisy: a float32 numpy simulation (2000 seeds) puts the median of 3 seeds between 0.23 and
    // 1.06 (5th–95th percentile); here 40 seeds gave a median of 0.42 (5th–95th 0.11–1.9) and
    // seeds 1–3 give 1.11, 1.28, 0.39. Reruns of the same seeds are bit-identical, so 0.5 flags
    // a real change (towards claim 4's ≈ 1e-8) without tripping on a kernel's rounding.
    tolerance: 0.5,
  },
};
