/**
 * `deno task bench`: runs the claim suite. The claims themselves arrive one module per file in
 * `benches/`; with none registered it says so and exits 0.
 *
 * @module
 */

import { z } from "zod";
import { listClaimFiles } from "../bench/registry.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task bench [--only ID[,ID]] [--seeds N] [--quick] [--out DIR] [--json]

Reproduces the lesson's claims (one module per claim in benches/) over several seeds.`;

const Flags = z.object({
  only: z.string().regex(
    /^[a-z0-9-]+(,[a-z0-9-]+)*$/,
    "expected claim ids like depth-survival,lsuv",
  )
    .optional(),
  seeds: z.coerce.number().int("expected a whole number").min(1).max(100).default(3),
  quick: z.boolean().default(false),
  out: z.string().min(1).default("reports/latest"),
  json: z.boolean().default(false),
  help: z.boolean().default(false),
});

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    only: { type: "string" },
    seeds: { type: "string" },
    quick: { type: "boolean" },
    out: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const claims = await listClaimFiles(new URL("../../benches/", import.meta.url));
  const selected = flags.only ? flags.only.split(",") : claims.map((c) => c.id);
  const unknown = selected.filter((id) => !claims.some((c) => c.id === id));
  if (unknown.length > 0) {
    throw new UsageError(
      `--only: unknown claim ${unknown.join(", ")}; known: ${
        claims.map((c) => c.id).join(", ") || "none"
      }`,
    );
  }
  if (claims.length === 0) {
    console.log(
      "claimbench: no claims registered yet (benches/ has no claim modules); nothing to run.",
    );
    return 0;
  }
  console.log(`claimbench: ${selected.length} claim module(s) found: ${selected.join(", ")}`);
  console.log("claimbench: the claim runner is not part of this build yet; nothing was run.");
  return 0;
}

if (import.meta.main) await runMain("claimbench bench", USAGE, main);
