/**
 * The claim contract: what a module in `benches/` exports so `deno task bench` can run it under
 * the look plan and judge it. A claim is data: its configs (training configs or GPU probes), the
 * per-run metrics it needs beyond the built-in ones, its checks (typed, see `src/verdict/check.ts`)
 * and the lesson's reference numbers. The runner trains or probes the seeds the plan asks for,
 * shares runs between claims, and judges; the claim module computes no verdict.
 *
 * @module
 */

import { z } from "zod";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import type { CheckSpec, Subject } from "../verdict/check.ts";
import type { TrainRun } from "./evidence.ts";
import type { TrainConfig } from "./training.ts";
import { AnyNumber } from "../util/json.ts";
import type { Infer, Schema } from "../util/schema.ts";

/** Full mode follows the look plan; quick mode runs seed 1 of every config and judges nothing. */
export type RunMode = "full" | "quick";

/** The schema of {@link MetricUnit}. */
export const MetricUnitSchema = z.enum(["accuracy", "event", "value", "ratio"]);
/** @internal zod's type of {@link MetricUnitSchema}. */
type MetricUnitZod = typeof MetricUnitSchema;
/** How a metric's values read: accuracies print as %, events as yes/no, ratios and values as is. */
export type MetricUnit = Infer<MetricUnitZod>;

/** The schema of {@link MetricInfo}. */
export const MetricInfoSchema = z.object({
  /** "eval accuracy", "max dead fraction after batch 25"; the epoch is added where given. */
  label: z.string(),
  unit: MetricUnitSchema,
});
/** @internal zod's type of {@link MetricInfoSchema}. */
type MetricInfoZod = typeof MetricInfoSchema;
/** A metric's human label and unit, as results record it for the report. */
export type MetricInfo = Infer<MetricInfoZod>;

/** A per-run metric a claim defines on training runs (built-ins: `src/bench/metrics.ts`). */
export interface TrainMetric extends MetricInfo {
  /** The metric's value on one finished run. */
  of(run: TrainRun): number;
}

/** What a probe measured in one seed: named metric values, and detail for the report's charts. */
export interface ProbeResult {
  /** Values by metric name (the names of the subject's `metrics`). */
  metrics: Record<string, number>;
  /** Anything the report's charts draw from (recorded as JSON with the run). */
  detail: unknown;
}

/** What a probe gets. */
export interface ProbeContext {
  /** The GPU to run on. */
  gpu: Gpu;
  /** The seed of this run: every random draw of the probe derives from it. */
  seed: number;
  /** Writes a progress line (the CLI's log, the browser's status). */
  log(message: string): void;
  /** Fashion-MNIST on the GPU, loaded once per process on first use (probes that train). */
  data(): Promise<GpuFashionMnist>;
  /** Aborts between batches (Ctrl-C, the browser's Cancel). */
  signal?: AbortSignal;
}

/** A training configuration of the claim. */
export interface TrainSubject {
  /** Tells the subject kinds apart. */
  kind: "train";
  /** Human label: "GeneralReLU + Kaiming(0.1)". */
  label: string;
  /** The run to train, seed by seed; equal configs share their runs across claims. */
  config: TrainConfig;
}

/** A pure tensor experiment (no training), run once per seed. */
export interface ProbeSubject {
  /** Tells the subject kinds apart. */
  kind: "probe";
  /** Human label: "50 random layers, x = randn(…)". */
  label: string;
  /** Its parameters, recorded and part of the run's identity. */
  params: unknown;
  /** Metric labels and units of what `run` returns. */
  metrics: Record<string, MetricInfo>;
  /**
   * Seeds the probe runs at a look of the plan; default 20 (pure tensor math is cheap). A probe
   * that trains (the LR finder) declares fewer.
   */
  seeds?: number;
  /** The probe trains on Fashion-MNIST (`ctx.data()`): the browser asks the reader for it. */
  needsData?: boolean;
  /** Runs the probe for `ctx.seed`. */
  run(ctx: ProbeContext): Promise<ProbeResult>;
}

/** One of a claim's configs. */
export type ClaimSubject = TrainSubject | ProbeSubject;

/** The schema of {@link LessonNumber}. */
export const LessonNumberSchema = z.object({
  claim: z.number().int(),
  /** Human label: "nb 11 cell 97, 3 epochs". */
  label: z.string(),
  value: z.number(),
  /** The subject the number is a value of, when it is one of ours (null: context only). */
  subject: z.object({
    config: z.string(),
    metric: z.string(),
    epoch: z.number().int().optional(),
  }).nullable(),
});
/** @internal zod's type of {@link LessonNumberSchema}. */
type LessonNumberZod = typeof LessonNumberSchema;
/** A number the lesson reported, typed: which config, metric and epoch it is the value of. */
export type LessonNumber = Infer<LessonNumberZod>;

/** The schema of {@link LessonFigure}. */
export const LessonFigureSchema = z.enum(["general-relu-shape", "ewma-demo"]);
/** @internal zod's type of {@link LessonFigureSchema}. */
type LessonFigureZod = typeof LessonFigureSchema;
/** Figures a claim page can show beside its evidence: the lesson's explanatory plots. */
export type LessonFigure = Infer<LessonFigureZod>;

/** A claim module (`benches/<id>.ts` exports one as `claim`). */
export interface Claim<C = unknown> {
  /** kebab-case, equal to the file name with `_` → `-`. */
  id: string;
  /** The claim in one line: the heading of its page. */
  title: string;
  /** Where in the lesson: notebook cell and/or video timestamp. */
  source: string;
  /** The lesson's own words. */
  quote: string;
  /** Numbers of the lesson's claims this module judges. */
  claimNumbers: number[];
  /** The lesson's reference numbers, typed. */
  lesson: LessonNumber[];
  /** Facts the lesson states in words (e.g. "all nan"), shown beside the numbers. */
  lessonNotes?: string[];
  /** Config schema with the lesson's defaults. */
  config: Schema<C>;
  /** The claim's configs by name, from the validated config. */
  subjects(config: C): Record<string, ClaimSubject>;
  /** Per-run metrics of training configs beyond the built-ins, by name. */
  metrics?: Record<string, TrainMetric>;
  /** The checks, fixed in advance; subjects name configs of `subjects` and metrics. */
  checks: CheckSpec[];
  /**
   * The number the claim is tracked by in history and the quick gate, and how far it may move in
   * its worse direction before the gate fails.
   */
  headline: { subject: Subject; better: "higher" | "lower"; tolerance: number; label: string };
  /** What we found beyond the verdict (e.g. where a config diverges and why), for its page. */
  findings?: string;
  /** Ids of claims whose checks this claim's verdict depends on (a shared config). */
  dependsOn?: string[];
  /** Lesson figures that explain the claim (drawn from the lesson's formulas, not measured). */
  figures?: LessonFigure[];
}

/** The schema of {@link Summary}. */
export const SummarySchema = z.object({
  n: z.number().int(),
  mean: AnyNumber,
  std: AnyNumber,
  median: AnyNumber,
  /** 95% interval of the mean (Student t), [lo, hi]; equal to the mean for n = 1. */
  ci95: z.tuple([AnyNumber, AnyNumber]),
});
/** @internal zod's type of {@link SummarySchema}. */
type SummaryZod = typeof SummarySchema;
/** Summary statistics over seeds (descriptive; verdicts use `src/verdict`). */
export type Summary = Infer<SummaryZod>;
