/**
 * A training worker of `deno task bench --jobs N` (started by {@link TrainerPool}, not a command
 * for people): reads one job per line on standard input (`{ key, config }`), trains it on this
 * process's GPU, writes it to the run store and answers on standard output, one JSON line per
 * message: the run's batch progress, then `done` (or `error`). It checks first that the key its own
 * adapter, driver, dataset and code give is the key it was sent, so a run is never stored under
 * another machine's or commit's identity. Ctrl-C (SIGINT) stops the run after the current batch;
 * end of input ends the worker.
 *
 * Usage: deno run -A src/cli/train_worker.ts --runs DIR [--data-dir DIR]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { TrainConfigSchema } from "../bench/training.ts";
import { type RunRecord, RunRecordSchema, RunSource } from "../bench/run_source.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import { getGpu } from "../gpu/device.ts";
import { canonicalJson, RunKeySchema } from "../store/run_key.ts";
import { RunStore } from "../store/run_store.ts";
import { useCachedTuning } from "./tuning.ts";
import { linesOf, type WorkerMessage } from "./train_pool.ts";

const encoder = new TextEncoder();
function send(m: WorkerMessage): void {
  Deno.stdout.writeSync(encoder.encode(`${JSON.stringify(m)}\n`));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string" }, "data-dir": { type: "string" } },
  });
  if (!values.runs) throw new Error("train_worker: --runs DIR is required");
  const interrupt = new AbortController();
  Deno.addSignalListener("SIGINT", () => {
    if (interrupt.signal.aborted) Deno.exit(130);
    interrupt.abort(new DOMException("interrupted by Ctrl-C", "AbortError"));
  });
  const gpu = await getGpu();
  // The same tuning as the bench that started this worker: grid-only, and recorded in results.
  await useCachedTuning(gpu, () => {});
  const store = await RunStore.open<RunRecord>(values.runs, RunRecordSchema);
  let data: Promise<GpuFashionMnist> | null = null;
  const source = new RunSource({
    gpu,
    data: () => data ??= loadFashionMnistToGpu(gpu, { dataDir: values["data-dir"] }),
    store: null,
    saveTo: store,
    signal: interrupt.signal,
    onBatch: (progress) => send({ type: "batch", progress }),
  });
  // Jobs are read while a run trains: the end of input (the bench exited, or was killed) stops
  // the run in progress at once, so no worker outlives its bench.
  const jobs: string[] = [];
  let ended = false;
  let wake = () => {};
  const reading = (async () => {
    for await (const line of linesOf(Deno.stdin.readable)) {
      if (line.trim() !== "") jobs.push(line);
      wake();
    }
    ended = true;
    interrupt.abort(new DOMException("the bench that started this worker is gone", "AbortError"));
    wake();
  })();
  while (true) {
    const line = jobs.shift();
    if (line === undefined) {
      if (ended) break;
      await new Promise<void>((resolve) => wake = resolve);
      continue;
    }
    try {
      await trainJob(source, line);
      send({ type: "done" });
    } catch (err) {
      const name = err instanceof Error ? err.name : "Error";
      send({ type: "error", name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  await reading;
}

/** Trains one job line into the store, after checking its key is this worker's. */
async function trainJob(source: RunSource, line: string): Promise<void> {
  const job = JSON.parse(line);
  const key = RunKeySchema.parse(job.key);
  const config = TrainConfigSchema.parse(job.config);
  const mine = await source.keyOf(config, key.seed);
  if (canonicalJson(mine) !== canonicalJson(key)) {
    throw new Error(
      `this worker's run key differs from the bench's: ${canonicalJson(mine)} ≠ ` +
        canonicalJson(key),
    );
  }
  await source.get(config, key.seed);
}

if (import.meta.main) {
  await main();
  Deno.exit(0);
}
