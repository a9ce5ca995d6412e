/**
 * The key of a stored run: everything that could change its numbers. Two runs with equal keys are
 * the same computation on the same driver (bit-identical on the same adapter), so a stored one can
 * stand in for training it again.
 *
 * @module
 */

import { z } from "zod";
import { sha256Hex } from "./code_identity.ts";

/** What a stored run is keyed by. */
export const RunKeySchema = z.object({
  /** The validated training config, canonical (keys sorted, defaults applied). */
  config: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  /** The trainer's code identity (`trainerCodeIdentity`). */
  code: z.string(),
  /** Adapter description, vendor, architecture, device, and the driver package version. */
  adapter: z.object({
    description: z.string(),
    vendor: z.string(),
    architecture: z.string(),
    device: z.string(),
    driver: z.string(),
  }),
  /** SHA-256 over the four IDX contents of the dataset. */
  dataset: z.string(),
});
export type RunKey = z.infer<typeof RunKeySchema>;

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as object).sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** The key's hash: the stored file's name. */
export async function runKeyHash(key: RunKey): Promise<string> {
  return (await sha256Hex(canonicalJson(key))).slice(0, 32);
}

/** The hash of a config alone (runs of one config share it, whatever the seed). */
export async function configHash(config: unknown): Promise<string> {
  return (await sha256Hex(canonicalJson(config))).slice(0, 12);
}
