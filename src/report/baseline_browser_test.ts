/**
 * The committed baseline's report as a person sees it: `reports/baseline.json` (the real run,
 * every claim) rendered with an empty history into a temp dir and every page (the index and one
 * per claim) opened from `file://` in headless Chromium at a laptop (1024 px) and a phone
 * (390 px) width. No console errors, no sideways scrolling, every percentage shown as an interval
 * bound within [0%, 100%] (±∞ allowed), no "NaN" and no "± 0" in the visible text, and the index
 * in lesson order with a verdict word on every row. Screenshots of the index and three claim
 * pages at both widths are written to a temp dir (or $CLAIMBENCH_SCREENSHOTS), whose path is
 * printed. The `--compare` page of the baseline against the fixture run opens the same way.
 * Skipped when no Chromium is installed, unless CLAIMBENCH_REQUIRE_CHROMIUM=1.
 */
import assert from "node:assert/strict";
import { readResults } from "../bench/results.ts";
import { Browser, findChromium, type Page } from "../../tests/browser.ts";
import { claimPageName } from "./claim_page.ts";
import { compareRuns, renderComparison } from "./compare.ts";
import { lessonOrder } from "./claim_text.ts";
import { renderReport } from "./render.ts";
import { fixtureResults } from "./testdata/fixture.ts";
import { UNIT_TESTED, UNIT_TESTED_CLAIMS } from "./unit_tested.ts";

const chromium = await findChromium();
const required = Deno.env.get("CLAIMBENCH_REQUIRE_CHROMIUM") === "1";
if (!chromium && required) {
  throw new Error("CLAIMBENCH_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)");
}

const BASELINE = new URL("../../reports/baseline.json", import.meta.url).pathname;

/** Pages whose screenshots a person looks at (beside the index), at both widths. */
const SCREENSHOT_PAGES = ["general-relu", "input-normalization", "lsuv"];

/** Whether the page scrolls sideways: the document wider than the window. */
const OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth";

/**
 * The text a reader sees: the page's rendered text plus the text of every chart's shown SVG
 * `<text>` (tick labels, annotations; never a `<title>` tooltip or a hidden variant).
 */
const VISIBLE_TEXT = `document.body.innerText + "\\n" +
  [...document.querySelectorAll("svg text")].filter((t) => t.getClientRects().length > 0)
    .map((t) => t.textContent).join("\\n")`;

/** The text of every interval bound shown (checks, headline, divergence), as rendered. */
const BOUNDS = "[...document.querySelectorAll('.bound')]" +
  ".filter((b) => b.getClientRects().length > 0).map((b) => b.textContent)";

/** A percentage ("86.40%") as a number, or null for anything else. */
function percentOf(text: string): number | null {
  const m = /^([−+-]?\d+(?:\.\d+)?)%$/.exec(text.trim());
  return m ? Number(m[1].replace("−", "-")) : null;
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  assert.deepEqual(page.errors(), [], `console errors on ${url}`);
}

