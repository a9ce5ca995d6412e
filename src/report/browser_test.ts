/**
 * The report as a person sees it: the fixture report rendered (against the fixture baseline) to
 * a temp dir, opened from `file://` in headless Chromium. No console errors, the expected charts
 * and verdict badges, every embedded heatmap decodes, and the index and a claim page fit a
 * 1024-px and a 390-px window without sideways scrolling: every chart scales down to the window
 * (wide ones drawn narrower for phones), and only wide tables scroll, inside their own box.
 * Screenshots are saved in the test's temp dir, or $CLAIMBENCH_SCREENSHOTS. Skipped when no
 * Chromium is installed, unless CLAIMBENCH_REQUIRE_CHROMIUM=1 (as in CI).
 */
import assert from "node:assert/strict";
import { writeResults } from "../bench/results.ts";
import { Browser, findChromium, type Page } from "../../tests/browser.ts";
import { lessonOrdered } from "./index_page.ts";
import { renderReport } from "./render.ts";
import { fixtureBaseline, fixtureHistory, fixtureResults } from "./testdata/fixture.ts";

const chromium = await findChromium();
const required = Deno.env.get("CLAIMBENCH_REQUIRE_CHROMIUM") === "1";
if (!chromium && required) {
  throw new Error("CLAIMBENCH_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)");
}

/** The top-level chart SVGs of a page that are shown (not legend swatches, not a hidden variant). */
const CHART_SVGS = "[...document.querySelectorAll('section.chart .panel > svg, " +
  "section.chart .panel > figure > svg, section.chart .panel > div > svg, " +
  "section.chart .panel > div > figure > svg')].filter((s) => s.getClientRects().length > 0).length";

/** The rendered widths of every SVG in the charts (hidden ones are 0 wide). */
const SVG_WIDTHS =
  "[...document.querySelectorAll('section.chart svg')].map((s) => s.getBoundingClientRect().width)";

/** Whether the page scrolls sideways: the document wider than the window. */
const OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth";

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  assert.deepEqual(page.errors(), [], `console errors on ${url}`);
}

