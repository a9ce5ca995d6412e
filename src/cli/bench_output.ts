/**
 * What `bench` does with an existing output directory: `--only` merges its claims into a results
 * file of the same mode and plan (the other claims are kept, the claim set records them all) or,
 * where it cannot merge, writes beside it and says so; and pages of claims no longer in the
 * results are removed so a report never shows a stale claim.
 *
 * @module
 */

import { DataError } from "../data/errors.ts";
import { readResults, type Results } from "../bench/results.ts";
import { claimPageName } from "../report/claim_page.ts";

/** The outcome of merging an `--only` run. */
export type MergeOutcome =
  | { kind: "merged"; results: Results }
  | { kind: "fresh" }
  | { kind: "elsewhere"; dir: string; reason: string };

/** Merges `run` (an `--only` run) into the results at `path`, when they are compatible. */
export async function mergeOnlyRun(path: string, run: Results): Promise<MergeOutcome> {
  let existing: Results;
  try {
    await Deno.stat(path);
  } catch {
    return { kind: "fresh" };
  }
  const dir = path.slice(0, path.lastIndexOf("/"));
  const elsewhere = (reason: string): MergeOutcome => ({
    kind: "elsewhere",
    dir: `${dir}-only-${run.meta.claimSet.join("-")}`.slice(0, 200),
    reason,
  });
  try {
    existing = await readResults(path);
  } catch (err) {
    const why = err instanceof DataError ? err.message : String(err);
    return elsewhere(`cannot merge into ${path} (${why})`);
  }
  if (existing.meta.mode !== run.meta.mode) {
    return elsewhere(`${path} holds a ${existing.meta.mode} run, this is a ${run.meta.mode} run`);
  }
  if (JSON.stringify(existing.meta.plan) !== JSON.stringify(run.meta.plan)) {
    return elsewhere(`${path} was judged under another look plan`);
  }
  // The merged file carries one provenance: the kept claims must share it.
  if (
    existing.meta.codeIdentity !== run.meta.codeIdentity ||
    existing.meta.adapter.description !== run.meta.adapter.description ||
    existing.meta.driver !== run.meta.driver
  ) {
    return elsewhere(`${path} ran on other trainer code, adapter or driver`);
  }
  const ids = new Set(run.claims.map((c) => c.id));
  const claims = [...existing.claims.filter((c) => !ids.has(c.id)), ...run.claims]
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    kind: "merged",
    results: {
      meta: { ...run.meta, claimSet: claims.map((c) => c.id) },
      claims,
    },
  };
}

/** Removes the pages in `dir` of known claims that `results` no longer holds. */
export async function removeStalePages(
  dir: string,
  results: Results,
  knownIds: readonly string[],
): Promise<string[]> {
  const keep = new Set(results.claims.map((c) => c.id));
  const removed: string[] = [];
  for (const id of knownIds) {
    if (keep.has(id)) continue;
    const path = `${dir}/${claimPageName(id)}`;
    try {
      await Deno.remove(path);
      removed.push(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return removed;
}
