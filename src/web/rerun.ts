/// <reference lib="dom" />
/**
 * The "Re-run in this browser" panel of a claim page: the same claim module, trainer and WGSL
 * kernels as `deno task bench`, on the browser's WebGPU. Claims without data run in full; training
 * claims take the four Fashion-MNIST IDX files from the reader (picked, gzip or raw) or from a URL
 * next to the report. The result is judged by the same checks (one look at the chosen seed
 * count) and drawn with the same chart builders as the recorded one, with the browser's adapter
 * named.
 *
 * @module
 */

import type { Claim } from "../bench/contract.ts";
import type { ClaimResult } from "../bench/results.ts";
import { runClaims } from "../bench/runner.ts";
import { forgetTrainRuns } from "../bench/training.ts";
import { RunSource } from "../bench/run_source.ts";
import { lookPlan } from "../verdict/plan.ts";
import { checkSentence, formatValue } from "../verdict/sentence.ts";
import { vocabulary } from "../report/claim_text.ts";
import { DataError } from "../data/errors.ts";
import { type FashionMnist, fashionMnistFromBytes } from "../data/fashion_mnist.ts";
import { type GpuFashionMnist, uploadFashionMnist } from "../data/gpu_dataset.ts";
import { FASHION_MNIST_FILES, type FileRole } from "../data/locate.ts";
import { Gpu } from "../gpu/device.ts";
import { NoAdapterError } from "../gpu/errors.ts";
import { claimCharts } from "../report/claim_page.ts";
import { badge, chartSection, esc, num } from "../report/html.ts";
import { CLAIMS, DATA_FREE } from "./claims.ts";
import { RerunStatus } from "./rerun_status.ts";

/** What a finished re-run leaves on `window.claimbenchRerun` (for tests and the curious). */
export interface RerunOutcome {
  result: ClaimResult;
  adapter: string;
}

const ROLES = Object.keys(FASHION_MNIST_FILES) as FileRole[];

/** How to get a WebGPU adapter, shown when the browser has none. */
export const NO_WEBGPU_HELP =
  "This browser has no WebGPU adapter, so the claim cannot re-run here; the recorded report above " +
  "stays complete. WebGPU ships in Chrome and Edge 113+ (Windows, macOS, ChromeOS, Android), " +
  "Safari 26 and Firefox 141+ on Windows; on Linux start Chrome with --enable-unsafe-webgpu " +
  "--enable-features=Vulkan (or enable chrome://flags/#enable-unsafe-webgpu).";

/** Which of the four files a picked file is, from its name (gzip or raw). */
export function roleOfFileName(name: string): FileRole | null {
  const base = name.toLowerCase().replace(/\.gz$/, "").replace(/.*[\\/]/, "");
  for (const role of ROLES) {
    const want = FASHION_MNIST_FILES[role];
    // Also "train-images.idx3-ubyte" style names some mirrors use.
    if (base === want || base === want.replace("-idx", ".idx")) return role;
  }
  return null;
}

/** Fashion-MNIST from picked files: all four roles must be present, matched by name. */
export async function datasetFromFiles(files: readonly File[]): Promise<FashionMnist> {
  const byRole = new Map<FileRole, File>();
  for (const f of files) {
    const role = roleOfFileName(f.name);
    if (role) byRole.set(role, f);
  }
  const missing = ROLES.filter((r) => !byRole.has(r));
  if (missing.length) {
    throw new DataError(
      "picked files",
      `the four Fashion-MNIST files (${ROLES.map((r) => FASHION_MNIST_FILES[r]).join(", ")})`,
      `no ${missing.map((r) => FASHION_MNIST_FILES[r]).join(", ")} among ${
        files.map((f) => f.name).join(", ") || "no files"
      }`,
    );
  }
  const entries = await Promise.all(ROLES.map(async (role) => {
    const f = byRole.get(role)!;
    return [role, { path: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }] as const;
  }));
  return fashionMnistFromBytes(Object.fromEntries(entries) as never, "picked files", "(picked)");
}

/** Fashion-MNIST fetched from `base` (a directory URL): `<name>.gz`, else the raw `<name>`. */
export async function datasetFromUrl(base: string): Promise<FashionMnist> {
  const dir = base.endsWith("/") ? base : `${base}/`;
  const entries = await Promise.all(ROLES.map(async (role) => {
    for (const name of [`${FASHION_MNIST_FILES[role]}.gz`, FASHION_MNIST_FILES[role]]) {
      const url = new URL(name, new URL(dir, location.href)).href;
      const res = await fetch(url).catch(() => null);
      if (res?.ok) return [role, { path: url, bytes: new Uint8Array(await res.arrayBuffer()) }];
      await res?.body?.cancel();
    }
    throw new DataError(
      `${dir}${FASHION_MNIST_FILES[role]}[.gz]`,
      "a Fashion-MNIST IDX file served next to the report",
      "not found (HTTP error or no server)",
    );
  }));
  return fashionMnistFromBytes(Object.fromEntries(entries) as never, "url", dir);
}

