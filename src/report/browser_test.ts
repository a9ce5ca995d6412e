/**
 * The report as a person sees it: a fixture report rendered to a temp dir, opened from `file://`
 * in headless Chromium. No console errors, the expected charts and verdict badges, every embedded
 * heatmap decodes, and screenshots are saved (in the test's temp dir, or $CLAIMBENCH_SCREENSHOTS).
 * Skipped when no Chromium is installed, unless CLAIMBENCH_REQUIRE_CHROMIUM=1 (as in CI).
 */
import assert from "node:assert/strict";
import { writeResults } from "../bench/results.ts";
import { Browser, findChromium, type Page } from "../../tests/browser.ts";
import { renderReport } from "./render.ts";
import { fixtureHistory, fixtureResults } from "./testdata/fixture.ts";

const chromium = await findChromium();
const required = Deno.env.get("CLAIMBENCH_REQUIRE_CHROMIUM") === "1";
if (!chromium && required) {
  throw new Error("CLAIMBENCH_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)");
}

/** The top-level chart SVGs of a page (not legend swatches). */
const CHART_SVGS =
  "document.querySelectorAll('section.chart .panel > svg, section.chart .panel > figure > svg').length";

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  assert.deepEqual(page.errors(), [], `console errors on ${url}`);
}

Deno.test({
  name: "report in Chromium: index and claim pages render without errors, charts and badges",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claimbench-report-" });
    const shots = Deno.env.get("CLAIMBENCH_SCREENSHOTS") ?? dir;
    await Deno.mkdir(shots, { recursive: true });
    const results = fixtureResults();
    await writeResults(`${dir}/results.json`, results);
    await renderReport(dir, results, fixtureHistory());
    const browser = await Browser.launch(chromium!);
    try {
      const index = await browser.newPage(1280, 900);
      await open(index, `file://${dir}/index.html`);
      // One history panel per claim.
      assert.equal(await index.evaluate<number>(CHART_SVGS), results.claims.length);
      const badges = await index.evaluate<string[]>(
        "[...document.querySelectorAll('tr.claim-row .badge')].map((b) => b.textContent)",
      );
      assert.deepEqual(badges, results.claims.map((c) => c.verdict));
      const links = await index.evaluate<string[]>(
        "[...document.querySelectorAll('tr.claim-row a')].map((a) => a.getAttribute('href'))",
      );
      assert.deepEqual(links, results.claims.map((c) => `${c.id}.html`));
      // Readable at 1280 px: nothing wider than the window.
      assert.ok(await index.evaluate<number>("document.documentElement.scrollWidth") <= 1280);
      await index.screenshot(`${shots}/index.png`);

      // general-relu: accuracy, final, loss, means+stds (2), colour dim (4 layers × 2 seeds),
      // dead fraction, GeneralReLU shape.
      const expected: Record<string, number> = {
        "general-relu": 15,
        "depth-survival": 2,
        lsuv: 5,
        schedules: 5,
        moments: 0,
      };
      for (const [id, charts] of Object.entries(expected)) {
        const page = await browser.newPage(1280, 900);
        await open(page, `file://${dir}/${id}.html`);
        assert.equal(await page.evaluate<number>(CHART_SVGS), charts, `${id}: charts`);
        const verdict = results.claims.find((c) => c.id === id)!.verdict;
        assert.equal(
          await page.evaluate<string>("document.querySelector('h1 .badge').textContent"),
          verdict,
        );
        assert.ok(await page.evaluate<number>("document.documentElement.scrollWidth") <= 1280, id);
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
        if (id === "general-relu") assert.deepEqual(sizes, new Array(8).fill("36x40"));
        await page.screenshot(`${shots}/${id}.png`);
        assert.deepEqual(page.errors(), [], `${id}: errors after loading`);
      }
      console.log(`screenshots in ${shots}`);
    } finally {
      // The report and screenshots stay in the temp dir for a person to look at.
      await browser.close();
    }
  },
});
