/**
 * Helpers shared by the training claims (claims 7–21 and 25 of `../shared/lesson-claims.md` §8):
 * the lesson's training configurations (one place, so claims that compare against the same
 * configuration share the memoised run), running a configuration over the claim's seeds, per-seed
 * accuracies, statistics that keep NaN, checks that render as one verdict line, and headlines.
 * Not a claim module (the registry skips `_` files).
 *
 * @module
 */
import { z } from "zod";
import {
  type ClaimContext,
  type Headline,
  summarize,
  type TrainConfig,
  TrainConfigSchema,
  type TrainRun,
  trainRun,
  type Verdict,
} from "../mod.ts";

/** A training configuration as written (zod input: omitted fields take the schema defaults). */
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/** nb 11: MomentumLearner (plain SGD, gradients scaled by 0.85), lr 0.2, bs 1024, 3 epochs. */
const NB11 = {
  learner: "momentum-learner",
  opt: "sgd",
  lr: 0.2,
  bs: 1024,
  epochs: 3,
  inputNorm: true,
  norm: "none",
} as const satisfies TrainConfigInput;

/** nb 12: TrainLearner, GeneralRelu(0.1, 0.4) + nn.BatchNorm2d + Kaiming(a = 0.1), bs 1024. */
const NB12 = {
  learner: "train",
  act: "general-relu",
  norm: "batchnorm",
  init: "kaiming",
  inputNorm: true,
  bs: 1024,
  epochs: 3,
} as const satisfies TrainConfigInput;

/**
 * The lesson's configurations (§5.1, §5.2, §8), by the name evidence keys their runs with. Every
 * claim that compares against one of these uses the entry here, so equal configurations parse to
 * the same TrainConfig and `trainRun` shares the run per seed.
 */
export const LESSON_CONFIGS = {
  /** 11-A (claim 7): PyTorch default init, ReLU, raw [0, 1] input, 1 epoch. */
  defaultInit: { ...NB11, act: "relu", init: "default", inputNorm: false, epochs: 1 },
  /** 11-B (claim 8): Kaiming(a = 0), ReLU, raw input. */
  kaimingRaw: { ...NB11, act: "relu", init: "kaiming", inputNorm: false },
  /** 11-C (claim 9): Kaiming(a = 0), ReLU, input (x − 0.28)/0.35. */
  kaimingNorm: { ...NB11, act: "relu", init: "kaiming" },
  /** 11-D (claims 10, 25): GeneralRelu + Kaiming(a = 0.1), with activation statistics. */
  generalRelu: { ...NB11, act: "general-relu", init: "kaiming", activationStats: true },
  /** 11-E (claim 11): PyTorch default init then LSUV, GeneralRelu. */
  lsuv: { ...NB11, act: "general-relu", init: "lsuv" },
  /** 11-F (claim 12): the lesson's LayerNorm (scalar affine). */
  layerNorm: { ...NB11, act: "general-relu", init: "kaiming", norm: "layernorm" },
  /** 11-G (claim 13): the lesson's BatchNorm (stop-gradient batch stats) at lr 0.4. */
  lessonBatchNorm: {
    ...NB11,
    act: "general-relu",
    init: "kaiming",
    norm: "lesson-batchnorm",
    lr: 0.4,
  },
  /** 11-H, 11-H2 (claim 14): nn.BatchNorm2d, bs 256, lr 0.2 × 3 epochs then 0.05 × 2 more. */
  towards90: {
    ...NB11,
    act: "general-relu",
    init: "kaiming",
    norm: "batchnorm",
    bs: 256,
    continueWith: { epochs: 2, lr: 0.05 },
  },
  /** 12-A (claim 15): custom SGD, lr 0.4. */
  sgd: { ...NB12, opt: "sgd", lr: 0.4 },
  /** 12-B (claim 16): lerp Momentum (mom 0.9), lr 1.5. */
  momentum: { ...NB12, opt: "momentum", lr: 1.5 },
  /** 12-C (claim 17): RMSProp (0.99, eps 1e-5 outside the sqrt, s₀ = g²), lr 3e-3. */
  rmsprop: { ...NB12, opt: "rmsprop", lr: 3e-3 },
  /** 12-D (claims 18, 19): the lesson's Adam (0.9/0.99, eps 1e-5 inside the sqrt), lr 6e-3. */
  adam: { ...NB12, opt: "adam", lr: 6e-3 },
  /** 12-E (claim 19): AdamW (wd 0.01), cosine per batch from 2e-2, T_max = 3·59 = 177. */
  cosineBatch: { ...NB12, opt: "adamw", wd: 0.01, lr: 2e-2, sched: "cosine-batch" },
  /** 12-F (claim 20): AdamW (wd 0.01), cosine per epoch: lr 0.02, 0.015, 0.005. */
  cosineEpoch: { ...NB12, opt: "adamw", wd: 0.01, lr: 2e-2, sched: "cosine-epoch" },
  /** 12-G (claim 21): AdamW (wd 0.01), OneCycle max 6e-2 over 5·59 = 295 steps, 5 epochs. */
  oneCycle: { ...NB12, opt: "adamw", wd: 0.01, lr: 6e-2, sched: "onecycle", epochs: 5 },
} as const satisfies Record<string, TrainConfigInput>;

