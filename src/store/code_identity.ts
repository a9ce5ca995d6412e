/**
 * The trainer's code identity: a SHA-256 over the source of everything that can change a run's
 * numbers (the WGSL kernels and the TypeScript of the GPU layer, kernels, layers, init, optimizers,
 * training loop, data pipeline, PRNG and the run builder), tests excluded. A content hash rather
 * than the package version: the version is bumped by hand and a kernel edit without a bump would
 * silently reuse stale runs; a hash cannot forget. It is conservative (a comment edit in a kernel
 * retrains), which is the safe direction for a cache of evidence.
 *
 * @module
 */

/** Folders under `src/` whose code shapes a training run, and single files outside them. */
const TRAINER_DIRS = ["gpu", "kernels", "nn", "init", "optim", "train", "data", "util"];
const TRAINER_FILES = ["bench/training.ts", "bench/run_builder.ts", "bench/evidence.ts"];

const SRC = new URL("../", import.meta.url);

let cached: Promise<string> | null = null;

/** `sha256:<hex>` over (path, content) of the trainer's source files, sorted by path. */
export function trainerCodeIdentity(): Promise<string> {
  return cached ??= computeIdentity();
}

/** The trainer's source files, relative to `src/`, sorted (exported for the tests). */
export async function trainerSourceFiles(): Promise<string[]> {
  const files: string[] = [...TRAINER_FILES];
  for (const dir of TRAINER_DIRS) await walk(dir, files);
  return files.sort();
}

async function walk(rel: string, out: string[]): Promise<void> {
  for await (const entry of Deno.readDir(new URL(`${rel}/`, SRC))) {
    const path = `${rel}/${entry.name}`;
    if (entry.isDirectory) await walk(path, out);
    else if (/\.(ts|wgsl)$/.test(entry.name) && !/_test\.ts$/.test(entry.name)) out.push(path);
  }
}

async function computeIdentity(): Promise<string> {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const path of await trainerSourceFiles()) {
    const bytes = await Deno.readFile(new URL(path, SRC));
    parts.push(encoder.encode(`${path}\0${bytes.length}\0`), bytes);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return `sha256:${await sha256Hex(all)}`;
}

/** Hex SHA-256 of bytes or a string. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
