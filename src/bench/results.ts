/**
 * `results.json`: run metadata and, per claim, its config, evidence, statistics and verdict.
 * Versioned with zod; written atomically (temp file + rename) so an interrupted run leaves the
 * previous results intact.
 *
 * @module
 */

import { z } from "zod";
import { DataError } from "../data/errors.ts";
import { AnyNumber, SummarySchema } from "./contract.ts";
import { parseResults, stringifyResults } from "./json.ts";

/** Bumped when the shape changes incompatibly. */
export const RESULTS_SCHEMA_VERSION = 1;

export const RunMetaSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA_VERSION),
  date: z.string(),
  commit: z.string(),
  denoVersion: z.string(),
  adapter: z.object({
    description: z.string(),
    vendor: z.string(),
    architecture: z.string(),
    device: z.string(),
    isFallbackAdapter: z.boolean(),
    features: z.array(z.string()),
    limits: z.record(z.string(), z.number()),
  }),
  mode: z.enum(["full", "quick"]),
  seeds: z.array(z.number().int()),
  wallSeconds: z.number(),
  dataset: z.unknown().nullable(),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).nullable(),
  /** Kernel tuning overrides in use ({} = defaults); grid-only, so results do not depend on it. */
  kernelTuning: z.record(z.string(), z.unknown()).optional(),
});
export type RunMeta = z.infer<typeof RunMetaSchema>;

export const ClaimResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  source: z.string(),
  quote: z.string(),
  claimNumbers: z.array(z.number().int()),
  lesson: z.record(z.string(), z.union([z.number(), z.string()])),
  mode: z.enum(["full", "quick"]),
  quickNote: z.string().nullable(),
  seeds: z.array(z.number().int()),
  config: z.unknown(),
  evidence: z.unknown(),
  headline: z.object({
    name: z.string(),
    value: AnyNumber,
    tolerance: z.number(),
    perSeed: z.array(AnyNumber),
    summary: SummarySchema.extend({
      mean: AnyNumber,
      std: AnyNumber,
      median: AnyNumber,
      ci95: z.tuple([AnyNumber, AnyNumber]),
    }).nullable(),
  }).nullable(),
  verdict: z.enum(["pass", "fail", "error"]),
  explanation: z.string(),
  seconds: z.number(),
});
export type ClaimResult = z.infer<typeof ClaimResultSchema>;

export const ResultsSchema = z.object({ meta: RunMetaSchema, claims: z.array(ClaimResultSchema) });
export type Results = z.infer<typeof ResultsSchema>;

/** Writes `text` to `path` atomically: a temp file in the same directory, then a rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const temp = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, path);
}

/** Validates and writes `results` to `path` atomically. */
export async function writeResults(path: string, results: Results): Promise<void> {
  ResultsSchema.parse(results);
  await writeAtomic(path, stringifyResults(results, 2) + "\n");
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
  let raw: unknown;
  try {
    raw = parseResults(text);
  } catch (err) {
    throw new DataError(path, "valid JSON", (err as Error).message);
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
