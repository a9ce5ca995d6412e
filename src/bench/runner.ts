/**
 * Runs claim modules under the look plan and judges them: the heart of `deno task bench`.
 *
 * Full mode: at each look (6 → 10 → 20 seeds by default) the runner gathers the configs that an
 * open (inconclusive) check needs, gets seeds 1..n of each from the run store or trains them (a
 * config shared by claims is one set of runs, paired by seed), then judges every open check at the
 * look's α. Decided claims stop. Probes (pure tensor math) run 20 seeds at the first look.
 * Quick mode: seed 1 of every config, nothing judged (one seed decides nothing).
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import { defaultTuning } from "../nn/kernels.ts";
import { verdictOf } from "../verdict/judge.ts";
import { describePlan, type LookPlan } from "../verdict/plan.ts";
import { judgeLook, resultOf } from "./claim_result.ts";
import { type ClaimState, neededConfigs, prepareClaim, seedRange } from "./claim_state.ts";
import type { Claim, RunMode } from "./contract.ts";
import { probeLookSize, probeSeeds } from "./judge_claim.ts";
import { listClaimFiles } from "./registry.ts";
import type { ClaimResult, Results } from "./results.ts";
import { RESULTS_SCHEMA_VERSION } from "./results.ts";
import { type MissingRun, RunTable, type RunTableOptions } from "./run_table.ts";

export type { MissingRun, RunProgress } from "./run_table.ts";

/** Options of {@link runBench}. */
export interface BenchOptions extends RunClaimsOptions {
  /** Claim ids to run (default all). */
  only?: string[];
  /** Run claim k (in id order) only if k mod count == index − 1. */
  shard?: { index: number; count: number };
  /** Where the claim modules are; default the repository's `benches/`. */
  claimsDir?: URL;
  /** Provenance filled in by the caller (driver, code identity, the shard of the runs). */
  provenance: {
    driver: string | null;
    codeIdentity: string;
    dataset: () => unknown;
    shard?: { index: number; count: number } | null;
  };
}

/** Loads the claim modules in `dir` (their `claim` export), checking each id matches its file. */
export async function loadClaims(dir: URL): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const file of await listClaimFiles(dir)) {
    const mod = await import(new URL(file.path, "file://").href);
    const claim = mod.claim as Claim | undefined;
    if (!claim || typeof claim.subjects !== "function" || !Array.isArray(claim.checks)) {
      throw new Error(
        `${file.path}: expected an export named "claim" implementing the Claim contract`,
      );
    }
    if (claim.id !== file.id) {
      throw new Error(
        `${file.path}: claim id "${claim.id}" must match the file name ("${file.id}")`,
      );
    }
    claims.push(claim);
  }
  return claims;
}

/** Selects the claims of a run: `only` (unknown ids are an error), then the shard. */
export function selectClaims(
  claims: readonly Claim[],
  o: { only?: string[]; shard?: { index: number; count: number } },
): Claim[] {
  const ids = claims.map((c) => c.id);
  const unknown = (o.only ?? []).filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    throw new RangeError(`unknown claim ${unknown.join(", ")}; known: ${ids.join(", ") || "none"}`);
  }
  let selected = o.only ? claims.filter((c) => o.only!.includes(c.id)) : [...claims];
  if (o.shard) {
    const { index, count } = o.shard;
    selected = selected.filter((_, k) => k % count === index - 1);
  }
  return selected;
}

/** The git commit of the working tree (with "-dirty" when it has changes), or "unknown". */
export async function gitCommit(): Promise<string> {
  const run = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  };
  try {
    const head = await run("rev-parse", "HEAD");
    if (!head) return "unknown";
    const dirty = await run("status", "--porcelain", "--untracked-files=no");
    return dirty ? `${head}-dirty` : head;
  } catch {
    return "unknown";
  }
}

