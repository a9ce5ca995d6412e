/**
 * Writes a report directory's HTML from its `results.json`, the run history and the baseline:
 * `index.html` and one page per claim, each written atomically. Pure rendering: no GPU, no
 * training code.
 *
 * @module
 */

import type { HistoryLine } from "../bench/history.ts";
import { type Results, writeAtomic } from "../bench/results.ts";
import { compareRun } from "./baseline.ts";
import { claimPage, claimPageName } from "./claim_page.ts";
import { indexPage } from "./index_page.ts";

/** What a report compares with and where its inputs came from (all optional). */
export interface RenderOptions {
  /** The baseline to compare with; null or absent: none (the pages say so). */
  baseline?: Results | null;
  /** Where the baseline was read from, or looked for (named on the pages). */
  baselinePath?: string;
  /** Where the history was read from (named on the pages). */
  historyPath?: string;
}

/** Renders every page of `results` into `dir`; returns the written paths (index first). */
export async function renderReport(
  dir: string,
  results: Results,
  history: readonly HistoryLine[],
  options: RenderOptions = {},
): Promise<string[]> {
  const comparison = compareRun(results, options.baseline, options.baselinePath);
  const context = {
    comparison,
    baselinePath: options.baselinePath,
    historyPath: options.historyPath,
  };
  const written: string[] = [];
  const index = `${dir}/index.html`;
  await writeAtomic(index, indexPage(results, history, context));
  written.push(index);
  for (const claim of results.claims) {
    const path = `${dir}/${claimPageName(claim.id)}`;
    await writeAtomic(
      path,
      claimPage(claim, results.meta, results.claims, { ...context, history }),
    );
    written.push(path);
  }
  return written;
}
