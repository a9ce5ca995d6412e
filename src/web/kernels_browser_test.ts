/**
 * The kernel reference tests on a second WebGPU implementation: the same `*_test.ts` files that
 * `deno test` runs on wgpu, bundled for the browser (`kernel_tests/build.ts`) and run in headless
 * Chromium's WebGPU (Dawn on SwiftShader), served on loopback. Every test must pass there with
 * the same tolerances; per-test timings are printed and a screenshot of the runner page is saved
 * (in the test's temp dir, or $CLAIMBENCH_SCREENSHOTS). Skipped without Chromium unless
 * CLAIMBENCH_REQUIRE_CHROMIUM=1 (as in CI).
 */
import assert from "node:assert/strict";
import { Browser, findChromium } from "../../tests/browser.ts";
import { serveDir } from "../cli/serve.ts";
import { buildKernelTests } from "./kernel_tests/build.ts";
import type { KernelTestReport } from "./kernel_tests/runner.ts";

const chromium = await findChromium();
if (!chromium && Deno.env.get("CLAIMBENCH_REQUIRE_CHROMIUM") === "1") {
  throw new Error("CLAIMBENCH_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)");
}

/** The whole page (every test file on SwiftShader) must finish within this. */
const TIMEOUT_S = 600;

Deno.test({
  name: "kernel reference tests in Chromium (Dawn/SwiftShader): the same test files all pass",
  ignore: !chromium,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claimbench-kernel-tests-" });
    const shots = Deno.env.get("CLAIMBENCH_SCREENSHOTS") ?? dir;
    await Deno.mkdir(shots, { recursive: true });
    const { files } = await buildKernelTests(dir);
    let port = 0;
    const server = serveDir(dir, 0, (a) => (port = a.port));
    while (port === 0) await new Promise((r) => setTimeout(r, 10));
    const browser = await Browser.launch(chromium!, ["--enable-unsafe-webgpu"]);
    const t0 = Date.now();
    try {
      const page = await browser.newPage(1280, 900);
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      let report: KernelTestReport | null = null;
      const until = Date.now() + TIMEOUT_S * 1000;
      while (Date.now() < until) {
        report = await page.evaluate<KernelTestReport | null>("window.kernelTestResults ?? null");
        if (report?.done) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await page.screenshot(`${shots}/kernel-tests.png`);
      console.log(`kernel test page and screenshot in ${shots}`);
      assert.ok(
        report?.done,
        `the page did not finish in ${TIMEOUT_S} s; last: ${
          page.messages.slice(-3).map((m) => m.text).join(" | ")
        }`,
      );
      assert.equal(report.fatal, undefined, `the test modules did not load: ${report.fatal}`);
      const ran = report.results.filter((r) => r.status !== "ignored");
      console.log(
        `${report.adapter}: ${report.counts.passed} passed, ${report.counts.failed} failed, ` +
          `${report.counts.ignored} ignored, ${(report.totalMs / 1000).toFixed(1)} s in the ` +
          `page (${((Date.now() - t0) / 1000).toFixed(1)} s with Chromium's start)`,
      );
      for (const r of [...ran].sort((a, b) => b.ms - a.ms).slice(0, 8)) {
        console.log(`  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}: ${r.name}`);
      }
      const failures = ran.filter((r) => r.status !== "passed");
      assert.deepEqual(
        failures.map((r) => `${r.file}: ${r.name}\n${r.message}`),
        [],
        `${failures.length} kernel test(s) failed in Chromium`,
      );
      // Every file contributed tests, and nothing was skipped for want of a GPU.
      const seen = new Set(report.results.map((r) => r.file));
      assert.deepEqual(files.filter((f) => !seen.has(f)), [], "test files without tests");
      assert.equal(report.counts.ignored, 0, "ignored tests (no adapter in the page?)");
      assert.deepEqual(page.errors(), [], "console errors in the page");
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});
