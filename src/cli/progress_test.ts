import assert from "node:assert/strict";
import type { RunProgress } from "../bench/runner.ts";
import type { BatchProgress } from "../train/callbacks/progress.ts";
import { duration } from "../util/duration.ts";
import { bar, batchLine, ProgressDisplay, type ProgressSink } from "./progress.ts";

/** Carriage return + erase to the end of the screen: how the bars redraw in place. */
const ESC = String.fromCharCode(27);
const CLEAR = `\r${ESC}[J`;

function sink(isTerminal: boolean): ProgressSink & { out: string[] } {
  const out: string[] = [];
  return { out, write: (t) => out.push(t), isTerminal, columns: 160 };
}

const run = (phase: "start" | "done", index: number, seconds?: number): RunProgress => ({
  phase,
  index,
  total: 4,
  label: "GeneralReLU + Kaiming(0.1)",
  seed: index,
  claims: ["general-relu", "lsuv"],
  kind: "train",
  run: `config#${index}`,
  seconds,
});

Deno.test("bar and duration", () => {
  assert.equal(bar(0.5, 10), "█████░░░░░");
  assert.equal(bar(2, 4), "████");
  assert.equal(duration(42), "42 s");
  assert.equal(duration(210), "3.5 min");
  assert.equal(duration(NaN), "?");
});

Deno.test("progress on a TTY: a bar redrawn in place, log lines above it, an ETA from run times", () => {
  let now = 0;
  const s = sink(true);
  const d = new ProgressDisplay(s, { now: () => now });
  d.event(run("start", 1));
  const first = s.out.at(-1)!;
  assert.ok(first.startsWith(CLEAR), JSON.stringify(first));
  assert.match(
    first.slice(CLEAR.length),
    /^runs ░+ 0\/4 · GeneralReLU \+ Kaiming\(0\.1\), seed 1 \(general-relu, lsuv\) · 0 s · ETA \?$/,
  );
  now = 20_000;
  d.event(run("done", 1, 20));
  d.event(run("start", 2));
  // One run took 20 s: three to go → ETA 60 s.
  assert.match(d.render(), /1\/4 .* ETA 60 s$/);
  d.log("  seed 2 epoch 1: valid accuracy 0.8100");
  // The bar is cleared, the line printed on its own, the bar drawn again below it.
  const tail = s.out.slice(-3);
  assert.equal(tail[0], CLEAR);
  assert.equal(tail[1], "  seed 2 epoch 1: valid accuracy 0.8100\n");
  assert.ok(tail[2].startsWith(CLEAR));
  assert.match(tail[2].slice(CLEAR.length), /^runs .* 1\/4/);
  d.close();
  assert.equal(s.out.at(-1), CLEAR);
});

Deno.test("progress off a TTY: plain lines only, no control characters, a heartbeat when quiet", () => {
  let now = 0;
  const s = sink(false);
  const d = new ProgressDisplay(s, { now: () => now, heartbeatSeconds: 0 });
  d.event(run("start", 1));
  d.log("look at 6 seeds: general-relu");
  now = 45_000;
  assert.deepEqual(s.out, ["look at 6 seeds: general-relu\n"]);
  assert.ok(s.out.every((t) => !t.includes(ESC) && !t.includes("\r")));
  d.close();
});

