/**
 * `deno task report [DIR]`: re-renders the HTML report of a run from its `results.json`.
 *
 * @module
 */

import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";
import { z } from "zod";

const USAGE = `usage: deno task report [DIR]

Renders DIR/index.html and one page per claim from DIR/results.json (default DIR: reports/latest).`;

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(
    args,
    { help: { type: "boolean", short: "h" } },
    z.object({ help: z.boolean().default(false) }),
  );
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one DIR, found ${positionals.length}`);
  }
  const dir = positionals[0] ?? "reports/latest";
  const file = `${dir}/results.json`;
  try {
    await Deno.stat(file);
  } catch {
    console.error(`claimbench report: ${file} not found: run \`deno task bench\` first`);
    return 1;
  }
  console.error(`claimbench report: rendering is not part of this build yet; ${file} left as is`);
  return 1;
}

if (import.meta.main) await runMain("claimbench report", USAGE, main);
