/**
 * HTML building blocks of the report: escaping, the page shell with its inline stylesheet (no
 * script, font or image fetched from anywhere: pages open from `file://`; laid out to fit the
 * window down to phone widths: charts scale down to the column, wide ones drawn a second time
 * narrower for phones, and wide tables scroll inside their own box), verdict badges, number
 * formatting and a chart section.
 *
 * @module
 */

import { type Chart, renderPlot } from "./plot.ts";

/** Escapes text for HTML content and attribute values. */
export function esc(text: unknown): string {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A fraction as a percentage: "12.5%", and "0%" / "100%" without a decimal. */
export function percent(v: number): string {
  return `${(v * 100).toFixed(v === 0 || v === 1 ? 0 : 1)}%`;
}

/** Text that must not break across lines (a value with its unit or operator). */
export function v(text: string): string {
  return `<span class="v">${esc(text)}</span>`;
}

/** A number for a table: 4 significant digits, NaN/±Infinity spelled out. */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

/** A verdict (or an old pass/fail from history) as a CSS class suffix: "not reproduced" → "not-reproduced". */
export function verdictClass(verdict: string): string {
  return verdict.toLowerCase().replace(/[^a-z]+/g, "-");
}

/** The verdict as a coloured badge (tests find them by class: badge-reproduced, …). */
export function badge(verdict: string): string {
  return `<span class="badge badge-${verdictClass(verdict)}">${esc(verdict)}</span>`;
}

/** An interval's bounds, "lo to hi", each unbreakable and findable (class `bound`). */
export function boundsHtml(bounds: readonly [string, string]): string {
  return `<span class="v">${
    bounds.map((b) => `<span class="bound">${esc(b)}</span>`).join(" to ")
  }</span>`;
}

/** A table inside a wrapper that scrolls sideways on a narrow screen (the page never does). */
export function tableWrap(table: string): string {
  return `<div class="table-wrap">${table}</div>`;
}

const CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5f6368; --line: #e3e3e3; --bg: #fafafa;
  --reproduced: #1e7d32; --not-reproduced: #c62828; --inconclusive: #a15c00;
  --not-judged: #4f6478; --incomplete: #7a5c9e; --error: #616161; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 40px 64px; background: white;
  min-height: 100vh; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 4px; }
