import assert from "node:assert/strict";
import type { RunProgress } from "../bench/runner.ts";
import type { BatchProgress } from "../train/callbacks/progress.ts";
import { RerunStatus, rerunStatusText } from "./rerun_status.ts";

const run = (phase: "start" | "done", index: number): RunProgress => ({
  phase,
  index,
  total: 2,
  label: "Kaiming, no norm",
  seed: index,
  claims: ["lsuv"],
  kind: "train",
  run: `config#${index}`,
});

const batch = (o: Partial<BatchProgress> = {}): BatchProgress => ({
  training: true,
  epoch: 2,
  epochs: 5,
  batch: 12,
  done: 10,
  batches: 59,
  loss: 0.52341,
  imagesPerSecond: 3000,
  partEtaSeconds: 20,
  ...o,
});

Deno.test("rerunStatusText: the run, then its epoch (as configured), batch, loss and ETA", () => {
  assert.equal(
    rerunStatusText(run("start", 1), null, NaN),
    "Run 1 of 2: Kaiming, no norm, seed 1: starting…",
  );
  assert.equal(
    rerunStatusText(run("start", 1), batch(), 130),
    "Run 1 of 2: Kaiming, no norm, seed 1 · epoch 2/5 train batch 12/59 · loss 0.5234 · about 2.2 min left",
  );
  assert.equal(
    rerunStatusText(
      run("start", 2),
      batch({ training: false, loss: null, batch: 3, batches: 5 }),
      NaN,
    ),
    "Run 2 of 2: Kaiming, no norm, seed 2 · epoch 2/5 valid batch 3/5",
  );
});

Deno.test("RerunStatus: says when a run starts, moves the bar by runs and batches, throttles", () => {
  let now = 0;
  const said: string[] = [];
  const bar: number[] = [];
  const s = new RerunStatus((t) => said.push(t), (v) => bar.push(v), () => now);
  s.run(run("start", 1));
  assert.deepEqual([said.at(-1), bar.at(-1)], [
    "Run 1 of 2: Kaiming, no norm, seed 1: starting…",
    0,
  ]);
  now = 30_000;
  // Epoch 3 of 5 starts: the run is 40% done, the re-run 20%: 30 s so far → 120 s left.
  s.batch(batch({ epoch: 3, done: 0, batch: 1 }));
  assert.equal(bar.at(-1), 0.2);
  assert.match(said.at(-1)!, /epoch 3\/5 train batch 1\/59 · loss 0\.5234 · about 2\.0 min left$/);
  const n = said.length;
  now += 100;
  s.batch(batch({ epoch: 3, done: 1, batch: 2 }));
  assert.equal(said.length, n, "no redraw within 250 ms");
  s.run(run("done", 1));
  assert.equal(bar.at(-1), 0.5);
});
