/**
 * The re-run panel end to end: a report rendered from a Deno run, served on loopback, opened in
 * headless Chromium with WebGPU (SwiftShader: Dawn, a second implementation beside Deno's wgpu).
 * depth-survival re-runs in the page and must match the Deno run; a page without WebGPU says so;
 * a short training run on a 6,000-image subset served next to the report matches Deno's losses.
 * Skipped without Chromium (or GPU) unless CLAIMBENCH_REQUIRE_CHROMIUM=1 / CLAIMBENCH_REQUIRE_GPU=1.
 */
import assert from "node:assert/strict";
import { Browser, findChromium, type Page } from "../../tests/browser.ts";
import { gpu, noGpu } from "../../tests/gpu.ts";
import { claim as batchnormClaim } from "../../benches/batchnorm.ts";
import type { Claim } from "../bench/contract.ts";
import { type ClaimResult, type Results, RESULTS_SCHEMA_VERSION } from "../bench/results.ts";
import { runClaims } from "../bench/runner.ts";
import type { GpuFashionMnist } from "../data/gpu_dataset.ts";
import { RunSource } from "../bench/run_source.ts";
import { lookPlan } from "../verdict/plan.ts";
import { serveDir } from "../cli/serve.ts";
import { fashionMnistFromBytes, loadFashionMnist } from "../data/fashion_mnist.ts";
import { uploadFashionMnist } from "../data/gpu_dataset.ts";
import { encodeIdx, gzip } from "../data/idx.ts";
import { FASHION_MNIST_FILES, type FileRole } from "../data/locate.ts";
import { WEB_BUNDLE_FILE } from "../report/claim_page.ts";
import { renderReport } from "../report/render.ts";
import { buildWeb } from "./build.ts";
import { CLAIMS } from "./claims.ts";
import { withEpochs } from "./rerun.ts";

const chromium = await findChromium();
if (!chromium && Deno.env.get("CLAIMBENCH_REQUIRE_CHROMIUM") === "1") {
  throw new Error("CLAIMBENCH_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)");
}
const skip = !chromium || noGpu;

function results(claims: ClaimResult[]): Results {
  return {
    meta: {
      schema: RESULTS_SCHEMA_VERSION,
      date: new Date().toISOString(),
      commit: "test",
      denoVersion: Deno.version.deno,
      adapter: gpu!.adapter,
      driver: null,
      codeIdentity: "test",
      mode: "full",
      plan: lookPlan({ seeds: 1 }),
      claimSet: claims.map((c) => c.id),
      wallSeconds: 0,
      runsTrained: 0,
      runsReused: 0,
      dataset: null,
      shard: null,
    },
    claims,
  };
}

/** One claim run in Deno as the re-run panel runs it: a fixed seed count, no run store. */
async function runInDeno(
  claim: Claim,
  o: { seeds: number; data: () => Promise<GpuFashionMnist>; config?: unknown },
): Promise<ClaimResult> {
  const log = () => {};
  const runs = new RunSource({ gpu: gpu!, data: o.data, store: null, log });
  const [result] = await runClaims(gpu!, [claim], {
    quick: false,
    plan: lookPlan({ seeds: o.seeds }),
    runs,
    log,
    configs: o.config === undefined ? undefined : { [claim.id]: o.config },
  });
  return result;
}

/** A report of `claims` in a temp dir with the browser build, served on loopback. */
async function servedReport(claims: ClaimResult[]) {
  const dir = await Deno.makeTempDir({ prefix: "claimbench-rerun-" });
  await renderReport(dir, results(claims), []);
  await buildWeb(`${dir}/${WEB_BUNDLE_FILE}`);
  let port = 0;
  const server = serveDir(dir, 0, (a) => (port = a.port));
  while (port === 0) await new Promise((r) => setTimeout(r, 10));
  return { dir, url: `http://127.0.0.1:${port}`, server };
}

async function waitState(page: Page, done: (s: string) => boolean, seconds: number) {
  const until = Date.now() + seconds * 1000;
  let state = "";
  while (Date.now() < until) {
    state = await page.evaluate<string>("document.getElementById('rerun').dataset.state ?? ''");
    if (done(state)) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`re-run panel stuck in state "${state}" after ${seconds} s`);
}

/** Clicks "Re-run" with `settings` (form field → value) and waits for the outcome. */
async function rerun(page: Page, settings: Record<string, string>, seconds: number) {
  await waitState(page, (s) => s !== "" && s !== "loading", 30);
  const set = Object.entries(settings).map(([k, v]) =>
    `document.querySelector('.rerun-controls [name=${k}]').value = ${JSON.stringify(v)};`
  ).join("");
  await page.evaluate(`${set} document.querySelector('button[name=run]').click(); true`);
  await waitState(page, (s) => s !== "running" && s !== "ready", seconds);
}

