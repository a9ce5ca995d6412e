/**
 * One claim's page: the lesson's quote and source; the verdict with the look that decided it and
 * every check (statement, estimate, bounds, what it needs, decision, the look); each config's
 * seeds with their outcomes and values; the lesson's numbers with their percentile among our
 * seeds; P(A > B) of each comparison; the expected best of k runs; findings and dependencies; the
 * charts its runs support; the config; and the run's provenance. Built from typed fields only.
 *
 * @module
 */

import { z } from "zod";
import type { LessonFigure } from "../bench/contract.ts";
import type { HistoryLine } from "../bench/history.ts";
import type { ClaimResult, ConfigResult, RunMeta } from "../bench/results.ts";
import { subjectKey } from "../bench/results.ts";
import {
  type JudgedCheck,
  type JudgedLeafCheck,
  type Subject,
  subjectsOf,
} from "../verdict/check.ts";
import {
  checkSentence,
  checkStatement,
  formatDifference,
  formatValue,
} from "../verdict/sentence.ts";
import {
  activationMomentsChart,
  colorDimChart,
  deadChart,
  statsRuns,
} from "./charts/activations.ts";
import { ewmaDemoChart, generalReluShapeChart } from "./charts/demos.ts";
import { depthSurvivalChart } from "./charts/depth.ts";
import { lrFinderChart, lrFinderRuns } from "./charts/lr_finder.ts";
import { historyChart } from "./charts/history.ts";
import {
  type BaselineComparison,
  baselineProvenance,
  gateRow,
  historyClaim,
  inheritedFrom,
  inheritedText,
  statusChip,
} from "./baseline.ts";
import { hasSchedule, hyperChart } from "./charts/hyper.ts";
import { lsuvChart } from "./charts/lsuv.ts";
import { accuracyChart, finalAccuracyChart, lossChart } from "./charts/training.ts";
import {
  bound,
  claimNumbers,
  dateToMinute,
  headlineEstimate,
  metricOf,
  metricText,
  outcomeText,
  planText,
  sameSubject,
  seeds,
  shortCommit,
  stat,
  subjectText,
  verdictReason,
  vocabulary,
} from "./claim_text.ts";
import {
  accuracyThresholds,
  configLabels,
  depthEvidence,
  leafChecks,
  lessonPoints,
  momentsEvidence,
  type MomentsSeed,
  trainingConfigs,
} from "./evidence.ts";
import { badge, boundsHtml, chartSection, esc, page, tableWrap, verdictClass } from "./html.ts";
import type { Chart } from "./plot.ts";

/** The file name of a claim's page, relative to the report directory. */
export function claimPageName(id: string): string {
  return `${id}.html`;
}

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

// ---------------------------------------------------------------------------------------------
// Checks

/** The unit a check's values are in (its subject's metric; A's for comparisons). */
function checkUnit(claim: ClaimResult, c: JudgedLeafCheck): string {
  const metric = c.kind === "superiority" || c.kind === "equivalence"
    ? c.a.metric
    : c.subject.metric;
  return metricOf(claim, metric).unit;
}

function percent(v: number): string {
  return `${(v * 100).toFixed(v === 0 || v === 1 ? 0 : 1)}%`;
}

/** Text that must not break across lines (a value with its unit or operator). */
function v(text: string): string {
  return `<span class="v">${esc(text)}</span>`;
}

