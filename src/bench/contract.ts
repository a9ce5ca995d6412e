/**
 * The claim contract: what a module in `benches/` exports so `deno task bench` can run it over
 * seeds, validate what it measured, and judge it against a criterion fixed in advance from the
 * lesson. Configs and evidence are zod schemas, validated at the boundary.
 *
 * @module
 */

import { z } from "zod";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";

/** Full mode is the lesson's configs exactly; quick mode is the CI-sized run a claim declares. */
export type RunMode = "full" | "quick";

/** What `run` gets. */
export interface ClaimContext<C> {
  gpu: Gpu;
  /** The validated config (defaults applied; quick overrides applied in quick mode). */
  config: C;
  /** Seeds to run, one evidence entry per seed. */
  seeds: number[];
  mode: RunMode;
  /** Fashion-MNIST on the GPU, loaded once per bench run on first use. */
  data(): Promise<GpuFashionMnist>;
  /** Progress messages (stderr, silent with --quiet). */
  log(message: string): void;
  /** Aborts a run between training batches (the browser's cancel button). */
  signal?: AbortSignal;
}

/** The judgement of a claim. */
export interface Verdict {
  verdict: "pass" | "fail" | "error";
  /** One line stating measured vs required numbers. */
  explanation: string;
}

/** The number a claim is tracked by in history and baselines (e.g. median final accuracy). */
export interface Headline {
  name: string;
  value: number;
  /** How far below the baseline the value may drop before `--check` fails (e.g. 0.01). */
  tolerance: number;
  /** Per seed, for statistics (mean, std, median, 95% interval). */
  perSeed: number[];
}

/** A claim module (`benches/<id>.ts` exports one as `claim`). */
export interface Claim<C = unknown, E = unknown> {
  /** kebab-case, equal to the file name with `_` → `-`. */
  id: string;
  title: string;
  /** Where in the lesson: notebook cell and/or video timestamp. */
  source: string;
  /** The lesson's own sentence. */
  quote: string;
  /** Numbers of `../shared/lesson-claims.md` §8 this module judges. */
  claimNumbers: number[];
  /** What the lesson reported, by name. */
  lesson: Record<string, number | string>;
  /** Config schema with the full-mode (lesson) defaults. */
  config: z.ZodType<C>;
  /** Overrides applied in quick mode (e.g. fewer seeds, epochs only where the criterion allows). */
  quick?: { seeds?: number; config?: Partial<C>; note: string };
  /** Evidence schema: what `run` returns. */
  evidence: z.ZodType<E>;
  run(ctx: ClaimContext<C>): Promise<E>;
  /** Judges the evidence; pure. */
  criterion(evidence: E, config: C): Verdict;
  /** The tracked number, from the evidence. */
  headline(evidence: E): Headline;
}

/**
 * Any number including NaN and ±Infinity (zod's `z.number()` rejects them): evidence such as a
 * blown-up activation std must be recorded as measured. Results files encode non-finite numbers
 * as the strings "NaN", "Infinity", "-Infinity" (see `src/bench/json.ts`).
 */
export const AnyNumber: z.ZodType<number> = z.custom<number>((v) => typeof v === "number", {
  message: "expected a number (NaN and ±Infinity allowed)",
});

/** Summary statistics over seeds. */
export const SummarySchema = z.object({
  n: z.number().int(),
  mean: z.number(),
  std: z.number(),
  median: z.number(),
  /** 95% interval of the mean (Student t), [lo, hi]; equal to the mean for n = 1. */
  ci95: z.tuple([z.number(), z.number()]),
});
export type Summary = z.infer<typeof SummarySchema>;
