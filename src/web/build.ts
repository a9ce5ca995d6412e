/**
 * The browser build of the trainer: one self-contained ES module (esbuild, pinned in deno.json)
 * with the claim modules, kernels (WGSL inlined as text), the report's chart builders and the
 * re-run panel. Only the edges differ from Deno: `node:zlib` → a stored-block shim, linkedom →
 * the page's own DOM, and data comes from picked files or a URL (see `rerun.ts`).
 *
 * @module
 */

import * as esbuild from "esbuild";
import { WEB_BUNDLE_FILE } from "../report/claim_page.ts";

/**
 * Writes the bundle next to a report's pages (where their re-run panel imports it). A failed
 * build is reported, not fatal: the report stays complete without the panel.
 */
export async function writeWebBundle(dir: string, warn: (m: string) => void): Promise<void> {
  try {
    await buildWeb(`${dir}/${WEB_BUNDLE_FILE}`);
  } catch (err) {
    warn(
      `warning: the browser build failed (${(err as Error).message.split("\n")[0]}); the report ` +
        "has no working re-run panel",
    );
  }
}

const ROOT = new URL("../../", import.meta.url);

/** Bundles `src/web/main.ts` (or `entry`) into `outfile`; returns its size in bytes. */
export async function buildWeb(
  outfile: string,
  options: { entry?: string; minify?: boolean } = {},
): Promise<number> {
  const shim = (name: string) => new URL(`src/web/${name}`, ROOT).pathname;
  try {
    const result = await esbuild.build({
      entryPoints: [options.entry ?? new URL("src/web/main.ts", ROOT).pathname],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      outfile,
      minify: options.minify ?? true,
      sourcemap: false,
      legalComments: "none",
      logLevel: "silent",
      absWorkingDir: new URL(".", ROOT).pathname,
      loader: { ".wgsl": "text" },
      // The edges: no sync deflate and a real DOM in the browser.
      alias: { "node:zlib": shim("zlib_shim.ts"), linkedom: shim("linkedom_shim.ts") },
      write: true,
      metafile: true,
    });
    return Object.values(result.metafile.outputs).reduce((a, o) => a + o.bytes, 0);
  } finally {
    await esbuild.stop();
  }
}
