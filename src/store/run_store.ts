/**
 * The run store: every finished (config, seed) run, written as soon as it finishes so a killed
 * bench keeps it, and read back only after validation, so a bench resumes, adds seeds and merges
 * shards without training a run twice.
 *
 * Layout: `<dir>/runs/<key hash>.json`, one file per run, holding `{ format, key, savedAt, run }`.
 * Writes are temp file (unique per process) + fsync + rename: a reader sees a whole file or none,
 * and two processes that train the same run both write the same bytes under the same name, so
 * neither corrupts nor duplicates it. A file that fails to parse or validate, or whose key does
 * not match its name, is moved to `<dir>/quarantine/` with a warning and treated as missing.
 *
 * @module
 */

import { z } from "zod";
import { parseResults, stringifyResults } from "../util/json.ts";
import { type RunKey, runKeyHash, RunKeySchema } from "./run_key.ts";

/** The stored file's format version. */
export const STORED_RUN_FORMAT = 1;

/** A store problem the user must fix (unwritable or foreign directory): names the path. */
export class RunStoreError extends Error {
  constructor(readonly path: string, expected: string, found: string) {
    super(`${path}: expected ${expected}; ${found}`);
    this.name = "RunStoreError";
  }
}

/** One stored run as written. */
export interface StoredRun<R> {
  format: number;
  key: RunKey;
  /** ISO date of the write. */
  savedAt: string;
  run: R;
}

/** Options of {@link RunStore.open}. */
export interface RunStoreOptions {
  /** Called with a warning (a corrupt file moved aside). */
  warn?: (message: string) => void;
}

/** A directory of stored runs whose payload validates against `schema`. */
export class RunStore<R> {
  readonly #runs: string;
  readonly #quarantine: string;
  readonly #schema: z.ZodType<R>;
  /** The stored file's shape, built once (a bench reads hundreds). */
  readonly #stored: z.ZodType<StoredRun<R>>;
  readonly #warn: (m: string) => void;

