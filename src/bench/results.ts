/**
 * `results.json`, schema version 2: the run's provenance and plan; per claim its configs with
 * every run (outcome, per-epoch values, the evidence the report draws), its typed checks as
 * judged, the verdict and the figures reported beside it. Versioned with zod; written atomically
 * (temp file + rename) so an interrupted run leaves the previous results intact.
 *
 * @module
 */

import { z } from "zod";
import { DataError } from "../data/errors.ts";
import { JudgedCheckSchema, SubjectSchema } from "../verdict/check.ts";
import { LookPlanSchema } from "../verdict/plan.ts";
import { LessonFigureSchema, LessonNumberSchema, MetricInfoSchema } from "./contract.ts";
import { TrainRunSchema } from "./evidence.ts";
import { AnyNumber, parseResults, stringifyResults } from "../util/json.ts";
import { DivergedAtSchema } from "./outcome.ts";

/** Bumped when the shape changes incompatibly. */
export const RESULTS_SCHEMA_VERSION = 2;

export const AdapterSchema = z.object({
  description: z.string(),
  vendor: z.string(),
  architecture: z.string(),
  device: z.string(),
  isFallbackAdapter: z.boolean(),
  features: z.array(z.string()),
  limits: z.record(z.string(), z.number()),
});

export const RunMetaSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA_VERSION),
  date: z.string(),
  commit: z.string(),
  denoVersion: z.string(),
  adapter: AdapterSchema,
  /** The Vulkan driver package and version (the adapter string does not name it), or null. */
  driver: z.string().nullable(),
  /** The trainer's code identity (`src/store/code_identity.ts`). */
  codeIdentity: z.string(),
  mode: z.enum(["full", "quick"]),
  /** The look plan (null in quick mode, which judges nothing). */
  plan: LookPlanSchema.nullable(),
  /** Claim ids the file holds (a merge of --only runs lists them all). */
  claimSet: z.array(z.string()),
  wallSeconds: z.number(),
  /** Runs trained in this process and runs read back from the store. */
  runsTrained: z.number().int(),
  runsReused: z.number().int(),
  /** Runs trained at once (`--jobs`), which the wall time depends on; absent before: 1. */
  jobs: z.number().int().positive().optional(),
  /** Runs a look needed but the store lacked (shards, `--no-train`); empty when complete. */
  missingRuns: z.array(z.object({
    label: z.string(),
    config: z.unknown(),
    seed: z.number().int(),
    claims: z.array(z.string()),
  })).optional(),
  dataset: z.unknown().nullable(),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).nullable(),
  /** Kernel tuning overrides in use ({} = defaults); grid-only, so results do not depend on it. */
  kernelTuning: z.record(z.string(), z.unknown()).optional(),
});
export type RunMeta = z.infer<typeof RunMetaSchema>;

/** Whether runs trained side by side (`--jobs` > 1 and more than one trained): wall time depends on it. */
export function trainedSideBySide(m: RunMeta): boolean {
  return (m.jobs ?? 1) > 1 && m.runsTrained > 1;
}

/** " (2 at once)" after a count of trained runs when they trained side by side, else "". */
export function atOnce(m: RunMeta): string {
  return trainedSideBySide(m) ? ` (${m.jobs} at once)` : "";
}

/** One run of a config: its outcome, the values the checks read, and its evidence. */
export const RunEntrySchema = z.object({
  seed: z.number().int(),
  outcome: z.enum(["trained", "collapsed", "diverged", "failed"]),
  divergedAt: DivergedAtSchema.nullable(),
  /** Values of the claim's subjects on this run, by subject key (`subjectKey`). */
  values: z.record(z.string(), AnyNumber),
  /** Training runs: the whole run (per-epoch values, batch losses, statistics). */
  run: TrainRunSchema.nullable(),
  /** Probes: what the probe recorded for the report. */
  detail: z.unknown().optional(),
  /** Why a run never trained (LSUV gave up), else null. */
  failure: z.string().nullable(),
});
export type RunEntry = z.infer<typeof RunEntrySchema>;

/** A proportion with its two-sided 95% interval. */
export const ProportionSchema = z.object({
  k: z.number().int(),
  n: z.number().int(),
  estimate: AnyNumber,
  interval: z.tuple([z.number(), z.number()]),
});

/** One config of a claim, with its runs in seed order. */
export const ConfigResultSchema = z.object({
  name: z.string(),
  label: z.string(),
  kind: z.enum(["train", "probe"]),
  config: z.unknown(),
  runs: z.array(RunEntrySchema),
  /** Reported, not judged: the share of seeds that diverged or failed, with its interval. */
  divergence: ProportionSchema,
});
export type ConfigResult = z.infer<typeof ConfigResultSchema>;

