/**
 * The one place CLI errors become exit codes and messages: expected failures (no adapter, bad
 * data, bad flags) print one clear message without a stack trace.
 *
 * | code | meaning |
 * |------|---------|
 * | 0 | success |
 * | 1 | unexpected error (printed with its stack) or a failed GPU operation |
 * | 2 | bad command line (usage printed) |
 * | 3 | no WebGPU adapter |
 * | 4 | dataset missing, unreadable or corrupt |
 * | 5 | `bench --check`: a claim regressed against the baseline (the suite itself ran) |
 * | 6 | the run store is unusable (not writable, full, or a directory of other files) |
 * | 7 | `bench --no-train`: a look needs runs the store lacks (import the shards' runs first) |
 * | 130 | `bench` interrupted by Ctrl-C after the current batch (finished runs are kept) |
 *
 * @module
 */

import { DataError } from "../data/errors.ts";
import { GpuDeviceLostError, GpuKernelError, NoAdapterError } from "../gpu/errors.ts";
import { RunStoreError } from "../store/run_store.ts";

/** Exit codes of every claimbench command. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  noAdapter: NoAdapterError.exitCode,
  data: 4,
  regressed: 5,
  store: 6,
  incomplete: 7,
  interrupted: 130,
};

/** A bad flag or argument: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The exit code and message for `err`, as {@link runMain} reports it. */
export function describeFailure(err: unknown, usage: string): { code: number; message: string } {
  if (err instanceof UsageError) return { code: EXIT.usage, message: `${err.message}\n\n${usage}` };
  if (err instanceof NoAdapterError) return { code: EXIT.noAdapter, message: err.message };
  if (err instanceof DataError) return { code: EXIT.data, message: err.message };
  if (err instanceof RunStoreError) return { code: EXIT.store, message: err.message };
  if (err instanceof GpuKernelError || err instanceof GpuDeviceLostError) {
    return { code: EXIT.error, message: err.message };
  }
  return {
    code: EXIT.error,
    message: err instanceof Error ? (err.stack ?? err.message) : `${err}`,
  };
}

/** Runs a command's `main`, turning its failure into a message on stderr and an exit code. */
export async function runMain(
  name: string,
  usage: string,
  main: (args: string[]) => Promise<number | void>,
): Promise<never> {
  let code: number;
  try {
    code = (await main(Deno.args)) ?? EXIT.ok;
  } catch (err) {
    const failure = describeFailure(err, usage);
    console.error(`${name}: ${failure.message}`);
    code = failure.code;
  }
  Deno.exit(code);
}