/** The claim's config input with every training run's `epochs` set to `epochs`. */
export function withEpochs(config: unknown, epochs: number): unknown {
  if (config === null || typeof config !== "object") return config;
  return Object.fromEntries(
    Object.entries(config as Record<string, unknown>).map(([k, v]) =>
      v !== null && typeof v === "object" && "epochs" in v ? [k, { ...v, epochs }] : [k, v]
    ),
  );
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  html = "",
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.innerHTML = html;
  return e;
}

/** The panel's controls: seeds, and for training claims the epochs and the dataset. */
function controlsHtml(recordedSeeds: number, training: boolean): string {
  const seeds = [1, 2, 3, 4, 5].map((n) =>
    `<option value="${n}"${
      n === Math.min(recordedSeeds, training ? 1 : 5) ? " selected" : ""
    }>${n}</option>`
  ).join("");
  const data = training
    ? `<label>Epochs <select name="epochs"><option value="">as the lesson (the criterion's)</option>${
      [1, 2, 3].map((n) => `<option value="${n}">${n}</option>`).join("")
    }</select></label>
<fieldset><legend>Fashion-MNIST</legend>
<label>the four IDX files (gzip or raw): <input type="file" name="files" multiple></label><br>
<label>or a URL next to the report: <input type="text" name="url" value="fashion-mnist/" size="28"></label>
</fieldset>`
    : "";
  return `
<label>Seeds <select name="seeds">${seeds}</select></label>
${data}
<button type="submit" name="run">Re-run in this browser</button>
<button type="button" name="cancel" disabled>Cancel</button>
<progress max="1" value="0" hidden></progress>`;
}

/** The panel's parts, once built. */
interface Panel {
  root: HTMLElement;
  say: (text: string) => void;
  claim: Claim;
  gpu: Gpu;
  controls: HTMLFormElement;
  log: HTMLElement;
  out: HTMLElement;
  progress: HTMLProgressElement;
  runButton: HTMLButtonElement;
  cancelButton: HTMLButtonElement;
}

/** Sets up the panel `root` (`<section id="rerun" data-claim=… data-seeds=…>`). */
export async function initRerun(root: HTMLElement): Promise<void> {
  const status = root.querySelector<HTMLElement>(".rerun-status")!;
  const say = (text: string) => (status.textContent = text);
  const claim = CLAIMS.get(root.dataset.claim ?? "");
  if (!claim) {
    say(`This build does not know the claim "${root.dataset.claim}".`);
    root.dataset.state = "unavailable";
    return;
  }
  let gpu: Gpu;
  try {
    gpu = await Gpu.create();
  } catch (err) {
    say(
      err instanceof NoAdapterError ? NO_WEBGPU_HELP : `WebGPU failed: ${(err as Error).message}`,
    );
    root.dataset.state = "no-webgpu";
    return;
  }
  const training = !DATA_FREE.has(claim.id);
  const controls = el("form", { class: "rerun-controls" });
  controls.innerHTML = controlsHtml(Number(root.dataset.seeds ?? "3"), training);
  const log = el("pre", { class: "rerun-log", hidden: "" });
  const out = el("div", { class: "rerun-result" });
  root.append(controls, log, out);
  say(`Ready on ${gpu.adapterName}.${training ? " Training needs the dataset (below)." : ""}`);
  root.dataset.state = "ready";
  const panel: Panel = {
    root,
    say,
    claim,
    gpu,
    controls,
    log,
    out,
    progress: controls.querySelector("progress")!,
    runButton: controls.querySelector<HTMLButtonElement>('button[name="run"]')!,
    cancelButton: controls.querySelector<HTMLButtonElement>('button[name="cancel"]')!,
  };
  let abort: AbortController | null = null;
  panel.cancelButton.onclick = () =>
    abort?.abort(new DOMException("cancelled by the reader", "AbortError"));
  controls.onsubmit = (event) => {
    event.preventDefault();
    abort = new AbortController();
    return rerunOnce(panel, abort.signal);
  };
}

/** The dataset of one re-run: the picked files or the URL, loaded on first use, freed after. */
function datasetOf(form: FormData, gpu: Gpu, write: (m: string) => void) {
  const loaded: { data: Promise<GpuFashionMnist> | null } = { data: null };
  const load = () =>
    loaded.data ??= (async () => {
      const files = [...(form.getAll("files") as File[])].filter((f) => f.size > 0);
      write(
        files.length ? `reading ${files.length} picked file(s)…` : `fetching ${form.get("url")}…`,
      );
      const cpu = files.length
        ? await datasetFromFiles(files)
        : await datasetFromUrl(String(form.get("url") ?? ""));
      write(`dataset: ${cpu.train.count} train, ${cpu.valid.count} valid images`);
      return uploadFashionMnist(gpu, cpu);
    })();
  // The dataset lives as long as one re-run: GPU memory goes back when it ends.
  const release = async () => {
    const data = await loaded.data?.catch(() => null);
    for (const split of data ? [data.train, data.valid] : []) {
      gpu.destroy(split.images);
      gpu.destroy(split.labels);
    }
  };
  return { load, release };
}

