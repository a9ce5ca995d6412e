/**
 * `deno task report [DIR]`: re-renders a run's report from `DIR/results.json`;
 * `deno task report --merge A B … [--out DIR]` merges shard results into one `results.json`.
 *
 * @module
 */

import { z } from "zod";
import { checkAgainstBaseline, formatCheckTable } from "../bench/check.ts";
import { mergeResults } from "../bench/merge.ts";
import { readHistory } from "../bench/history.ts";
import { readResults, writeResults } from "../bench/results.ts";
import { renderReport } from "../report/render.ts";
import { writeWebBundle } from "../web/build.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task report [DIR] [--history FILE]
       deno task report --merge RESULTS.json RESULTS.json … [--out DIR] [--check]

Renders DIR/index.html and one page per claim from DIR/results.json (default DIR:
reports/latest) and the run history (default reports/history.jsonl). Needs no GPU.
With --merge, combines shard results (deno task bench --shard i/n) into DIR/results.json
(default reports/latest) and renders its report; --check then gates it against
reports/baseline.json like \`deno task bench --check\`.`;

const Flags = z.object({
  merge: z.boolean().default(false),
  check: z.boolean().default(false),
  out: z.string().min(1).default("reports/latest"),
  history: z.string().min(1).default("reports/history.jsonl"),
  help: z.boolean().default(false),
});

const BASELINE = "reports/baseline.json";

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    merge: { type: "boolean" },
    check: { type: "boolean" },
    out: { type: "string" },
    history: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.merge) {
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
    await writeResults(`${flags.out}/results.json`, merged);
    const pages = await renderReport(flags.out, merged, await readHistory(flags.history));
    await writeWebBundle(flags.out, (m) => console.error(m));
    console.log(
      `merged ${parts.length} shard(s), ${merged.claims.length} claim(s) → ${flags.out}/results.json, ` +
        `report in ${pages[0]}`,
    );
    if (!flags.check) return 0;
    const baseline = await Deno.stat(BASELINE).then(() => readResults(BASELINE), () => null);
    const rows = checkAgainstBaseline(merged, baseline);
    console.log(formatCheckTable(rows));
    const failing = rows.filter((r) => r.failing);
    if (failing.length > 0) {
      console.error(`check failed: ${failing.map((r) => `${r.id} (${r.status})`).join(", ")}`);
      return 1;
    }
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one DIR, found ${positionals.length}`);
  }
  const dir = positionals[0] ?? "reports/latest";
  const results = await readResults(`${dir}/results.json`); // a bad file is a DataError (exit 4)
  const pages = await renderReport(dir, results, await readHistory(flags.history));
  await writeWebBundle(dir, (m) => console.error(m));
  console.log(`claimbench report: ${pages.length} page(s) → ${pages[0]}`);
  return 0;
}

if (import.meta.main) await runMain("claimbench report", USAGE, main);