/** Runs every selected claim under the plan (or quick mode) and returns the results. */
export async function runBench(gpu: Gpu, o: BenchOptions): Promise<Results> {
  const started = performance.now();
  const mode: RunMode = o.quick ? "quick" : "full";
  const all = await loadClaims(o.claimsDir ?? new URL("../../benches/", import.meta.url));
  const missing: MissingRun[] = [];
  const claims = await runClaims(gpu, selectClaims(all, o), { ...o, missing });
  return {
    meta: {
      schema: RESULTS_SCHEMA_VERSION,
      date: new Date().toISOString(),
      commit: await gitCommit(),
      denoVersion: Deno.version.deno,
      adapter: gpu.adapter,
      driver: o.provenance.driver,
      codeIdentity: o.provenance.codeIdentity,
      mode,
      plan: mode === "quick" ? null : o.plan,
      claimSet: claims.map((c) => c.id),
      wallSeconds: (performance.now() - started) / 1000,
      runsTrained: o.runs.counts.trained,
      runsReused: o.runs.counts.cached,
      jobs: o.concurrency ?? 1,
      missingRuns: missing,
      dataset: o.provenance.dataset() ?? null,
      shard: o.provenance.shard ?? o.shard ?? null,
      kernelTuning: { ...defaultTuning(gpu) },
    },
    claims,
  };
}

/** What {@link runClaims} needs. */
export interface RunClaimsOptions extends RunTableOptions {
  quick: boolean;
  plan: LookPlan;
  /** Filled with the runs a look needed but could not get (shards, `--no-train`). */
  missing?: MissingRun[];
  /** Config input per claim id instead of the claim's defaults (the browser's re-run panel). */
  configs?: Record<string, unknown>;
}

/**
 * Runs `selected` under the plan (or quick mode), sharing runs between them, and returns their
 * results: the bench's core, also used by the browser's re-run panel (with a fixed-seeds plan).
 */
export async function runClaims(
  gpu: Gpu,
  selected: readonly Claim[],
  o: RunClaimsOptions,
): Promise<ClaimResult[]> {
  const mode: RunMode = o.quick ? "quick" : "full";
  const states: ClaimState[] = selected.map((claim) => prepareClaim(claim, o.configs?.[claim.id]));
  const runs = new RunTable(gpu, o);
  const missing: MissingRun[] = o.missing ?? [];
  if (mode === "quick") {
    await runs.ensure(states, () => [1], o.log);
    missing.push(...runs.missing);
  } else {
    o.log(`plan: ${describePlan(o.plan)}`);
    for (const n of o.plan.looks) {
      const open = states.filter((s) => !s.done && !s.error);
      if (open.length === 0) break;
      o.log(`look at ${n} seeds: ${open.map((s) => s.claim.id).join(", ")}`);
      await runs.ensure(open, (s, name) => {
        const subject = s.subjects[name];
        if (subject.kind === "probe") return seedRange(probeSeeds(o.plan, n, subject.seeds));
        return neededConfigs(s).has(name) ? seedRange(n) : [];
      }, o.log);
      if (runs.missing.length > 0) {
        // A look needs all its runs: judge nothing at it, say which are missing.
        const blocked = new Set(runs.missing.flatMap((m) => m.claims));
        for (const st of open) if (blocked.has(st.claim.id)) st.incomplete = true;
        missing.push(...runs.missing);
        o.log(
          `look at ${n} seeds: ${runs.missing.length} run(s) not in the store ` +
            "(another shard's or --no-train); " +
            `not judging ${[...blocked].join(", ")}`,
        );
        break;
      }
      for (const s of open) {
        // A probe claim is judged on all the seeds its probes ran (20 at the first look).
        const probesOnly = Object.values(s.subjects).every((x) => x.kind === "probe");
        const size = probesOnly ? probeLookSize(s.subjects, o.plan, n) : n;
        judgeLook(s, runs, { n: size, alpha: o.plan.alphaPerLook });
        s.lastLook = size;
      }
      for (const s of open) {
        const v = verdictOf(s.checks);
        if (v !== "inconclusive") {
          s.done = true;
          s.decidedAt = Math.max(n, ...s.checks.map((c) => c.judged.decidedAt ?? 0));
        }
        const at = v === "inconclusive" ? ` at ${s.lastLook} seeds` : ` at ${s.decidedAt} seeds`;
        o.log(`  ${s.claim.id}: ${v}${at}`);
      }
    }
  }
  return states.map((s) => resultOf(s, runs, mode, o.plan));
}
