/**
 * The re-run panel's status line and progress bar: which run of how many is training (config,
 * seed), its epoch and batch, the latest loss and an ETA for the whole re-run, from the runner's
 * run events and the trainer's batch progress (no readback of its own). Redrawn at most 4 times
 * a second.
 *
 * @module
 */

import type { RunProgress } from "../bench/runner.ts";
import { type BatchProgress, runFraction } from "../train/callbacks/progress.ts";

/** "42 s", "3.5 min": an ETA for a status line. */
function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "";
  const text = seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
  return ` · about ${text} left`;
}

/** The status text for a run (and, once its first batch is back, where it is). */
export function rerunStatusText(
  run: RunProgress,
  batch: BatchProgress | null,
  secondsLeft: number,
): string {
  const head = `Run ${run.index} of ${run.total}: ${run.label}, seed ${run.seed}`;
  if (!batch) return `${head}: starting…`;
  const loss = batch.loss === null ? "" : ` · loss ${batch.loss.toFixed(4)}`;
  return `${head} · epoch ${batch.epoch}/${batch.epochs} ${batch.training ? "train" : "valid"} ` +
    `batch ${batch.batch}/${batch.batches}${loss}${eta(secondsLeft)}`;
}

/** Follows a re-run; `say` sets the status line, `setProgress` the bar (0–1). */
export class RerunStatus {
  readonly #say: (text: string) => void;
  readonly #setProgress: (value: number) => void;
  readonly #now: () => number;
  #run: RunProgress | null = null;
  #started = NaN;
  #lastDraw = -Infinity;

  constructor(
    say: (text: string) => void,
    setProgress: (value: number) => void,
    now: () => number = () => performance.now(),
  ) {
    this.#say = say;
    this.#setProgress = setProgress;
    this.#now = now;
  }

  /** A run starts (status says so at once) or is done (the bar moves to its end). */
  run(e: RunProgress): void {
    if (Number.isNaN(this.#started)) this.#started = this.#now();
    if (e.phase === "start") {
      this.#run = e;
      this.#say(rerunStatusText(e, null, NaN));
    }
    this.#setProgress((e.index - (e.phase === "start" ? 1 : 0)) / e.total);
  }

  /** A batch of the current run (throttled to 4 redraws a second). */
  batch(p: BatchProgress): void {
    const run = this.#run;
    const now = this.#now();
    if (!run || now - this.#lastDraw < 250) return;
    this.#lastDraw = now;
    const overall = (run.index - 1 + runFraction(p)) / run.total;
    const elapsed = (now - this.#started) / 1000;
    const left = overall > 0.01 ? elapsed / overall - elapsed : NaN;
    this.#setProgress(overall);
    this.#say(rerunStatusText(run, p, left));
  }
}
