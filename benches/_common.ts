/**
 * Helpers shared by the training claims (claims 7–21 and 25 of the lesson): the lesson's training
 * configurations (one place, so claims that compare against the same configuration share its runs
 * seed by seed), and builders for subjects and typed checks. Not a claim module (the registry
 * skips `_` files).
 *
 * @module
 */
import { z } from "zod";
import { type Subject, type TrainConfig, TrainConfigSchema, type TrainSubject } from "../mod.ts";

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

/** A training config of a claim. */
export function train(label: string, config: TrainConfig): TrainSubject {
  return { kind: "train", label, config };
}

/** Eval (the 10k test split) accuracy of `config` after epoch `epoch`. */
export function evalAt(config: string, epoch: number): Subject {
  return { config, metric: "evalAccuracy", epoch };
}

/** Train accuracy (running average over epoch `epoch`, as MetricsCB logs it) of `config`. */
export function trainAt(config: string, epoch: number): Subject {
  return { config, metric: "trainAccuracy", epoch };
}

/** Accuracy points as a fraction: 0.5 points = 0.005. */
export function points(p: number): number {
  return p / 100;
}
