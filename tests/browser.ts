/**
 * A headless Chromium driven over the Chrome DevTools Protocol (Deno's WebSocket, no npm
 * dependency): open a page, collect console messages and uncaught errors, evaluate expressions,
 * take screenshots. For end-to-end tests of the HTML reports as a person sees them.
 *
 * @module
 */

/** The Chromium binary: $CHROMIUM, else the first of the usual names on PATH; null if none. */
export async function findChromium(): Promise<string | null> {
  const env = Deno.env.get("CHROMIUM");
  if (env) return env;
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
      try {
        const info = await Deno.stat(`${dir}/${name}`);
        if (info.isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
  return null;
}

/** A console message or error seen by a page. */
export interface PageMessage {
  level: string;
  text: string;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** One Chromium process with one DevTools connection. */
export class Browser {
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #listeners = new Set<(method: string, params: unknown, sessionId?: string) => void>();

  private constructor(
    private readonly process: Deno.ChildProcess,
    private readonly socket: WebSocket,
    private readonly profileDir: string,
  ) {
    socket.onmessage = (e) => {
      const msg = JSON.parse(e.data as string);
      if (msg.id !== undefined) {
        const p = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`CDP: ${msg.error.message}`));
        else p?.resolve(msg.result);
      } else {
        for (const l of this.#listeners) l(msg.method, msg.params, msg.sessionId);
      }
    };
  }

  /** Starts headless Chromium (`extraArgs` e.g. `--enable-unsafe-webgpu`). */
  static async launch(binary: string, extraArgs: string[] = []): Promise<Browser> {
    const profileDir = await Deno.makeTempDir({ prefix: "claimbench-chromium-" });
    const process = new Deno.Command(binary, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--remote-debugging-port=0",
        `--user-data-dir=${profileDir}`,
        ...extraArgs,
        "about:blank",
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const url = await readDevToolsUrl(process.stderr);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`could not connect to Chromium at ${url}`));
    });
    return new Browser(process, socket, profileDir);
  }

  /** Sends a DevTools command (to a page session when `sessionId` is given). */
  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    const id = this.#nextId++;
    this.socket.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** Subscribes to DevTools events; returns the unsubscribe function. */
  on(listener: (method: string, params: unknown, sessionId?: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A new tab with console and error capture on. */
  async newPage(width = 1280, height = 900): Promise<Page> {
    const { targetId } = await this.send<{ targetId: string }>("Target.createTarget", {
      url: "about:blank",
    });
    const { sessionId } = await this.send<{ sessionId: string }>("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const page = new Page(this, sessionId);
    await this.send("Page.enable", {}, sessionId);
    await this.send("Runtime.enable", {}, sessionId);
    await this.send("Log.enable", {}, sessionId);
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    }, sessionId);
    return page;
  }

  /** Closes the connection, stops Chromium and removes its profile. */
  async close(): Promise<void> {
    try {
      await this.send("Browser.close");
    } catch { /* already gone */ }
    this.socket.close();
    try {
      this.process.kill("SIGKILL");
    } catch { /* exited */ }
    await this.process.status;
    await Deno.remove(this.profileDir, { recursive: true }).catch(() => {});
  }
}

/** One tab. */
export class Page {
  /** Console messages, uncaught exceptions and browser log entries, in order. */
  readonly messages: PageMessage[] = [];

  constructor(private readonly browser: Browser, readonly sessionId: string) {
    browser.on((method, params, sessionId) => {
      if (sessionId !== this.sessionId) return;
      // deno-lint-ignore no-explicit-any
      const p = params as Record<string, any>;
      if (method === "Runtime.consoleAPICalled") {
        const text = (p.args as { value?: unknown; description?: string }[])
          .map((a) => a.value ?? a.description ?? "").join(" ");
        this.messages.push({ level: p.type === "warning" ? "warning" : p.type, text });
      } else if (method === "Runtime.exceptionThrown") {
        const d = p.exceptionDetails;
        this.messages.push({ level: "error", text: d.exception?.description ?? d.text });
      } else if (method === "Log.entryAdded") {
        this.messages.push({ level: p.entry.level, text: p.entry.text });
      }
    });
  }

  /** The errors among the messages. */
  errors(): PageMessage[] {
    return this.messages.filter((m) => m.level === "error");
  }

  /** Navigates and waits for the load event. */
  async goto(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const off = this.browser.on((method, _params, sessionId) => {
        if (sessionId === this.sessionId && method === "Page.loadEventFired") {
          off();
          resolve();
        }
      });
    });
    const nav = await this.browser.send<{ errorText?: string }>(
      "Page.navigate",
      { url },
      this.sessionId,
    );
    if (nav.errorText) throw new Error(`navigating to ${url}: ${nav.errorText}`);
    await loaded;
  }

  /** Evaluates `expression` in the page and returns its (JSON-able) value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.browser.send<{
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true }, this.sessionId);
    if (r.exceptionDetails) {
      throw new Error(
        `evaluate: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
      );
    }
    return r.result.value;
  }

  /** Saves a PNG screenshot of the whole page (or `clip`) to `path`. */
  async screenshot(
    path: string,
    clip?: { x: number; y: number; width: number; height: number },
  ): Promise<void> {
    const size = await this.evaluate<{ w: number; h: number }>(
      "({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })",
    );
    const { data } = await this.browser.send<{ data: string }>("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
      clip: { ...(clip ?? { x: 0, y: 0, width: size.w, height: size.h }), scale: 1 },
    }, this.sessionId);
    await Deno.writeFile(path, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
  }
}

async function readDevToolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  // (cast: with the DOM lib in the same program, TextDecoderStream's writable type differs)
  const decoder = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  const reader = stderr.pipeThrough(decoder).getReader();
  let seen = "";
  const deadline = setTimeout(() => reader.cancel(), 30_000);
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (m) {
        // Keep draining stderr so Chromium never blocks on a full pipe.
        (async () => {
          try {
            while (!(await reader.read()).done) { /* discard */ }
          } catch { /* closed */ }
        })();
        return m[1];
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`Chromium did not start its DevTools endpoint; stderr:\n${seen.slice(-2000)}`);
}