/** The cells of a leaf check's row after its statement: estimate, bounds, needs (as HTML). */
export function leafCells(claim: ClaimResult, c: JudgedLeafCheck): [string, string, string] {
  const unit = checkUnit(claim, c);
  const j = c.judged;
  const level = `<br><span class="muted small v">each at ${percent(j.confidence)}</span>`;
  const interval = (fmt: (x: number) => string) =>
    j.interval && j.n > 0
      ? `${boundsHtml([bound(j.interval[0], fmt), bound(j.interval[1], fmt)])}${level}`
      : "—";
  const diff = (x: number) => formatDifference(x, unit);
  const estimate = (fmt: (x: number) => string) =>
    j.n > 0 && !Number.isNaN(j.estimate) ? v(bound(j.estimate, fmt)) : "—";
  switch (c.kind) {
    case "threshold":
      return [
        estimate((x) => formatValue(x, unit)),
        interval((x) => formatValue(x, unit)),
        `median ${v(`${c.direction === ">=" ? "≥" : "≤"} ${formatValue(c.threshold, unit)}`)}`,
      ];
    case "superiority":
      return [estimate(diff), interval(diff), `median A − B ${v(`≥ ${diff(c.margin)}`)}`];
    case "equivalence":
      return [
        estimate(diff),
        interval(diff),
        `|median A − B| ${v(`≤ ${diff(c.margin).replace(/^\+/, "")}`)}`,
      ];
    case "rate":
      return [
        j.n > 0 ? v(`${Math.round(j.estimate * j.n)}/${j.n} = ${j.estimate.toFixed(2)}`) : "—",
        interval((x) => x.toFixed(3)),
        `P ${v(`${c.direction === ">=" ? "≥" : "≤"} ${c.p0}`)}`,
      ];
    case "every-seed": {
      const over = c.trainedOnly ? `${j.trained} trained seeds of ${j.n}` : seeds(j.n);
      const fails = j.counterexamples.length
        ? `<br><span class="decision-refuted">fails on seed ${j.counterexamples.join(", ")}</span>`
        : "";
      const range = c.min !== undefined && c.max !== undefined
        ? `in [${formatValue(c.min, unit)}, ${formatValue(c.max, unit)}]`
        : c.min !== undefined
        ? unit === "event" && c.min === 1 ? "holds" : `≥ ${formatValue(c.min, unit)}`
        : c.max !== undefined
        ? unit === "event" && c.max === 0 ? "never happens" : `≤ ${formatValue(c.max, unit)}`
        : "any value";
      return [
        `held on ${j.estimate} of ${esc(over)}${fails}`,
        `<span class="muted" title="one counterexample refutes">none</span>`,
        `every ${c.trainedOnly ? "trained " : ""}seed ${v(range)}`,
      ];
    }
  }
}

function decisionCell(decision: string): string {
  return `<td class="decision decision-${decision}" data-label="decision">${esc(decision)}</td>`;
}

function decidedCell(decidedAt: number | null, n: number | null): string {
  return `<td class="look">${
    decidedAt !== null
      ? `decided at ${v(seeds(decidedAt))}`
      : n !== null
      ? `open at ${v(seeds(n))}`
      : "open"
  }</td>`;
}

function checkRows(claim: ClaimResult, c: JudgedCheck): string {
  const vocab = vocabulary(claim);
  if (c.kind === "any-of") {
    const n = Math.max(0, ...c.of.map((p) => p.judged.n));
    const head = `<tr class="check any-of" data-decision="${c.judged.decision}">
<td class="claim-no">#${c.claim}</td><td colspan="4" class="statement">` +
      `<span class="narrow-only">#${c.claim} </span><b>either</b> of the ${c.of.length} checks below ` +
      `<span class="muted">(supported when any is, refuted when all are)</span></td>` +
      `${decisionCell(c.judged.decision)}${decidedCell(c.judged.decidedAt, n)}</tr>`;
    const parts = c.of.map((p) => leafRow(claim, p, vocab, "part"));
    return [head, ...parts].join("\n");
  }
  return leafRow(claim, c, vocab, "check");
}

function leafRow(
  claim: ClaimResult,
  c: JudgedLeafCheck,
  vocab: ReturnType<typeof vocabulary>,
  cls: "check" | "part",
): string {
  const [estimate, bounds, needs] = leafCells(claim, c);
  return `<tr class="${cls}" data-decision="${c.judged.decision}" title="${
    esc(checkSentence(c, vocab))
  }">
<td class="claim-no">${cls === "part" ? "" : `#${c.claim}`}</td><td class="statement">${
    cls === "part" ? "or: " : `<span class="narrow-only">#${c.claim} </span>`
  }${esc(checkStatement(c, vocab))}</td><td class="n stat" data-label="estimate">${estimate}</td>` +
    `<td class="n stat" data-label="bounds">${bounds}</td><td data-label="needs">${needs}</td>${
      decisionCell(c.judged.decision)
    }${decidedCell(c.judged.decidedAt, c.judged.n)}</tr>`;
}

function checksTable(claim: ClaimResult): string {
  if (claim.checks.length === 0) return "";
  const rows = claim.checks.map((c) => checkRows(claim, c)).join("\n");
  return tableWrap(`<table class="checks cards">
