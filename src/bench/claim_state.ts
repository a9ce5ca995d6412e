/**
 * A claim in flight through the runner: its parsed config, subjects, judged checks and state, and
 * what a look needs of it.
 *
 * @module
 */

import { type CheckSpec, type JudgedCheck, subjectsOf } from "../verdict/check.ts";
import type { Claim, ClaimSubject } from "./contract.ts";

/** A claim in flight: its subjects, judged checks, and state. */
export interface ClaimState {
  claim: Claim;
  config: unknown;
  subjects: Record<string, ClaimSubject>;
  checks: JudgedCheck[];
  done: boolean;
  decidedAt: number | null;
  /** Seeds of the last look that judged it: its evidence is runs 1..lastLook (shared configs may hold more). */
  lastLook: number | null;
  /** A look it needed lacked runs (shards, --no-train): not judged at that look. */
  incomplete: boolean;
  error: string | null;
  seconds: number;
}

/** A claim ready to run: its config parsed, its subjects built and checked against its checks. */
export function prepareClaim(claim: Claim, configInput: unknown): ClaimState {
  const state: ClaimState = {
    claim,
    config: null,
    subjects: {},
    checks: [],
    done: false,
    decidedAt: null,
    lastLook: null,
    incomplete: false,
    error: null,
    seconds: 0,
  };
  try {
    state.config = claim.config.parse(configInput ?? {});
    state.subjects = claim.subjects(state.config);
    for (const check of claim.checks) {
      for (const s of subjectsOf(check)) {
        if (!state.subjects[s.config]) {
          throw new Error(`check ${check.id} names config "${s.config}", which the claim lacks`);
        }
      }
    }
  } catch (err) {
    state.error = errorText(err);
  }
  return state;
}

/** Configs an open check of the claim reads (every-seed checks of an open claim re-judge too). */
export function neededConfigs(s: ClaimState): Set<string> {
  const specs: (CheckSpec | JudgedCheck)[] = s.checks.length > 0 ? s.checks : s.claim.checks;
  const open = s.checks.length === 0
    ? specs
    : specs.filter((c) => (c as JudgedCheck).judged.decision === "inconclusive");
  return new Set(open.flatMap((c) => subjectsOf(c).map((x) => x.config)));
}

/** Seeds 1..n. */
export function seedRange(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** An error as one line: its name and message. */
export function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
