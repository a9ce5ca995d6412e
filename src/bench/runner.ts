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

import { DataError } from "../data/errors.ts";
import { NoAdapterError } from "../gpu/errors.ts";
import type { Gpu } from "../gpu/device.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import { defaultTuning } from "../nn/kernels.ts";
import { MissingRunError, type RunProvider } from "../store/run_source.ts";
import { canonicalJson } from "../store/run_key.ts";
import { type CheckSpec, type JudgedCheck, type Subject, subjectsOf } from "../verdict/check.ts";
import type { LookPlan } from "../verdict/plan.ts";
import type { Claim, ClaimSubject, MetricInfo, ProbeResult, RunMode } from "./contract.ts";
import { judgeCheck, type Sample, verdictOf } from "../verdict/judge.ts";
import { probeLookSize, probeSeeds, sampleOf } from "./judge_claim.ts";
import { metricInfo } from "./metrics.ts";
import { runOutcome } from "./outcome.ts";
import { listClaimFiles } from "./registry.ts";
import type { ClaimResult, ConfigResult, Results, RunEntry } from "./results.ts";
import { RESULTS_SCHEMA_VERSION, subjectKey } from "./results.ts";
import { summarizeClaim } from "./summarize_claim.ts";

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

/** A run of one config at one seed, as the judge and the results need it. */
interface RunData {
  seed: number;
  sample: Omit<Sample, "value">;
  divergedAt: RunEntry["divergedAt"];
  run: RunEntry["run"];
  detail?: unknown;
  failure: string | null;
  probe: Record<string, number> | null;
}

/** A run starting or done, for progress displays. */
export interface RunProgress {
  phase: "start" | "done";
  /** 1-based position among the runs this look gets, and their count. */
  index: number;
  total: number;
  label: string;
  seed: number;
  claims: string[];
  kind: "train" | "probe";
  /** Seconds it took (done only); a stored run takes well under one. */
  seconds?: number;
}

/** A run a look needed but could not get (another shard's, or `--no-train`). */
export interface MissingRun {
  label: string;
  config: unknown;
  seed: number;
  claims: string[];
}

/** A claim in flight: its subjects, judged checks, and state. */
interface ClaimState {
  claim: Claim;
  config: unknown;
  subjects: Record<string, ClaimSubject>;
  checks: JudgedCheck[];
  done: boolean;
  decidedAt: number | null;
  /** Seeds of the last look that judged it: its evidence is runs 1..lastLook (shared configs may hold more). */
  lastLook: number | null;
  /** A look it needed lacked runs (shards, --no-train): not judged at that look. */
  incomplete: boolean;
  error: string | null;
  seconds: number;
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
      missingRuns: missing,
      dataset: o.provenance.dataset() ?? null,
      shard: o.provenance.shard ?? o.shard ?? null,
      kernelTuning: { ...defaultTuning(gpu) },
    },
    claims,
  };
}

