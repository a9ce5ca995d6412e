/**
 * The command line of `deno task bench`: its usage text, its flags and the rules between them
 * (a bad combination is a usage error, exit 2).
 *
 * @module
 */

import { z } from "zod";
import { lookPlan } from "../verdict/plan.ts";
import { parseFlags } from "./args.ts";
import { UsageError } from "./run_main.ts";

export const USAGE = `usage: deno task bench [options]

  --max-seeds N      truncate the look plan 6 → 10 → 20 to looks ≤ N (e.g. 10: looks 6, 10)
  --seeds N          a fixed seed count instead of the plan (one look: exploration only)
  --quick            CI numerics check: seed 1 of every config, no verdicts
  --only ID[,ID]     run only these claims (merged into an existing results file of that mode)
  --out DIR          where results.json and the report go (default reports/latest)
  --runs DIR         the run store (default $CLAIMBENCH_RUNS or ~/.cache/claimbench/runs)
  --fresh            train every run again (the store is still updated)
  --check            compare with the baseline; exit 5 on a regression, 1 on a claim error
  --baseline FILE    the baseline for --check (default reports/baseline.json)
  --update-baseline  write this full run as the baseline (refused for --quick)
  --summary FILE     write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY)
  --shard I/N        train only the I-th of N partitions of the runs (by config and seed); runs
                     of other shards are read from the store if there, else the look is not
                     judged (merge: deno task runs import, then bench --no-train)
  --no-train         train nothing: judge what the store holds; exit 7 if a look lacks runs
  --jobs N|auto      train N runs at once, each in its own worker process (default auto: one
                     per CPU core, at most 8, on a CPU adapter such as lavapipe; 1 on a GPU)
  --data-dir DIR     Fashion-MNIST directory (default: found or fetched automatically)
  --quiet            no progress messages
  --json             print results.json to stdout instead of the table
  --list             list the claims, their configs and checks, and what a run costs

exit codes: 0 ok, 1 suite broke (a claim errored), 2 usage, 3 no adapter, 4 dataset,
5 a claim regressed against the baseline, 6 the run store is unusable, 7 incomplete (a look
lacks runs: --no-train), 130 interrupted (Ctrl-C; finished runs are kept: the same command resumes)`;

const count = (name: string) =>
  z.coerce.number({ error: `expected a whole number` }).int("expected a whole number").min(
    1,
    `expected at least 1`,
  ).max(100, "expected at most 100").optional().describe(name);

const Flags = z.object({
  only: z.string().regex(
    /^[a-z0-9-]+(,[a-z0-9-]+)*$/,
    "expected claim ids like depth-survival,lsuv",
  ).optional(),
  "max-seeds": count("max-seeds"),
  seeds: count("seeds"),
  quick: z.boolean().default(false),
  out: z.string().min(1).default("reports/latest"),
  runs: z.string().min(1).optional(),
  fresh: z.boolean().default(false),
  check: z.boolean().default(false),
  baseline: z.string().min(1).default("reports/baseline.json"),
  "update-baseline": z.boolean().default(false),
  summary: z.string().min(1).optional(),
  shard: z.string().regex(/^\d+\/\d+$/, "expected I/N like 1/4").refine((s) => {
    const [i, n] = s.split("/").map(Number);
    return n >= 1 && i >= 1 && i <= n;
  }, "expected 1 ≤ I ≤ N").optional(),
  "data-dir": z.string().min(1).optional(),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
  list: z.boolean().default(false),
  "no-train": z.boolean().default(false),
  jobs: z.string().regex(/^(auto|[1-9]|[1-5]\d|6[0-4])$/, "expected auto or a whole number 1–64")
    .default("auto"),
  help: z.boolean().default(false),
});

export type BenchFlags = z.infer<typeof Flags>;

/** The flags, checked against each other; null when --help was asked (usage printed). */
export function parseBenchArgs(args: string[]) {
  const { flags, positionals } = parseFlags(args, {
    only: { type: "string" },
    "max-seeds": { type: "string" },
    seeds: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    runs: { type: "string" },
    fresh: { type: "boolean" },
    check: { type: "boolean" },
    baseline: { type: "string" },
    "update-baseline": { type: "boolean" },
    summary: { type: "string" },
    shard: { type: "string" },
    "data-dir": { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    list: { type: "boolean" },
    "no-train": { type: "boolean" },
    jobs: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return null;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (flags.quick && (flags.seeds !== undefined || flags["max-seeds"] !== undefined)) {
    throw new UsageError("--quick runs seed 1 of every config; it takes no --seeds or --max-seeds");
  }
  if (flags.quick && flags["update-baseline"]) {
    throw new UsageError(
      "--update-baseline: refused for --quick (the baseline is a full run under the look plan)",
    );
  }
  if (flags.only && flags["update-baseline"]) {
    throw new UsageError("--update-baseline: refused with --only (the baseline holds every claim)");
  }
  let plan;
  try {
    plan = lookPlan({ seeds: flags.seeds, maxSeeds: flags["max-seeds"] });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const shard = flags.shard
    ? { index: Number(flags.shard.split("/")[0]), count: Number(flags.shard.split("/")[1]) }
    : undefined;
  return { flags, plan, shard, only: flags.only?.split(",") };
}

export type BenchArgs = NonNullable<ReturnType<typeof parseBenchArgs>>;

/**
 * How many runs `--jobs` trains at once: a number as given; `auto` one per CPU core (at most 8) on
 * a CPU adapter, where one process leaves cores idle (docs/performance.md), and 1 on a GPU.
 */
export function jobCount(jobs: string, adapter: "cpu" | "gpu", cores: number): number {
  if (jobs !== "auto") return Number(jobs);
  return adapter === "cpu" ? Math.max(1, Math.min(8, cores)) : 1;
}