<tr class="head"><th>#</th><th>check</th><th class="n">estimate</th><th class="n">bounds</th><th>needs</th><th>decision</th><th>look</th></tr>
${rows}
</table>`) +
    `<p class="caption">Estimate: the median over seeds (comparisons: of the paired differences ` +
    `A − B by seed; rates: k/n), with a diverged or failed run ranked below every trained one. ` +
    `Bounds: one-sided, distribution-free (order statistics; Clopper–Pearson for rates), each ` +
    `at the look's level. A bound of ±∞ is a lost run (it ranks below every trained one, so a ` +
    `difference against it is infinite) or too few seeds for a finite bound at that level. A ` +
    `check is supported when its bounds clear what it needs, refuted when they lie wholly on ` +
    `the wrong side, and inconclusive otherwise.</p>`;
}

// ---------------------------------------------------------------------------------------------
// Verdict

function verdictBox(claim: ClaimResult, others: readonly ClaimResult[]): string {
  const reason = verdictReason(claim);
  const when = claim.decidedAt !== null
    ? `decided at ${seeds(claim.decidedAt)}`
    : claim.verdict === "inconclusive"
    ? `still open after ${seeds(claim.seedsUsed)}`
    : "";
  const held = claim.checks.filter((c) => c.judged.decision === "supported").length;
  const tally = claim.checks.length
    ? `${held} of ${claim.checks.length} check${claim.checks.length === 1 ? "" : "s"} supported`
    : "";
  // Dependencies that were not reproduced are named as inherited; the others as context.
  const inherited = inheritedFrom(claim, others);
  const depends = claim.dependsOn.filter((id) => !inherited.some((d) => d.id === id)).map((id) => {
    const other = others.find((c) => c.id === id);
    return other
      ? `<a href="${esc(claimPageName(id))}">${esc(other.title)}</a> (${
        esc(claimNumbers(other.claimNumbers))
      }, ${badge(other.verdict)})`
      : esc(id);
  });
  return `<div class="verdict verdict-${verdictClass(claim.verdict)}">
<p>${badge(claim.verdict)} ${[tally, when].filter((x) => x).map(esc).join(", ")}</p>
${claim.verdict === "reproduced" ? "" : `<p class="reason">${esc(reason)}</p>`}
${
    depends.length
      ? `<p class="depends">Depends on claim ${
        depends.join(", ")
      }: a config of this claim is that claim's, so read the two verdicts together.</p>`
      : ""
  }
${
    inherited.length
      ? `<p class="inherited">Inherited: ${
        inheritedText(inherited, true)
      }. A config of this claim is that claim's: where this claim compares with it, its ` +
        `verdict may follow from that one.</p>`
      : ""
  }
</div>`;
}

/** The lesson's words as transcribed, with our [bracketed] corrections styled apart. */
export function quoteHtml(quote: string): string {
  return quote.split(/(\[[^[\]]*\])/).map((part, i) =>
    i % 2 === 1 ? `<span class="editorial">${esc(part)}</span>` : esc(part)
  ).join("");
}

/** The claim against the baseline: the gate's status and notes, and what it inherits. */
function baselineSection(
  claim: ClaimResult,
  comparison: BaselineComparison | null,
  baselinePath?: string,
): string {
  if (!comparison) {
    return `<p class="muted no-baseline">No baseline to compare with${
      baselinePath ? ` (none at <code>${esc(baselinePath)}</code>, or not schema 2)` : ""
    }.</p>`;
  }
  const row = gateRow(comparison, claim.id);
  if (!row) return "";
  const was = row.baselineVerdict
    ? ` The baseline (a ${esc(baselineProvenance(comparison))}) had ${
      esc(row.baselineVerdict)
    }, headline <span class="v">${esc(row.baselineEstimate)}</span>; now ${
      esc(row.verdict)
    }, <span class="v">${esc(row.estimate)}</span>.`
    : " This claim is not in the baseline.";
  const notes = row.notes.length
    ? `<ul class="gate-notes">${row.notes.slice(0, 12).map((n) => `<li>${esc(n)}</li>`).join("")}${
      row.notes.length > 12 ? `<li class="muted">… ${row.notes.length - 12} more</li>` : ""
    }</ul>`
    : "";
  return `<p class="vs-baseline" id="vs-baseline" data-status="${row.status}">Against the baseline: ${
    statusChip(row.status)
  }.${was}</p>
