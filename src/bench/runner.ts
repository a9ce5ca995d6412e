/**
 * Runs claim modules over seeds and judges them: the heart of `deno task bench`.
 *
 * @module
 */

import { DataError } from "../data/errors.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import { NoAdapterError } from "../gpu/errors.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { defaultTuning } from "../nn/kernels.ts";
import type { Claim, ClaimContext, RunMode } from "./contract.ts";
import { listClaimFiles } from "./registry.ts";
import type { ClaimResult, Results } from "./results.ts";
import { RESULTS_SCHEMA_VERSION } from "./results.ts";
import { summarize } from "./stats.ts";

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Claim ids to run (default all). */
  only?: string[];
  /** Seeds per claim in full mode (quick mode may use fewer, as each claim declares). */
  seeds: number;
  quick: boolean;
  /** Run claim k (in id order) only if k mod count == index − 1. */
  shard?: { index: number; count: number };
  dataDir?: string;
  log: (message: string) => void;
  /** Where the claim modules are; default the repository's `benches/`. */
  claimsDir?: URL;
}

/** Loads the claim modules in `dir` (their `claim` export), checking each id matches its file. */
export async function loadClaims(dir: URL): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const file of await listClaimFiles(dir)) {
    const mod = await import(new URL(file.path, "file://").href);
    const claim = mod.claim as Claim | undefined;
    if (!claim || typeof claim.run !== "function" || typeof claim.criterion !== "function") {
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

/** Runs every selected claim over its seeds and returns the results (not yet written). */
export async function runBench(gpu: Gpu, o: BenchOptions): Promise<Results> {
  const started = performance.now();
  const mode: RunMode = o.quick ? "quick" : "full";
  const all = await loadClaims(o.claimsDir ?? new URL("../../benches/", import.meta.url));
  const selected = selectClaims(all, o);
  // Loaded once, on the first claim that asks for it.
  const loaded: { data: Promise<GpuFashionMnist> | null } = { data: null };
  const loadData = () => (loaded.data ??= loadFashionMnistToGpu(gpu, { dataDir: o.dataDir }));
  const claims: ClaimResult[] = [];
  for (const claim of selected) {
    o.log(`claim ${claim.id}: ${claim.title}`);
    claims.push(await runClaim(gpu, claim, { mode, seeds: o.seeds, data: loadData, log: o.log }));
    const r = claims.at(-1)!;
    o.log(`  ${r.verdict.toUpperCase()}: ${r.explanation} (${r.seconds.toFixed(1)} s)`);
  }
  const dataset = loaded.data ? (await loaded.data).info : null;
  const seeds = [...new Set(claims.flatMap((c) => c.seeds))].sort((a, b) => a - b);
  return {
    meta: {
      schema: RESULTS_SCHEMA_VERSION,
      date: new Date().toISOString(),
      commit: await gitCommit(),
      denoVersion: Deno.version.deno,
      adapter: gpu.adapter,
      mode,
      seeds,
      wallSeconds: (performance.now() - started) / 1000,
      dataset,
      shard: o.shard ?? null,
      kernelTuning: { ...defaultTuning(gpu) },
    },
    claims,
  };
}

/** Runs one claim; any failure becomes verdict "error" with the reason, never a crash. */
export async function runClaim(
  gpu: Gpu,
  claim: Claim,
  o: {
    mode: RunMode;
    seeds: number;
    data: () => Promise<GpuFashionMnist>;
    log: (m: string) => void;
    signal?: AbortSignal;
    /** Config input instead of the claim's defaults (quick overrides then do not apply). */
    config?: unknown;
  },
): Promise<ClaimResult> {
  const started = performance.now();
  const quick = o.mode === "quick" ? claim.quick : undefined;
  const n = quick?.seeds ?? o.seeds;
  const seeds = Array.from({ length: n }, (_, i) => i + 1);
  const base = {
    id: claim.id,
    title: claim.title,
    source: claim.source,
    quote: claim.quote,
    claimNumbers: claim.claimNumbers,
    lesson: claim.lesson,
    mode: o.mode,
    quickNote: quick?.note ?? null,
    seeds,
  };
  let config: unknown = null;
  try {
    config = claim.config.parse(o.config ?? quick?.config ?? {});
    const ctx: ClaimContext<unknown> = {
      gpu,
      config,
      seeds,
      mode: o.mode,
      data: o.data,
      log: o.log,
      signal: o.signal,
    };
    const evidence = claim.evidence.parse(await claim.run(ctx));
    const verdict = claim.criterion(evidence, config);
    const headline = claim.headline(evidence);
    return {
      ...base,
      config,
      evidence,
      headline: {
        ...headline,
        summary: headline.perSeed.length ? summarize(headline.perSeed) : null,
      },
      verdict: verdict.verdict,
      explanation: verdict.explanation,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    // A missing dataset or adapter is the run's problem, not the claim's: report it as such.
    if (err instanceof DataError || err instanceof NoAdapterError) throw err;
    return {
      ...base,
      config,
      evidence: null,
      headline: null,
      verdict: "error",
      explanation: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      seconds: (performance.now() - started) / 1000,
    };
  }
}
