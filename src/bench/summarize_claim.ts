/**
 * The figures reported beside a claim's verdict, computed from its recorded runs (pure, so a
 * merge or a re-render recomputes them the same way): each config's divergence rate, the
 * headline's median, P(A > B) for each comparison, the lesson numbers' percentiles among our
 * seeds, and E[max_k] of the headline.
 *
 * @module
 */

import type { JudgedLeafCheck, Subject } from "../verdict/check.ts";
import { expectedMax, percentileOf, probabilityAGreater, proportion } from "../verdict/describe.ts";
import { sampleMedian } from "../verdict/intervals.ts";
import { pairedDifferences, rankValue, type Sample } from "../verdict/judge.ts";
import type { ClaimResult, RunEntry } from "./results.ts";
import { subjectKey } from "./results.ts";

/**
 * The threshold check on the claim's headline subject (the one whose bounds go with the headline
 * estimate), among its checks and any-of parts; undefined when there is none.
 */
export function headlineCheck(
  c: Pick<ClaimResult, "checks" | "headline">,
): JudgedLeafCheck | undefined {
  const key = `${c.headline.subject.config}/${subjectKey(c.headline.subject)}`;
  return c.checks.flatMap((x) => x.kind === "any-of" ? x.of : [x]).find((x) =>
    x.kind === "threshold" && `${x.subject.config}/${subjectKey(x.subject)}` === key
  );
}

/** The samples of `subject` recorded in a claim result. */
export function recordedSamples(c: ClaimResult, subject: Subject): Sample[] {
  const config = c.configs.find((x) => x.name === subject.config);
  if (!config) return [];
  const key = subjectKey(subject);
  return config.runs.map((r: RunEntry) => ({
    seed: r.seed,
    outcome: r.outcome,
    value: r.values[key] ?? NaN,
  }));
}

/** `c` with its reported figures filled in from its runs. */
export function summarizeClaim(c: ClaimResult): ClaimResult {
  const configs = c.configs.map((x) => {
    const lost = x.runs.filter((r) => r.outcome === "diverged" || r.outcome === "failed").length;
    return { ...x, divergence: proportion(lost, x.runs.length) };
  });
  const withConfigs = { ...c, configs };
  const head = recordedSamples(withConfigs, c.headline.subject);
  const comparisons = c.checks.flatMap((check) => {
    const leaves = check.kind === "any-of" ? check.of : [check];
    return leaves.flatMap((leaf) =>
      leaf.kind === "superiority" || leaf.kind === "equivalence"
        ? [{
          check: leaf.id,
          a: leaf.a,
          b: leaf.b,
          pAGreater: probabilityAGreater(
            pairedDifferences(
              recordedSamples(withConfigs, leaf.a),
              recordedSamples(withConfigs, leaf.b),
            ),
          ),
        }]
        : []
    );
  });
  const lessonPercentiles = c.lesson.flatMap((l) => {
    if (!l.subject) return [];
    const values = recordedSamples(withConfigs, l.subject).map(rankValue);
    if (values.length === 0) return [];
    return [{
      label: l.label,
      subject: l.subject,
      value: l.value,
      percentile: percentileOf(l.value, values),
      n: values.length,
    }];
  });
  const trained = head.filter((s) => s.outcome === "trained" || s.outcome === "collapsed")
    .map((s) => s.value).filter((v) => !Number.isNaN(v));
  return {
    ...withConfigs,
    headline: {
      ...c.headline,
      median: head.length > 0 ? sampleMedian(head.map(rankValue)) : NaN,
    },
    comparisons,
    lessonPercentiles,
    expectedMax: expectedMax(trained),
  };
}
