/**
 * The CI gate (verdicts.md §5): a run against the committed baseline.
 *
 * - Every run the two share (same claim, config name and config, same seed) is compared: an
 *   outcome change (trained ↔ diverged, collapsed, failed) fails, and so does a move of the
 *   claim's headline value beyond its tolerance in its worse direction. A quick run has only seed
 *   1, so it is exactly the numerics regression check of seed-1 runs; a diverged baseline run is
 *   still gated (its outcome must not change).
 * - Verdicts are compared only between two full runs: reproduced → not reproduced fails,
 *   reproduced → inconclusive warns, anything → reproduced is an improvement.
 * - Same code identity, adapter and driver should give bit-identical values; a difference is a
 *   warning, not a failure: lavapipe's JIT may emit other instructions on another CPU model
 *   behind the same adapter string, and the tolerance check still guards the science.
 * - A claim that errored means the suite broke (a different exit code from a regression).
 *
 * @module
 */

import { canonicalJson } from "../store/run_key.ts";
import { formatValue } from "../verdict/sentence.ts";
import type { ClaimResult, ConfigResult, Results } from "./results.ts";
import { subjectKey } from "./results.ts";

/** How a claim compares with the baseline, from best to worst. */
export type GateStatus =
  | "same"
  | "changed"
  | "improved"
  | "new"
  | "warning"
  | "regressed"
  | "error";

/** One claim's comparison. */
export interface GateRow {
  id: string;
  claimNumbers: number[];
  verdict: ClaimResult["verdict"];
  baselineVerdict: ClaimResult["verdict"] | null;
  /** The headline median in its unit, and the baseline's. */
  estimate: string;
  baselineEstimate: string;
  seeds: number;
  status: GateStatus;
  /** Whether this row fails the gate. */
  failing: boolean;
  /** What was found, one line each (outcome changes, drops, verdict moves). */
  notes: string[];
  seconds: number;
}

/** The gate's result. */
export interface GateReport {
  rows: GateRow[];
  /** Said plainly at the top when the baseline ran elsewhere (adapter, driver) or on other code. */
  environmentNotes: string[];
  /** Claims failed by a regression, and claims that errored. */
  regressed: string[];
  errored: string[];
}

/** Compares `results` with `baseline` (null: no baseline; only errors fail). */
export function compareWithBaseline(results: Results, baseline: Results | null): GateReport {
  const environmentNotes: string[] = [];
  const same = baseline !== null &&
    baseline.meta.adapter.description === results.meta.adapter.description &&
    baseline.meta.driver === results.meta.driver;
  if (baseline) {
    if (baseline.meta.adapter.description !== results.meta.adapter.description) {
      environmentNotes.push(
        `the baseline ran on ${baseline.meta.adapter.description}, this run on ` +
          `${results.meta.adapter.description}: values are compared within tolerance only`,
      );
    }
    if (baseline.meta.driver !== results.meta.driver) {
      environmentNotes.push(
        `the baseline's driver is ${baseline.meta.driver ?? "unknown"}, this run's ` +
          `${results.meta.driver ?? "unknown"}`,
      );
    }
    if (baseline.meta.codeIdentity !== results.meta.codeIdentity) {
      environmentNotes.push("the trainer's code differs from the baseline's (values may move)");
    }
  }
  const identical = same && baseline!.meta.codeIdentity === results.meta.codeIdentity;
  const rows = results.claims.map((c) => {
    const b = baseline?.claims.find((x) => x.id === c.id) ?? null;
    return compareClaim(c, b, {
      identical,
      bothFull: results.meta.mode === "full" && baseline?.meta.mode === "full",
    });
  });
  return {
    rows,
    environmentNotes,
    regressed: rows.filter((r) => r.failing && r.status === "regressed").map((r) => r.id),
    errored: rows.filter((r) => r.status === "error").map((r) => r.id),
  };
}

function unitOf(c: ClaimResult): string {
  return c.metrics[c.headline.subject.metric]?.unit ?? "value";
}

