/**
 * Progress of a bench or a training run in the terminal, in the style of fastprogress and tqdm.
 * On a TTY: a master bar over the runs a look gets (runs done, the current config and seed, the
 * claims waiting for it, an ETA from the seconds the runs of this process took, or from the
 * current run's progress before one finished) and a child bar over the current run's batches
 * (epoch, batch, loss, images/s, ETA of the part), redrawn in place at most 4 times a second,
 * with log lines (epoch summaries) printed above them on their own lines. Off a TTY (CI logs):
 * the log lines as they come, and a heartbeat line (with the batch reached) when nothing was
 * printed for 30 s.
 *
 * @module
 */

import type { RunProgress } from "../bench/runner.ts";
import { type BatchProgress, runFraction } from "../train/callbacks/progress.ts";
import { duration } from "../util/duration.ts";

/** Where the display writes, and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  isTerminal: boolean;
  /** Terminal width in columns (TTY only). */
  columns?: number;
}

/** The stderr sink of this process. */
export function stderrSink(): ProgressSink {
  const encoder = new TextEncoder();
  const tty = Deno.stderr.isTerminal();
  let columns = 100;
  try {
    // A pseudo-terminal without a size reports 0 columns: keep 100 then.
    if (tty) columns = Deno.consoleSize().columns || 100;
  } catch {
    // Not a console after all: keep 100.
  }
  return { write: (t) => Deno.stderr.writeSync(encoder.encode(t)), isTerminal: tty, columns };
}

