/**
 * The claim modules of `benches/` as Deno finds them: every file {@link listClaimFiles} lists,
 * imported when this module loads. The browser bundle never contains this file: `build.ts`
 * replaces it by a module generated from the same listing at build time (one static import per
 * claim file, see `claimModulesSource`), so neither side keeps a list of claims by hand and a new
 * claim file is in both as soon as it exists.
 *
 * @module
 */

import { listClaimFiles } from "../bench/registry.ts";

/** A claim file's id (its name, `_` → `-`) and its module's exports, unchecked. */
export interface ClaimModule {
  id: string;
  module: Record<string, unknown>;
}

/** Every claim module of `benches/`, in id order. */
export const CLAIM_MODULES: readonly ClaimModule[] = await Promise.all(
  (await listClaimFiles(new URL("../../benches/", import.meta.url))).map(async (f) => ({
    id: f.id,
    module: await import(new URL(f.path, "file://").href) as Record<string, unknown>,
  })),
);
