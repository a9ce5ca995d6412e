/**
 * Where a bench gets its runs: the run store first, training only what is missing, and every
 * finished run written to the store before the next one starts (so a bench killed at any moment
 * keeps all but the run in progress). Without a store (`--fresh`, the browser) it trains every run
 * once per process.
 *
 * @module
 */

import { z } from "zod";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import type { Gpu } from "../gpu/device.ts";
import { type TrainConfig, trainRun } from "./training.ts";
import type { BatchProgress } from "../train/callbacks/progress.ts";
import { type TrainRun, TrainRunSchema } from "./evidence.ts";
import { sha256Hex, trainerCodeIdentity } from "../store/code_identity.ts";
import { vulkanDriver } from "../store/driver.ts";
import { canonicalJson, type RunKey } from "../store/run_key.ts";
import type { RunStore } from "../store/run_store.ts";
import { OneAtATime } from "../util/one_at_a_time.ts";

/** A run as the store keeps it: finished (trained, possibly diverged) or failed before training. */
export const RunRecordSchema = z.object({
  run: TrainRunSchema.nullable(),
  /** Set when the run could not start (LSUV gave up): an outcome of the config, not a crash. */
  failure: z.object({ stage: z.literal("lsuv"), message: z.string() }).nullable(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** What a {@link RunSource} needs. */
export interface RunSourceOptions {
  gpu: Gpu;
  data: () => Promise<GpuFashionMnist>;
  /** Null: train everything (`--fresh`); runs are still written to `saveTo` when given. */
  store: RunStore<RunRecord> | null;
  /** With `fresh`, runs are trained again but still saved here. */
  saveTo?: RunStore<RunRecord> | null;
  log?: (m: string) => void;
  signal?: AbortSignal;
  /** Where a run being trained is, after every batch, and which run ({@link runId}). */
  onBatch?: (p: BatchProgress, run: string) => void;
  /**
   * Train only this shard's runs (`--shard i/n`): a run outside the partition that is not in the
   * store is a {@link MissingRunError} (another shard trains it).
   */
  shard?: { index: number; count: number };
  /** False: train nothing (`--no-train`, a merge): a run not in the store is missing. */
  train?: boolean;
  /** Called after each run is available, with whether it came from the store. */
  onRun?: (e: { config: TrainConfig; seed: number; cached: boolean; seconds: number }) => void;
  /**
   * Trains runs in other processes (`deno task bench --jobs N`): used for every run to train when
   * there is a store to write to; it stores the run under the key before resolving.
   */
  trainer?: RunTrainer;
}

/**
 * Trains a run elsewhere (a worker process) and writes it to the store under `key` before it
 * resolves with it; `onBatch` gets the run's progress.
 */
export interface RunTrainer {
  train(
    key: RunKey,
    config: TrainConfig,
    o: { onBatch?: (p: BatchProgress) => void },
  ): Promise<RunRecord>;
}

/** A run this process may not train (another shard's, or `--no-train`) and the store lacks. */
export class MissingRunError extends Error {
  override name = "MissingRunError";
  constructor(readonly config: TrainConfig, readonly seed: number, why: string) {
    super(`run not in the store (${why}): seed ${seed} of ${canonicalJson(config)}`);
  }
}

/**
 * The shard (1-based) a run belongs to among `count`: a hash of its canonical config and seed, so
 * every shard of a matrix agrees without talking, and a config's seeds spread over the shards.
 */
export function shardOfRun(config: unknown, seed: number, count: number): number {
  // FNV-1a (32-bit) over the text: fast, stable, no async crypto needed.
  let h = 0x811c9dc5;
  const text = `${canonicalJson(config)}#${seed}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

/** The identity of (config, seed) in progress events: canonical config text and seed. */
export function runId(config: unknown, seed: number): string {
  return `${canonicalJson(config)}#${seed}`;
}

/** Where the bench runner gets training runs (a {@link RunSource}, or a fake in tests). */
export interface RunProvider {
  get(config: TrainConfig, seed: number): Promise<RunRecord>;
  /** How many runs were trained and how many read from the store. */
  readonly counts: { trained: number; cached: number };
}

/** The store-backed source of training runs of one bench process. */
export class RunSource implements RunProvider {
  readonly #o: RunSourceOptions;
  #base: Promise<Omit<RunKey, "config" | "seed">> | null = null;
  /** Runs trained or read by this process, by key text. */
  readonly #memo = new Map<string, Promise<RunRecord>>();
  /** How many runs were trained and how many read from the store. */
  readonly counts = { trained: 0, cached: 0 };
  /** Runs trained in this process share the device's scratch buffers: one at a time. */
  readonly #local = new OneAtATime();

  constructor(o: RunSourceOptions) {
    this.#o = o;
  }

  /** The key fields shared by every run of this process. */
  keyBase(): Promise<Omit<RunKey, "config" | "seed">> {
    return this.#base ??= (async () => {
      const data = await this.#o.data();
      const files = data.info.files;
      const dataset = await sha256Hex(
        Object.keys(files).sort().map((r) => `${r}:${files[r as keyof typeof files].contentSha256}`)
          .join("\n"),
      );
      const a = this.#o.gpu.adapter;
      const driver = await vulkanDriver();
      return {
        code: await trainerCodeIdentity(),
        adapter: {
          description: a.description,
          vendor: a.vendor,
          architecture: a.architecture,
          device: a.device,
          driver: driver ? `${driver.package} ${driver.version}` : "unknown",
        },
        dataset: `sha256:${dataset}`,
      };
    })();
  }

  /** The full key of (config, seed). */
  async keyOf(config: TrainConfig, seed: number): Promise<RunKey> {
    return {
      ...await this.keyBase(),
      config: JSON.parse(canonicalJson(config)),
      seed,
    };
  }

  /** The run of (config, seed): memoised, else stored, else trained and stored. */
  get(config: TrainConfig, seed: number): Promise<RunRecord> {
    const text = runId(config, seed);
    let p = this.#memo.get(text);
    if (!p) {
      p = this.#fetch(config, seed);
      p.catch(() => this.#memo.delete(text));
      this.#memo.set(text, p);
    }
    return p;
  }

  /** Whether (config, seed) is available without training. */
  async has(config: TrainConfig, seed: number): Promise<boolean> {
    if (this.#memo.has(runId(config, seed))) return true;
    if (!this.#o.store) return false;
    return (await this.#o.store.get(await this.keyOf(config, seed))) !== null;
  }

  async #fetch(config: TrainConfig, seed: number): Promise<RunRecord> {
    const started = performance.now();
    const target = this.#o.store ?? this.#o.saveTo ?? null;
    // Keys need the code identity and the driver (Deno only): without a store, none is computed.
    const key = target ? await this.keyOf(config, seed) : null;
    const stored = this.#o.store && key ? await this.#o.store.get(key) : null;
    if (stored) {
      this.counts.cached++;
      this.#o.onRun?.({
        config,
        seed,
        cached: true,
        seconds: (performance.now() - started) / 1000,
      });
      return stored;
    }
    if (this.#o.train === false) throw new MissingRunError(config, seed, "--no-train");
    const shard = this.#o.shard;
    if (shard && shardOfRun(config, seed, shard.count) !== shard.index) {
      const owner = shardOfRun(config, seed, shard.count);
      throw new MissingRunError(config, seed, `shard ${owner}/${shard.count} trains it`);
    }
    let record: RunRecord;
    const report = this.#o.onBatch;
    const onBatch = report && ((p: BatchProgress) => report(p, runId(config, seed)));
    if (this.#o.trainer && target && key) {
      record = await this.#o.trainer.train(key, config, { onBatch });
    } else {
      record = await this.#local.run(() => this.#train(config, seed, onBatch));
      if (target && key) await target.put(key, record);
    }
    this.counts.trained++;
    this.#o.onRun?.({ config, seed, cached: false, seconds: (performance.now() - started) / 1000 });
    return record;
  }

  async #train(
    config: TrainConfig,
    seed: number,
    onBatch: ((p: BatchProgress) => void) | undefined,
  ): Promise<RunRecord> {
    const { gpu, data, log, signal } = this.#o;
    const env = { gpu, data, log, signal, onBatch };
    try {
      const run: TrainRun = await trainRun(env, config, seed);
      return { run, failure: null };
    } catch (err) {
      // LSUV giving up (iteration cap, non-finite std) is an outcome of the config, not a crash.
      if (err instanceof Error && err.message.startsWith("LSUV:")) {
        return { run: null, failure: { stage: "lsuv", message: err.message } };
      }
      throw err;
    }
  }
}
