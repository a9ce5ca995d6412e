/**
 * `deno task bench --list`: the claims, their lesson numbers, configs and checks, and what a run
 * of each costs, from the seconds of the runs already in the store (or "not measured yet").
 *
 * @module
 */

import type { Claim } from "../bench/contract.ts";
import { canonicalJson } from "../store/run_key.ts";
import type { RunRecord } from "../bench/run_source.ts";
import type { RunStore } from "../store/run_store.ts";
import { lookPlan } from "../verdict/plan.ts";

/** Median seconds of one stored run per canonical config. */
export async function storedRunSeconds(store: RunStore<RunRecord>): Promise<Map<string, number>> {
  const by = new Map<string, number[]>();
  for (const e of await store.list()) {
    const s = e.stored.run.run?.seconds;
    if (s === undefined) continue;
    const key = canonicalJson(e.stored.key.config);
    by.set(key, [...(by.get(key) ?? []), s]);
  }
  return new Map(
    [...by].map(([k, v]) => [k, v.sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]]),
  );
}

/** The list as text: one block per claim in lesson order. */
export function formatClaimList(claims: readonly Claim[], seconds: Map<string, number>): string {
  const first = lookPlan().looks[0];
  const lines: string[] = [];
  let total = 0;
  const seen = new Set<string>();
  for (const c of [...claims].sort((a, b) => a.claimNumbers[0] - b.claimNumbers[0])) {
    lines.push(`#${c.claimNumbers.join(", #")}  ${c.id}: ${c.title}`);
    const subjects = c.subjects(c.config.parse({}));
    for (const [name, s] of Object.entries(subjects)) {
      if (s.kind === "probe") {
        lines.push(`    ${name}: ${s.label} (probe, milliseconds per seed)`);
        continue;
      }
      const key = canonicalJson(s.config);
      const per = seconds.get(key);
      if (per !== undefined && !seen.has(key)) total += per * first;
      seen.add(key);
      const cost = per === undefined
        ? "not measured yet"
        : `~${per.toFixed(0)} s per seed, ~${(per * first / 60).toFixed(1)} min at ${first} seeds`;
      const epochs = s.config.epochs + (s.config.continueWith?.epochs ?? 0);
      lines.push(
        `    ${name}: ${s.label} (${epochs} epoch${epochs === 1 ? "" : "s"}, bs ${s.config.bs}; ` +
          `${cost})`,
      );
    }
    lines.push(`    ${c.checks.length} check(s): ${c.checks.map((x) => x.id).join(", ")}`);
  }
  lines.push(
    "",
    `first look (${first} seeds of every training config, shared between claims): ` +
      (total > 0 ? `~${(total / 60).toFixed(0)} min on this adapter from stored runs` : "unknown"),
  );
  return lines.join("\n");
}
