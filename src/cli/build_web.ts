/**
 * `deno task build:web [--out FILE]`: bundles the trainer, the claim modules and the re-run panel
 * for the browser into one self-contained ES module (default `dist/claimbench-web.js`).
 * `deno task bench` and `deno task report` also write it next to every report they render.
 *
 * @module
 */

import { z } from "zod";
import { buildWeb } from "../web/build.ts";
import { parseCommandFlags } from "./args.ts";
import { runMain } from "./run_main.ts";

const USAGE = `usage: deno task build:web [--out FILE] [--no-minify]`;

const Flags = z.object({
  out: z.string().min(1).default("dist/claimbench-web.js"),
  "no-minify": z.boolean().default(false),
  help: z.boolean().default(false),
});

async function main(args: string[]): Promise<number> {
  const flags = parseCommandFlags(
    args,
    {
      out: { type: "string" },
      "no-minify": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    Flags,
    USAGE,
  );
  if (!flags) return 0;
  const started = performance.now();
  const bytes = await buildWeb(flags.out, { minify: !flags["no-minify"] });
  console.log(
    `${flags.out}: ${(bytes / 1024).toFixed(0)} KiB in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s`,
  );
  return 0;
}

if (import.meta.main) await runMain("claimbench build:web", USAGE, main);
