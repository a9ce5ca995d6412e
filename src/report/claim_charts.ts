/**
 * The charts of a claim's page, in page order: those its evidence has the shape for (depth
 * survival, LR finder, training curves, schedules, LSUV, activation statistics), then the lesson
 * figures it declares. Built from typed fields only; the browser re-run draws the same charts.
 *
 * @module
 */

import type { LessonFigure } from "../bench/contract.ts";
import type { ClaimResult } from "../bench/results.ts";
import {
  activationMomentsChart,
  colorDimChart,
  deadChart,
  statsRuns,
} from "./charts/activations.ts";
import { ewmaDemoChart, generalReluShapeChart } from "./charts/demos.ts";
import { depthSurvivalChart } from "./charts/depth.ts";
import { hasSchedule, hyperChart } from "./charts/hyper.ts";
import { lrFinderChart, lrFinderRuns } from "./charts/lr_finder.ts";
import { lsuvChart } from "./charts/lsuv.ts";
import { accuracyChart, finalAccuracyChart, lossChart } from "./charts/training.ts";
import { accuracyThresholds, depthEvidence, lessonPoints, trainingConfigs } from "./evidence.ts";
import type { Chart } from "./plot.ts";

/** Seeds of a config whose activation statistics are drawn (each seed adds a row of panels). */
export const STATS_SEEDS = 3;

/** The lesson figures a claim can declare (`figures` in its results), by name. */
export const LESSON_FIGURES: Record<LessonFigure, () => Chart> = {
  "general-relu-shape": () => generalReluShapeChart(),
  "ewma-demo": () => ewmaDemoChart(),
};

/**
 * The charts a claim's runs support, in page order: those its evidence has the shape for, then
 * the lesson figures it declares.
 */
export function claimCharts(claim: ClaimResult): Chart[] {
  const charts: Chart[] = [];
  const probes = claim.configs.filter((c) => c.kind === "probe");
  for (const config of probes) {
    const depth = depthEvidence(config);
    if (depth) {
      const id = probes.length > 1 ? `depth-survival-${config.name}` : "depth-survival";
      charts.push(depthSurvivalChart(depth, id));
    }
    const finder = lrFinderRuns(config);
    if (finder) charts.push(lrFinderChart(finder));
  }
  const training = trainingConfigs(claim);
  if (training.length > 0) {
    const runs = Object.fromEntries(training.map((c) => [c.label, c.runs]));
    const lesson = lessonPoints(claim);
    charts.push(
      accuracyChart(runs, lesson, accuracyThresholds(claim)),
      finalAccuracyChart(runs, lesson),
      lossChart(runs),
    );
    if (hasSchedule(runs)) charts.push(hyperChart(runs));
    const suffix = (label: string) => training.length > 1 ? ` (${label})` : "";
    const withLsuv = training.filter((c) => c.runs.some((r) => r.lsuv !== null));
    for (const c of withLsuv) {
      const chart = lsuvChart(c.runs);
      const failed = claim.configs.find((x) => x.name === c.name)!.runs
        .filter((r) => r.outcome === "failed").map((r) => r.seed);
      charts.push({
        ...chart,
        id: withLsuv.length > 1 ? `lsuv-${c.name}` : "lsuv",
        title: chart.title + suffix(c.label),
        caption: chart.caption +
          (failed.length
            ? ` Not drawn: seed ${failed.join(", ")}, where LSUV gave up (the run failed).`
            : ""),
      });
    }
    for (const c of training) {
      const all = statsRuns(c.runs);
      if (all.length === 0) continue;
      const stats = all.slice(0, STATS_SEEDS);
      const shown = stats.length < all.length
        ? ` Seeds ${stats.map((r) => r.seed).join(", ")} of the ${all.length} with statistics ` +
          "are shown."
        : "";
      for (
        const chart of [
          activationMomentsChart(`stats-${c.name}`, stats),
          colorDimChart(`color-dim-${c.name}`, stats),
          deadChart(`dead-${c.name}`, stats),
        ]
      ) {
        charts.push({
          ...chart,
          title: chart.title + suffix(c.label),
          caption: chart.caption + shown,
        });
      }
    }
  }
  // Lesson figures that explain a claim rather than measure it, as the claim declares them.
  for (const figure of claim.figures ?? []) charts.push(LESSON_FIGURES[figure]());
  return charts;
}