Deno.test({
  name: "baseline report in Chromium: every page fits 1024 and 390 px, sane bounds, lesson order",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const results = await readResults(BASELINE);
    const dir = await Deno.makeTempDir({ prefix: "claimbench-baseline-report-" });
    const shots = Deno.env.get("CLAIMBENCH_SCREENSHOTS") ??
      await Deno.makeTempDir({ prefix: "claimbench-baseline-shots-" });
    await Deno.mkdir(shots, { recursive: true });
    await renderReport(dir, results, [], {});
    const names = ["index", ...results.claims.map((c) => claimPageName(c.id).slice(0, -5))];
    for (const id of SCREENSHOT_PAGES) {
      assert.ok(names.includes(id), `the baseline has no ${id} claim`);
    }
    const browser = await Browser.launch(chromium!);
    let percentages = 0;
    const problems: string[] = [];
    try {
      for (const width of [1024, 390]) {
        for (const name of names) {
          const where = `${name} at ${width} px`;
          const page = await browser.newPage(width, 900);
          await open(page, `file://${dir}/${name}.html`);
          const overflow = await page.evaluate<number>(OVERFLOW);
          if (overflow > 0) problems.push(`${where} scrolls sideways by ${overflow} px`);

          const text = await page.evaluate<string>(VISIBLE_TEXT);
          for (const m of text.matchAll(/.{0,50}NaN.{0,30}/g)) {
            problems.push(`${where} shows NaN: …${m[0]}…`);
          }
          for (const m of text.matchAll(/.{0,50}± ?0(?![\d.]).{0,30}/g)) {
            problems.push(`${where} shows "± 0": …${m[0]}…`);
          }

          for (const b of await page.evaluate<string[]>(BOUNDS)) {
            if (/^[−+]?∞$/.test(b.trim())) continue;
            const p = percentOf(b);
            if (p === null) continue;
            percentages++;
            if (!(p >= 0 && p <= 100)) {
              problems.push(`${where}: a bound of ${b} lies outside [0%, 100%]`);
            }
          }

          if (name === "index" || SCREENSHOT_PAGES.includes(name)) {
            await page.screenshot(`${shots}/${name}-${width}.png`);
          }
          assert.deepEqual(page.errors(), [], `${where}: errors after loading`);
        }
      }
      assert.ok(problems.length === 0, `the baseline report reads badly:\n${problems.join("\n")}`);
      assert.ok(percentages > 0, "no percentage bound found: the bounds cells were not found");

      // The index: every claim and the unit-tested claims 22–24, in lesson order, each row
      // with a verdict word.
      const index = await browser.newPage(1024, 900);
      await open(index, `file://${dir}/index.html`);
      const rows = await index.evaluate<{ number: string; badge: string }[]>(
        "[...document.querySelectorAll('table.claims tr.claim-row, table.claims tr.unit-row')]" +
          ".map((tr) => ({ number: tr.querySelector('td.claim .nums')?.textContent ?? '', " +
          "badge: tr.querySelector('.badge')?.textContent ?? '' }))",
      );
      const first = rows.map((r) => Number(/#(\d+)/.exec(r.number)?.[1]));
      const expected = [
        ...results.claims.map(lessonOrder),
        ...UNIT_TESTED_CLAIMS.map((u) => u.claim),
      ].sort((a, b) => a - b);
      assert.deepEqual(first, expected, "the index's rows are not in lesson order");
      const words = ["reproduced", "not reproduced", "inconclusive", UNIT_TESTED];
      for (const [i, r] of rows.entries()) {
        assert.ok(words.includes(r.badge), `row #${first[i]} has no verdict word: "${r.badge}"`);
      }
      assert.deepEqual(
        rows.filter((r) => r.badge === UNIT_TESTED).map((_, i) => i).length,
        UNIT_TESTED_CLAIMS.length,
      );
      console.log(
        `baseline report in ${dir} (${percentages} percentage bounds checked); ` +
          `screenshots in ${shots}`,
      );
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "compare page in Chromium: the baseline against the fixture run, at 1024 and 390 px",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claimbench-compare-page-" });
    const shots = Deno.env.get("CLAIMBENCH_SCREENSHOTS") ?? dir;
    await Deno.mkdir(shots, { recursive: true });
    const cmp = compareRuns(await readResults(BASELINE), fixtureResults());
    const path = await renderComparison(dir, cmp, { a: "reports/baseline.json", b: "fixture" });
    const browser = await Browser.launch(chromium!);
    try {
      for (const width of [1024, 390]) {
        const page = await browser.newPage(width, 900);
        await open(page, `file://${path}`);
        const overflow = await page.evaluate<number>(OVERFLOW);
        assert.ok(overflow <= 0, `the compare page at ${width} px scrolls sideways by ${overflow}`);
        const text = await page.evaluate<string>(VISIBLE_TEXT);
        assert.doesNotMatch(text, /NaN/);
        // Every claim of either run has a row; the environment's differences are said.
        const rows = await page.evaluate<number>(
          "document.querySelectorAll('tr.claim-row').length",
        );
        assert.equal(rows, cmp.both.length + cmp.onlyA.length + cmp.onlyB.length);
        assert.match(text, /The trainer's code differs/);
        await page.screenshot(`${shots}/compare-${width}.png`);
      }
      console.log(`compare page in ${dir}; screenshots in ${shots}`);
    } finally {
      await browser.close();
    }
  },
});
