import assert from "node:assert/strict";
import type { RunProgress } from "../bench/runner.ts";
import { bar, duration, ProgressDisplay, type ProgressSink } from "./progress.ts";

/** Carriage return + erase line: how the bar redraws in place. */
const ESC = String.fromCharCode(27);
const CLEAR = `\r${ESC}[K`;

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
