/**
 * `deno …` in a child process for the CLI tests: exit code and decoded output, and a dump of both
 * for assertion messages.
 *
 * @module
 */

/** What a child process left. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The repository root (where `deno task` runs). */
export const REPO = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** `deno <args>` in `cwd` (default the repo) with `env` only (default this env, no colour). */
export async function runDeno(
  args: string[],
  o: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: o.cwd ?? REPO,
    env: o.env ?? { ...Deno.env.toObject(), NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Exit code and both streams, for an assertion message. */
export function show(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
