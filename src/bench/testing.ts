/**
 * Builders of small, valid schema-2 results for tests of the gate, summary, merge and history:
 * claims with configs whose runs carry one value ("evalAccuracy@3") and an outcome.
 *
 * @module
 */

import {
  type ClaimResult,
  type ConfigResult,
  type Results,
  ResultsSchema,
  type RunEntry,
} from "./results.ts";

export type Outcome = RunEntry["outcome"];
export type Verdict = ClaimResult["verdict"];

export const KEY = "evalAccuracy@3";

export function runEntry(seed: number, value: number, outcome: Outcome = "trained"): RunEntry {
  return {
    seed,
    outcome,
    divergedAt: outcome === "diverged" ? { epoch: 2, step: 17 } : null,
    values: { [KEY]: value },
    run: null,
    failure: null,
  };
}

export function configResult(
  name: string,
  runs: RunEntry[],
  config: unknown = { lr: 0.1, epochs: 3, init: { kind: "kaiming", leak: 0 } },
): ConfigResult {
  const k = runs.filter((r) => r.outcome === "diverged" || r.outcome === "failed").length;
  return {
    name,
    label: `config ${name}`,
    kind: "train",
    config,
    runs,
    divergence: { k, n: runs.length, estimate: k / runs.length, interval: [0, 1] },
  };
}

export interface ClaimOptions {
  id?: string;
  claimNumbers?: number[];
  mode?: "full" | "quick";
  verdict?: Verdict;
  configs: ConfigResult[];
  /** The headline's config (default: the first config). */
  headlineConfig?: string;
  median?: number;
  better?: "higher" | "lower";
  tolerance?: number;
  error?: string | null;
}

export function claimResult(o: ClaimOptions): ClaimResult {
  const mode = o.mode ?? "full";
  return {
    id: o.id ?? "kaiming-init",
    title: "Kaiming init trains",
    source: "nb 11 cell 40",
    quote: "it trains",
    claimNumbers: o.claimNumbers ?? [9],
    lesson: [],
    lessonNotes: [],
    findings: null,
    dependsOn: [],
    mode,
    configs: o.configs,
    metrics: { evalAccuracy: { label: "eval accuracy", unit: "accuracy" } },
    checks: [],
    verdict: o.verdict ?? (mode === "quick" ? "not judged" : "reproduced"),
    decidedAt: o.verdict === "reproduced" || (o.verdict === undefined && mode === "full")
      ? 6
      : null,
    seedsUsed: Math.max(...o.configs.map((c) => c.runs.length)),
    headline: {
      label: "eval accuracy after 3 epochs",
      subject: { config: o.headlineConfig ?? o.configs[0].name, metric: "evalAccuracy", epoch: 3 },
      better: o.better ?? "higher",
      tolerance: o.tolerance ?? 0.01,
      median: o.median ?? o.configs[0].runs[0]?.values[KEY] ?? NaN,
    },
    comparisons: [],
    lessonPercentiles: [],
    expectedMax: [],
    error: o.error ?? null,
    seconds: 12.5,
  };
}

export interface ResultsOptions {
  mode?: "full" | "quick";
  adapter?: string;
  driver?: string | null;
  code?: string;
  /** The plan's looks in full mode (default 6 → 10 → 20; others count as --max-seeds). */
  looks?: number[];
  /** Run-level figures (wall time, runs trained and reused). */
  counts?: { wallSeconds?: number; runsTrained?: number; runsReused?: number };
}

export function results(claims: ClaimResult[], o: ResultsOptions = {}): Results {
  const mode = o.mode ?? "full";
  return ResultsSchema.parse({
    meta: {
      schema: 2,
      date: "2025-01-02T03:04:05.000Z",
      commit: "0123456789abcdef0123",
      denoVersion: "2.9.6",
      adapter: {
        description: o.adapter ?? "llvmpipe (LLVM 15.0.6, 256 bits)",
        vendor: "mesa",
        architecture: "",
        device: "",
        isFallbackAdapter: false,
        features: [],
        limits: { maxBufferSize: 268435456 },
      },
      driver: o.driver === undefined ? "mesa-vulkan-drivers 25.0.7" : o.driver,
      codeIdentity: o.code ?? `sha256:${"a".repeat(64)}`,
      mode,
      plan: mode === "full" ? planOf(o.looks ?? [6, 10, 20]) : null,
      claimSet: claims.map((c) => c.id),
      wallSeconds: o.counts?.wallSeconds ?? 60,
      runsTrained: o.counts?.runsTrained ?? 1,
      runsReused: o.counts?.runsReused ?? 0,
      dataset: null,
      shard: null,
    },
    claims,
  });
}

function planOf(looks: number[]) {
  return {
    looks,
    alpha: 0.05,
    alphaPerLook: 0.05 / looks.length,
    source: looks.length === 3 ? "default" : "max-seeds",
  };
}
