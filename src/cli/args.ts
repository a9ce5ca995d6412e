import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";
import { UsageError } from "./run_main.ts";

/**
 * Parses `args` strictly with `node:util` (unknown flags are errors) and validates the values
 * with `schema`; every problem becomes a {@link UsageError} naming the flag.
 */
export function parseFlags<S extends z.ZodType>(
  args: string[],
  options: ParseArgsConfig["options"],
  schema: S,
): { flags: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0];
    const flag = issue.path.length > 0 ? `--${String(issue.path[0])}` : "arguments";
    throw new UsageError(`${flag}: ${issue.message}`);
  }
  return { flags: result.data, positionals: parsed.positionals };
}

/**
 * A command without positional arguments: its flags parsed as {@link parseFlags} does, or null
 * after printing `usage` for `--help` (the schema must have a boolean `help`).
 */
export function parseCommandFlags<S extends z.ZodType<{ help: boolean }>>(
  args: string[],
  options: ParseArgsConfig["options"],
  schema: S,
  usage: string,
): z.infer<S> | null {
  const { flags, positionals } = parseFlags(args, options, schema);
  if (flags.help) {
    console.log(usage);
    return null;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  return flags;
}