/**
 * A TrainConfig schema defaulting to `lesson`: fields given in the claim's config override the
 * lesson's one by one (an omitted config is the lesson's exactly).
 */
export function lessonConfig(
  lesson: TrainConfigInput,
): z.ZodPreprocess<typeof TrainConfigSchema> {
  return z.preprocess(
    (v) => v === undefined ? lesson : typeof v === "object" && v !== null ? { ...lesson, ...v } : v,
    TrainConfigSchema,
  );
}

/** The quick mode of every training claim: one seed, nothing else reduced. */
export const QUICK = {
  seeds: 1,
  note: "1 seed; same configs, epochs and criteria (medians over 1 seed)",
} as const;

import { type Check, CheckSchema, RunsSchema } from "../src/bench/evidence.ts";
export { type Check, CheckSchema, RunsSchema };

/** Trains `config` on every seed of the claim, one after another (one GPU). */
export async function runSeeds(
  ctx: ClaimContext<unknown>,
  name: string,
  config: TrainConfig,
): Promise<TrainRun[]> {
  const runs: TrainRun[] = [];
  for (const seed of ctx.seeds) {
    ctx.log(`  ${name}: seed ${seed}`);
    runs.push(
      await trainRun(
        { gpu: ctx.gpu, data: ctx.data, log: ctx.log, signal: ctx.signal },
        config,
        seed,
      ),
    );
  }
  return runs;
}

/** Eval (valid = test split) accuracy after epoch `k` (1-based); NaN when it was never measured. */
export function evalAcc(run: TrainRun, k: number): number {
  return run.epochs[k - 1]?.validAccuracy ?? NaN;
}

/** Train accuracy (running average over epoch `k`, as MetricsCB logs it); NaN when missing. */
export function trainAcc(run: TrainRun, k: number): number {
  return run.epochs[k - 1]?.trainAccuracy ?? NaN;
}

/** Eval accuracy after epoch `k` of every run. */
export function evalAccs(runs: readonly TrainRun[], k: number): number[] {
  return runs.map((r) => evalAcc(r, k));
}

/**
 * Median and mean over seeds via `summarize`, except that any NaN makes both NaN: a diverged seed
 * is measured, and a sort must not hide it (summarize's sort leaves NaN wherever it lands).
 * No values give NaN too.
 */
export function seedStats(values: readonly number[]): { median: number; mean: number } {
  if (values.length === 0 || values.some(Number.isNaN)) return { median: NaN, mean: NaN };
  const s = summarize(values);
  return { median: s.median, mean: s.mean };
}

/**
 * Slack for comparisons of means and differences: far below the resolution of the quantities
 * compared (accuracies are multiples of 1e-4 on the 10k test split, their means over n ≤ 100 seeds
 * multiples of 1e-6), so it cannot flip a real decision; it only absorbs float rounding, e.g.
 * 0.873 − 0.868 = 0.00499999… for a gain of exactly 0.5 points.
 */
const ROUNDING = 1e-9;

/** measured ≥ required (NaN fails). */
export function atLeast(measured: number, required: number): boolean {
  return measured >= required - ROUNDING;
}

/** measured ≤ required (NaN fails). */
export function atMost(measured: number, required: number): boolean {
  return measured <= required + ROUNDING;
}

/** An accuracy for a verdict line (4 decimals, so 0.8399 and 0.84 read apart). */
export function acc(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

/** A difference of accuracies in points (0.019 → "+1.90 pts"). */
export function pts(v: number): string {
  if (!Number.isFinite(v)) return `${v} pts`;
  const p = v * 100;
  return `${p >= 0 ? "+" : ""}${p.toFixed(2)} pts`;
}

/** An unsigned amount of accuracy in points (0.02 → "2.00 pts"). */
export function pt(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)} pts` : `${v} pts`;
}

/** A check that the median of `values` is at least `required`. */
export function medianAtLeast(
  claim: number,
  what: string,
  values: readonly number[],
  required: number,
): Check {
  const { median } = seedStats(values);
  return {
    claim,
    text: `median ${what} ${acc(median)} (need ≥ ${acc(required)})`,
    ok: atLeast(median, required),
  };
}

/** A check that mean(`better`) − mean(`baseline`) ≥ `required` (accuracy units; 0.005 = 0.5 pts). */
export function meanGainAtLeast(
  claim: number,
  what: string,
  better: readonly number[],
  baseline: readonly number[],
  required: number,
): Check {
  const gain = seedStats(better).mean - seedStats(baseline).mean;
  return {
    claim,
    text: `${what} ${pts(gain)} (need ≥ ${pts(required)})`,
    ok: atLeast(gain, required),
  };
}

/** pass when every check holds; the explanation lists every check, measured vs required. */
export function verdictOf(checks: readonly Check[], note?: string): Verdict {
  const ok = checks.length > 0 && checks.every((c) => c.ok);
  const line = checks.map((c) => `#${c.claim} ${c.text} ${c.ok ? "✓" : "✗"}`).join("; ");
  return {
    verdict: ok ? "pass" : "fail",
    explanation: (checks.length ? line : "no checks") + (note ? `; ${note}` : ""),
  };
}

/** The headline of a claim tracked by a median accuracy over seeds. */
export function medianHeadline(
  name: string,
  perSeed: readonly number[],
  tolerance: number,
): Headline {
  return { name, value: seedStats(perSeed).median, tolerance, perSeed: [...perSeed] };
}
