/**
 * Where Fashion-MNIST comes from, in this order: the `--data-dir` flag (`dataDir` option),
 * `$FASHION_MNIST_DIR`, Debian's `/usr/share/datasets/fashion-mnist` (package
 * `dataset-fashion-mnist`), the user cache, and finally a download from the official mirror into
 * the cache, with SHA-256 checks of all four files.
 *
 * @module
 */

import { DataError } from "./errors.ts";

/** The four files, by role, without extension; each may be present gzipped (`.gz`) or raw. */
export const FASHION_MNIST_FILES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  validImages: "t10k-images-idx3-ubyte",
  validLabels: "t10k-labels-idx1-ubyte",
} as const;

/** A role of one of the four files. */
export type FileRole = keyof typeof FASHION_MNIST_FILES;

/** SHA-256 of the official mirror's `.gz` files (zalandoresearch/fashion-mnist). */
export const OFFICIAL_SHA256: Readonly<Record<FileRole, string>> = {
  trainImages: "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc",
  trainLabels: "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc",
  validImages: "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229",
  validLabels: "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf",
};

/** The official mirror the four `.gz` files are downloaded from. */
export const OFFICIAL_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

/** Debian's `dataset-fashion-mnist` package installs the files here. */
export const SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";

/** Which rung of the lookup order a dataset came from. */
export type DataOrigin =
  | "--data-dir"
  | "$FASHION_MNIST_DIR"
  | "system"
  | "cache"
  | "download"
  /** In a browser: files the reader picked, or fetched from a URL next to the report. */
  | "picked files"
  | "url";

/** A complete set of the four files. */
export interface LocatedDataset {
  /** Which rung of the lookup order found the files. */
  origin: DataOrigin;
  /** The directory holding them. */
  dir: string;
  /** Full path of each file (`.gz` or raw). */
  files: Record<FileRole, string>;
}

/** Options of {@link locateFashionMnist}; everything is injectable for tests. */
export interface LocateOptions {
  /** The `--data-dir` flag: if given, the files must be there. */
  dataDir?: string;
  /** Environment lookup; defaults to `Deno.env.get`. */
  env?: (name: string) => string | undefined;
  /** Defaults to {@link SYSTEM_DIR}. */
  systemDir?: string;
  /** Defaults to {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Download when not found (default true). */
  download?: boolean;
  /** Defaults to {@link OFFICIAL_MIRROR}, overridable with `$FASHION_MNIST_MIRROR`. */
  mirror?: string;
  /** Expected SHA-256 of the downloaded files; defaults to {@link OFFICIAL_SHA256}. */
  sha256?: Readonly<Record<FileRole, string>>;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Progress messages (downloads); defaults to stderr. */
  log?: (message: string) => void;
}

/**
 * claimbench's user cache directory: `$XDG_CACHE_HOME/claimbench` or `~/.cache/claimbench`
 * (Linux), `~/Library/Caches/claimbench` (macOS), `%LOCALAPPDATA%\\claimbench` (Windows);
 * undefined when no home directory is known.
 */