Deno.test("progress off a TTY: a heartbeat line when nothing was printed for a while", async () => {
  const s = sink(false);
  const d = new ProgressDisplay(s, { heartbeatSeconds: 0.05 });
  d.event(run("start", 3));
  await new Promise((r) => setTimeout(r, 180));
  d.close();
  assert.ok(
    s.out.some((t) => /^… still on GeneralReLU \+ Kaiming\(0\.1\), seed 3 \(run 3\/4, /.test(t)),
    s.out.join(""),
  );
});

const batch = (o: Partial<BatchProgress> = {}): BatchProgress => ({
  training: true,
  epoch: 1,
  epochs: 3,
  batch: 31,
  done: 29,
  batches: 59,
  loss: 0.41234,
  imagesPerSecond: 4820.4,
  partEtaSeconds: 6.2,
  ...o,
});

Deno.test("batchLine: epoch, part, bar over the batches done, counter, loss, rate, ETA", () => {
  assert.equal(
    batchLine(batch(), 10),
    "epoch 1/3 train ████░░░░░░ 31/59 · loss 0.4123 · 4,820 img/s · ETA 6 s",
  );
  // Before the first loss is back: no loss, rate or ETA yet.
  assert.equal(
    batchLine(
      batch({ batch: 2, done: 0, loss: null, imagesPerSecond: null, partEtaSeconds: null }),
      4,
    ),
    "epoch 1/3 train ░░░░ 2/59",
  );
  assert.match(
    batchLine(batch({ training: false, batch: 3, batches: 5 }), 4),
    /^epoch 1\/3 valid /,
  );
});

Deno.test("progress on a TTY: master and child bars, redrawn in place; ETA from the run's pace", () => {
  let now = 0;
  const s = sink(true);
  const d = new ProgressDisplay(s, { now: () => now });
  d.event(run("start", 1));
  now = 10_000;
  // A third of the way through epoch 1's training part of 3 epochs: the run is ~9% done.
  d.batch(batch({ done: 20, batch: 22 }));
  const drawn = s.out.at(-1)!;
  assert.ok(drawn.startsWith(CLEAR), JSON.stringify(drawn));
  // Two lines, then the cursor goes back up to the first, so the next draw overwrites both.
  assert.ok(drawn.endsWith(`${ESC}[1A\r`), JSON.stringify(drawn));
  const [master, child] = d.render().split("\n");
  assert.match(master, /^runs ░+ 0\/4 · .* · 10 s · ETA /);
  assert.match(child, /^ {2}epoch 1\/3 train .* 22\/59 · loss 0\.4123/);
  // run fraction = (0 + 0.8 × 20/59) / 3 ≈ 0.0904 → 110.6 s a run: 100.6 s left of it + 3 runs.
  const eta = Number(master.match(/ETA (\d+\.\d) min$/)?.[1]);
  assert.ok(Math.abs(eta - (110.6 - 10 + 3 * 110.6) / 60) < 0.06, master);
  // Redraws are throttled to 4 a second; a log line forces one.
  const count = s.out.length;
  now += 100;
  d.batch(batch({ done: 21, batch: 23 }));
  assert.equal(s.out.length, count, "no redraw within 250 ms");
  d.log("  seed 1 epoch 1: valid accuracy 0.8100");
  assert.deepEqual(s.out.slice(count, count + 2), [
    CLEAR,
    "  seed 1 epoch 1: valid accuracy 0.8100\n",
  ]);
  assert.match(s.out.at(-1)!, /23\/59/);
  // A finished run resets the child bar: the next run starts without one.
  d.event(run("done", 1, 120));
  d.event(run("start", 2));
  assert.equal(d.render().split("\n").length, 1);
  d.close();
  assert.equal(s.out.at(-1), CLEAR);
});

Deno.test("progress off a TTY: batches draw nothing; the heartbeat says where the run is", async () => {
  const s = sink(false);
  const d = new ProgressDisplay(s, { heartbeatSeconds: 0.05 });
  d.event(run("start", 2));
  d.batch(batch());
  assert.equal(s.out.length, 0);
  await new Promise((r) => setTimeout(r, 180));
  d.close();
  assert.ok(
    s.out.some((t) => /\(run 2\/4, .*, epoch 1\/3 batch 31\/59\)\n$/.test(t)),
    s.out.join(""),
  );
  assert.ok(s.out.every((t) => !t.includes(ESC) && !t.includes("\r")));
});

Deno.test("progress with runs in flight at once (--jobs): one child bar each, ETA shared by them", () => {
  let now = 0;
  const s = sink(true);
  const d = new ProgressDisplay(s, { now: () => now });
  d.event(run("start", 1));
  d.event(run("start", 2));
  assert.deepEqual(d.render().split("\n").slice(1), [
    "  GeneralReLU + Kaiming(0.1), seed 1: starting",
    "  GeneralReLU + Kaiming(0.1), seed 2: starting",
  ]);
  now = 10_000;
  // Run 2 reports first: each bar goes to its own run, whatever the order.
  d.batch(batch({ epoch: 2, done: 10, batch: 12 }), "config#2");
  d.batch(batch({ done: 20, batch: 22 }), "config#1");
  const [master, one, two] = d.render().split("\n");
  assert.match(master, /^runs ░+ 0\/4 · 2 in flight · 10 s · ETA /);
  assert.match(one, /^ {2}GeneralReLU \+ Kaiming\(0\.1\), seed 1: epoch 1\/3 train .* 22\/59/);
  assert.match(two, /^ {2}GeneralReLU \+ Kaiming\(0\.1\), seed 2: epoch 2\/3 train .* 12\/59/);
  // Projections: run 1 ≈ 110.6 s (9.04% done), run 2 = 10 / ((1 + 0.8 × 10/59) / 3) ≈ 26.3 s.
  // Left: (100.6 + 16.3) of the two + 2 runs to go at their mean (68.4 s), over 2 at a time.
  const eta = Number(master.match(/ETA (\d+\.\d) min$/)?.[1]);
  const p1 = 10 / ((0.8 * 20 / 59) / 3);
  const p2 = 10 / ((1 + 0.8 * 10 / 59) / 3);
  const expected = ((p1 - 10) + (p2 - 10) + 2 * ((p1 + p2) / 2)) / 2 / 60;
  assert.ok(Math.abs(eta - expected) < 0.06, `${master} (expected ${expected.toFixed(2)} min)`);
  // Run 2 finishes first: run 1 keeps its bar, the master bar counts one done.
  d.event(run("done", 2, 30));
  const lines = d.render().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^runs .* 1\/4 · GeneralReLU \+ Kaiming\(0\.1\), seed 1 /);
  assert.match(lines[1], /22\/59/);
  d.event(run("done", 1, 40));
  assert.equal(d.render(), "");
  d.close();
});