a { color: #1a5fb4; }
nav { font-size: 14px; }
.muted, .caption { color: var(--muted); }
.small { font-size: 13px; }
.caption { font-size: 13.5px; margin: 0 0 8px; max-width: 1100px; }
blockquote { margin: 12px 0; padding: 8px 16px; border-left: 4px solid #c7d2e0; background: #f5f8fb;
  font-style: italic; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.v, .nums { white-space: nowrap; }
td.claim { min-width: 11em; max-width: 20em; }
td.estimate { min-width: 10em; max-width: 16em; }
td.lesson-cell { max-width: 16em; }
td.reason { min-width: 14em; max-width: 30em; }
td.verdict-cell { min-width: 13em; max-width: 24em; }
td.verdict-cell .reason { font-size: 13.5px; margin-top: 3px; }
td.verdict-cell .inherited { font-size: 13px; }
td.statement { min-width: 16em; }
ul.emax { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 18px; }
tr.part td:first-child + td { padding-left: 28px; }
tr.part td { border-bottom-style: dashed; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; font-size: 12.5px;
  font-weight: 700; color: white; text-transform: uppercase; letter-spacing: 0.03em;
  white-space: nowrap; font-style: normal; }
.badge-reproduced, .badge-pass { background: var(--reproduced); }
.badge-not-reproduced, .badge-fail { background: var(--not-reproduced); }
.badge-inconclusive { background: var(--inconclusive); }
.badge-not-judged { background: var(--not-judged); }
.badge-incomplete { background: var(--incomplete); }
.badge-error { background: var(--error); }
.badge-unit-tested { background: white; color: var(--muted); border: 1px solid #b8bec6; }
.verdict { padding: 10px 16px; border-radius: 6px; margin: 12px 0; border: 1px solid var(--line); }
.verdict p { margin: 4px 0; }
.verdict-reproduced { background: #eef7ee; border-color: #b9dfbb; }
.verdict-not-reproduced { background: #fdeeee; border-color: #f1b8b8; }
.verdict-inconclusive { background: #fdf5e6; border-color: #ecd29e; }
.verdict-not-judged { background: #eef2f6; border-color: #c9d3de; }
.verdict-incomplete { background: #f3eff8; border-color: #d3c6e4; }
.verdict-error { background: #f1f1f1; border-color: #cfcfcf; }
.decision { font-weight: 600; white-space: nowrap; }
.decision-supported { color: var(--reproduced); }
.decision-refuted { color: var(--not-reproduced); }
.decision-inconclusive { color: var(--inconclusive); }
.chart { margin: 8px 0 28px; }
figure { margin: 0; }
.panels { display: grid; gap: 12px 16px; align-items: start;
  grid-template-columns: repeat(var(--columns, 1), minmax(0, 1fr)); }
.panel { min-width: 0; }
.panel-label { font-size: 13px; font-weight: 600; margin: 0 0 2px; }
.panel svg, .panel figure { max-width: 100%; height: auto; }
section.chart svg { max-width: 100%; height: auto; }
.variant-narrow { display: none; }
.narrow-only { display: none; }
.status { display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 12.5px;
  font-weight: 600; border: 1px solid #cfcfcf; white-space: nowrap; background: #f6f6f6;
  color: var(--muted); }
.status-regressed, .status-error { color: var(--not-reproduced); border-color: #f1b8b8;
  background: #fdeeee; }
.status-warning { color: var(--inconclusive); border-color: #ecd29e; background: #fdf5e6; }
.status-improved { color: var(--reproduced); border-color: #b9dfbb; background: #eef7ee; }
.status-new { color: #1a5fb4; border-color: #b9cde6; background: #eef4fb; }
td.vs-baseline { min-width: 10em; max-width: 17em; }
td.vs-baseline .gate-note { overflow-wrap: anywhere; }
ul.gate-notes { margin: 4px 0 0; padding-left: 16px; }
ul.changes-notes { margin: 0 0 8px; padding-left: 18px; color: var(--muted); }
p.changes { margin: 4px 0; }
.inherited { color: #8a4b00; }
tr.unit-row td { background: #fbfbfb; }
td.statement.small { max-width: 24em; }
.editorial { font-style: normal; color: #7a4a00; background: #fff1cc; border-radius: 3px;
  padding: 0 2px; }
blockquote + .quote-note { margin-top: -8px; }
pre { background: #f6f8fa; padding: 10px 14px; overflow-x: auto; font-size: 12.5px; border-radius: 4px; }
details summary { cursor: pointer; color: #1a5fb4; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 16px;
  font-size: 14px; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.rerun { margin-top: 36px; }
.rerun-controls { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; margin: 8px 0; }
.rerun-controls fieldset { border: 1px solid var(--line); border-radius: 4px; padding: 4px 10px; }
.rerun-controls button { font: inherit; padding: 4px 14px; }
.rerun-log { max-height: 14em; overflow-y: auto; }
.arrow { color: var(--muted); padding: 0 2px; }
td.changed { background: #fff1cc; font-weight: 600; }
tr.outcome-changed td { background: #fdeeee; }
tr.decision-changed td.statement { border-left: 3px solid var(--inconclusive); }
.called-out { color: #8a4b00; font-weight: 600; }
.changed-summary { font-weight: 600; }
.delta { font-weight: 600; font-variant-numeric: tabular-nums; }
.delta-better { color: var(--reproduced); }
.delta-worse { color: var(--not-reproduced); }
h4 { font-size: 15px; margin: 16px 0 2px; }
h4.sub { color: var(--muted); font-weight: 600; margin-top: 14px; }
section.claim-diff { margin-top: 28px; }
section.claim-diff + section.claim-diff { border-top: 1px solid var(--line); }
td.verdict-pair { white-space: nowrap; }
table.seed-diffs th[colspan] { text-align: center; border-bottom: 0; }
ul.env-notes { margin: 8px 0; padding: 8px 12px 8px 30px; background: #fdf5e6; overflow-wrap: anywhere;
  border: 1px solid #ecd29e; border-radius: 6px; }
.status-gone { color: var(--muted); }
footer { margin-top: 48px; font-size: 13px; color: var(--muted); overflow-wrap: anywhere; }
@media (max-width: 720px) {
  main { padding: 12px 14px 48px; }
  h1 { font-size: 22px; }
  .panels { grid-template-columns: minmax(0, 1fr); }
  .variant-wide { display: none; }
  .variant-narrow { display: block; }
  dl.meta { grid-template-columns: minmax(0, 1fr); }
  dl.meta dd { margin-bottom: 6px; }
  /* Tables marked "cards" become one card per row: a phone reads the verdict and the decision
     without scrolling the table sideways. */
  table.cards, table.cards tbody { display: block; }
  table.cards tr { display: flex; flex-direction: column; padding: 8px 0;
    border-bottom: 1px solid var(--line); }
  table.cards tr.head, table.cards td.claim-no, table.cards .card-hide { display: none; }
  table.cards td { display: block; border: 0; padding: 1px 0; min-width: 0; max-width: none;
    text-align: left; order: 2; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted);
    font-size: 13px; font-weight: normal; }
  table.cards .narrow-only { display: inline; }
  table.cards td.claim { order: 0; font-size: 16px; }
  table.cards td.verdict-cell { order: 1; margin: 2px 0 4px; white-space: normal; }
  table.cards tr.part { padding-left: 20px; }
  table.cards tr.part td { padding-left: 0; }
  table.cards td.statement { font-weight: 600; }
}
`;

/** A complete, self-contained HTML page. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/**
 * Panels wider than this are also drawn at `NARROW_WIDTH` for phone screens: scaled down to a
 * 390-px window, a 1100-px plot's 12-px text would be 4 px.
 */
export const WIDE_PANEL = 700;
/** The width a wide panel is drawn at for narrow screens (shown below 720 px). */
export const NARROW_WIDTH = 560;

/** A panel's plot: one SVG, or for a wide panel a wide and a narrow one (CSS shows one). */
function panelPlot(options: Chart["panels"][number]["options"]): string {
  if ((options.width ?? 0) <= WIDE_PANEL) return renderPlot(options);
  return `<div class="variant-wide">${renderPlot(options)}</div>` +
    `<div class="variant-narrow">${renderPlot({ ...options, width: NARROW_WIDTH })}</div>`;
}

/** A chart as a section: title, caption, and its panels (rendered to inline SVG). */
export function chartSection(chart: Chart): string {
  const columns = chart.columns ?? chart.panels.length;
  const panels = chart.panels.map((p) =>
    `<div class="panel${(p.options.width ?? 0) > WIDE_PANEL ? " wide" : ""}">${
      p.label ? `<p class="panel-label">${esc(p.label)}</p>` : ""
    }${panelPlot(p.options)}</div>`
  ).join("\n");
  return `<section class="chart" id="${esc(chart.id)}">
<h3>${esc(chart.title)}</h3>
<p class="caption">${esc(chart.caption)}</p>
<div class="panels" style="--columns: ${columns}">
${panels}
</div>
</section>`;
}