${notes}`;
}

function headlineLine(claim: ClaimResult): string {
  const h = headlineEstimate(claim);
  return `<p class="headline">Headline (tracked in history and by the CI gate): <b>${
    esc(h.label)
  }</b>, median over seeds <b class="stat">${esc(h.value)}</b>${
    h.boundTexts ? ` (${boundsHtml(h.boundTexts)}; ${esc(h.boundsNote ?? "")})` : ""
  }.</p>`;
}

// ---------------------------------------------------------------------------------------------
// The lesson's numbers, comparisons, E[max]

function ordinal(n: number): string {
  const r = Math.round(n);
  const s = r % 100 >= 11 && r % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][r % 10] ?? "th";
  return `${r}${s}`;
}

function lessonSection(claim: ClaimResult): string {
  if (claim.lesson.length === 0 && claim.lessonNotes.length === 0) return "";
  const vocab = vocabulary(claim);
  const rows = claim.lesson.map((l) => {
    const unit = l.subject ? metricOf(claim, l.subject.metric).unit : "value";
    const p = l.subject
      ? claim.lessonPercentiles.find((x) =>
        x.label === l.label && x.value === l.value && sameSubject(x.subject, l.subject!)
      )
      : undefined;
    const where = p && !Number.isNaN(p.percentile)
      ? `<span class="percentile">${ordinal(p.percentile)} percentile</span> of our ${seeds(p.n)}`
      : "—";
    return `<tr><td class="claim-no">#${l.claim}</td><td class="statement">` +
      `<span class="narrow-only">#${l.claim} </span>${esc(l.label)}</td><td class="n" ` +
      `data-label="value">${esc(formatValue(l.value, unit))}</td><td data-label="a value of">${
        l.subject ? esc(subjectText(l.subject, vocab)) : "context only"
      }</td><td data-label="among our seeds">${where}</td></tr>`;
  });
  const table = rows.length
    ? tableWrap(`<table class="lesson cards">
<tr class="head"><th>#</th><th>the lesson reported</th><th class="n">value</th><th>a value of</th><th>among our seeds</th></tr>
${rows.join("\n")}
</table>`)
    : "";
  const notes = claim.lessonNotes.length
    ? `<ul class="lesson-notes">${claim.lessonNotes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>`
    : "";
  return `<h2>What the lesson reported</h2>
${table}
${notes}
<p class="caption">The lesson reports one run. Its percentile among our seeds (mid-rank; a
diverged seed ranks lowest) says how typical that run is: the 50th is our median.</p>`;
}

function comparisonsSection(claim: ClaimResult): string {
  if (claim.comparisons.length === 0) return "";
  const vocab = vocabulary(claim);
  const leaves = leafChecks(claim.checks);
  const rows = claim.comparisons.map((c) => {
    const check = leaves.find((x) => x.id === c.check);
    const p = c.pAGreater;
    const number = check ? `#${check.claim}` : "";
    return `<tr><td class="claim-no">${number}</td><td class="statement">${
      number ? `<span class="narrow-only">${number} </span>` : ""
    }P(${esc(vocab.config(c.a.config))} > ${esc(vocab.config(c.b.config))}) on ${
      esc(metricText(c.a, vocab))
    }</td><td class="n stat" data-label="estimate">${
      p.n > 0 ? v(`${p.k}/${p.n} = ${p.estimate.toFixed(2)}`) : "—"
    }</td><td class="n stat" data-label="95% interval">${
      p.n > 0 ? `${v(p.interval[0].toFixed(2))} to ${v(p.interval[1].toFixed(2))}` : "—"
    }</td></tr>`;
  });
  return `<h2>Comparisons</h2>
${
    tableWrap(`<table class="comparisons cards">
<tr class="head"><th>#</th><th>probability A beats B on the same seed</th><th class="n">estimate</th><th class="n">95% interval</th></tr>
${rows.join("\n")}
</table>`)
  }
<p class="caption">Reported, not judged: over paired seeds, the share where A beats B (ties carry
no direction and are left out), with its two-sided 95% Clopper–Pearson interval.</p>`;
}