export function claimbenchCacheDir(
  env: (name: string) => string | undefined,
): string | undefined {
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/claimbench`;
  if (Deno.build.os === "windows") {
    const local = env("LOCALAPPDATA");
    return local ? `${local}\\claimbench` : undefined;
  }
  const home = env("HOME");
  if (!home) return undefined;
  return Deno.build.os === "darwin"
    ? `${home}/Library/Caches/claimbench`
    : `${home}/.cache/claimbench`;
}

/** The dataset's place in {@link claimbenchCacheDir}: its `fashion-mnist` folder. */
export function defaultCacheDir(env: (name: string) => string | undefined): string | undefined {
  const base = claimbenchCacheDir(env);
  if (base === undefined) return undefined;
  return `${base}${Deno.build.os === "windows" ? "\\" : "/"}fashion-mnist`;
}

/** Finds (or downloads) the four Fashion-MNIST files; see the module doc for the order. */
export async function locateFashionMnist(options: LocateOptions = {}): Promise<LocatedDataset> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const looked: string[] = [];

  // An explicit choice (flag or variable) must hold the files: falling through would silently
  // train on other data than the user asked for.
  const explicit: [DataOrigin, string | undefined][] = [
    ["--data-dir", options.dataDir],
    ["$FASHION_MNIST_DIR", env("FASHION_MNIST_DIR") || undefined],
  ];
  for (const [origin, dir] of explicit) {
    if (dir === undefined) continue;
    if (dir.trim() === "") throw new DataError(origin, "a directory", "an empty value");
    const found = await findFiles(dir);
    if (found.missing.length === 0) return { origin, dir, files: found.files };
    throw new DataError(
      `${origin} ${dir}`,
      `the four Fashion-MNIST files (${fileList()})`,
      `${found.missing.map((r) => FASHION_MNIST_FILES[r]).join(", ")} missing`,
    );
  }

  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const systemDir = options.systemDir ?? SYSTEM_DIR;
  const implicit: [DataOrigin, string | undefined][] = [
    ["system", systemDir],
    ["cache", cacheDir],
  ];
  for (const [origin, dir] of implicit) {
    if (dir === undefined) continue;
    const found = await findFiles(dir);
    if (found.missing.length === 0) return { origin, dir, files: found.files };
    looked.push(`${dir} (${origin}: ${found.missing.length === 4 ? "no files" : "incomplete"})`);
  }

  const notFound = (why: string) =>
    new DataError(
      "Fashion-MNIST",
      `the four files (${fileList()}) in --data-dir, $FASHION_MNIST_DIR, ${systemDir} ` +
        "(apt-get install dataset-fashion-mnist) or the cache",
      `none: looked in ${looked.join("; ")}; ${why}`,
    );
  if (options.download === false) throw notFound("download disabled");
  if (cacheDir === undefined) throw notFound("no cache directory to download into (HOME unset)");
  try {
    await download(cacheDir, options, env);
  } catch (err) {
    throw notFound(`download failed: ${(err as Error).message}`);
  }
  const found = await findFiles(cacheDir);
  if (found.missing.length > 0) throw notFound("download left files missing");
  return { origin: "download", dir: cacheDir, files: found.files };
}

function fileList(): string {
  return Object.values(FASHION_MNIST_FILES).map((f) => `${f}[.gz]`).join(", ");
}

async function findFiles(
  dir: string,
): Promise<{ files: Record<FileRole, string>; missing: FileRole[] }> {
  const files = {} as Record<FileRole, string>;
  const missing: FileRole[] = [];
  for (const [role, name] of Object.entries(FASHION_MNIST_FILES) as [FileRole, string][]) {
    const path = await firstFile([`${dir}/${name}.gz`, `${dir}/${name}`]);
    if (path === undefined) missing.push(role);
    else files[role] = path;
  }
  return { files, missing };
}

async function firstFile(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  return undefined;
}

/** Downloads the four `.gz` files into `dir`; each is verified before it is renamed into place. */
async function download(
  dir: string,
  options: LocateOptions,
  env: (name: string) => string | undefined,
): Promise<void> {
  const mirror = (options.mirror || env("FASHION_MNIST_MIRROR") || OFFICIAL_MIRROR)
    .replace(/\/?$/, "/");
  const expected = options.sha256 ?? OFFICIAL_SHA256;
  const get = options.fetch ?? fetch;
  const log = options.log ?? ((m: string) => console.error(m));
  await Deno.mkdir(dir, { recursive: true });
  for (const [role, name] of Object.entries(FASHION_MNIST_FILES) as [FileRole, string][]) {
    const target = `${dir}/${name}.gz`;
    if (await firstFile([target])) continue;
    const url = `${mirror}${name}.gz`;
    log(`claimbench: downloading ${url}`);
    const response = await get(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const actual = await sha256Hex(bytes);
    if (actual !== expected[role]) {
      throw new Error(`${url}: expected SHA-256 ${expected[role]}, found ${actual}`);
    }
    // Temp file + rename: an interrupted download never leaves a partial file in the cache.
    const temp = `${target}.${Deno.pid}.tmp`;
    await Deno.writeFile(temp, bytes);
    await Deno.rename(temp, target);
  }
}

/** Lower-case hex SHA-256 of `bytes`. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
