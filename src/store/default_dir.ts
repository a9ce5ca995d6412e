/**
 * Where the run store lives by default: `$CLAIMBENCH_RUNS`, else `<claimbench cache>/runs`
 * (`$XDG_CACHE_HOME/claimbench` or `~/.cache/claimbench`), shared by bench, train and the report.
 *
 * @module
 */

import { claimbenchCacheDir } from "../data/locate.ts";

/** The default run store directory, or null when no cache directory can be found. */
export function defaultRunStoreDir(
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string | null {
  const explicit = env("CLAIMBENCH_RUNS");
  if (explicit) return explicit;
  const cache = claimbenchCacheDir(env);
  return cache ? `${cache}/runs` : null;
}
