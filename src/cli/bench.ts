/**
 * `deno task bench`: reproduces the lesson's claims (one module per claim in `benches/`) over
 * seeds, writes `<out>/results.json` atomically, appends a line to `reports/history.jsonl`, prints
 * the table, and with `--check` gates CI against `reports/baseline.json`.
 *
 * @module
 */

import { z } from "zod";
import { checkAgainstBaseline, formatCheckTable } from "../bench/check.ts";
import { appendHistory, historyLine, readHistory } from "../bench/history.ts";
import { readResults, writeResults } from "../bench/results.ts";
import { renderReport } from "../report/render.ts";
import { writeWebBundle } from "../web/build.ts";
import { runBench } from "../bench/runner.ts";
import { getGpu } from "../gpu/device.ts";
import { parseFlags } from "./args.ts";
import { useCachedTuning } from "./tuning.ts";
import { runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task bench [options]

  --only ID[,ID]   run only these claims
  --seeds N        seeds per claim (default 3)
  --quick          the CI-sized run each claim declares (fewer seeds/epochs only where allowed)
  --out DIR        where results.json goes (default reports/latest)
  --check          compare with reports/baseline.json; exit 1 on an error or a regression
  --shard I/N      run the I-th of N deterministic subsets of the claims
  --data-dir DIR   Fashion-MNIST directory (default: found or fetched automatically)
  --quiet          no progress messages
  --json           print results.json to stdout instead of the table`;

const Flags = z.object({
  only: z.string().regex(
    /^[a-z0-9-]+(,[a-z0-9-]+)*$/,
    "expected claim ids like depth-survival,lsuv",
  )
    .optional(),
  seeds: z.coerce.number().int("expected a whole number").min(1).max(100).default(3),
  quick: z.boolean().default(false),
  out: z.string().min(1).default("reports/latest"),
  check: z.boolean().default(false),
  shard: z.string().regex(/^\d+\/\d+$/, "expected I/N like 1/4").refine((s) => {
    const [i, n] = s.split("/").map(Number);
    return n >= 1 && i >= 1 && i <= n;
  }, "expected 1 ≤ I ≤ N").optional(),
  "data-dir": z.string().min(1).optional(),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

const BASELINE = "reports/baseline.json";
const HISTORY = "reports/history.jsonl";

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    only: { type: "string" },
    seeds: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    check: { type: "boolean" },
    shard: { type: "string" },
    "data-dir": { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const shard = flags.shard
    ? { index: Number(flags.shard.split("/")[0]), count: Number(flags.shard.split("/")[1]) }
    : undefined;
  const log = (m: string) => flags.quiet || console.error(m);
  const { listClaimFiles } = await import("../bench/registry.ts");
  const known = (await listClaimFiles(new URL("../../benches/", import.meta.url))).map((c) => c.id);
  const unknown = (flags.only?.split(",") ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `--only: unknown claim ${unknown.join(", ")}; known: ${known.join(", ") || "none"}`,
    );
  }
  if (known.length === 0) {
    console.log(
      "claimbench: no claims registered yet (benches/ has no claim modules); nothing to run.",
    );
    return 0;
  }
  const gpu = await getGpu();
  await useCachedTuning(gpu, log);
  let results;
  try {
    results = await runBench(gpu, {
      only: flags.only?.split(","),
      seeds: flags.seeds,
      quick: flags.quick,
      shard,
      dataDir: flags["data-dir"],
      log,
    });
  } catch (err) {
    if (err instanceof RangeError && /unknown claim/.test(err.message)) {
      throw new UsageError(`--only: ${err.message}`);
    }
    throw err;
  }
  await writeResults(`${flags.out}/results.json`, results);
  await appendHistory(HISTORY, historyLine(results));
  const pages = await renderReport(flags.out, results, await readHistory(HISTORY));
  await writeWebBundle(flags.out, (m) => console.error(m));
  const baseline = await Deno.stat(BASELINE).then(() => readResults(BASELINE), () => null);
  const rows = checkAgainstBaseline(results, baseline);
  if (flags.json) {
    const { stringifyResults } = await import("../bench/json.ts");
    console.log(stringifyResults(results, 2));
  } else {
    console.log(
      `\nclaimbench ${results.meta.mode} run: ${results.claims.length} claim(s), ` +
        `${results.meta.wallSeconds.toFixed(1)} s on ${gpu.adapterName}; ` +
        `results in ${flags.out}/results.json, report in ${pages[0]}\n`,
    );
    console.log(formatCheckTable(rows));
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    console.log(
      `GPU memory: peak ${mib(gpu.peakBytesAllocated)}, ${
        mib(gpu.bytesAllocated)
      } still allocated at the end (dataset, cached uniforms)`,
    );
    for (const r of rows) if (r.verdict !== "pass") console.log(`\n${r.id}: ${r.explanation}`);
  }
  if (flags.check) {
    const failing = rows.filter((r) => r.failing);
    if (!baseline) console.error(`\nclaimbench: no ${BASELINE} yet; only errors fail the check`);
    if (failing.length > 0) {
      console.error(
        `\nclaimbench: check failed: ${failing.map((r) => `${r.id} (${r.status})`).join(", ")}`,
      );
      return 1;
    }
    console.error("\nclaimbench: check passed");
  }
  return 0;
}

if (import.meta.main) await runMain("claimbench bench", USAGE, main);
