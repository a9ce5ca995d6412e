/**
 * Values on the comparison page: two values A and B with just enough digits to tell them apart,
 * and how a claim's headline median moved from A to B against the gate's tolerance.
 *
 * @module
 */

import type { ClaimResult } from "../bench/results.ts";
import { formatDifference } from "../verdict/sentence.ts";
import { metricOf, sameSubject, stat, subjectText, vocabulary } from "./claim_text.ts";

/** A finite value with `digits` more digits than the pages show ("87.0312%", "0.50312"). */
function precise(v: number, unit: string, digits: number): string {
  if (unit === "accuracy") return `${(v * 100).toFixed(2 + digits)}%`;
  return v.toPrecision(3 + digits);
}

/**
 * Two values A and B as shown: in the pages' format, with just enough more digits to tell them
 * apart where that format would hide a change.
 */
export function pair(
  a: number | undefined,
  b: number | undefined,
  unit: string,
): [string, string] {
  const fmt = (v: number | undefined) => (v === undefined ? "—" : stat(v, unit));
  const [fa, fb] = [fmt(a), fmt(b)];
  if (
    a === undefined || b === undefined || fa !== fb || Object.is(a, b) ||
    !Number.isFinite(a) || !Number.isFinite(b)
  ) return [fa, fb];
  for (let digits = 1; digits <= 14; digits++) {
    const [pa, pb] = [precise(a, unit, digits), precise(b, unit, digits)];
    if (pa !== pb) return [pa, pb];
  }
  return [String(a), String(b)];
}

/** The change B − A of the headline median, in its unit, and whether B is better or worse. */
export interface HeadlineChange {
  a: string;
  b: string;
  /** "+0.58 pts", or null when it cannot be a number (a lost run, another subject). */
  delta: string | null;
  direction: "better" | "worse" | "same" | "other";
  /** Why there is no delta, or what the change means against the gate's tolerance. */
  note: string;
}

/** How the headline moved from A to B. */
export function headlineChange(a: ClaimResult, b: ClaimResult): HeadlineChange {
  const unit = metricOf(b, b.headline.subject.metric).unit;
  const [va, vb] = pair(a.headline.median, b.headline.median, unit);
  if (!sameSubject(a.headline.subject, b.headline.subject)) {
    return {
      a: stat(a.headline.median, metricOf(a, a.headline.subject.metric).unit),
      b: stat(b.headline.median, unit),
      delta: null,
      direction: "other",
      note: `the headline changed: A tracked ${
        subjectText(a.headline.subject, vocabulary(a))
      }, B tracks ${subjectText(b.headline.subject, vocabulary(b))}`,
    };
  }
  const [x, y] = [a.headline.median, b.headline.median];
  if (Object.is(x, y)) return { a: va, b: vb, delta: null, direction: "same", note: "unchanged" };
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    const lost = (v: number) => v === -Infinity;
    return {
      a: va,
      b: vb,
      delta: null,
      direction: lost(y) && !lost(x) ? "worse" : lost(x) && !lost(y) ? "better" : "other",
      note: lost(x) || lost(y)
        ? "a lost run is the median on one side: no difference in the headline's unit"
        : "not a number on one side",
    };
  }
  const diff = y - x;
  const better = b.headline.better === "higher" ? diff > 0 : diff < 0;
  const tolerance = formatDifference(b.headline.tolerance, unit).replace(/^\+/, "");
  const beyond = !better && Math.abs(diff) > b.headline.tolerance + 1e-9;
  return {
    a: va,
    b: vb,
    delta: formatDifference(diff, unit),
    direction: better ? "better" : "worse",
    note: better
      ? `better (${b.headline.better} is better)`
      : beyond
      ? `worse by more than the gate's tolerance of ${tolerance}`
      : `worse, within the gate's tolerance of ${tolerance}`,
  };
}
