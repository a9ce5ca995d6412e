/**
 * Writes a report directory's HTML from its `results.json` and the run history: `index.html` and
 * one page per claim, each written atomically. Pure rendering: no GPU, no training code.
 *
 * @module
 */

import type { HistoryLine } from "../bench/history.ts";
import { type Results, writeAtomic } from "../bench/results.ts";
import { claimPage, claimPageName } from "./claim_page.ts";
import { indexPage } from "./index_page.ts";

/** Renders every page of `results` into `dir`; returns the written paths (index first). */
export async function renderReport(
  dir: string,
  results: Results,
  history: readonly HistoryLine[],
): Promise<string[]> {
  const written: string[] = [];
  const index = `${dir}/index.html`;
  await writeAtomic(index, indexPage(results, history));
  written.push(index);
  for (const claim of results.claims) {
    const path = `${dir}/${claimPageName(claim.id)}`;
    await writeAtomic(path, claimPage(claim, results.meta, results.claims));
    written.push(path);
  }
  return written;
}