/** One re-run with the form's settings: runs, judges, shows the result (or the cancel). */
async function rerunOnce(p: Panel, signal: AbortSignal): Promise<void> {
  const form = new FormData(p.controls);
  const seeds = Number(form.get("seeds"));
  const epochs = Number(form.get("epochs") || 0);
  p.runButton.disabled = true;
  p.cancelButton.disabled = false;
  p.progress.hidden = false;
  p.progress.removeAttribute("value"); // indeterminate until the first batch
  p.log.hidden = false;
  p.log.textContent = "";
  p.out.innerHTML = "";
  p.root.dataset.state = "running";
  const lines: string[] = [];
  const write = (m: string) => {
    lines.push(m);
    p.log.textContent = lines.slice(-12).join("\n");
  };
  // The status line and bar follow the runs (k of n) and, within a run, its batches.
  const status = new RerunStatus(p.say, (v) => (p.progress.value = v));
  const dataset = datasetOf(form, p.gpu, write);
  forgetTrainRuns(); // the data may differ from the last re-run's
  try {
    const configInput = epochs ? withEpochs(p.claim.config.parse({}), epochs) : undefined;
    const runs = new RunSource({
      gpu: p.gpu,
      data: dataset.load,
      store: null,
      log: write,
      signal,
      onBatch: (b) => status.batch(b),
    });
    const [result] = await runClaims(p.gpu, [p.claim], {
      quick: false,
      plan: lookPlan({ seeds }),
      runs,
      log: write,
      data: dataset.load,
      signal,
      onProgress: (e) => status.run(e),
      configs: configInput === undefined ? undefined : { [p.claim.id]: configInput },
    });
    if (signal.aborted) return cancelled(p);
    // Fewer epochs than the checks read: the measured values are shown, nothing is judged.
    const shown = epochs && epochs < maxEpochs(p.claim.config.parse({}))
      ? { ...result, verdict: "not judged" as const, checks: [], decidedAt: null }
      : result;
    showResult(p.out, shown, p.gpu.adapterName, epochs);
    (globalThis as { claimbenchRerun?: RerunOutcome }).claimbenchRerun = {
      result: shown,
      adapter: p.gpu.adapterName,
    };
    p.say(`Done on ${p.gpu.adapterName}: ${shown.verdict}.`);
    p.root.dataset.state = "done";
  } catch (err) {
    // Cancel stops training between batches by throwing the abort reason: a cancel, not a
    // failure (and never a "diverged" run).
    if (signal.aborted) return cancelled(p);
    p.say(`${(err as Error).name}: ${(err as Error).message}`);
    p.root.dataset.state = "error";
  } finally {
    await dataset.release();
    p.runButton.disabled = false;
    p.cancelButton.disabled = true;
    p.progress.hidden = true;
  }
}

function cancelled(p: Panel): void {
  p.say("Cancelled.");
  p.root.dataset.state = "cancelled";
}

/** The most epochs any training config of a claim's config trains (0: none trains). */
export function maxEpochs(config: unknown): number {
  if (config === null || typeof config !== "object") return 0;
  return Math.max(
    0,
    ...Object.values(config as Record<string, unknown>).map((v) =>
      v !== null && typeof v === "object" && "epochs" in v
        ? Number((v as { epochs: number }).epochs) +
          Number((v as { continueWith?: { epochs: number } }).continueWith?.epochs ?? 0)
        : 0
    ),
  );
}

function showResult(out: HTMLElement, r: ClaimResult, adapter: string, epochs: number): void {
  const vocab = vocabulary(r);
  const unit = r.metrics[r.headline.subject.metric]?.unit ?? "value";
  const checks = r.checks.map((c) => `<li>${esc(checkSentence(c, vocab))}</li>`).join("");
  out.innerHTML = `
<div class="verdict verdict-${r.verdict.replace(" ", "-")}">
<p>${badge(r.verdict)} <b>in this browser</b> (${esc(adapter)}, ${r.seedsUsed} seed(s), one look${
    epochs ? `, ${epochs} epoch(s): the checks are the lesson's, so fewer epochs may fail them` : ""
  })${r.error ? `: ${esc(r.error)}` : ""}</p>
<p>${esc(r.headline.label)}: median ${esc(formatValue(r.headline.median, unit))} · ${
    num(r.seconds, 3)
  } s</p>
<ul class="checks">${checks}</ul>
</div>
${claimCharts(r).map(chartSection).join("\n")}`;
}