  private constructor(readonly dir: string, schema: z.ZodType<R>, o: RunStoreOptions) {
    this.#runs = `${dir}/runs`;
    this.#quarantine = `${dir}/quarantine`;
    this.#schema = schema;
    this.#stored = z.object({
      format: z.literal(STORED_RUN_FORMAT),
      key: RunKeySchema,
      savedAt: z.string(),
      run: schema,
    }) as unknown as z.ZodType<StoredRun<R>>;
    this.#warn = o.warn ?? ((m) => console.error(m));
  }

  /**
   * Opens (creating it if needed) the store at `dir`, checking that it is a directory this
   * process can write and that it holds only a store's entries.
   */
  static async open<R>(dir: string, schema: z.ZodType<R>, o: RunStoreOptions = {}) {
    const store = new RunStore(dir, schema, o);
    // Foreign files first: a directory that is not a store is left untouched.
    const foreign: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        if (!["runs", "quarantine", "README"].includes(e.name)) foreign.push(e.name);
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new RunStoreError(
          dir,
          "a readable, writable directory for the run store",
          errText(err),
        );
      }
    }
    if (foreign.length > 0) {
      throw new RunStoreError(
        dir,
        "a run store (only runs/, quarantine/ and README)",
        `found ${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}; ` +
          "pick an empty or store directory with --runs",
      );
    }
    try {
      await Deno.mkdir(store.#runs, { recursive: true });
    } catch (err) {
      throw new RunStoreError(dir, "a writable directory for the run store", errText(err));
    }
    // Prove writability now, not after the first hour of training.
    const probe = `${store.#runs}/.probe.${Deno.pid}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeTextFile(probe, "");
      await Deno.remove(probe);
    } catch (err) {
      throw new RunStoreError(store.#runs, "a writable directory", errText(err));
    }
    return store;
  }

  /** The path a run with `key` is stored at. */
  async pathOf(key: RunKey): Promise<string> {
    return `${this.#runs}/${await runKeyHash(key)}.json`;
  }

  /** The stored run for `key`, or null when missing (a corrupt file is moved aside: null). */
  async get(key: RunKey): Promise<R | null> {
    const path = await this.pathOf(key);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw new RunStoreError(path, "a readable stored run", errText(err));
    }
    const stored = await this.#validate(path, text);
    if (!stored) return null;
    if (await runKeyHash(stored.key) !== await runKeyHash(key)) {
      await this.#quarantineFile(path, "its key does not match its file name");
      return null;
    }
    return stored.run;
  }

  /** Writes a finished run atomically (temp + fsync + rename). */
  async put(key: RunKey, run: R): Promise<void> {
    const parsed = this.#schema.safeParse(run);
    if (!parsed.success) {
      throw new Error(
        `run store: refusing to store an invalid run: ${parsed.error.issues[0].message}`,
      );
    }
    const stored: StoredRun<R> = {
      format: STORED_RUN_FORMAT,
      key,
      savedAt: new Date().toISOString(),
      run,
    };
    const path = await this.pathOf(key);
    const temp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      const file = await Deno.open(temp, { write: true, createNew: true });
      try {
        const bytes = new TextEncoder().encode(stringifyResults(stored) + "\n");
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
        await file.sync();
      } finally {
        file.close();
      }
      await Deno.rename(temp, path);
    } catch (err) {
      await Deno.remove(temp).catch(() => {});
      throw new RunStoreError(path, "room to write a finished run", errText(err));
    }
  }

  /** Every stored run (validated; corrupt files moved aside), with its file's path and size. */
  async list(): Promise<{ path: string; bytes: number; stored: StoredRun<R> }[]> {
    const out: { path: string; bytes: number; stored: StoredRun<R> }[] = [];
    const names: string[] = [];
    for await (const e of Deno.readDir(this.#runs)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
    }
    for (const name of names.sort()) {
      const path = `${this.#runs}/${name}`;
      const text = await Deno.readTextFile(path).catch(() => null);
      if (text === null) continue;
      const stored = await this.#validate(path, text);
      if (!stored) continue;
      if (`${await runKeyHash(stored.key)}.json` !== name) {
        await this.#quarantineFile(path, "its key does not match its file name");
        continue;
      }
      out.push({ path, bytes: new TextEncoder().encode(text).length, stored });
    }
    return out;
  }

  /** Removes stored runs; returns how many were removed. */
  async remove(paths: readonly string[]): Promise<number> {
    let n = 0;
    for (const p of paths) {
      if (!p.startsWith(`${this.#runs}/`)) {
        throw new Error(`run store: ${p} is not in ${this.#runs}`);
      }
      await Deno.remove(p);
      n++;
    }
    return n;
  }

  /** Temp files left by killed writers (older than `minutes`), removed; returns how many. */
  async sweepTemps(minutes = 60): Promise<number> {
    let n = 0;
    const now = Date.now();
    for await (const e of Deno.readDir(this.#runs)) {
      if (!e.name.endsWith(".tmp")) continue;
      const path = `${this.#runs}/${e.name}`;
      const info = await Deno.stat(path).catch(() => null);
      if (info?.mtime && now - info.mtime.getTime() > minutes * 60_000) {
        await Deno.remove(path).catch(() => {});
        n++;
      }
    }
    return n;
  }

  async #validate(path: string, text: string): Promise<StoredRun<R> | null> {
    let raw: unknown;
    try {
      raw = parseResults(text);
    } catch (err) {
      await this.#quarantineFile(path, `not valid JSON (${errText(err)})`);
      return null;
    }
    const parsed = this.#stored.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      await this.#quarantineFile(
        path,
        `not a stored run (${issue.message} at ${issue.path.join(".") || "the top level"})`,
      );
      return null;
    }
    return parsed.data;
  }

  async #quarantineFile(path: string, why: string): Promise<void> {
    await Deno.mkdir(this.#quarantine, { recursive: true });
    const name = path.slice(path.lastIndexOf("/") + 1);
    const dest = `${this.#quarantine}/${name}.${Date.now()}.${crypto.randomUUID().slice(0, 8)}`;
    await Deno.rename(path, dest).catch(() => {});
    this.#warn(`run store: ${path} is ${why}; moved to ${dest}, the run will be trained again`);
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
