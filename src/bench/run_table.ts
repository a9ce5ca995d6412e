/**
 * The runs of every config a bench needs, keyed by the config's identity and filled look by look:
 * from the run store, or trained or probed here, seed-major so a stop leaves balanced seeds.
 *
 * @module
 */

import { DataError } from "../data/errors.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { NoAdapterError } from "../gpu/errors.ts";
import { canonicalJson } from "../store/run_key.ts";
import { MissingRunError, runId, type RunProvider } from "./run_source.ts";
import type { Sample } from "../verdict/judge.ts";
import { type ClaimState, errorText } from "./claim_state.ts";
import type { ClaimSubject, ProbeResult } from "./contract.ts";
import { runOutcome } from "./outcome.ts";
import type { RunEntry } from "./results.ts";
import { OneAtATime } from "../util/one_at_a_time.ts";

/** A run of one config at one seed, as the judge and the results need it. */
export interface RunData {
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
  /** The run's identity: {@link runId} of its config and seed (batch progress names it too). */
  run: string;
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

/** What a {@link RunTable} needs from the runner's options. */
export interface RunTableOptions {
  runs: RunProvider;
  log: (message: string) => void;
  /** The dataset, for probes that train (the LR finder); loaded on first use. */
  data?: () => Promise<GpuFashionMnist>;
  /** Aborts probes between batches. */
  signal?: AbortSignal;
  /** Called when a run starts and when it is done (progress displays). */
  onProgress?: (e: RunProgress) => void;
  /**
   * Runs in flight at once (default 1): more only helps when the runs train elsewhere (worker
   * processes, `--jobs`); they start in seed-major order either way, and the work done in this
   * process (probes, in-process training) still runs one at a time.
   */
  concurrency?: number;
}

/** One (config, seed) a look needs, and the claims waiting for it. */
interface Job {
  id: string;
  subject: ClaimSubject;
  seed: number;
  owners: ClaimState[];
}

/** The runs of every config, keyed by the config's identity, filled look by look. */
export class RunTable {
  readonly #gpu: Gpu;
  readonly #o: RunTableOptions;
  readonly #runs = new Map<string, Map<number, RunData>>();
  /** Probes run in this process on one device: one at a time, even when runs overlap. */
  readonly #probes = new OneAtATime();
  /** Runs the last `ensure` could not get; a look with any is not judged. */
  missing: MissingRun[] = [];

  constructor(gpu: Gpu, o: RunTableOptions) {
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
    const jobs: Job[] = [];
    const maxSeed = Math.max(0, ...[...wanted.values()].flatMap((w) => [...w.seeds]));
    for (let seed = 1; seed <= maxSeed; seed++) {
      for (const [id, w] of wanted) {
        if (w.seeds.has(seed) && !this.#runs.get(id)?.has(seed)) {
          jobs.push({ id, subject: w.subject, seed, owners: w.owners });
        }
      }
    }
    this.missing = [];
    let started = 0;
    const next = async (): Promise<void> => {
      while (started < jobs.length) {
        const k = ++started;
        await this.#job(jobs[k - 1], k, jobs.length, log);
      }
    };
    const lanes = Math.max(1, Math.min(this.#o.concurrency ?? 1, jobs.length));
    // A lane that throws (an abort, no dataset) stops the others from starting more runs.
    const all = Array.from({ length: lanes }, () =>
      next().catch((err) => {
        started = jobs.length;
        throw err;
      }));
    const settled = await Promise.allSettled(all);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /** Gets one job's run (stored, probed or trained) and reports it. */
  async #job(job: Job, k: number, total: number, log: (m: string) => void): Promise<void> {
    const t0 = performance.now();
    const event = {
      index: k,
      total,
      label: job.subject.label,
      seed: job.seed,
      claims: job.owners.map((s) => s.claim.id),
      kind: job.subject.kind,
      run: job.subject.kind === "train"
        ? runId(job.subject.config, job.seed)
        : `${job.id}#${job.seed}`,
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
        return;
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
        `  [${k}/${total}] ${job.subject.label}, seed ${job.seed} ` +
          `(${job.owners.map((s) => s.claim.id).join(", ")}): ${seconds.toFixed(1)} s`,
      );
    }
  }

  async #one(subject: ClaimSubject, seed: number): Promise<RunData> {
    if (subject.kind === "probe") {
      const data = this.#o.data ??
        (() => Promise.reject(new Error("this run has no dataset for probes that train")));
      const r: ProbeResult = await this.#probes.run(() =>
        subject.run({ gpu: this.#gpu, seed, log: this.#o.log, data, signal: this.#o.signal })
      );
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
