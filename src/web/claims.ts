/**
 * Every claim module of `benches/`, by id, for the re-run panel and the browser bundle. Nothing
 * here lists claims by hand: in Deno `claim_modules.ts` imports the files `listClaimFiles` finds;
 * in the bundle `build.ts` replaces that module by one generated from the same listing at build
 * time. Which claims need no data is derived from their subjects.
 *
 * @module
 */

import type { Claim } from "../bench/contract.ts";
import { CLAIM_MODULES, type ClaimModule } from "./claim_modules.ts";

/** The module's `claim` export, checked like the bench runner checks it. */
function claimOf({ id, module }: ClaimModule): Claim {
  const claim = module.claim as Claim | undefined;
  if (!claim || typeof claim.subjects !== "function" || !Array.isArray(claim.checks)) {
    throw new Error(`claim file "${id}": expected an export named "claim" (the Claim contract)`);
  }
  if (claim.id !== id) {
    throw new Error(`claim id "${claim.id}" must match its file name ("${id}")`);
  }
  return claim;
}

/** The claims by id. */
export const CLAIMS: ReadonlyMap<string, Claim> = new Map(
  CLAIM_MODULES.map((m) => [m.id, claimOf(m)]),
);

/**
 * Whether `claim` runs without Fashion-MNIST: every config (from its default config) is a probe,
 * and none says it reads the dataset (`needsData: true`, a probe that trains, like the LR
 * finder's; read here defensively until the contract's `ProbeSubject` declares the field).
 */
export function isDataFree(claim: Claim): boolean {
  const subjects = Object.values(claim.subjects(claim.config.parse({})));
  return subjects.length > 0 &&
    subjects.every((s) => s.kind === "probe" && (s as { needsData?: boolean }).needsData !== true);
}

/** Claims that need no dataset (they run in full in any browser with WebGPU). */
export const DATA_FREE: ReadonlySet<string> = new Set(
  [...CLAIMS.values()].filter(isDataFree).map((c) => c.id),
);
