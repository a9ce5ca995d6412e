/**
 * `deno task report [DIR]`: re-renders a run's report from `DIR/results.json`;
 * `deno task report --merge A B … [--out DIR]` merges shard results into one `results.json`;
 * `deno task report --compare A B [--out DIR]` renders a page of the differences from run A to
 * run B.
 *
 * @module
 */

import { z } from "zod";
import { compareWithBaseline, formatGateTable } from "../bench/gate.ts";
import { mergeResults } from "../bench/merge.ts";
import { appendHistory, historyLine, readHistory } from "../bench/history.ts";
import { readResults, type Results, writeAtomic, writeResults } from "../bench/results.ts";
import { markdownSummary } from "../bench/summary.ts";
import { compareRuns, environmentDifferences, renderComparison } from "../report/compare.ts";
import { renderReport } from "../report/render.ts";
import { writeWebBundle } from "../web/build.ts";
import { parseFlags } from "./args.ts";
import { EXIT, runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task report [DIR] [--history FILE] [--baseline FILE]
       deno task report --merge RESULTS.json RESULTS.json … [--out DIR] [--check]
                        [--summary FILE] [--baseline FILE]
       deno task report --compare A/results.json B/results.json [--out DIR]

Renders DIR/index.html and one page per claim from DIR/results.json (default DIR:
reports/latest), the run history (default reports/history.jsonl) and the baseline the pages
compare with (default reports/baseline.json; none if it is missing). Needs no GPU.
With --merge, combines shard results (deno task bench --shard i/n) into DIR/results.json
(default reports/latest) and renders its report; --check then gates it against the baseline
like \`deno task bench --check\` (exit 5: a claim regressed; 1: a claim errored), appends the
merged run to the history and writes a Markdown summary with --summary.
With --compare, renders DIR/index.html (default reports/compare): what changed from run A to
run B, claim by claim (verdicts, headline medians, check decisions, every shared seed's values),
with the CI gate's status of B against A and the claims only in one of them.`;

const Flags = z.object({
  merge: z.boolean().default(false),
  compare: z.boolean().default(false),
  check: z.boolean().default(false),
  /** Default: reports/latest (--merge), reports/compare (--compare). */
  out: z.string().min(1).optional(),
  history: z.string().min(1).default("reports/history.jsonl"),
  baseline: z.string().min(1).default("reports/baseline.json"),
  summary: z.string().min(1).optional(),
  help: z.boolean().default(false),
});

/**
 * The baseline at `path`: null when there is none; a file that is not a schema-2 results file is
 * reported through `warn` and returned as `problem` (the pages then compare with nothing).
 */
async function readBaselineFile(
  path: string,
  warn: (m: string) => void,
): Promise<{ baseline: Results | null; problem: Error | null }> {
  try {
    await Deno.stat(path);
  } catch {
    return { baseline: null, problem: null };
  }
  try {
    return { baseline: await readResults(path), problem: null };
  } catch (err) {
    warn(`claimbench report: ${(err as Error).message}; the report compares with no baseline`);
    return { baseline: null, problem: err as Error };
  }
}

type ReportFlags = z.infer<typeof Flags>;

/** --compare A B: the page of differences from run A to run B. */
async function compareMode(flags: ReportFlags, positionals: string[]): Promise<number> {
  if (positionals.length !== 2) {
    throw new UsageError(
      `--compare: expected exactly two results files (A, then B), found ${positionals.length}`,
    );
  }
  if (flags.check || flags.summary) {
    throw new UsageError("--check and --summary go with --merge, not --compare");
  }
  const [pathA, pathB] = positionals;
  const a = await readResults(pathA); // a missing or bad file is a DataError (exit 4)
  const b = await readResults(pathB);
  const out = flags.out ?? "reports/compare";
  const cmp = compareRuns(a, b);
  const page = await renderComparison(out, cmp, { a: pathA, b: pathB });
  const moved = cmp.gate.rows.filter((r) => cmp.both.includes(r.id) && r.status !== "same");
  for (const note of environmentDifferences(a.meta, b.meta)) console.log(`note: ${note}`);
  console.log(
    `claimbench report: ${cmp.both.length} claim(s) in both (${moved.length} changed), ` +
      `${cmp.onlyA.length} only in A, ${cmp.onlyB.length} only in B → ${page}`,
  );
  return EXIT.ok;
}

/** --merge A B …: shard results into one results.json and its report; --check gates it. */
async function mergeMode(flags: ReportFlags, positionals: string[]): Promise<number> {
  const out = flags.out ?? "reports/latest";
  if (positionals.length < 2) {
    throw new UsageError(
      `--merge: expected at least two results files, found ${positionals.length}`,
    );
  }
  const parts = [];
  for (const path of positionals) parts.push({ path, results: await readResults(path) });
  let merged;
  try {
    merged = mergeResults(parts);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  await writeResults(`${out}/results.json`, merged);
  await appendHistory(flags.history, historyLine(merged));
  const { baseline, problem } = await readBaselineFile(flags.baseline, (m) => console.error(m));
  const pages = await renderReport(out, merged, await readHistory(flags.history), {
    baseline,
    baselinePath: flags.baseline,
    historyPath: flags.history,
  });
  await writeWebBundle(out, (m) => console.error(m));
  console.log(
    `merged ${parts.length} shard(s), ${merged.claims.length} claim(s) → ${out}/results.json, ` +
      `report in ${pages[0]}`,
  );
  // The gate never passes on a baseline it could not read.
  if (problem && flags.check) throw problem;
  const gate = compareWithBaseline(merged, baseline);
  if (flags.summary) await writeAtomic(flags.summary, markdownSummary(merged, gate));
  if (!flags.check) return EXIT.ok;
  console.log(formatGateTable(gate));
  if (gate.errored.length > 0) {
    console.error(`the suite broke: ${gate.errored.join(", ")} errored`);
    return EXIT.error;
  }
  if (gate.regressed.length > 0) {
    console.error(`check failed: ${gate.regressed.join(", ")} regressed`);
    return EXIT.regressed;
  }
  return EXIT.ok;
}

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    merge: { type: "boolean" },
    compare: { type: "boolean" },
    check: { type: "boolean" },
    out: { type: "string" },
    history: { type: "string" },
    baseline: { type: "string" },
    summary: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.merge && flags.compare) {
    throw new UsageError("--merge and --compare exclude each other");
  }
  if (flags.compare) return await compareMode(flags, positionals);
  if (flags.merge) return await mergeMode(flags, positionals);
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one DIR, found ${positionals.length}`);
  }
  const dir = positionals[0] ?? "reports/latest";
  const results = await readResults(`${dir}/results.json`); // a bad file is a DataError (exit 4)
  const { baseline } = await readBaselineFile(flags.baseline, (m) => console.error(m));
  const pages = await renderReport(dir, results, await readHistory(flags.history), {
    baseline,
    baselinePath: flags.baseline,
    historyPath: flags.history,
  });
  await writeWebBundle(dir, (m) => console.error(m));
  console.log(`claimbench report: ${pages.length} page(s) → ${pages[0]}`);
  return 0;
}

if (import.meta.main) await runMain("claimbench report", USAGE, main);