function compareClaim(
  c: ClaimResult,
  b: ClaimResult | null,
  o: { identical: boolean; bothFull: boolean },
): GateRow {
  const unit = unitOf(c);
  const row: GateRow = {
    id: c.id,
    claimNumbers: c.claimNumbers,
    verdict: c.verdict,
    baselineVerdict: b?.verdict ?? null,
    estimate: formatValue(c.headline.median, unit),
    baselineEstimate: b ? formatValue(b.headline.median, unitOf(b)) : "–",
    seeds: c.seedsUsed,
    status: "same",
    failing: false,
    notes: [],
    seconds: c.seconds,
  };
  if (c.verdict === "error") {
    return { ...row, status: "error", failing: true, notes: [c.error ?? "error"] };
  }
  if (!b) return { ...row, status: "new" };
  let failing = false, warning = false, changed = false, improved = false;
  const note = (text: string) => row.notes.push(text);
  for (const config of c.configs) {
    const bc = b.configs.find((x) => x.name === config.name);
    if (!bc) continue;
    if (canonicalJson(config.config) !== canonicalJson(bc.config)) {
      note(`${config.label}: config changed since the baseline, runs not compared`);
      warning = true;
      continue;
    }
    const r = compareRuns(c, config, bc, o.identical);
    failing ||= r.failing;
    warning ||= r.warning;
    changed ||= r.changed;
    row.notes.push(...r.notes);
  }
  if (o.bothFull) {
    if (b.verdict === "reproduced" && c.verdict === "not reproduced") {
      failing = true;
      note("verdict regressed: reproduced → not reproduced");
    } else if (b.verdict === "reproduced" && c.verdict === "inconclusive") {
      warning = true;
      note("verdict weakened: reproduced → inconclusive");
    } else if (b.verdict !== "reproduced" && c.verdict === "reproduced") {
      improved = true;
      note(`verdict improved: ${b.verdict} → reproduced`);
    } else if (b.verdict !== c.verdict) {
      changed = true;
      note(`verdict changed: ${b.verdict} → ${c.verdict}`);
    }
  }
  const status: GateStatus = failing
    ? "regressed"
    : warning
    ? "warning"
    : improved
    ? "improved"
    : changed
    ? "changed"
    : "same";
  return { ...row, status, failing };
}

/** Seed-by-seed comparison of one config's runs with the baseline's. */
function compareRuns(
  c: ClaimResult,
  now: ConfigResult,
  then: ConfigResult,
  identical: boolean,
): { failing: boolean; warning: boolean; changed: boolean; notes: string[] } {
  const notes: string[] = [];
  let failing = false, warning = false, changed = false;
  const headKey = subjectKey(c.headline.subject);
  const isHeadline = c.headline.subject.config === now.name;
  const unit = unitOf(c);
  for (const run of now.runs) {
    const base = then.runs.find((r) => r.seed === run.seed);
    if (!base) continue;
    const where = `${now.label}, seed ${run.seed}`;
    if (run.outcome !== base.outcome) {
      failing = true;
      notes.push(`${where}: outcome changed ${base.outcome} → ${run.outcome}`);
      continue;
    }
    for (const [key, value] of Object.entries(run.values)) {
      const old = base.values[key];
      if (old === undefined || Object.is(old, value)) continue;
      changed = true;
      if (identical) {
        warning = true;
        notes.push(`${where}: ${key} ${old} → ${value} on the same code, adapter and driver`);
      }
      if (isHeadline && key === headKey && Number.isFinite(old)) {
        const worse = c.headline.better === "higher" ? old - value : value - old;
        // A drop of exactly the tolerance is within it (0.87 − 0.86 is 0.0100000000000009).
        if (!(worse <= c.headline.tolerance + 1e-9) && run.outcome !== "diverged") {
          failing = true;
          notes.push(
            `${where}: ${c.headline.label} ${formatValue(old, unit)} → ${
              formatValue(value, unit)
            }` +
              ` (tolerance ${c.headline.tolerance})`,
          );
        }
      }
    }
  }
  return { failing, warning, changed, notes };
}

/** The gate as a text table, one claim per line, then the notes of claims that moved. */
export function formatGateTable(report: GateReport): string {
  const header = [
    "claim",
    "lesson #",
    "verdict",
    "estimate",
    "seeds",
    "baseline",
    "status",
    "time",
  ];
  const cells = report.rows.map((r) => [
    r.id,
    r.claimNumbers.join(","),
    r.verdict,
    r.estimate,
    String(r.seeds),
    r.baselineVerdict ? `${r.baselineVerdict} ${r.baselineEstimate}` : "none",
    r.failing ? `${r.status} ✗` : r.status,
    `${r.seconds.toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  const lines = [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  lines.unshift(...report.environmentNotes.map((n) => `note: ${n}`));
  for (const r of report.rows) {
    if (r.notes.length === 0) continue;
    lines.push("", `${r.id}:`, ...r.notes.slice(0, 8).map((n) => `  ${n}`));
    if (r.notes.length > 8) lines.push(`  … ${r.notes.length - 8} more`);
  }
  return lines.join("\n");
}
