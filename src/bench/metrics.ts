/**
 * Built-in per-run metrics of training runs, by the names checks use: eval and train accuracy
 * after an epoch, and the outcome events. A claim adds its own (`Claim.metrics`).
 *
 * @module
 */

import type { MetricInfo, TrainMetric } from "./contract.ts";
import type { TrainRun } from "./evidence.ts";
import { runOutcome } from "./outcome.ts";

/** Metrics read at an epoch (`Subject.epoch`). */
export const EPOCH_METRICS: Record<
  string,
  MetricInfo & { of(run: TrainRun, epoch: number): number }
> = {
  evalAccuracy: {
    label: "eval accuracy",
    unit: "accuracy",
    of: (run, k) => run.epochs[k - 1]?.validAccuracy ?? NaN,
  },
  trainAccuracy: {
    label: "train accuracy",
    unit: "accuracy",
    of: (run, k) => run.epochs[k - 1]?.trainAccuracy ?? NaN,
  },
};

/** Metrics of the whole run. */
export const RUN_METRICS: Record<string, TrainMetric> = {
  diverged: {
    label: "diverges (a non-finite loss)",
    unit: "event",
    of: (run) => runOutcome(run).outcome === "diverged" ? 1 : 0,
  },
  collapsedOrDiverged: {
    // A diverged run is the instability claim 8 predicts, and in PyTorch its NaN logits would
    // score argmax class 0, i.e. 0.1: a chance-level network like a collapsed one.
    label: "collapses (final eval ≤ 0.20) or diverges",
    unit: "event",
    of: (run) => runOutcome(run).outcome === "trained" ? 0 : 1,
  },
};

/** The info of a metric name, built-in or the claim's; undefined when unknown. */
export function metricInfo(
  name: string,
  own: Record<string, MetricInfo> = {},
): MetricInfo | undefined {
  const m = EPOCH_METRICS[name] ?? RUN_METRICS[name] ?? own[name];
  return m ? { label: m.label, unit: m.unit } : undefined;
}

/**
 * A metric of a training run. A run that failed before training (null) is NaN, except the
 * built-in loss events, which it counts as happened (it is a lost run).
 */
export function trainMetric(
  run: TrainRun | null,
  subject: { metric: string; epoch?: number },
  own: Record<string, TrainMetric> = {},
): number {
  const epochMetric = EPOCH_METRICS[subject.metric];
  if (epochMetric) {
    if (subject.epoch === undefined) {
      throw new RangeError(`metric ${subject.metric} needs an epoch`);
    }
    return run ? epochMetric.of(run, subject.epoch) : NaN;
  }
  const builtin = RUN_METRICS[subject.metric];
  if (builtin) return run ? builtin.of(run) : 1;
  const m = own[subject.metric];
  if (!m) throw new RangeError(`unknown metric ${subject.metric}`);
  return run ? m.of(run) : NaN;
}
