/**
 * The browser kernel test page: the repository's own kernel-vs-reference test files (every
 * `*_test.ts` of {@link KERNEL_TEST_DIRS}, unchanged) bundled with esbuild into one module that
 * runs them on the page's WebGPU device (Dawn in Chromium, beside Deno's wgpu). Two shims make
 * them run there: `Deno` (`deno_shim.ts`, evaluated before any test module) and
 * `node:assert/strict` (`assert_shim.ts`, by alias). The entry is generated, so a new test file
 * is picked up without editing a list.
 *
 * `deno run -A src/web/kernel_tests/build.ts [DIR]` writes DIR (default dist/kernel-tests) for
 * serving with `deno task serve DIR`.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { kernelTestPage } from "./runner.ts";

const ROOT = new URL("../../../", import.meta.url);

/** Directories (repo-relative) whose `*_test.ts` files run in the page. */
export const KERNEL_TEST_DIRS = ["src/ref", "src/kernels", "src/nn", "src/perf/probes"];

/** The bundle's file name inside the output directory. */
export const KERNEL_TEST_BUNDLE = "kernel-tests.js";

/** The test files the page runs, repo-relative and sorted. */
export async function kernelTestFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of KERNEL_TEST_DIRS) {
    for await (const e of Deno.readDir(new URL(`${dir}/`, ROOT))) {
      if (e.isFile && e.name.endsWith("_test.ts")) files.push(`${dir}/${e.name}`);
    }
  }
  return files.sort();
}

/** The generated entry: the Deno shim, then each test file after a marker naming it, then run. */
export function kernelTestEntry(files: string[]): string {
  const lines = [
    `import "./src/web/kernel_tests/deno_shim.ts";`,
    `import { runKernelTests } from "./src/web/kernel_tests/runner.ts";`,
  ];
  for (const f of files) {
    lines.push(`import ${JSON.stringify(`kernel-test-file:${f}`)};`, `import "./${f}";`);
  }
  lines.push(`await runKernelTests();`);
  return lines.join("\n");
}

/**
 * Writes `index.html` and the bundle into `dir`; returns the test files and the bundle's size.
 * `files` defaults to {@link kernelTestFiles}.
 */
export async function buildKernelTests(
  dir: string,
  options: { files?: string[]; minify?: boolean } = {},
): Promise<{ files: string[]; bytes: number }> {
  const files = options.files ?? await kernelTestFiles();
  const shim = (name: string) => new URL(`src/web/kernel_tests/${name}`, ROOT).pathname;
  // Each marker module tells the Deno shim which file the following registrations come from.
  const markers: esbuild.Plugin = {
    name: "kernel-test-file",
    setup(build) {
      build.onResolve({ filter: /^kernel-test-file:/ }, (args) => ({
        path: args.path.slice("kernel-test-file:".length),
        namespace: "kernel-test-file",
      }));
      build.onLoad({ filter: /.*/, namespace: "kernel-test-file" }, (args) => ({
        contents: `import { setCurrentFile } from ${JSON.stringify(shim("deno_shim.ts"))};\n` +
          `setCurrentFile(${JSON.stringify(args.path)});`,
        loader: "ts",
        resolveDir: new URL(".", ROOT).pathname,
      }));
    },
  };
  await Deno.mkdir(dir, { recursive: true });
  try {
    const result = await esbuild.build({
      stdin: {
        contents: kernelTestEntry(files),
        loader: "ts",
        resolveDir: new URL(".", ROOT).pathname,
        sourcefile: "kernel-tests-entry.ts",
      },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outfile: `${dir}/${KERNEL_TEST_BUNDLE}`,
      minify: options.minify ?? false,
      sourcemap: false,
      legalComments: "none",
      logLevel: "silent",
      absWorkingDir: new URL(".", ROOT).pathname,
      loader: { ".wgsl": "text" },
      alias: {
        "node:assert/strict": shim("assert_shim.ts"),
        "node:assert": shim("assert_shim.ts"),
      },
      plugins: [markers],
      write: true,
      metafile: true,
    });
    await Deno.writeTextFile(`${dir}/index.html`, kernelTestPage(KERNEL_TEST_BUNDLE));
    const bytes = Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
    return { files, bytes };
  } finally {
    await esbuild.stop();
  }
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? "dist/kernel-tests";
  const { files, bytes } = await buildKernelTests(dir);
  console.log(`${dir}/index.html: ${files.length} test files, ${(bytes / 1024).toFixed(0)} KiB`);
}
