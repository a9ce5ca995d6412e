/**
 * Observable Plot rendered server-side: a chart is a Plot option object, turned into inline SVG
 * (with its legend, when it has one) through linkedom's DOM, so a report page needs no script.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Observable Plot's options of one plot (`Plot.plot(options)`). */
export type PlotOptions = Plot.PlotOptions;

/** One plot of a chart: Plot options and an optional label above it (small multiples). */
export interface Panel {
  /** Shown above the plot (a claim's title in small multiples); none when absent. */
  label?: string;
  /** What the plot draws: marks, scales, sizes. */
  options: PlotOptions;
}

/** One chart of a report page: what it shows, and the panels (Plot options) that draw it. */
export interface Chart {
  /** Stable id (an HTML anchor on the page). */
  id: string;
  /** The chart's heading. */
  title: string;
  /** One or two sentences: what is drawn, what to look for, which seeds. */
  caption: string;
  /** The plots that draw it, in order. */
  panels: Panel[];
  /** Panels per row (default: all in one row, wrapping). */
  columns?: number;
}

/** Font and sizes shared by every chart: readable at 1280 px. */
export const CHART_STYLE = {
  fontSize: "12px",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  background: "white",
  overflow: "visible",
} as const;

/** Full width of the page's content column, in px. */
export const WIDE = 1100;
/** Width of a chart shown two per row. */
export const HALF = 540;

/** Renders Plot options to an HTML string (`<svg>`, or `<figure>` when a legend is drawn). */
export function renderPlot(options: PlotOptions): string {
  // Deno's lib has no DOM types: linkedom's document stands in for the browser's.
  const { document } = parseHTML("<!doctype html><html><body></body></html>") as unknown as {
    document: Plot.PlotOptions["document"];
  };
  const node = Plot.plot({
    style: CHART_STYLE,
    ...options,
    document,
  });
  return (node as unknown as { outerHTML: string }).outerHTML;
}
