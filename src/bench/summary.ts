/**
 * The run's table for people: per claim its verdict, estimate with interval, seeds, the look
 * that decided it and its training time, as console text and as the Markdown summary CI shows
 * (`--summary FILE`, `$GITHUB_STEP_SUMMARY`), with the gate's status against the baseline.
 *
 * @module
 */

import { duration } from "../util/duration.ts";
import { describePlan } from "../verdict/plan.ts";
import { formatValue } from "../verdict/sentence.ts";
import type { GateReport } from "./gate.ts";
import { atOnce, type Results, trainedSideBySide } from "./results.ts";
import { headlineCheck } from "./summarize_claim.ts";

/** One claim's row. */
export interface SummaryRow {
  claim: string;
  numbers: string;
  verdict: string;
  estimate: string;
  interval: string;
  seeds: string;
  decided: string;
  status: string;
  /** Training time spent on the claim (a run shared by claims is split between them). */
  time: string;
}

/** "122 runs trained (2 at once), 0 reused": the run counts, and how many trained side by side. */
export function runCounts(m: Results["meta"]): string {
  return `${m.runsTrained} runs trained${atOnce(m)}, ${m.runsReused} reused`;
}

/** Why the time column adds up to more than the wall time, when runs trained side by side. */
export function timeColumnNote(m: Results["meta"]): string | null {
  return trainedSideBySide(m)
    ? `time: the training time of a claim's runs; with ${m.jobs} at once, the column adds up ` +
      `to more than the wall time`
    : null;
}

/** The rows of `results` (with `gate` statuses when compared). */
export function summaryRows(results: Results, gate: GateReport | null): SummaryRow[] {
  return [...results.claims].sort((a, b) => (a.claimNumbers[0] ?? 0) - (b.claimNumbers[0] ?? 0))
    .map((c) => {
      const unit = c.metrics[c.headline.subject.metric]?.unit ?? "value";
      const check = headlineCheck(c);
      // A bound too few seeds cannot place is ±∞ (not a lost run).
      const bound = (v: number) =>
        v === -Infinity ? "−∞" : v === Infinity ? "+∞" : formatValue(v, unit);
      const interval = check && check.judged.interval
        ? `[${bound(check.judged.interval[0])}, ${bound(check.judged.interval[1])}]`
        : "–";
      const g = gate?.rows.find((r) => r.id === c.id);
      return {
        claim: c.id,
        numbers: c.claimNumbers.join(","),
        verdict: c.verdict,
        estimate: `${formatValue(c.headline.median, unit)} (${c.headline.label})`,
        interval,
        seeds: String(c.seedsUsed),
        decided: c.decidedAt !== null
          ? `${c.decidedAt} seeds`
          : c.verdict === "inconclusive"
          ? `not at ${c.seedsUsed}`
          : "–",
        status: g ? (g.failing ? `${g.status} ✗` : g.status) : "–",
        time: duration(c.seconds),
      };
    });
}

const HEADER = [
  "claim",
  "#",
  "verdict",
  "estimate",
  "interval",
  "seeds",
  "decided at",
  "vs baseline",
  "time",
];

function cellsOf(r: SummaryRow): string[] {
  return [
    r.claim,
    r.numbers,
    r.verdict,
    r.estimate,
    r.interval,
    r.seeds,
    r.decided,
    r.status,
    r.time,
  ];
}

/** The table as aligned console text. */
export function formatSummaryTable(rows: readonly SummaryRow[]): string {
  const cells = rows.map(cellsOf);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(HEADER), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** The Markdown summary: provenance line, counts, the table, and the gate's notes. */
export function markdownSummary(results: Results, gate: GateReport | null): string {
  const m = results.meta;
  const rows = summaryRows(results, gate);
  const count = (v: string) => results.claims.filter((c) => c.verdict === v).length;
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const plan = m.plan ? describePlan(m.plan) : "quick mode: seed 1 of every config, no verdicts";
  const lines = [
    `## claimbench ${m.mode} run`,
    "",
    `${m.adapter.description}${m.driver ? ` (${m.driver})` : ""} · commit ${
      m.commit.slice(0, 12)
    } · ${m.date.slice(0, 16).replace("T", " ")} UTC · ${plan} · ${
      (m.wallSeconds / 60).toFixed(1)
    } min (${runCounts(m)})`,
    "",
    m.mode === "full"
      ? `**${count("reproduced")} reproduced, ${count("not reproduced")} not reproduced, ` +
        `${count("inconclusive")} inconclusive, ${count("error")} errors**`
      : `**${results.claims.length} claims run on seed 1; ${count("error")} errors**`,
    "",
    `| ${HEADER.join(" | ")} |`,
    `|${HEADER.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${cellsOf(r).map(esc).join(" | ")} |`),
  ];
  const note = timeColumnNote(m);
  if (note) lines.push("", note);
  if (gate) {
    for (const n of gate.environmentNotes) lines.push("", `> ${esc(n)}`);
    for (const r of gate.rows.filter((x) => x.notes.length > 0)) {
      lines.push(
        "",
        `**${r.id}** (${r.status})`,
        ...r.notes.slice(0, 10).map((n) => `- ${esc(n)}`),
      );
    }
  }
  return lines.join("\n") + "\n";
}
