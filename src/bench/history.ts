/**
 * `reports/history.jsonl`: one summary line per bench run, appended with a single write of the
 * complete line; a truncated last line (a crash mid-write) is skipped with a warning.
 *
 * @module
 */

import { z } from "zod";
import { AnyNumber, parseResults, stringifyResults } from "../util/json.ts";
import type { Results } from "./results.ts";

/**
 * One run's line. Lines written before results schema 2 have pass/fail verdicts and no claim set
 * or seeds: they still parse (verdict is any string), so old history keeps plotting.
 */
export const HistoryLineSchema = z.object({
  date: z.string(),
  commit: z.string(),
  mode: z.enum(["full", "quick"]),
  adapter: z.string(),
  /** The Vulkan driver (schema 2 on). */
  driver: z.string().nullable().optional(),
  wallSeconds: z.number(),
  /** Runs trained at once (`--jobs`); absent: 1. */
  jobs: z.number().int().positive().optional(),
  /** The claims the run covered (schema 2 on). */
  claimSet: z.array(z.string()).optional(),
  claims: z.record(
    z.string(),
    z.object({
      verdict: z.string(),
      /** The claim's headline: median over seeds (schema 2) or the old headline value. */
      headline: AnyNumber.nullable(),
      /** Seeds the claim used (schema 2 on). */
      seeds: z.number().int().optional(),
    }),
  ),
});
export type HistoryLine = z.infer<typeof HistoryLineSchema>;

/** The history line of a run. */
export function historyLine(results: Results): HistoryLine {
  return {
    date: results.meta.date,
    commit: results.meta.commit,
    mode: results.meta.mode,
    adapter: results.meta.adapter.description,
    driver: results.meta.driver,
    wallSeconds: results.meta.wallSeconds,
    jobs: results.meta.jobs ?? 1,
    claimSet: results.meta.claimSet,
    claims: Object.fromEntries(
      results.claims.map((c) => [c.id, {
        verdict: c.verdict,
        headline: c.headline.median,
        seeds: c.seedsUsed,
      }]),
    ),
  };
}

/** Appends one complete line (one `write` with O_APPEND, so lines never interleave). */
export async function appendHistory(path: string, line: HistoryLine): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  await Deno.mkdir(dir, { recursive: true });
  const file = await Deno.open(path, { append: true, create: true });
  try {
    const bytes = new TextEncoder().encode(stringifyResults(line) + "\n");
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } finally {
    file.close();
  }
}

/** Reads the history; unreadable lines are skipped with a warning through `warn`. */
export async function readHistory(
  path: string,
  warn: (message: string) => void = (m) => console.error(m),
): Promise<HistoryLine[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  const lines: HistoryLine[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    try {
      lines.push(HistoryLineSchema.parse(parseResults(raw)));
    } catch {
      warn(
        `warning: ${path}:${i + 1}: skipping an unreadable history line (truncated by a crash?)`,
      );
    }
  });
  return lines;
}