export const VerdictSchema = z.enum([
  "reproduced",
  "not reproduced",
  "inconclusive",
  "not judged",
  /** A look it needed lacked runs (another shard's, or `--no-train`): judge after a merge. */
  "incomplete",
  "error",
]);
export type ClaimVerdict = z.infer<typeof VerdictSchema>;

export const ClaimResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  source: z.string(),
  quote: z.string(),
  claimNumbers: z.array(z.number().int()),
  lesson: z.array(LessonNumberSchema),
  lessonNotes: z.array(z.string()),
  findings: z.string().nullable(),
  dependsOn: z.array(z.string()),
  /** Lesson figures the claim declares (explanatory, not measured). */
  figures: z.array(LessonFigureSchema).optional(),
  mode: z.enum(["full", "quick"]),
  configs: z.array(ConfigResultSchema),
  /** Label and unit of every metric the checks and values name. */
  metrics: z.record(z.string(), MetricInfoSchema),
  /** Judged checks in declaration order (empty in quick mode). */
  checks: z.array(JudgedCheckSchema),
  verdict: VerdictSchema,
  /** Seed count of the look that decided the verdict; null while inconclusive or not judged. */
  decidedAt: z.number().int().nullable(),
  /** Most seeds any of its configs ran. */
  seedsUsed: z.number().int(),
  headline: z.object({
    label: z.string(),
    subject: SubjectSchema,
    better: z.enum(["higher", "lower"]),
    tolerance: z.number(),
    /** Sample median over seeds, diverged runs ranked lowest (never NaN for ≥ 1 seed). */
    median: AnyNumber,
  }),
  /** For each comparison check: P(A > B) over paired seeds. */
  comparisons: z.array(z.object({
    check: z.string(),
    a: SubjectSchema,
    b: SubjectSchema,
    pAGreater: ProportionSchema,
  })),
  /** Where each lesson number with a subject falls among our seeds (0–100). */
  lessonPercentiles: z.array(z.object({
    label: z.string(),
    subject: SubjectSchema,
    value: z.number(),
    percentile: AnyNumber,
    n: z.number().int(),
  })),
  /** E[max_k], k = 1…n, of the headline over trained seeds. */
  expectedMax: z.array(AnyNumber),
  error: z.string().nullable(),
  seconds: z.number(),
});
export type ClaimResult = z.infer<typeof ClaimResultSchema>;

export const ResultsSchema = z.object({ meta: RunMetaSchema, claims: z.array(ClaimResultSchema) });
export type Results = z.infer<typeof ResultsSchema>;

/** The key of a subject in `RunEntry.values`: "metric" or "metric@epoch". */
export function subjectKey(s: { metric: string; epoch?: number }): string {
  return s.epoch === undefined ? s.metric : `${s.metric}@${s.epoch}`;
}

/** Writes `text` to `path` atomically: a temp file in the same directory, then a rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}

/**
 * Validates and writes `results` to `path` atomically: indented for reading, or compact (the
 * committed baseline: a third of the size, and nobody reads its diff).
 */
export async function writeResults(
  path: string,
  results: Results,
  o: { compact?: boolean } = {},
): Promise<void> {
  ResultsSchema.parse(results);
  await writeAtomic(path, stringifyResults(results, o.compact ? undefined : 1) + "\n");
}

/** Parses results text; problems are DataErrors naming `path` and what to do. */
export function parseResultsText(path: string, text: string): Results {
  let raw: unknown;
  try {
    raw = parseResults(text);
  } catch (err) {
    throw new DataError(path, "valid JSON", (err as Error).message);
  }
  const version = (raw as { meta?: { schema?: unknown } } | null)?.meta?.schema;
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new DataError(
      path,
      `results schema version ${RESULTS_SCHEMA_VERSION}`,
      version === 1
        ? "it is schema version 1 (3-seed pass/fail verdicts, before typed checks and the look " +
          "plan); re-run `deno task bench` to write version 2 (stored runs are reused)"
        : `schema version ${JSON.stringify(version ?? null)}`,
    );
  }
  const parsed = ResultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(
      path,
      `results schema version ${RESULTS_SCHEMA_VERSION}`,
      `${issue.message} at ${issue.path.join(".") || "the top level"}`,
    );
  }
  return parsed.data;
}

/** Reads and validates a results file; problems are DataErrors naming the file and the issue. */
export async function readResults(path: string): Promise<Results> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new DataError(
      path,
      "a results.json written by `deno task bench`",
      (err as Error).message,
    );
  }
  return parseResultsText(path, text);
}
