/**
 * `deno task runs`: what the run store holds (config, seeds, outcome, age, size), a verification
 * pass (every file parsed and validated; corrupt ones moved aside), and pruning by age or by code
 * identity (runs of a trainer that is no longer this one).
 *
 * @module
 */

import { z } from "zod";
import { runOutcome } from "../bench/outcome.ts";
import { trainerCodeIdentity } from "../store/code_identity.ts";
import { defaultRunStoreDir } from "../store/default_dir.ts";
import { configHash } from "../store/run_key.ts";
import { RunStore } from "../store/run_store.ts";
import { type RunRecord, RunRecordSchema } from "../bench/run_source.ts";
import { parseFlags } from "./args.ts";
import { EXIT, runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task runs [list|verify|prune] [options]
       deno task runs import STORE_DIR… [--runs DIR]

  list                 (default) one line per config: seeds, outcomes, newest age, size
  verify               read and validate every stored run; corrupt files are moved aside
  prune                remove runs: --older-than DAYS and/or --other-code (not this trainer)
  import STORE_DIR…    copy the valid runs of other stores (the shards' of a matrix) into this one
  --runs DIR           the run store (default $CLAIMBENCH_RUNS or ~/.cache/claimbench/runs)
  --older-than DAYS    with prune: runs saved more than DAYS days ago
  --other-code         with prune: runs of another code identity than this checkout's
  --dry-run            with prune: say what would go, remove nothing`;

const Flags = z.object({
  runs: z.string().min(1).optional(),
  "older-than": z.coerce.number({ error: "expected a number of days" }).positive(
    "expected a positive number of days",
  ).optional(),
  "other-code": z.boolean().default(false),
  "dry-run": z.boolean().default(false),
  help: z.boolean().default(false),
});

type RunsFlags = z.infer<typeof Flags>;
type Store = RunStore<RunRecord>;
type Entries = Awaited<ReturnType<Store["list"]>>;

/** import: copies the runs of other stores that this one does not have. */
async function importRuns(
  store: Store,
  dir: string,
  sources: string[],
  warnings: string[],
): Promise<number> {
  let copied = 0, present = 0;
  for (const source of sources) {
    const from = await RunStore.open<RunRecord>(source, RunRecordSchema, {
      warn: (m) => warnings.push(m),
    });
    for (const e of await from.list()) {
      if (await store.get(e.stored.key)) {
        present++;
        continue;
      }
      await store.put(e.stored.key, e.stored.run);
      copied++;
    }
  }
  for (const w of warnings) console.error(w);
  console.log(`imported ${copied} run(s) into ${dir}; ${present} were already there`);
  return EXIT.ok;
}

/** prune: removes runs older than --older-than and/or of another code identity. */
async function pruneRuns(
  store: Store,
  entries: Entries,
  code: string,
  flags: RunsFlags,
): Promise<number> {
  if (flags["older-than"] === undefined && !flags["other-code"]) {
    throw new UsageError("prune: say what to remove: --older-than DAYS and/or --other-code");
  }
  const cutoff = Date.now() - (flags["older-than"] ?? 0) * 86_400_000;
  const doomed = entries.filter((e) =>
    (flags["older-than"] === undefined || Date.parse(e.stored.savedAt) < cutoff) &&
    (!flags["other-code"] || e.stored.key.code !== code)
  );
  if (!flags["dry-run"]) await store.remove(doomed.map((e) => e.path));
  console.log(
    `${flags["dry-run"] ? "would remove" : "removed"} ${doomed.length} of ${entries.length} ` +
      `run(s) (${mib(doomed.reduce((n, e) => n + e.bytes, 0))})`,
  );
  return EXIT.ok;
}

/** list: one line per config (and code identity), seeds and outcomes. */
async function listRuns(dir: string, entries: Entries, code: string): Promise<number> {
  const groups = new Map<string, typeof entries>();
  for (const e of entries) {
    const key = `${await configHash(e.stored.key.config)} ${
      e.stored.key.code === code ? "current" : "other"
    }`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  console.log(`${dir}: ${entries.length} run(s), ${mib(entries.reduce((n, e) => n + e.bytes, 0))}`);
  for (const [key, list] of [...groups].sort()) {
    const c = list[0].stored.key.config as Record<string, unknown>;
    const seeds = list.map((e) => e.stored.key.seed).sort((a, b) => a - b);
    const outcomes = new Map<string, number>();
    for (const e of list) {
      const o = runOutcome(e.stored.run.run).outcome;
      outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    const newest = Math.max(...list.map((e) => Date.parse(e.stored.savedAt)));
    const [hash, which] = key.split(" ");
    console.log(
      `${hash}  ${which} code  ${describe(c)}  seeds ${compact(seeds)}  ` +
        `${[...outcomes].map(([o, n]) => `${n} ${o}`).join(", ")}  ` +
        `${age(Date.now() - newest)} old  ${mib(list.reduce((n, e) => n + e.bytes, 0))}`,
    );
  }
  return EXIT.ok;
}

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    runs: { type: "string" },
    "older-than": { type: "string" },
    "other-code": { type: "boolean" },
    "dry-run": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const command = positionals[0] ?? "list";
  if (
    !["list", "verify", "prune", "import"].includes(command) ||
    (command !== "import" && positionals.length > 1)
  ) {
    throw new UsageError(
      `unknown command ${positionals.join(" ")}; expected list, verify, prune or import`,
    );
  }
  if (command === "import" && positionals.length < 2) {
    throw new UsageError("import: expected at least one store directory to import from");
  }
  const dir = flags.runs ?? defaultRunStoreDir();
  if (!dir) throw new UsageError("--runs: no default run store (HOME unset); pass --runs DIR");
  const warnings: string[] = [];
  const store = await RunStore.open<RunRecord>(dir, RunRecordSchema, {
    warn: (m) => warnings.push(m),
  });
  if (command === "import") return await importRuns(store, dir, positionals.slice(1), warnings);
  const entries = await store.list();
  const code = await trainerCodeIdentity();
  for (const w of warnings) console.error(w);
  if (command === "verify") {
    console.log(
      `${dir}: ${entries.length} valid run(s)` +
        (warnings.length ? `, ${warnings.length} corrupt file(s) moved aside` : ", none corrupt"),
    );
    return warnings.length ? EXIT.data : EXIT.ok;
  }
  if (command === "prune") return await pruneRuns(store, entries, code, flags);
  return await listRuns(dir, entries, code);
}

function describe(c: Record<string, unknown>): string {
  return ["act", "norm", "init", "opt", "lr", "sched", "bs", "epochs"]
    .filter((k) => c[k] !== undefined).map((k) => `${k}=${c[k]}`).join(" ");
}

function compact(seeds: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length;) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j] + 1) j++;
    parts.push(j > i ? `${seeds[i]}–${seeds[j]}` : String(seeds[i]));
    i = j + 1;
  }
  return parts.join(",");
}

function age(ms: number): string {
  const h = ms / 3_600_000;
  return h < 1
    ? `${Math.round(ms / 60_000)} min`
    : h < 48
    ? `${h.toFixed(1)} h`
    : `${(h / 24).toFixed(1)} d`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

if (import.meta.main) await runMain("claimbench runs", USAGE, main);
