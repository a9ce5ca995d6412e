import type { Callback } from "../callback.ts";
import type { Learner } from "../learner.ts";
import type { EpochMetrics } from "./metrics.ts";

/**
 * A terminal progress display: on a TTY, a live line (epoch, batch, smoothed loss, images/s,
 * ETA) refreshed at most every 2 s, reading the loss back only then; otherwise nothing per batch.
 * Epoch summaries are printed by {@link formatEpoch} through the metrics callback. Silent when
 * `quiet`.
 */
export class ProgressCallback implements Callback {
  readonly order = 1; // after metrics, as the lesson's ProgressCB
  readonly name = "progress";
  readonly #tty: boolean;
  readonly #quiet: boolean;
  #lastDraw = 0;
  #epochStart = 0;
  #smoothed: number | null = null;
  #reading = false;

  constructor(options: { quiet?: boolean; tty?: boolean } = {}) {
    this.#quiet = options.quiet ?? false;
    this.#tty = options.tty ?? Deno.stderr.isTerminal();
  }

  beforeEpoch(): void {
    this.#epochStart = performance.now();
  }

  afterBatch(learn: Learner): void {
    if (this.#quiet || !this.#tty || !learn.training) return;
    const now = performance.now();
    if (now - this.#lastDraw < 2000 || this.#reading) return;
    this.#lastDraw = now;
    this.#reading = true;
    // The read waits for the GPU (~11 ms), at most every 2 s; the fit carries on meanwhile.
    learn.model.gpu.read(learn.model.loss.batchLoss).then(([loss]) => {
      this.#smoothed = this.#smoothed === null ? loss : 0.7 * this.#smoothed + 0.3 * loss;
      const done = learn.iter + 1, total = learn.trainBatches.batchCount;
      const seconds = (performance.now() - this.#epochStart) / 1000;
      const rate = (done * learn.trainBatches.batchSize) / seconds;
      const eta = (total - done) * (seconds / done);
      const text = `epoch ${learn.epochsDone + 1} batch ${done}/${total} loss ${
        this.#smoothed.toFixed(4)
      } ${Math.round(rate)} img/s ETA ${eta.toFixed(0)} s`;
      Deno.stderr.writeSync(new TextEncoder().encode(`\r${text.padEnd(70)}`));
    }).catch(() => {}).finally(() => (this.#reading = false));
  }

  afterEpoch(learn: Learner): void {
    if (!this.#quiet && this.#tty && !learn.training) {
      Deno.stderr.writeSync(new TextEncoder().encode(`\r${"".padEnd(70)}\r`));
    }
  }
}

/** One line per epoch: `epoch 1  train 0.7601 / 0.6900  valid 0.8460 / 0.4230  4.1 s  14,500 img/s`. */
export function formatEpoch(m: EpochMetrics): string {
  const part = (p: EpochMetrics["train"]) =>
    p ? `${p.accuracy.toFixed(4)} / ${p.loss.toFixed(4)}` : "–";
  const seconds = (m.train?.seconds ?? 0) + (m.valid?.seconds ?? 0);
  const rate = m.train
    ? `${Math.round(m.train.imagesPerSecond).toLocaleString("en-US")} img/s`
    : "";
  return `epoch ${m.epoch}  train acc/loss ${part(m.train)}  valid acc/loss ${part(m.valid)}  ` +
    `${seconds.toFixed(1)} s  ${rate}`;
}
