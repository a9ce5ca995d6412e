/**
 * The CI gate: compares a run with the committed baseline (`reports/baseline.json`, itself a
 * results file). A claim fails the gate when it errors, when its verdict flips from pass to fail,
 * or when its headline drops more than its tolerance below the baseline. A claim that honestly
 * does not reproduce stays recorded as failing in the baseline and fails CI only if it gets worse;
 * one that starts to pass is an improvement.
 *
 * @module
 */

import type { ClaimResult, Results } from "./results.ts";
import { summarize } from "./stats.ts";

/** How a claim compares with the baseline. */
export type CheckStatus =
  | "ok"
  | "improved"
  | "error"
  | "regressed-verdict"
  | "regressed-metric"
  | "new"
  | "expected-fail";

/** One row of the check table. */
export interface CheckRow {
  id: string;
  claimNumbers: number[];
  measured: string;
  verdict: ClaimResult["verdict"];
  baseline: string;
  status: CheckStatus;
  /** Whether this row fails the gate. */
  failing: boolean;
  explanation: string;
  /** Wall time of the claim in this run. */
  seconds: number;
}

/**
 * Compares every claim of `results` with `baseline` (null: no baseline yet). Like is compared
 * with like: when the run used a subset of the baseline's seeds (a quick run against a full
 * baseline), the baseline's headline is recomputed as the median over those same seeds, and a
 * verdict flip fails the gate only when both runs used the same mode (a one-seed verdict may
 * honestly differ from a three-seed one; it is still shown).
 */
export function checkAgainstBaseline(results: Results, baseline: Results | null): CheckRow[] {
  return results.claims.map((c) => {
    const b = baseline?.claims.find((x) => x.id === c.id) ?? null;
    const s = c.headline?.summary;
    const measured = s
      ? `${fmt(s.mean)} ± ${fmt(s.std)} (${c.headline!.name})`
      : c.headline
      ? fmt(c.headline.value)
      : "–";
    const then = b ? comparableBaseline(c, b) : undefined;
    const baseText = b ? `${b.verdict} ${then !== undefined ? fmt(then) : "–"}` : "none";
    const row = (status: CheckStatus, failing: boolean): CheckRow => ({
      id: c.id,
      claimNumbers: c.claimNumbers,
      measured,
      verdict: c.verdict,
      baseline: baseText,
      status,
      failing,
      explanation: c.explanation,
      seconds: c.seconds,
    });
    if (c.verdict === "error") return row("error", true);
    if (!b) return row("new", false);
    const now = c.headline?.value;
    if (
      now !== undefined && then !== undefined && Number.isFinite(then) &&
      !(now >= then - c.headline!.tolerance)
    ) {
      return row("regressed-metric", true);
    }
    if (b.verdict === "pass" && c.verdict === "fail") {
      return row("regressed-verdict", b.mode === c.mode);
    }
    if (b.verdict !== "pass" && c.verdict === "pass") return row("improved", false);
    return row(c.verdict === "fail" ? "expected-fail" : "ok", false);
  });
}

/** The baseline's headline over the run's seeds when they are a subset, else its own value. */
function comparableBaseline(c: ClaimResult, b: ClaimResult): number | undefined {
  if (!b.headline) return undefined;
  const same = c.seeds.length === b.seeds.length && c.seeds.every((s, i) => s === b.seeds[i]);
  const perSeed = b.headline.perSeed;
  if (same || perSeed.length !== b.seeds.length || !c.seeds.every((s) => b.seeds.includes(s))) {
    return b.headline.value;
  }
  const values = c.seeds.map((s) => perSeed[b.seeds.indexOf(s)]);
  return summarize(values).median;
}

/** The check table as text, one claim per line. */
export function formatCheckTable(rows: readonly CheckRow[]): string {
  const header = [
    "claim",
    "lesson #",
    "measured (mean ± std)",
    "verdict",
    "baseline",
    "status",
    "time",
  ];
  const cells = rows.map((r) => [
    r.id,
    r.claimNumbers.join(","),
    r.measured,
    r.verdict,
    r.baseline,
    r.failing ? `${r.status} ✗` : r.status,
    `${r.seconds.toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function fmt(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4)) : String(v);
}