function expectedMaxSection(claim: ClaimResult): string {
  const xs = claim.expectedMax;
  if (xs.length < 2) return "";
  const unit = metricOf(claim, claim.headline.subject.metric).unit;
  const items = xs.map((v, i) =>
    `<li>k = ${i + 1}: <span class="stat">${esc(stat(v, unit))}</span></li>`
  );
  return `<h3>Expected best of k runs</h3>
<p class="caption">E[max of k runs] of the headline (${
    esc(headlineEstimate(claim).label)
  }) over our ${xs.length} trained seeds: why one published run tends to sit above a median.</p>
<ul class="emax">${items.join("")}</ul>`;
}

// ---------------------------------------------------------------------------------------------
// Configs and their seeds

/** The subjects of a config that the claim reads (checks, headline, lesson), in order. */
export function configSubjects(claim: ClaimResult, config: string): Subject[] {
  const all = [
    ...claim.checks.flatMap((c) => subjectsOf(c)),
    claim.headline.subject,
    ...claim.lesson.flatMap((l) => (l.subject ? [l.subject] : [])),
  ].filter((s) => s.config === config);
  const out: Subject[] = [];
  for (const s of all) if (!out.some((x) => sameSubject(x, s))) out.push(s);
  return out;
}

const SetupSchema = z.object({
  act: z.string().optional(),
  init: z.string().optional(),
  norm: z.string().optional(),
  inputNorm: z.boolean().optional(),
  learner: z.string().optional(),
  opt: z.string().optional(),
  lr: z.number().optional(),
  wd: z.number().optional(),
  sched: z.string().optional(),
  bs: z.number().optional(),
  epochs: z.number().optional(),
  continueWith: z.object({ epochs: z.number(), lr: z.number() }).optional(),
});

/** A training config in one line: "general-relu, kaiming init, sgd (momentum-learner), lr 0.2…". */
export function setupLine(config: unknown): string | null {
  const p = SetupSchema.safeParse(config);
  if (!p.success || p.data.opt === undefined || p.data.epochs === undefined) return null;
  const c = p.data;
  return [
    c.act && `${c.act} activation`,
    c.init && `${c.init} init`,
    c.norm && c.norm !== "none" ? c.norm : null,
    c.inputNorm === false ? "raw [0, 1] input" : c.inputNorm ? "normalised input" : null,
    `${c.opt}${c.learner ? ` (${c.learner})` : ""}`,
    c.lr !== undefined ? `lr ${c.lr}` : null,
    c.wd !== undefined ? `wd ${c.wd}` : null,
    c.sched && c.sched !== "none" ? `${c.sched} schedule` : null,
    c.bs !== undefined ? `batch ${c.bs}` : null,
    `${c.epochs} epoch${c.epochs === 1 ? "" : "s"}` +
    (c.continueWith ? ` then ${c.continueWith.epochs} at lr ${c.continueWith.lr}` : ""),
  ].filter((x) => x).join(", ");
}

