/**
 * The seed plan: a claim is decided in looks at growing seed counts fixed before the run (the
 * default 6 → 10 → 20), with the error rate α = 0.05 per check held family-wise across the planned
 * looks by Bonferroni: every look tests at α / (number of planned looks). `--max-seeds N` truncates
 * the plan before the run starts, so fewer looks each get a larger share of α; `--seeds N` is one
 * look at N seeds at the full α.
 *
 * @module
 */

import { z } from "zod";
import type { Infer } from "../util/schema.ts";

/** The family-wise error rate per check (for "supported" and for "refuted" alike). */
export const ALPHA = 0.05;

/** The default look plan: seed counts at which claims are judged. */
export const DEFAULT_LOOKS: readonly number[] = [6, 10, 20];

/** The schema of {@link LookPlan}. */
export const LookPlanSchema = z.object({
  /** Seed counts of the looks, increasing. */
  looks: z.array(z.number().int().min(1)),
  /** α per check over the whole plan. */
  alpha: z.number(),
  /** α per look (Bonferroni: alpha / looks.length). */
  alphaPerLook: z.number(),
  /** How the plan was chosen: the default, truncated by --max-seeds, or a fixed --seeds count. */
  source: z.enum(["default", "max-seeds", "fixed-seeds"]),
});
/** @internal zod's type of {@link LookPlanSchema}. */
type LookPlanZod = typeof LookPlanSchema;
/** A look plan as recorded in results: the seed counts of the looks and α per look. */
export type LookPlan = Infer<LookPlanZod>;

/** The plan for `--max-seeds` (truncating the default) or `--seeds` (one look); default plan else. */
export function lookPlan(o: { maxSeeds?: number; seeds?: number } = {}): LookPlan {
  if (o.seeds !== undefined && o.maxSeeds !== undefined) {
    throw new RangeError("--seeds and --max-seeds exclude each other: a fixed count has no looks");
  }
  if (o.seeds !== undefined) {
    if (!Number.isInteger(o.seeds) || o.seeds < 1) {
      throw new RangeError(`--seeds ${o.seeds}: expected a whole number ≥ 1`);
    }
    return { looks: [o.seeds], alpha: ALPHA, alphaPerLook: ALPHA, source: "fixed-seeds" };
  }
  if (o.maxSeeds !== undefined) {
    if (!Number.isInteger(o.maxSeeds) || o.maxSeeds < DEFAULT_LOOKS[0]) {
      throw new RangeError(
        `--max-seeds ${o.maxSeeds}: expected a whole number ≥ ${DEFAULT_LOOKS[0]} (the first look)`,
      );
    }
    const looks = DEFAULT_LOOKS.filter((n) => n <= o.maxSeeds!);
    return { looks, alpha: ALPHA, alphaPerLook: ALPHA / looks.length, source: "max-seeds" };
  }
  const looks = [...DEFAULT_LOOKS];
  return { looks, alpha: ALPHA, alphaPerLook: ALPHA / looks.length, source: "default" };
}

/** "6 → 10 → 20 seeds, α = 0.05 per check (0.0167 per look)". */
export function describePlan(p: LookPlan): string {
  const looks = p.looks.join(" → ");
  const seeds = p.looks.length === 1 && p.looks[0] === 1 ? "seed" : "seeds";
  const per = p.looks.length > 1 ? ` (${round(p.alphaPerLook)} per look, Bonferroni)` : "";
  const fixed = p.source === "fixed-seeds" ? "; fixed count, one look" : "";
  return `${looks} ${seeds}, α = ${p.alpha} per check${per}${fixed}`;
}

function round(v: number): string {
  return String(Number(v.toPrecision(3)));
}