/** A bar of `width` cells, `fraction` of them full. */
export function bar(fraction: number, width: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.floor(f * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

/** Erase from the cursor to the end of the screen (the bar block is the last thing shown). */
const CLEAR_BELOW = "\r\x1b[J";

/** The child bar's text: `epoch 2/3 train ██░░ 31/59 · loss 0.4123 · 4,820 img/s · ETA 6 s`. */
export function batchLine(p: BatchProgress, width: number): string {
  const loss = p.loss === null ? "" : ` · loss ${p.loss.toFixed(4)}`;
  const rate = p.imagesPerSecond === null
    ? ""
    : ` · ${Math.round(p.imagesPerSecond).toLocaleString("en-US")} img/s`;
  const eta = p.partEtaSeconds === null ? "" : ` · ETA ${duration(p.partEtaSeconds)}`;
  return `epoch ${p.epoch}/${p.epochs} ${p.training ? "train" : "valid"} ` +
    `${bar(p.done / p.batches, width)} ${p.batch}/${p.batches}${loss}${rate}${eta}`;
}

/** A run in flight, as the display tracks it. */
interface ActiveRun {
  event: RunProgress;
  started: number;
  batch: BatchProgress | null;
}

/**
 * The progress display: feed it log lines, run events and batch progress. Several runs may be in
 * flight at once (`bench --jobs N`): one child bar each, under one master bar.
 */
export class ProgressDisplay {
  readonly #sink: ProgressSink;
  readonly #now: () => number;
  /** Runs in flight, by their identity (`RunProgress.run`), in the order they started. */
  readonly #active = new Map<string, ActiveRun>();
  /** The batches of a fit that has no run events (`deno task train`). */
  #solo: BatchProgress | null = null;
  /** Runs of the current look done, and the look's run count. */
  #finished = 0;
  #total = 0;
  /** Seconds of runs trained (not read from the store) by this process, per kind. */
  readonly #trained: number[] = [];
  #barLines = 0;
  #lastDraw = -Infinity;
  #lastLine: number;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(sink: ProgressSink, o: { now?: () => number; heartbeatSeconds?: number } = {}) {
    this.#sink = sink;
    this.#now = o.now ?? (() => performance.now());
    this.#lastLine = this.#now();
    if (!sink.isTerminal && (o.heartbeatSeconds ?? 30) > 0) {
      const every = (o.heartbeatSeconds ?? 30) * 1000;
      const timer = setInterval(() => this.#beat(every), every);
      Deno.unrefTimer(timer as unknown as number);
      this.#heartbeat = timer;
    }
  }

  /**
   * A log line: printed on its own line (above the bars on a TTY), to the sink, or with `stdout`
   * to standard output (results a pipe should get; the bars are cleared first all the same).
   */
  log(message: string, o: { stdout?: boolean } = {}): void {
    const write = o.stdout
      ? (t: string) => console.log(t.slice(0, -1))
      : (t: string) => this.#sink.write(t);
    if (this.#sink.isTerminal) {
      this.#clearBar();
      write(`${message}\n`);
      this.#draw(true);
    } else {
      write(`${message}\n`);
    }
    this.#lastLine = this.#now();
  }

  /** A run event from the runner. */
  event(e: RunProgress): void {
    this.#solo = null;
    if (e.phase === "start") {
      // Runs of a look are numbered from 1: a new look starts the count again.
      if (e.index === 1) this.#finished = 0;
      this.#total = e.total;
      this.#active.set(e.run, { event: e, started: this.#now(), batch: null });
    } else {
      this.#active.delete(e.run);
      this.#finished++;
      // A run read back from the store takes milliseconds: it says nothing about training time.
      if (e.kind === "train" && (e.seconds ?? 0) >= 1) this.#trained.push(e.seconds!);
    }
    const last = e.phase === "done" && this.#active.size === 0 && this.#finished >= e.total;
    if (this.#sink.isTerminal) this.#draw(last);
  }

  /**
   * Where a run's training is (drawn as its child bar, at most 4 times a second); `run` names it
   * as its events do (without: the one run in flight, or the fit of `deno task train`).
   */
  batch(p: BatchProgress, run?: string): void {
    const only = this.#active.size === 1 ? [...this.#active.values()][0] : undefined;
    const active = run === undefined ? only : this.#active.get(run);
    if (active) active.batch = p;
    else this.#solo = p;
    if (this.#sink.isTerminal) this.#draw(false);
  }

  /** The bars' text for the current state, one line each (empty: nothing to show). */
  render(): string {
    const max = (this.#sink.columns ?? 100) - 1;
    const fit = (text: string) => text.length > max ? `${text.slice(0, max - 1)}…` : text;
    const lines: string[] = [];
    const active = [...this.#active.values()];
    const childWidth = Math.max(8, Math.min(20, (this.#sink.columns ?? 100) - 66));
    if (active.length > 0) {
      const width = Math.max(10, Math.min(30, (this.#sink.columns ?? 100) - 90));
      const runs = `runs ${
        bar(this.#finished / this.#total, width)
      } ${this.#finished}/${this.#total}`;
      const elapsed = (this.#now() - active[0].started) / 1000;
      const eta = `${duration(elapsed)} · ETA ${duration(this.#eta(active))}`;
      if (active.length === 1) {
        const c = active[0].event;
        lines.push(`${runs} · ${c.label}, seed ${c.seed} (${c.claims.join(", ")}) · ${eta}`);
        if (active[0].batch) lines.push("  " + batchLine(active[0].batch, childWidth));
      } else {
        lines.push(`${runs} · ${active.length} in flight · ${eta}`);
        for (const a of active) {
          const where = a.batch ? batchLine(a.batch, childWidth) : "starting";
          lines.push(`  ${a.event.label}, seed ${a.event.seed}: ${where}`);
        }
      }
    } else if (this.#solo) {
      lines.push(batchLine(this.#solo, childWidth));
    }
    return lines.map(fit).join("\n");
  }

  /**
   * Seconds left: each run in flight's rest at its own pace, plus the runs to go at the mean run
   * time (runs this process trained and the current runs' projections: a diverged run ends early
   * and must not make the rest look short), shared by the runs in flight at once.
   */
  #eta(active: ActiveRun[]): number {
    const now = this.#now();
    const projected = active.map((a) => {
      const fraction = a.batch ? runFraction(a.batch) : 0;
      return fraction >= 0.02 ? ((now - a.started) / 1000) / fraction : NaN;
    });
    const samples = [...this.#trained, ...projected.filter(Number.isFinite)];
    if (samples.length === 0) return NaN;
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    let rest = 0;
    active.forEach((a, i) => {
      const elapsed = (now - a.started) / 1000;
      rest += Number.isFinite(projected[i]) ? projected[i] - elapsed : Math.max(0, mean - elapsed);
    });
    rest += Math.max(0, this.#total - this.#finished - active.length) * mean;
    return rest / active.length;
  }

  /** Stops the heartbeat and leaves the terminal on a clean line. */
  close(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#clearBar();
  }

  #draw(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastDraw < 250) return;
    this.#lastDraw = now;
    const text = this.render();
    const lines = text === "" ? 0 : text.split("\n").length;
    // The cursor stays at the start of the block's first line, so the next draw starts there.
    const up = lines > 1 ? `\x1b[${lines - 1}A\r` : "";
    this.#sink.write(`${CLEAR_BELOW}${text}${up}`);
    this.#barLines = lines;
  }

  #clearBar(): void {
    if (this.#barLines > 0) this.#sink.write(CLEAR_BELOW);
    this.#barLines = 0;
  }

  #beat(every: number): void {
    if (this.#active.size === 0 || this.#now() - this.#lastLine < every) return;
    const where = (a: ActiveRun) => {
      const b = a.batch;
      const at = b ? `, epoch ${b.epoch}/${b.epochs} batch ${b.batch}/${b.batches}` : "";
      return `${a.event.label}, seed ${a.event.seed} (run ${a.event.index}/${a.event.total}, ` +
        `${duration((this.#now() - a.started) / 1000)}${at})`;
    };
    this.log(`… still on ${[...this.#active.values()].map(where).join("; ")}`);
  }
}