function configSection(claim: ClaimResult, config: ConfigResult, label: string): string {
  const vocab = vocabulary(claim);
  const subjects = configSubjects(claim, config.name);
  const d = config.divergence;
  const lost = d.n > 0
    ? `${d.k} of ${d.n} seeds lost (diverged or failed; 95% interval ${
      boundsHtml([percent(d.interval[0]), percent(d.interval[1])])
    })`
    : "no seeds ran";
  const setup = config.kind === "train" ? setupLine(config.config) : null;
  const head = subjects.map((s) => `<th class="n">${esc(metricText(s, vocab))}</th>`).join("");
  const rows = config.runs.map((r) => {
    const ended = outcomeText(r);
    const lostRun = r.outcome === "diverged" || r.outcome === "failed";
    const cells = subjects.map((s) => {
      const v = r.values[subjectKey(s)];
      const unit = metricOf(claim, s.metric).unit;
      const text = v === undefined || (lostRun && !Number.isFinite(v)) ? "—" : formatValue(v, unit);
      return `<td class="n">${esc(text)}</td>`;
    }).join("");
    return `<tr class="run run-${r.outcome}"><td class="n">${r.seed}</td><td class="outcome">${
      esc(ended ?? (config.kind === "probe" ? "measured" : "trained"))
    }</td>${cells}</tr>`;
  });
  return `<section class="config" id="config-${esc(config.name)}">
<h3>${esc(label)}</h3>
<p class="muted small">${config.kind === "train" ? "training config" : "probe (no training)"} · ${
    seeds(config.runs.length)
  } · ${lost}${setup ? `<br>${esc(setup)}` : ""}</p>
${
    rows.length
      ? tableWrap(`<table class="seeds">
<tr><th class="n">seed</th><th>outcome</th>${head}</tr>
${rows.join("\n")}
</table>`)
      : ""
  }
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Moments (claim 6's probe detail, recognised by shape)

const MOMENT_COLUMNS: [keyof MomentsSeed, string, string][] = [
  ["matmulMean", "E[a@x]", "0.093"],
  ["matmulMeanSq", "E[(a@x)²]", "102.9 (≈ 100)"],
  ["linearMean", "linear mean", "0.02 (≈ 0)"],
  ["linearStd", "linear std", "0.98 (≈ 1)"],
  ["reluMean", "ReLU mean", "0.40 (1/√(2π))"],
  ["reluStd", "ReLU std", "0.58 (√(1/2 − 1/(2π)))"],
];

function momentsTable(perSeed: readonly MomentsSeed[]): string {
  const head = MOMENT_COLUMNS.map(([, label]) => `<th class="n">${esc(label)}</th>`).join("");
  const rows = perSeed.map((s) =>
    `<tr><td class="n">${s.seed}</td>${
      MOMENT_COLUMNS.map(([key]) =>
        `<td class="n">${esc(formatValue(s[key] as number, "value"))}</td>`
      )
        .join("")
    }</tr>`
  );
  const lesson = `<tr class="lesson-row"><td>lesson</td>${
    MOMENT_COLUMNS.map(([, , v]) => `<td class="n">${esc(v)}</td>`).join("")
  }</tr>`;
  return `<section id="moments"><h3>Measured moments</h3>
${tableWrap(`<table><tr><th class="n">seed</th>${head}</tr>${rows.join("")}${lesson}</table>`)}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Re-run panel

/** The file the re-run panel imports (`deno task build:web` writes it next to the pages). */
export const WEB_BUNDLE_FILE = "claimbench-web.js";

/**
 * The "Re-run in this browser" panel: a placeholder the browser build fills in. The inline
 * bootstrap imports the bundle only over http(s): browsers refuse ES modules from `file://`, and
 * the page must stay error-free there (it says how to serve it instead).
 */
function rerunPanel(claim: ClaimResult): string {
  return `<section id="rerun" class="rerun" data-claim="${
    esc(claim.id)
  }" data-seeds="${claim.seedsUsed}">
<h2>Re-run in this browser</h2>
<p class="rerun-status muted">The same claim module, trainer and WGSL kernels can run on this
browser's WebGPU. Loading the browser build…</p>
</section>
<script>
(function () {
  var panel = document.getElementById("rerun");
  var status = panel.querySelector(".rerun-status");
  if (location.protocol === "file:") {
    status.textContent = "To re-run this claim in the browser, serve the report over http " +
      "(deno task serve DIR, then open http://127.0.0.1:8000/) — browsers do not load " +
      "modules from file:// pages.";
    panel.dataset.state = "file";
    return;
  }
  import("./${WEB_BUNDLE_FILE}").then(function (m) { return m.initRerun(panel); }).catch(function (e) {
    status.textContent = "The browser build (${WEB_BUNDLE_FILE}) could not be loaded (" + e.message +
      "); deno task report or deno task build:web writes it next to the pages.";
    panel.dataset.state = "unavailable";
  });
})();
</script>`;
}

// ---------------------------------------------------------------------------------------------
// The page

function provenance(claim: ClaimResult, meta: RunMeta): string {
  const adapter = `${meta.adapter.description}${
    meta.adapter.isFallbackAdapter ? " (fallback adapter)" : ""
  }`;
  return [
    `commit ${esc(shortCommit(meta.commit))}`,
    esc(dateToMinute(meta.date)),
    `${esc(meta.mode)} mode`,
    `seed plan: ${esc(planText(meta))}`,
    `this claim: ${seeds(claim.seedsUsed)}, ${claim.seconds.toFixed(1)} s`,
    `adapter ${esc(adapter)}`,
    `driver ${esc(meta.driver ?? "not recorded")}`,
    `Deno ${esc(meta.denoVersion)}`,
    `trainer code ${esc(shortCommit(meta.codeIdentity))}`,
    `every run in <a href="results.json">results.json</a>`,
  ].join(" · ");
}

/** What a claim page shows beyond the claim: the run history and the baseline comparison. */
export interface ClaimPageContext {
  history?: readonly HistoryLine[];
  /** Where the history was read from (named in the caption). */
  historyPath?: string;
  comparison?: BaselineComparison | null;
  /** Where the baseline was looked for (named when there is none). */
  baselinePath?: string;
}

/**
 * The claim's page as HTML. `others` (the run's other claims) lets the page link and badge the
 * claims this one depends on; `context` adds the history and the baseline comparison.
 */
export function claimPage(
  claim: ClaimResult,
  meta: RunMeta,
  others: readonly ClaimResult[] = [],
  context: ClaimPageContext = {},
): string {
  const comparison = context.comparison ?? null;
  const history = context.history ?? [];
  const trend = history.some((l) => l.claims[claim.id])
    ? chartSection(historyChart(history, [historyClaim(claim, comparison)], context.historyPath))
    : `<p class="muted">No history of this claim yet${
      context.historyPath ? ` in <code>${esc(context.historyPath)}</code>` : ""
    }.</p>`;
  const charts = claimCharts(claim);
  const labels = configLabels(claim);
  const moments = claim.configs.map(momentsEvidence).find((m) => m !== null) ?? null;
  const body = `
<nav><a href="index.html">← all claims</a></nav>
<h1>${esc(claim.title)} ${badge(claim.verdict)}</h1>
<p class="muted">lesson claim${claim.claimNumbers.length > 1 ? "s" : ""} ${
    esc(claimNumbers(claim.claimNumbers))
  } · ${esc(claim.source)}</p>
<blockquote>${quoteHtml(claim.quote)}</blockquote>
<p class="quote-note caption">speech-to-text transcript; [brackets] are our corrections</p>

<h2>Verdict</h2>
${verdictBox(claim, others)}
${checksTable(claim)}
${headlineLine(claim)}
${baselineSection(claim, comparison, context.baselinePath)}
${claim.findings ? `<h2>Findings</h2>\n<p class="findings">${esc(claim.findings)}</p>` : ""}
${lessonSection(claim)}
${comparisonsSection(claim)}
${expectedMaxSection(claim)}

<h2>Configs and seeds</h2>
${claim.configs.map((c) => configSection(claim, c, labels.get(c.name)!)).join("\n")}

<h2>Evidence</h2>
${moments ? momentsTable(moments) : ""}
${
    charts.length
      ? charts.map(chartSection).join("\n")
      : moments
      ? ""
      : `<p class="muted">This claim's runs have no chart; every value is in results.json.</p>`
  }

<h2>History</h2>
${trend}

${rerunPanel(claim)}

<h2>Config</h2>
${
    claim.configs.map((c) =>
      `<details><summary>${esc(labels.get(c.name)!)} (${
        c.kind === "train" ? "training" : "probe"
      }, ${esc(claim.mode)} mode)</summary><pre>${
        esc(JSON.stringify(c.config, null, 2))
      }</pre></details>`
    ).join("\n")
  }

<footer>${provenance(claim, meta)}</footer>`;
  return page(`${claim.title} — claimbench`, body);
}
