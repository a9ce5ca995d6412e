import type { Results } from "./results.ts";

/**
 * Merges shard results (`deno task bench --shard i/n` on several machines) into one run: every
 * claim once, in id order. Shards must share the mode, commit and adapter description; a claim in
 * two shards is an error. Wall time is the slowest shard's (they ran in parallel).
 */
export function mergeResults(parts: readonly { path: string; results: Results }[]): Results {
  if (parts.length === 0) throw new RangeError("merge: expected at least one results file");
  const first = parts[0];
  for (const p of parts.slice(1)) {
    for (const key of ["mode", "commit", "codeIdentity"] as const) {
      if (p.results.meta[key] !== first.results.meta[key]) {
        throw new RangeError(
          `merge: ${p.path} has ${key} ${p.results.meta[key]}, ${first.path} has ` +
            `${first.results.meta[key]}; expected shards of one run`,
        );
      }
    }
    if (p.results.meta.adapter.description !== first.results.meta.adapter.description) {
      throw new RangeError(
        `merge: ${p.path} ran on ${p.results.meta.adapter.description}, ${first.path} on ` +
          `${first.results.meta.adapter.description}; timings and bits would not be comparable`,
      );
    }
    if (JSON.stringify(p.results.meta.plan) !== JSON.stringify(first.results.meta.plan)) {
      throw new RangeError(
        `merge: ${p.path} was judged under another look plan than ${first.path}`,
      );
    }
  }
  const seen = new Map<string, string>();
  for (const p of parts) {
    for (const c of p.results.claims) {
      const other = seen.get(c.id);
      if (other) throw new RangeError(`merge: claim ${c.id} is in both ${other} and ${p.path}`);
      seen.set(c.id, p.path);
    }
  }
  const claims = parts.flatMap((p) => p.results.claims).sort((a, b) => a.id.localeCompare(b.id));
  return {
    meta: {
      ...first.results.meta,
      date: new Date().toISOString(),
      claimSet: claims.map((c) => c.id),
      runsTrained: parts.reduce((n, p) => n + p.results.meta.runsTrained, 0),
      runsReused: parts.reduce((n, p) => n + p.results.meta.runsReused, 0),
      wallSeconds: Math.max(...parts.map((p) => p.results.meta.wallSeconds)),
      jobs: Math.max(...parts.map((p) => p.results.meta.jobs ?? 1)),
      dataset: parts.find((p) => p.results.meta.dataset)?.results.meta.dataset ?? null,
      shard: null,
    },
    claims,
  };
}