/** The page's result with non-finite numbers as strings (JSON would turn them into null). */
function pageResult(page: Page): Promise<ClaimResult & { adapter: string }> {
  return page.evaluate(`(() => {
    const o = window.claimbenchRerun;
    return JSON.parse(JSON.stringify({ ...o.result, adapter: o.adapter },
      (k, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
  })()`);
}

const num = (v: number | string) => typeof v === "string" ? Number(v) : v;

/**
 * Below this std the squares summed by the statistics kernel (x² < 1e-32 for typical elements)
 * head into f32's subnormal range, which WGSL lets an implementation flush to zero: measured,
 * Dawn/SwiftShader reads 0 from layer 19 of the ×0.01 case where lavapipe still reads 1.1e-19
 * (bit-identical up to layer 16). Both sides below it count as "vanished".
 */
const TINY = 1e-16;

Deno.test({
  name: "re-run in Chromium: depth-survival in the page equals the Deno run (seed 1)",
  ignore: skip,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const claim = CLAIMS.get("depth-survival")! as Claim;
    const deno = await runInDeno(claim, {
      seeds: 1,
      data: () => Promise.reject(new Error("no data needed")),
    });
    // One seed decides nothing: it is shown, not judged.
    assert.equal(deno.verdict, "not judged", deno.error ?? "");
    const { dir, url, server } = await servedReport([deno]);
    const browser = await Browser.launch(chromium!, ["--enable-unsafe-webgpu"]);
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/depth-survival.html`);
      await rerun(page, { seeds: "1" }, 120);
      assert.equal(
        await page.evaluate("document.getElementById('rerun').dataset.state"),
        "done",
        await page.evaluate<string>("document.querySelector('.rerun-status').textContent"),
      );
      const web = await pageResult(page);
      assert.match(web.adapter, /\S/);
      assert.equal(web.verdict, deno.verdict, web.error ?? "");
      type Seed = { cases: { name: string; perLayerStd: (number | string)[] }[] };
      const webCases = (web.configs[0].runs[0].detail as Seed).cases;
      const denoCases = (deno.configs[0].runs[0].detail as Seed).cases;
      let worst = 0;
      for (const [i, c] of denoCases.entries()) {
        assert.equal(webCases[i].name, c.name);
        c.perLayerStd.forEach((raw, layer) => {
          const a = num(raw), b = num(webCases[i].perLayerStd[layer]);
          const where = `${c.name}, layer ${layer + 1}: Deno ${a}, browser ${b}`;
          if (
            Number.isFinite(a) && Number.isFinite(b) && Math.max(Math.abs(a), Math.abs(b)) < TINY
          ) {
            return; // vanished in both (see TINY)
          }
          if (!Number.isFinite(a) || !Number.isFinite(b)) {
            // NaN and ±∞ are outcomes of the claim: they must agree exactly.
            assert.ok(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), where);
            return;
          }
          // Same f32 kernels and inputs (the seeded RNG runs in JS); two compilers may contract
          // a*b+c into FMA differently, ~1e-7 per op, compounding over ≤ 50 layers.
          const rel = Math.abs(a - b) / Math.abs(a);
          worst = Math.max(worst, rel);
          assert.ok(rel <= 1e-4, `${where} (relative ${rel.toExponential(2)} > 1e-4)`);
        });
      }
      console.log(`depth-survival: browser vs Deno worst relative std difference ${worst}`);
      await page.screenshot(`${dir}/rerun-depth-survival.png`);
      assert.deepEqual(page.errors(), []);

      // Without WebGPU the page says so and stays readable.
      const bare = await browser.newPage();
      await browser.send("Page.addScriptToEvaluateOnNewDocument", {
        source: "Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined });",
      }, bare.sessionId);
      await bare.goto(`${url}/depth-survival.html`);
      assert.equal(await waitState(bare, (s) => s !== "" && s !== "loading", 30), "no-webgpu");
      assert.match(
        await bare.evaluate<string>("document.querySelector('.rerun-status').textContent"),
        /no WebGPU adapter.*recorded report/s,
      );
      assert.ok(
        await bare.evaluate<number>("document.querySelectorAll('section.chart svg').length") > 0,
      );
      assert.deepEqual(bare.errors(), []);
      console.log(`report and screenshot in ${dir}`);
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});

/** A deterministic subset of the real dataset: the first `train` / `valid` images, as IDX. */
async function subsetFiles(train: number, valid: number) {
  const full = await loadFashionMnist();
  const pick = (split: typeof full.train, n: number) => ({
    images: encodeIdx({
      dtype: "u8",
      dims: [n, split.height, split.width],
      data: split.images.subarray(0, n * split.height * split.width),
    }),
    labels: encodeIdx({ dtype: "u8", dims: [n], data: split.labels.subarray(0, n) }),
  });
  const t = pick(full.train, train), v = pick(full.valid, valid);
  return {
    trainImages: t.images,
    trainLabels: t.labels,
    validImages: v.images,
    validLabels: v.labels,
  } as Record<FileRole, Uint8Array>;
}

const hasData = await loadFashionMnist().then(() => true, () => false);

Deno.test({
  name: "re-run in Chromium: one epoch on a 6,000-image subset matches Deno's loss curve",
  ignore: skip || !hasData,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const bytes = await subsetFiles(6000, 1000);
    const files = Object.fromEntries(
      Object.entries(bytes).map(([role, b]) => [role, { path: role, bytes: b }]),
    ) as Record<FileRole, { path: string; bytes: Uint8Array }>;
    const data = uploadFashionMnist(gpu!, await fashionMnistFromBytes(files, "url", "subset"));
    const claim = batchnormClaim as unknown as Claim;
    const deno = await runInDeno(claim, {
      seeds: 1,
      data: () => Promise.resolve(data),
      config: withEpochs(claim.config.parse({}), 1),
    });
    const { dir, url, server } = await servedReport([deno]);
    await Deno.mkdir(`${dir}/fashion-mnist`);
    for (const [role, b] of Object.entries(bytes)) {
      // Gzipped under the official names (the page asks for `<name>.gz` first).
      const name = `${FASHION_MNIST_FILES[role as FileRole]}.gz`;
      await Deno.writeFile(`${dir}/fashion-mnist/${name}`, await gzip(b));
    }
    const browser = await Browser.launch(chromium!, ["--enable-unsafe-webgpu"]);
    try {
      const page = await browser.newPage();
      await page.goto(`${url}/batchnorm.html`);
      await rerun(page, { seeds: "1", epochs: "1", url: "fashion-mnist/" }, 400);
      const status = await page.evaluate<string>(
        "document.querySelector('.rerun-status').textContent",
      );
      assert.equal(
        await page.evaluate("document.getElementById('rerun').dataset.state"),
        "done",
        status,
      );
      const web = await pageResult(page);
      const a = deno.configs[0].runs[0].run!.batchLosses.map(num);
      const b = web.configs[0].runs[0].run!.batchLosses.map((v) => num(v as number | string));
      assert.equal(b.length, a.length);
      // f32 training on two WebGPU implementations: identical seeds, data order and kernels;
      // per-op rounding may differ (FMA contraction), and a few SGD steps amplify it a little.
      const diffs = a.map((x, i) => Math.abs(x - b[i]) / Math.max(1, Math.abs(x)));
      console.log(`losses Deno ${a.map((x) => x.toFixed(5)).join(" ")}`);
      console.log(`losses web  ${b.map((x) => x.toFixed(5)).join(" ")}`);
      console.log(`max relative loss difference ${Math.max(...diffs)}`);
      assert.ok(Math.max(...diffs) <= 1e-3, `max loss difference ${Math.max(...diffs)} > 1e-3`);
      assert.deepEqual(page.errors(), []);

      // Cancel mid-run: runs are not memoised across re-runs, so this one trains. The status line
      // follows the batches (the epochs as chosen: 1), and Cancel ends the run as cancelled.
      await page.evaluate(`
        document.querySelector('.rerun-controls [name=seeds]').value = '2';
        document.querySelector('button[name=run]').click();
        true`);
      const statusText = () =>
        page.evaluate<string>("document.querySelector('.rerun-status').textContent");
      const seen: string[] = [];
      const until = Date.now() + 120_000;
      while (Date.now() < until && !/train batch [2-9]\/6\b/.test(seen.at(-1) ?? "")) {
        seen.push(await statusText());
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(seen.some((t) => /^Run 1 of 2: .*, seed 1/.test(t)), seen.join("\n"));
      assert.match(seen.at(-1)!, /^Run 1 of 2: .* · epoch 1\/1 train batch [2-9]\/6 · loss \d/);
      await page.evaluate("document.querySelector('button[name=cancel]').click(); true");
      assert.equal(await waitState(page, (s) => s !== "running", 120), "cancelled");
      assert.match(await statusText(), /Cancelled/);
      const log = await page.evaluate<string>("document.querySelector('.rerun-log').textContent");
      assert.doesNotMatch(log, /diverged/);
    } finally {
      await browser.close();
      await server.shutdown();
      for (const split of [data.train, data.valid]) {
        gpu!.destroy(split.images);
        gpu!.destroy(split.labels);
      }
    }
  },
});
