/**
 * A claim's configs on its page: each config's setup in one line, how many seeds were lost, and
 * every seed's outcome and the values the claim reads.
 *
 * @module
 */

import { z } from "zod";
import type { ClaimResult, ConfigResult } from "../bench/results.ts";
import { subjectKey } from "../bench/results.ts";
import { type Subject, subjectsOf } from "../verdict/check.ts";
import { formatValue } from "../verdict/sentence.ts";
import { metricOf, metricText, outcomeText, sameSubject, seeds, vocabulary } from "./claim_text.ts";
import { boundsHtml, esc, percent, tableWrap } from "./html.ts";

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

/** One config's section: its setup, lost seeds, and a row per seed with the values read. */
export function configSection(claim: ClaimResult, config: ConfigResult, label: string): string {
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
