/**
 * The per-adapter tuning cache (`<claimbench cache>/tuning.json`): what `deno task perf
 * --autotune` measured fastest on an adapter, keyed by the adapter's identity and valid only for
 * the conv kernels' WGSL it was measured with. Only grid-only parameters
 * ({@link GRID_ONLY_CONV2D_PARAMS}) are accepted, so a cached tuning never changes a result bit.
 * A cache is disposable: a missing, stale or invalid file is reported and ignored, never fatal.
 *
 * @module
 */

import { z } from "zod";
import { writeAtomic } from "../bench/results.ts";
import { claimbenchCacheDir } from "../data/locate.ts";
import type { AdapterRecord } from "../gpu/device.ts";
import { CONV2D_WGSL, GRID_ONLY_CONV2D_PARAMS } from "../kernels/conv2d.ts";
import type { KernelTuning } from "../nn/kernels.ts";

const positive = z.number().int().min(1).max(1024);

/** The autotuned conv parameters: grid-only ones, nothing else (strict). */
export const GridOnlyConvTuningSchema = z.strictObject(
  Object.fromEntries(GRID_ONLY_CONV2D_PARAMS.map((k) => [k, positive.optional()])) as Record<
    (typeof GRID_ONLY_CONV2D_PARAMS)[number],
    z.ZodOptional<typeof positive>
  >,
);

/** One adapter's entry. */
export const TuningEntrySchema = z.object({
  conv: GridOnlyConvTuningSchema,
  /** SHA-256 of the conv kernels' WGSL the tuning was measured with. */
  kernels: z.string().regex(/^[0-9a-f]{64}$/),
  /** The full training step (bs `batchSize`) with this tuning and with the defaults, ms. */
  msPerStep: z.number().positive(),
  defaultMsPerStep: z.number().positive(),
  batchSize: z.number().int().positive(),
  date: z.string(),
});
export type TuningEntry = z.infer<typeof TuningEntrySchema>;

export const TuningCacheSchema = z.object({
  schema: z.literal(1),
  adapters: z.record(z.string(), TuningEntrySchema),
});
export type TuningCache = z.infer<typeof TuningCacheSchema>;

/** The cache file: `$CLAIMBENCH_TUNING_CACHE`, else `tuning.json` in claimbench's user cache. */
export function tuningCachePath(
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): string | undefined {
  const explicit = env("CLAIMBENCH_TUNING_CACHE");
  if (explicit) return explicit;
  const base = claimbenchCacheDir(env);
  return base === undefined ? undefined : `${base}/tuning.json`;
}

/** The cache key of an adapter: everything WebGPU says about which device and driver it is. */
export function adapterKey(
  a: Pick<AdapterRecord, "vendor" | "architecture" | "device" | "description">,
): string {
  return [a.vendor, a.architecture, a.device, a.description].join(" | ");
}

/** SHA-256 (hex) of the conv kernels' WGSL: a tuning measured on other kernels is stale. */
export async function convKernelsHash(): Promise<string> {
  const bytes = new TextEncoder().encode(CONV2D_WGSL.join("\n\0\n"));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads the cache; a missing file is empty, an unreadable or invalid one is empty with a warning. */
export async function readTuningCache(
  path: string,
  warn: (message: string) => void,
): Promise<TuningCache> {
  const empty: TuningCache = { schema: 1, adapters: {} };
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) warn(`tuning cache ${path}: ${err}; ignored`);
    return empty;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    warn(`tuning cache ${path}: not JSON (${(err as Error).message}); ignored`);
    return empty;
  }
  const parsed = TuningCacheSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    warn(
      `tuning cache ${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}; ignored`,
    );
    return empty;
  }
  return parsed.data;
}

/** Stores `entry` for `key` (read-modify-write, atomic rename). */
export async function writeTuningEntry(
  path: string,
  key: string,
  entry: TuningEntry,
  warn: (message: string) => void,
): Promise<void> {
  const cache = await readTuningCache(path, warn);
  cache.adapters[key] = TuningEntrySchema.parse(entry);
  await writeAtomic(path, JSON.stringify(cache, null, 2) + "\n");
}

/**
 * The kernel tuning cached for this adapter and these kernels, or null (with the reason) when
 * there is none or it is stale.
 */
export async function cachedTuning(
  adapter: AdapterRecord,
  o: { path?: string; warn: (message: string) => void },
): Promise<{ tuning: KernelTuning; entry: TuningEntry; path: string } | { reason: string }> {
  const path = o.path ?? tuningCachePath();
  if (path === undefined) return { reason: "no cache directory (no HOME or XDG_CACHE_HOME)" };
  const entry = (await readTuningCache(path, o.warn)).adapters[adapterKey(adapter)];
  if (!entry) return { reason: `no entry for this adapter in ${path}` };
  if (entry.kernels !== await convKernelsHash()) {
    return { reason: `the entry in ${path} was measured on other conv kernels (run --autotune)` };
  }
  return { tuning: { conv: entry.conv }, entry, path };
}
