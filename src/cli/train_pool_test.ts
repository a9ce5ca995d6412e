/**
 * The training worker pool of `bench --jobs`: fake workers (small `deno eval` scripts) for the
 * protocol, reuse and failures; the real worker for the one thing that matters most, that a run
 * trained in a worker is the run trained in-process, bit for bit.
 */
import assert from "node:assert/strict";
import { type RunRecord, RunRecordSchema, RunSource } from "../bench/run_source.ts";
import { TrainConfigSchema, trainRun } from "../bench/training.ts";
import { loadFashionMnistToGpu } from "../data/gpu_dataset.ts";
import type { RunKey } from "../store/run_key.ts";
import { RunStore } from "../store/run_store.ts";
import type { BatchProgress } from "../train/callbacks/progress.ts";
import { hasDataset } from "../../tests/dataset.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { TrainerPool } from "./train_pool.ts";

const CONFIG = TrainConfigSchema.parse({ epochs: 1, lr: 0.1 });

function fakeKey(seed: number): RunKey {
  return {
    config: { ...CONFIG },
    seed,
    code: "test",
    adapter: { description: "d", vendor: "v", architecture: "a", device: "x", driver: "y" },
    dataset: "sha256:0",
  };
}

/** A pool whose workers run `script` (JavaScript for `deno eval`, reading jobs on stdin). */
async function fakePool(dir: string, script: string, size = 1): Promise<TrainerPool> {
  const store = await RunStore.open<RunRecord>(dir, RunRecordSchema);
  return new TrainerPool({
    size,
    store,
    storeDir: dir,
    command: { path: Deno.execPath(), args: ["eval", script] },
  });
}

/** A worker script: for every job line, `reply(job)` gives the messages to print. */
function replying(reply: string): string {
  return `
    const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
    let rest = "";
    for await (const t of lines) {
      rest += t;
      let i;
      while ((i = rest.indexOf("\\n")) >= 0) {
        const job = JSON.parse(rest.slice(0, i));
        rest = rest.slice(i + 1);
        for (const m of await (${reply})(job)) console.log(JSON.stringify(m));
      }
    }`;
}

Deno.test("TrainerPool: a worker's progress reaches onBatch, its error rejects with its name and message", async () => {
  const dir = await Deno.makeTempDir();
  const pool = await fakePool(
    dir,
    replying(`async (job) => [
      "not a message: kept for errors only",
      { type: "batch", progress: { epoch: 1, epochs: 1, batch: 2, seed: job.key.seed } },
      { type: "error", name: "LsuvGaveUp", message: "seed " + job.key.seed + " failed" },
    ]`),
  );
  try {
    const seen: BatchProgress[] = [];
    await assert.rejects(
      pool.train(fakeKey(7), CONFIG, { onBatch: (p) => seen.push(p) }),
      (err: Error) => err.name === "LsuvGaveUp" && err.message === "seed 7 failed",
    );
    assert.equal(seen.length, 1);
    assert.equal((seen[0] as unknown as { seed: number }).seed, 7);
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TrainerPool: at most `size` workers, reused; 'done' without a stored run is an error", async () => {
  const dir = await Deno.makeTempDir();
  // Each job answers after 200 ms with the worker's pid in the message.
  const pool = await fakePool(
    dir,
    replying(`async (job) => {
      await new Promise((r) => setTimeout(r, 200));
      return job.key.seed === 0 ? [{ type: "done" }] :
        [{ type: "error", name: "Pid", message: String(Deno.pid) }];
    }`),
    2,
  );
  try {
    const started = performance.now();
    const pids = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        pool.train(fakeKey(seed), CONFIG).then(
          () => assert.fail("expected the fake error"),
          (err: Error) => err.message,
        )
      ),
    );
    assert.equal(new Set(pids).size, 2, `two workers served four jobs: ${pids}`);
    // Two at a time: four 200 ms jobs take two rounds, not four (process starts included).
    assert.ok(performance.now() - started < 4 * 200 + 3000);
    await assert.rejects(
      pool.train(fakeKey(0), CONFIG),
      /reported seed 0 done, but the store lacks it/,
    );
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TrainerPool: a worker that dies fails its job with the exit code and its stderr; the next job gets a new worker", async () => {
  const dir = await Deno.makeTempDir();
  const marker = `${dir}/started`;
  // The first worker dies at once; the second answers.
  const pool = await fakePool(
    dir,
    `try { Deno.statSync(${JSON.stringify(marker)}); } catch {
       Deno.writeTextFileSync(${JSON.stringify(marker)}, "");
       console.error("no adapter here"); Deno.exit(3); }
     ${replying(`async () => [{ type: "error", name: "Second", message: "second worker" }]`)}`,
  );
  try {
    await assert.rejects(
      pool.train(fakeKey(1), CONFIG),
      /training worker exited with code 3: no adapter here/,
    );
    await assert.rejects(pool.train(fakeKey(2), CONFIG), /second worker/);
  } finally {
    await pool.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "train worker: its run is the in-process run bit for bit; another key is refused; closing stops a run",
  ignore: noGpu || !(await hasDataset()),
  async fn() {
    const gpu = testGpu();
    const dir = await Deno.makeTempDir();
    const data = await loadFashionMnistToGpu(gpu);
    try {
      const store = await RunStore.open<RunRecord>(dir, RunRecordSchema);
      const source = new RunSource({ gpu, data: () => Promise.resolve(data), store });
      const config = TrainConfigSchema.parse({ act: "general-relu", norm: "batchnorm", epochs: 1 });
      const key = await source.keyOf(config, 3);
      const pool = new TrainerPool({ size: 1, store, storeDir: dir });
      let batches = 0;
      try {
        const worker = await pool.train(key, config, { onBatch: () => batches++ });
        const here = await trainRun({ gpu, data: () => Promise.resolve(data) }, config, 3);
        assert.ok(worker.run && worker.failure === null);
        assert.deepEqual(worker.run.batchLosses, here.batchLosses);
        const strip = (e: typeof here.epochs) => e.map((x) => ({ ...x, seconds: 0 }));
        assert.deepEqual(strip(worker.run.epochs), strip(here.epochs));
        assert.ok(batches >= 59, `progress of every batch: ${batches}`);
        assert.deepEqual(await store.get(key), worker);
        await assert.rejects(
          pool.train({ ...key, code: "another commit" }, config),
          /this worker's run key differs from the bench's/,
        );
      } finally {
        await pool.close();
      }
      // The end of its input (the bench gone) stops a worker's run: nothing stored.
      const other = await source.keyOf(config, 4);
      const pool2 = new TrainerPool({ size: 1, store, storeDir: dir });
      let closing: Promise<void> | null = null;
      const stopped = pool2.train(other, config, {
        onBatch: (p) => {
          if (p.batch >= 3) closing ??= pool2.close();
        },
      });
      await assert.rejects(stopped, (err: Error) => err.name === "AbortError");
      await closing;
      assert.equal(await store.get(other), null);
    } finally {
      for (const split of [data.train, data.valid]) {
        gpu.destroy(split.images);
        gpu.destroy(split.labels);
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
