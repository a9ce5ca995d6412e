/**
 * Judging a claim on a look's runs, and the result a claim gets from its runs and checks.
 *
 * @module
 */

import { type Subject, subjectsOf } from "../verdict/check.ts";
import { judgeCheck, type Sample, verdictOf } from "../verdict/judge.ts";
import type { LookPlan } from "../verdict/plan.ts";
import { type ClaimState, errorText } from "./claim_state.ts";
import type { MetricInfo, RunMode } from "./contract.ts";
import { sampleOf } from "./judge_claim.ts";
import { metricInfo } from "./metrics.ts";
import type { ClaimResult, ConfigResult } from "./results.ts";
import { subjectKey } from "./results.ts";
import type { RunData, RunTable } from "./run_table.ts";
import { summarizeClaim } from "./summarize_claim.ts";

/** The value of `subject` on one run of the claim (as `judgeClaimOnRuns` computes it). */
function valueOf(s: ClaimState, data: RunData, subject: Subject): number {
  const seedRun = data.probe
    ? { seed: data.seed, probe: data.probe }
    : { seed: data.seed, run: data.run };
  return sampleOf(s.claim, subject, seedRun).value;
}

/** The samples of a subject for the judge. */
function samplesOf(s: ClaimState, runs: RunTable, subject: Subject): Sample[] {
  const runsOf = runs.get(s.subjects[subject.config]);
  return [...runsOf.values()].map((d) => ({ ...d.sample, value: valueOf(s, d, subject) }));
}

/** Judges every check of `s` on the runs of a look (n seeds) at its α. */
export function judgeLook(s: ClaimState, runs: RunTable, look: { n: number; alpha: number }): void {
  try {
    const source = (subject: Subject) => samplesOf(s, runs, subject);
    s.checks = s.claim.checks.map((spec, i) => judgeCheck(spec, source, look, s.checks[i]));
  } catch (err) {
    s.error = errorText(err);
  }
}

/** The metric infos a claim's checks, headline and lesson numbers name. */
function metricsOf(s: ClaimState): Record<string, MetricInfo> {
  const own: Record<string, MetricInfo> = { ...(s.claim.metrics ?? {}) };
  for (const subject of Object.values(s.subjects)) {
    if (subject.kind === "probe") Object.assign(own, subject.metrics);
  }
  const names = new Set([
    ...s.claim.checks.flatMap((c) => subjectsOf(c).map((x) => x.metric)),
    s.claim.headline.subject.metric,
    ...s.claim.lesson.flatMap((l) => l.subject ? [l.subject.metric] : []),
  ]);
  const out: Record<string, MetricInfo> = {};
  for (const name of names) {
    const info = metricInfo(name, own);
    if (info) out[name] = { label: info.label, unit: info.unit };
  }
  return out;
}

/** The result of a claim: its configs' runs up to its last look, checks, verdict, figures. */
export function resultOf(
  s: ClaimState,
  runs: RunTable,
  mode: RunMode,
  plan: LookPlan,
): ClaimResult {
  const c = s.claim;
  const subjectsByConfig = new Map<string, Subject[]>();
  const allSubjects = [
    ...c.checks.flatMap((x) => subjectsOf(x)),
    c.headline.subject,
    ...c.lesson.flatMap((l) => l.subject ? [l.subject] : []),
  ];
  for (const subj of allSubjects) {
    const list = subjectsByConfig.get(subj.config) ?? [];
    if (!list.some((x) => subjectKey(x) === subjectKey(subj))) list.push(subj);
    subjectsByConfig.set(subj.config, list);
  }
  const configs: ConfigResult[] = Object.entries(s.subjects).map(([name, subject]) => {
    const entries = [...runs.get(subject).values()]
      .filter((d) => s.lastLook === null || d.seed <= s.lastLook)
      .sort((a, b) => a.seed - b.seed).map((d) => ({
        seed: d.seed,
        outcome: d.sample.outcome,
        divergedAt: d.divergedAt,
        values: Object.fromEntries(
          (subjectsByConfig.get(name) ?? []).map((x) => [subjectKey(x), safeValue(s, d, x)]),
        ),
        run: d.run,
        ...(d.detail !== undefined ? { detail: d.detail } : {}),
        failure: d.failure,
      }));
    return {
      name,
      label: subject.label,
      kind: subject.kind,
      config: subject.kind === "train" ? subject.config : subject.params,
      runs: entries,
      divergence: { k: 0, n: 0, estimate: NaN, interval: [0, 1] as [number, number] },
    };
  });
  // One seed decides nothing (as in quick mode): a fixed `--seeds 1` run is not judged either.
  const oneSeed = plan.source === "fixed-seeds" && plan.looks[0] === 1;
  const judged = mode === "full" && !oneSeed && !s.error && s.checks.length > 0;
  const verdict = s.error
    ? "error"
    : judged && !(s.incomplete && verdictOf(s.checks) === "inconclusive")
    ? verdictOf(s.checks)
    : s.incomplete
    ? "incomplete"
    : "not judged";
  return summarizeClaim({
    id: c.id,
    title: c.title,
    source: c.source,
    quote: c.quote,
    claimNumbers: c.claimNumbers,
    lesson: c.lesson,
    lessonNotes: c.lessonNotes ?? [],
    findings: c.findings ?? null,
    dependsOn: c.dependsOn ?? [],
    figures: c.figures ?? [],
    mode,
    configs,
    metrics: metricsOf(s),
    checks: judged ? s.checks : [],
    verdict,
    decidedAt: judged && verdict !== "inconclusive" ? s.decidedAt : null,
    seedsUsed: Math.max(0, ...configs.map((x) => x.runs.length)),
    headline: { ...c.headline, median: NaN },
    comparisons: [],
    lessonPercentiles: [],
    expectedMax: [],
    error: s.error,
    seconds: s.seconds,
  });
}

function safeValue(s: ClaimState, d: RunData, subject: Subject): number {
  try {
    return valueOf(s, d, subject);
  } catch {
    return NaN;
  }
}
