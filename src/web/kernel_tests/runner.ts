/// <reference lib="dom" />
/**
 * The browser kernel test page's runner: runs every test the bundled test files registered
 * (through the `Deno.test` shim), one after another on the page's WebGPU device, and publishes
 * the outcome as `window.kernelTestResults` and as an HTML table. `?filter=TEXT` runs only the
 * tests whose file or name contains TEXT.
 *
 * @module
 */

import { describeError, registered, runBody, type StepResult } from "./deno_shim.ts";

/** The outcome of one test. */
export interface KernelTestResult {
  file: string;
  name: string;
  status: "passed" | "failed" | "ignored" | "filtered";
  ms: number;
  message?: string;
  steps: StepResult[];
}

/** What the page publishes as `window.kernelTestResults`. */
export interface KernelTestReport {
  done: boolean;
  /** Set when the page could not even start the tests (a test module failed to load). */
  fatal?: string;
  userAgent: string;
  adapter: string;
  results: KernelTestResult[];
  totalMs: number;
  counts: { passed: number; failed: number; ignored: number; filtered: number };
}

/** A test that has not settled after this long fails, and the run goes on with the next one. */
const PER_TEST_TIMEOUT_MS = 240_000;

function publish(report: KernelTestReport): void {
  (globalThis as unknown as { kernelTestResults: KernelTestReport }).kernelTestResults = report;
}

/** Records a fatal error (a module failing to load) where the Deno side looks for results. */
export function publishFatal(message: string): void {
  publish({
    done: true,
    fatal: message,
    userAgent: navigator.userAgent,
    adapter: "",
    results: [],
    totalMs: 0,
    counts: { passed: 0, failed: 0, ignored: 0, filtered: 0 },
  });
  render(null, message);
}

async function adapterName(): Promise<string> {
  try {
    const gpu = (navigator as unknown as { gpu?: GPU }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (!adapter) return "no WebGPU adapter";
    const i = adapter.info;
    return [i.vendor, i.architecture, i.device, i.description].filter((s) => s).join(" / ");
  } catch (err) {
    return `requestAdapter failed: ${describeError(err)}`;
  }
}

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

let started = false;

// A test module that fails to load (say, no adapter under CLAIMBENCH_REQUIRE_GPU=1) stops the
// bundle before the run starts: publish that as the outcome instead of leaving the page hanging.
if (typeof addEventListener === "function") {
  addEventListener("error", (e) => {
    if (!started) publishFatal(describeError((e as ErrorEvent).error ?? (e as ErrorEvent).message));
  });
  addEventListener("unhandledrejection", (e) => {
    if (!started) publishFatal(describeError((e as PromiseRejectionEvent).reason));
  });
}

/** Runs the registered tests sequentially and publishes the report. */
export async function runKernelTests(): Promise<KernelTestReport> {
  started = true;
  const filter = new URLSearchParams(location.search).get("filter") ?? "";
  const report: KernelTestReport = {
    done: false,
    userAgent: navigator.userAgent,
    adapter: await adapterName(),
    results: [],
    totalMs: 0,
    counts: { passed: 0, failed: 0, ignored: 0, filtered: 0 },
  };
  publish(report);
  const anyOnly = registered.some((t) => t.only);
  const start = performance.now();
  for (const test of registered) {
    const result: KernelTestResult = {
      file: test.file,
      name: test.name,
      status: "passed",
      ms: 0,
      steps: [],
    };
    report.results.push(result);
    if (filter && !`${test.file} ${test.name}`.includes(filter)) {
      result.status = "filtered";
    } else if (test.ignore || (anyOnly && !test.only)) {
      result.status = "ignored";
    } else {
      render(report, `running ${test.file}: ${test.name}`);
      const t0 = performance.now();
      try {
        await withTimeout(
          runBody(test.name, test.fn, result.steps),
          PER_TEST_TIMEOUT_MS,
          test.name,
        );
      } catch (err) {
        result.status = "failed";
        result.message = describeError(err);
      }
      result.ms = performance.now() - t0;
      console.log(
        `kernel test ${result.status}: ${test.file} :: ${test.name} (${result.ms.toFixed(0)} ms)`,
      );
    }
    report.counts[result.status]++;
  }
  report.totalMs = performance.now() - start;
  report.done = true;
  publish(report);
  render(report, null);
  return report;
}

function cell(row: HTMLTableRowElement, text: string, className = ""): void {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
}

/** Draws the results table (and a status line) into the page. */
function render(report: KernelTestReport | null, status: string | null): void {
  if (typeof document === "undefined") return;
  const root = document.getElementById("kernel-tests") ?? document.body;
  root.replaceChildren();
  const h1 = document.createElement("h1");
  h1.textContent = "claimbench kernel tests in this browser";
  root.append(h1);
  if (report) {
    const p = document.createElement("p");
    const c = report.counts;
    p.className = "summary";
    p.textContent = `${report.adapter} — ${c.passed} passed, ${c.failed} failed, ` +
      `${c.ignored} ignored` + (c.filtered ? `, ${c.filtered} filtered out` : "") +
      (report.done ? ` in ${(report.totalMs / 1000).toFixed(1)} s` : "");
    root.append(p);
  }
  if (status) {
    const p = document.createElement("p");
    p.className = "status";
    p.textContent = status;
    root.append(p);
  }
  if (!report) return;
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const h of ["file", "test", "result", "ms", "message"]) {
    const th = document.createElement("th");
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of report.results) {
    if (r.status === "filtered") continue;
    const row = body.insertRow();
    row.className = r.status;
    cell(row, r.file);
    cell(row, r.name);
    cell(row, r.status, "status");
    cell(row, r.status === "ignored" ? "" : r.ms.toFixed(0), "ms");
    cell(row, r.message ?? "", "message");
    for (const s of r.steps) {
      const sub = body.insertRow();
      sub.className = `step ${s.status}`;
      cell(sub, "");
      cell(sub, `↳ ${s.name}`);
      cell(sub, s.status, "status");
      cell(sub, s.ms.toFixed(0), "ms");
      cell(sub, s.message ?? "", "message");
    }
  }
  root.append(table);
}

/** The page's HTML: loads `bundle` (the kernel test bundle) as a module. */
export function kernelTestPage(bundle: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>claimbench kernel tests</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  table { border-collapse: collapse; }
  th, td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
  td.ms { text-align: right; font-variant-numeric: tabular-nums; }
  td.message { font: 12px ui-monospace, monospace; white-space: pre-wrap; max-width: 60ch; }
  tr.passed td.status { color: #1a7f37; }
  tr.failed td.status { color: #cf222e; font-weight: bold; }
  tr.ignored td.status { color: #888; }
  tr.step td { font-size: 12px; color: #555; }
</style>
</head>
<body>
<main id="kernel-tests"><p>loading the kernel tests…</p></main>
<script type="module" src="./${bundle}"></script>
</body>
</html>
`;
}
