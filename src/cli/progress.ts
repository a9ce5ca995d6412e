/**
 * Progress of a bench in the terminal, in the style of fastprogress and tqdm. On a TTY: one bar
 * over the runs a look gets (runs done, the current config and seed, the claims waiting for it,
 * an ETA from the seconds the runs of this process took), redrawn in place at most 4 times a
 * second, with log lines (epoch summaries) printed above it on their own lines. Off a TTY (CI
 * logs): the log lines as they come, and a heartbeat line when nothing was printed for 30 s.
 *
 * @module
 */

import type { RunProgress } from "../bench/runner.ts";

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
    if (tty) columns = Deno.consoleSize().columns;
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

/** "42 s", "3.5 min", "1.2 h". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The bench's progress display: feed it log lines and run events. */
export class ProgressDisplay {
  readonly #sink: ProgressSink;
  readonly #now: () => number;
  #current: RunProgress | null = null;
  #started = 0;
  /** Seconds of runs trained (not read from the store) by this process, per kind. */
  readonly #trained: number[] = [];
  #barShown = false;
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

  /** A log line: printed on its own line (above the bar on a TTY). */
  log(message: string): void {
    if (this.#sink.isTerminal) {
      this.#clearBar();
      this.#sink.write(`${message}\n`);
      this.#draw(true);
    } else {
      this.#sink.write(`${message}\n`);
    }
    this.#lastLine = this.#now();
  }

  /** A run event from the runner. */
  event(e: RunProgress): void {
    if (e.phase === "start") {
      this.#current = e;
      this.#started = this.#now();
    } else {
      // A run read back from the store takes milliseconds: it says nothing about training time.
      if (e.kind === "train" && (e.seconds ?? 0) >= 1) this.#trained.push(e.seconds!);
      if (e.index === e.total) this.#current = null;
    }
    if (this.#sink.isTerminal) this.#draw(e.phase === "done" && e.index === e.total);
  }

  /** The bar's text for the current state (exported for tests through `render`). */
  render(): string {
    const c = this.#current;
    if (!c) return "";
    const done = c.index - 1;
    const mean = this.#trained.length
      ? this.#trained.reduce((a, b) => a + b, 0) / this.#trained.length
      : NaN;
    const elapsed = (this.#now() - this.#started) / 1000;
    const eta = Number.isFinite(mean) ? Math.max(0, (c.total - done) * mean - elapsed) : NaN;
    const width = Math.max(10, Math.min(30, (this.#sink.columns ?? 100) - 90));
    const text = `runs ${bar(done / c.total, width)} ${done}/${c.total} · ${c.label}, seed ` +
      `${c.seed} (${c.claims.join(", ")}) · ${duration(elapsed)} · ETA ${duration(eta)}`;
    const max = (this.#sink.columns ?? 100) - 1;
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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
    this.#sink.write(`\r\x1b[K${text}`);
    this.#barShown = text !== "";
  }

  #clearBar(): void {
    if (this.#barShown) this.#sink.write("\r\x1b[K");
    this.#barShown = false;
  }

  #beat(every: number): void {
    if (!this.#current || this.#now() - this.#lastLine < every) return;
    const c = this.#current;
    this.log(
      `… still on ${c.label}, seed ${c.seed} (run ${c.index}/${c.total}, ` +
        `${duration((this.#now() - this.#started) / 1000)})`,
    );
  }
}