Deno.test({
  name: "report in Chromium: pages render without errors, charts and badges, no sideways scroll",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claimbench-report-" });
    const shots = Deno.env.get("CLAIMBENCH_SCREENSHOTS") ?? dir;
    await Deno.mkdir(shots, { recursive: true });
    const results = fixtureResults();
    await writeResults(`${dir}/results.json`, results);
    await renderReport(dir, results, fixtureHistory(), {
      baseline: fixtureBaseline(),
      baselinePath: "reports/baseline.json",
      historyPath: "reports/history.jsonl",
    });
    const browser = await Browser.launch(chromium!);
    try {
      // The index and one claim page at a laptop and a phone width.
      for (const width of [1024, 390]) {
        for (const name of ["index", "general-relu"]) {
          const page = await browser.newPage(width, 900);
          await open(page, `file://${dir}/${name}.html`);
          assert.ok(
            await page.evaluate<number>(OVERFLOW) <= 0,
            `${name} at ${width} px scrolls sideways`,
          );
          // Every chart fits the window: none is wider than the viewport, none scrolls.
          const widths = await page.evaluate<number[]>(SVG_WIDTHS);
          assert.ok(widths.length > 0, `${name}: no chart`);
          const tooWide = widths.filter((w) => w > width);
          assert.deepEqual(tooWide, [], `${name} at ${width} px: charts wider than the window`);
          // The wide charts' narrow variant shows on a phone, the wide one on a laptop.
          if (name === "general-relu") {
            const shown = await page.evaluate<string[]>(
              "[...document.querySelectorAll('#accuracy .panel > div')]" +
                ".filter((d) => d.getClientRects().length > 0).map((d) => d.className)",
            );
            assert.deepEqual(shown, [width < 720 ? "variant-narrow" : "variant-wide"]);
          }
          await page.screenshot(`${shots}/${name}-${width}.png`);
        }
      }

      const index = await browser.newPage(1024, 900);
      await open(index, `file://${dir}/index.html`);
      // One history panel per claim.
      assert.equal(await index.evaluate<number>(CHART_SVGS), results.claims.length);
      const ordered = lessonOrdered(results.claims);
      const badges = await index.evaluate<string[]>(
        "[...document.querySelectorAll('tr.claim-row .badge')].map((b) => b.textContent)",
      );
      assert.deepEqual(badges, ordered.map((c) => c.verdict));
      const classes = await index.evaluate<string[]>(
        "[...document.querySelectorAll('tr.claim-row .badge')].map((b) => b.className)",
      );
      assert.deepEqual(classes, ordered.map((c) => `badge badge-${c.verdict.replace(" ", "-")}`));
      const links = await index.evaluate<string[]>(
        "[...document.querySelectorAll('tr.claim-row td.claim a')].map((a) => a.getAttribute('href'))",
      );
      assert.deepEqual(links, ordered.map((c) => `${c.id}.html`));
      // Claims 22–24 between #19/#20 and the end, unit-tested; the baseline column per claim.
      assert.deepEqual(
        await index.evaluate<string[]>(
          "[...document.querySelectorAll('tr.unit-row .badge')].map((b) => b.textContent)",
        ),
        ["unit-tested", "unit-tested", "unit-tested"],
      );
      assert.deepEqual(
        await index.evaluate<string[]>(
          "[...document.querySelectorAll('tr.claim-row td.vs-baseline')]" +
            ".map((td) => td.dataset.status)",
        ),
        ["same", "error", "improved", "same", "regressed", "same", "new"],
      );
      // Distinct colours for the five verdicts.
      const colours = await index.evaluate<string[]>(
        "[...new Set([...document.querySelectorAll('tr.claim-row .badge')]" +
          ".map((b) => getComputedStyle(b).backgroundColor))]",
      );
      assert.equal(colours.length, 5);

      // general-relu: accuracy, final, loss, means + stds (2), colour dimension (4 layers × the
      // first 3 seeds), dead fraction, GeneralReLU shape (declared), and its history panel.
      const expected: Record<string, { charts: number; heatmaps: number }> = {
        "general-relu": { charts: 20, heatmaps: 12 },
        "depth-survival": { charts: 3, heatmaps: 0 },
        "input-normalization": { charts: 4, heatmaps: 0 },
        layernorm: { charts: 4, heatmaps: 0 },
        lsuv: { charts: 21, heatmaps: 12 },
        moments: { charts: 1, heatmaps: 0 },
        schedules: { charts: 6, heatmaps: 0 },
      };
      assert.deepEqual(Object.keys(expected).sort(), results.claims.map((c) => c.id).sort());
      for (const [id, want] of Object.entries(expected)) {
        const page = await browser.newPage(1024, 900);
        await open(page, `file://${dir}/${id}.html`);
        assert.equal(await page.evaluate<number>(CHART_SVGS), want.charts, `${id}: charts`);
        const verdict = results.claims.find((c) => c.id === id)!.verdict;
        assert.equal(
          await page.evaluate<string>("document.querySelector('h1 .badge').textContent"),
          verdict,
        );
        assert.ok(await page.evaluate<number>(OVERFLOW) <= 0, `${id} scrolls sideways`);
        // From file:// the re-run panel explains how to serve the report (modules need http).
        assert.equal(await page.evaluate("document.getElementById('rerun').dataset.state"), "file");
        // Every embedded heatmap is a PNG the browser decodes, at the histogram's size.
        const sizes = await page.evaluate<string[]>(`Promise.all(
          [...document.querySelectorAll('image')].map(async (el) => {
            const img = new Image();
            img.src = el.getAttribute('href');
            await img.decode();
            return img.naturalWidth + 'x' + img.naturalHeight;
          }))`);
        assert.deepEqual(sizes, new Array(want.heatmaps).fill("36x40"), id);
        assert.deepEqual(page.errors(), [], `${id}: errors after loading`);
      }
      console.log(`screenshots in ${shots}`);
    } finally {
      // The report and screenshots stay in the temp dir for a person to look at.
      await browser.close();
    }
  },
});
