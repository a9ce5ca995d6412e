/**
 * Training runs in worker processes, several at once (`deno task bench --jobs N`). On lavapipe one
 * process does not keep two cores busy (its dispatches wait on each other), while two processes
 * train side by side at nearly twice the rate; WebGPU devices within one process do not overlap.
 * Each worker ({@link ./train_worker.ts}) is a Deno process with its own device that trains the
 * jobs it is sent one after another, writes each run to the run store and reports progress; the
 * pool reads the run back from the store. Results are bit-identical to training in-process: the
 * same code, adapter and driver, which each worker checks against the key it is sent.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { RunRecord, RunTrainer } from "../bench/run_source.ts";
import type { TrainConfig } from "../bench/run_builder.ts";
import type { RunKey } from "../store/run_key.ts";
import type { RunStore } from "../store/run_store.ts";
import type { BatchProgress } from "../train/callbacks/progress.ts";

/** A message of a worker on its standard output, one JSON object a line. */
export type WorkerMessage =
  | { type: "batch"; progress: BatchProgress }
  | { type: "done" }
  | { type: "error"; name: string; message: string };

/** The worker message on a line, or null for anything else a worker printed. */
function messageOf(line: string): WorkerMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof m !== "object" || m === null) return null;
  const type = (m as { type?: unknown }).type;
  return type === "batch" || type === "done" || type === "error" ? m as WorkerMessage : null;
}

/** The lines of a byte stream (UTF-8), without their line ends. */
export async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
  }
  rest += decoder.decode();
  if (rest !== "") yield rest;
}

/** What a {@link TrainerPool} needs. */
export interface TrainerPoolOptions {
  /** Workers at most (each trains one run at a time). */
  size: number;
  /** The store the workers write to, and its directory. */
  store: RunStore<RunRecord>;
  storeDir: string;
  dataDir?: string;
  /** Aborting stops every worker's run after its current batch. */
  signal?: AbortSignal;
  /** The worker's command (tests); default: this Deno running `train_worker.ts`. */
  command?: { path: string; args: string[] };
}

/** The default worker command: this Deno, this project's config and lock, the worker module. */
function workerCommand(o: TrainerPoolOptions): { path: string; args: string[] } {
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const worker = fileURLToPath(new URL("./train_worker.ts", import.meta.url));
  return {
    path: Deno.execPath(),
    args: ["run", "-A", "--quiet", "--config", config, worker, "--runs", o.storeDir].concat(
      o.dataDir ? ["--data-dir", o.dataDir] : [],
    ),
  };
}

/** One job in a worker: settled by its `done` or `error` message, or by the worker's exit. */
interface Pending {
  resolve(): void;
  reject(err: Error): void;
  onBatch?: (p: BatchProgress) => void;
}

/** One worker process. */
class WorkerProcess {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #pending: Pending | null = null;
  #stderr = "";
  /** Set once the process has exited: why, for the job that was in it. */
  dead: string | null = null;
  readonly exited: Promise<void>;

  constructor(command: { path: string; args: string[] }, signal?: AbortSignal) {
    const child = new Deno.Command(command.path, {
      args: command.args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    const reading = Promise.all([this.#readMessages(), this.#readStderr()]);
    this.exited = (async () => {
      const status = await child.status;
      await reading;
      this.dead = `training worker exited with code ${status.code}` +
        (this.#stderr.trim() ? `: ${this.#stderr.trim().split("\n").slice(-5).join(" | ")}` : "");
      const p = this.#pending;
      this.#pending = null;
      p?.reject(
        signal?.aborted
          ? new DOMException("interrupted", "AbortError") as Error
          : new Error(this.dead),
      );
    })();
  }

  /** Sends a job; resolves when the worker has stored its run. */
  run(key: RunKey, config: TrainConfig, onBatch?: (p: BatchProgress) => void): Promise<void> {
    if (this.dead) return Promise.reject(new Error(this.dead));
    return new Promise<void>((resolve, reject) => {
      this.#pending = { resolve, reject, onBatch };
      const line = `${JSON.stringify({ key, config })}\n`;
      this.#stdin.write(new TextEncoder().encode(line)).catch((err) => {
        this.#pending = null;
        reject(new Error(`training worker: could not send the job (${err})`));
      });
    });
  }

  /** Stops the run in progress after its current batch (the worker reports an AbortError). */
  interrupt(): void {
    try {
      this.#child.kill("SIGINT");
    } catch {
      // Already gone.
    }
  }

  /** Ends the worker: no more jobs (it exits when its input closes). */
  async close(): Promise<void> {
    await this.#stdin.close().catch(() => {});
    await this.exited;
  }

  async #readMessages(): Promise<void> {
    for await (const line of linesOf(this.#child.stdout)) {
      const m = messageOf(line);
      if (!m) {
        this.#stderr += `${line}\n`; // Not a message: something printed; keep it for errors.
        continue;
      }
      const p = this.#pending;
      if (!p) continue;
      if (m.type === "batch") {
        p.onBatch?.(m.progress);
      } else {
        this.#pending = null;
        if (m.type === "done") p.resolve();
        else p.reject(Object.assign(new Error(m.message), { name: m.name }));
      }
    }
  }

  async #readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.#child.stderr) {
      this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true })).slice(-4000);
    }
  }
}

/** Up to `size` worker processes, started on demand, each training one run at a time. */
export class TrainerPool implements RunTrainer {
  readonly #o: TrainerPoolOptions;
  readonly #idle: WorkerProcess[] = [];
  readonly #all = new Set<WorkerProcess>();
  readonly #waiting: ((w: WorkerProcess) => void)[] = [];

  constructor(o: TrainerPoolOptions) {
    if (!(o.size >= 1)) throw new RangeError(`TrainerPool: size ${o.size}, expected at least 1`);
    this.#o = o;
    o.signal?.addEventListener("abort", () => this.#all.forEach((w) => w.interrupt()));
  }

  /** Trains (config, seed = key.seed) in a worker, which stores it under `key`; the stored run. */
  async train(
    key: RunKey,
    config: TrainConfig,
    o: { onBatch?: (p: BatchProgress) => void } = {},
  ): Promise<RunRecord> {
    this.#o.signal?.throwIfAborted();
    const worker = await this.#acquire();
    try {
      await worker.run(key, config, o.onBatch);
    } finally {
      this.#release(worker);
    }
    const record = await this.#o.store.get(key);
    if (!record) {
      throw new Error(`training worker reported seed ${key.seed} done, but the store lacks it`);
    }
    return record;
  }

  /** Closes every worker and waits for them to exit. */
  async close(): Promise<void> {
    await Promise.all([...this.#all].map((w) => w.close()));
  }

  #acquire(): Promise<WorkerProcess> {
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#all.size < this.#o.size) return Promise.resolve(this.#spawn());
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(worker: WorkerProcess): void {
    // A worker that died is replaced by a new one for whoever waits.
    const next = worker.dead ? (this.#all.delete(worker), null) : worker;
    const waiter = this.#waiting.shift();
    if (waiter) waiter(next ?? this.#spawn());
    else if (next) this.#idle.push(next);
  }

  #spawn(): WorkerProcess {
    const w = new WorkerProcess(this.#o.command ?? workerCommand(this.#o), this.#o.signal);
    this.#all.add(w);
    return w;
  }
}