/** What {@link runClaims} needs. */
export interface RunClaimsOptions {
  quick: boolean;
  plan: LookPlan;
  runs: RunProvider;
  log: (message: string) => void;
  /** The dataset, for probes that train (the LR finder); loaded on first use. */
  data?: () => Promise<GpuFashionMnist>;
  /** Aborts probes between batches. */
  signal?: AbortSignal;
  /** Filled with the runs a look needed but could not get (shards, `--no-train`). */
  missing?: MissingRun[];
  /** Called when a run starts and when it is done (progress displays). */
  onProgress?: (e: RunProgress) => void;
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
  const states: ClaimState[] = selected.map((claim) => prepare(claim, o.configs?.[claim.id]));
  const runs = new RunTable(gpu, o);
  const missing: MissingRun[] = o.missing ?? [];
  if (mode === "quick") {
    await runs.ensure(states, () => [1], o.log);
    missing.push(...runs.missing);
  } else {
    o.log(`plan: looks at ${o.plan.looks.join(" → ")} seeds, α ${o.plan.alphaPerLook} per look`);
    for (const n of o.plan.looks) {
      const open = states.filter((s) => !s.done && !s.error);
      if (open.length === 0) break;
      o.log(`look at ${n} seeds: ${open.map((s) => s.claim.id).join(", ")}`);
      await runs.ensure(open, (s, name) => {
        const subject = s.subjects[name];
        if (subject.kind === "probe") return range(probeSeeds(o.plan, n, subject.seeds));
        return neededConfigs(s).has(name) ? range(n) : [];
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

function prepare(claim: Claim, configInput: unknown): ClaimState {
  const state: ClaimState = {
    claim,
    config: null,
    subjects: {},
    checks: [],
    done: false,
    decidedAt: null,
    lastLook: null,
    incomplete: false,
    error: null,
    seconds: 0,
  };
  try {
    state.config = claim.config.parse(configInput ?? {});
    state.subjects = claim.subjects(state.config);
    for (const check of claim.checks) {
      for (const s of subjectsOf(check)) {
        if (!state.subjects[s.config]) {
          throw new Error(`check ${check.id} names config "${s.config}", which the claim lacks`);
        }
      }
    }
  } catch (err) {
    state.error = errorText(err);
  }
  return state;
}

/** Configs an open check of the claim reads (every-seed checks of an open claim re-judge too). */
function neededConfigs(s: ClaimState): Set<string> {
  const specs: (CheckSpec | JudgedCheck)[] = s.checks.length > 0 ? s.checks : s.claim.checks;
  const open = s.checks.length === 0
    ? specs
    : specs.filter((c) => (c as JudgedCheck).judged.decision === "inconclusive");
  return new Set(open.flatMap((c) => subjectsOf(c).map((x) => x.config)));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** The runs of every config, keyed by the config's identity, filled look by look. */
class RunTable {
  readonly #gpu: Gpu;
  readonly #o: RunClaimsOptions;
  readonly #runs = new Map<string, Map<number, RunData>>();
  /** Runs the last `ensure` could not get; a look with any is not judged. */
  missing: MissingRun[] = [];

  constructor(gpu: Gpu, o: RunClaimsOptions) {
    this.#gpu = gpu;
    this.#o = o;
  }

  /** Identity of a claim's config: shared between claims with equal configs. */
  static idOf(subject: ClaimSubject): string {
    return subject.kind === "train"
      ? `train:${canonicalJson(subject.config)}`
      : `probe:${subject.label}:${canonicalJson(subject.params)}`;
  }

  get(subject: ClaimSubject): Map<number, RunData> {
    return this.#runs.get(RunTable.idOf(subject)) ?? new Map();
  }

  /** Makes sure every (config, seed) the claims need exists: stored, probed or trained. */
  async ensure(
    states: ClaimState[],
    seedsOf: (s: ClaimState, name: string) => number[],
    log: (m: string) => void,
  ): Promise<void> {
    // Seed-major over the union of configs, so a stop leaves balanced seeds behind.
    const wanted = new Map<
      string,
      { subject: ClaimSubject; seeds: Set<number>; owners: ClaimState[] }
    >();
    for (const s of states) {
      if (s.error) continue;
      for (const [name, subject] of Object.entries(s.subjects)) {
        const seeds = seedsOf(s, name);
        if (seeds.length === 0) continue;
        const id = RunTable.idOf(subject);
        const w = wanted.get(id) ?? { subject, seeds: new Set<number>(), owners: [] };
        seeds.forEach((x) => w.seeds.add(x));
        if (!w.owners.includes(s)) w.owners.push(s);
        wanted.set(id, w);
      }
    }
    const jobs: { id: string; subject: ClaimSubject; seed: number; owners: ClaimState[] }[] = [];
    const maxSeed = Math.max(0, ...[...wanted.values()].flatMap((w) => [...w.seeds]));
    for (let seed = 1; seed <= maxSeed; seed++) {
      for (const [id, w] of wanted) {
        if (w.seeds.has(seed) && !this.#runs.get(id)?.has(seed)) {
          jobs.push({ id, subject: w.subject, seed, owners: w.owners });
        }
      }
    }
    this.missing = [];
    let k = 0;
    for (const job of jobs) {
      k++;
      const t0 = performance.now();
      const event = {
        index: k,
        total: jobs.length,
        label: job.subject.label,
        seed: job.seed,
        claims: job.owners.map((s) => s.claim.id),
        kind: job.subject.kind,
      };
      this.#o.onProgress?.({ phase: "start", ...event });
      try {
        const data = await this.#one(job.subject, job.seed);
        if (!this.#runs.has(job.id)) this.#runs.set(job.id, new Map());
        this.#runs.get(job.id)!.set(job.seed, data);
      } catch (err) {
        if (err instanceof MissingRunError) {
          this.missing.push({
            label: job.subject.label,
            config: err.config,
            seed: err.seed,
            claims: job.owners.map((s) => s.claim.id),
          });
          continue;
        }
        if (err instanceof DataError || err instanceof NoAdapterError) throw err;
        if (err instanceof Error && err.name === "AbortError") throw err;
        for (const s of job.owners) {
          s.error ??= `${job.subject.label}, seed ${job.seed}: ${errorText(err)}`;
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      for (const s of job.owners) s.seconds += seconds / job.owners.length;
      this.#o.onProgress?.({ phase: "done", ...event, seconds });
      if (job.subject.kind === "train") {
        log(
          `  [${k}/${jobs.length}] ${job.subject.label}, seed ${job.seed} ` +
            `(${job.owners.map((s) => s.claim.id).join(", ")}): ${seconds.toFixed(1)} s`,
        );
      }
    }
  }

  async #one(subject: ClaimSubject, seed: number): Promise<RunData> {
    if (subject.kind === "probe") {
      const data = this.#o.data ??
        (() => Promise.reject(new Error("this run has no dataset for probes that train")));
      const r: ProbeResult = await subject.run({
        gpu: this.#gpu,
        seed,
        log: this.#o.log,
        data,
        signal: this.#o.signal,
      });
      return {
        seed,
        sample: { seed, outcome: "trained" },
        divergedAt: null,
        run: null,
        detail: r.detail,
        failure: null,
        probe: r.metrics,
      };
    }
    const record = await this.#o.runs.get(subject.config, seed);
    const { outcome, divergedAt } = runOutcome(record.run);
    return {
      seed,
      sample: { seed, outcome },
      divergedAt,
      run: record.run,
      failure: record.failure?.message ?? null,
      probe: null,
    };
  }
}

/** The value of `subject` on one run of the claim (as `judgeClaimOnRuns` computes it). */
function valueOf(s: ClaimState, data: RunData, subject: Subject): number {
  const seedRun = data.probe
    ? { seed: data.seed, probe: data.probe }
    : { seed: data.seed, run: data.run };
  return sampleOf(s.claim, subject, seedRun).value;
}

/** The samples of a subject for the judge. */
function samplesOf(s: ClaimState, runs: RunTable, subject: Subject): Sample[] {
  const runsOf = runs.get(s.subjects[subject.config]);
  return [...runsOf.values()].map((d) => ({ ...d.sample, value: valueOf(s, d, subject) }));
}

function judgeLook(s: ClaimState, runs: RunTable, look: { n: number; alpha: number }): void {
  try {
    const source = (subject: Subject) => samplesOf(s, runs, subject);
    s.checks = s.claim.checks.map((spec, i) => judgeCheck(spec, source, look, s.checks[i]));
  } catch (err) {
    s.error = errorText(err);
  }
}

/** The metric infos a claim's checks, headline and lesson numbers name. */
function metricsOf(s: ClaimState): Record<string, MetricInfo> {
  const own: Record<string, MetricInfo> = { ...(s.claim.metrics ?? {}) };
  for (const subject of Object.values(s.subjects)) {
    if (subject.kind === "probe") Object.assign(own, subject.metrics);
  }
  const names = new Set([
    ...s.claim.checks.flatMap((c) => subjectsOf(c).map((x) => x.metric)),
    s.claim.headline.subject.metric,
    ...s.claim.lesson.flatMap((l) => l.subject ? [l.subject.metric] : []),
  ]);
  const out: Record<string, MetricInfo> = {};
  for (const name of names) {
    const info = metricInfo(name, own);
    if (info) out[name] = { label: info.label, unit: info.unit };
  }
  return out;
}

function resultOf(s: ClaimState, runs: RunTable, mode: RunMode, plan: LookPlan): ClaimResult {
  const c = s.claim;
  const subjectsByConfig = new Map<string, Subject[]>();
  const allSubjects = [
    ...c.checks.flatMap((x) => subjectsOf(x)),
    c.headline.subject,
    ...c.lesson.flatMap((l) => l.subject ? [l.subject] : []),
  ];
  for (const subj of allSubjects) {
    const list = subjectsByConfig.get(subj.config) ?? [];
    if (!list.some((x) => subjectKey(x) === subjectKey(subj))) list.push(subj);
    subjectsByConfig.set(subj.config, list);
  }
  const configs: ConfigResult[] = Object.entries(s.subjects).map(([name, subject]) => {
    const entries = [...runs.get(subject).values()]
      .filter((d) => s.lastLook === null || d.seed <= s.lastLook)
      .sort((a, b) => a.seed - b.seed).map((d) => ({
        seed: d.seed,
        outcome: d.sample.outcome,
        divergedAt: d.divergedAt,
        values: Object.fromEntries(
          (subjectsByConfig.get(name) ?? []).map((x) => [subjectKey(x), safeValue(s, d, x)]),
        ),
        run: d.run,
        ...(d.detail !== undefined ? { detail: d.detail } : {}),
        failure: d.failure,
      }));
    return {
      name,
      label: subject.label,
      kind: subject.kind,
      config: subject.kind === "train" ? subject.config : subject.params,
      runs: entries,
      divergence: { k: 0, n: 0, estimate: NaN, interval: [0, 1] as [number, number] },
    };
  });
  // One seed decides nothing (as in quick mode): a fixed `--seeds 1` run is not judged either.
  const oneSeed = plan.source === "fixed-seeds" && plan.looks[0] === 1;
  const judged = mode === "full" && !oneSeed && !s.error && s.checks.length > 0;
  const verdict = s.error
    ? "error"
    : judged && !(s.incomplete && verdictOf(s.checks) === "inconclusive")
    ? verdictOf(s.checks)
    : s.incomplete
    ? "incomplete"
    : "not judged";
  return summarizeClaim({
    id: c.id,
    title: c.title,
    source: c.source,
    quote: c.quote,
    claimNumbers: c.claimNumbers,
    lesson: c.lesson,
    lessonNotes: c.lessonNotes ?? [],
    findings: c.findings ?? null,
    dependsOn: c.dependsOn ?? [],
    figures: c.figures ?? [],
    mode,
    configs,
    metrics: metricsOf(s),
    checks: judged ? s.checks : [],
    verdict,
    decidedAt: judged && verdict !== "inconclusive" ? s.decidedAt : null,
    seedsUsed: Math.max(0, ...configs.map((x) => x.runs.length)),
    headline: { ...c.headline, median: NaN },
    comparisons: [],
    lessonPercentiles: [],
    expectedMax: [],
    error: s.error,
    seconds: s.seconds,
  });
}

function safeValue(s: ClaimState, d: RunData, subject: Subject): number {
  try {
    return valueOf(s, d, subject);
  } catch {
    return NaN;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
