/**
 * `deno task serve [DIR] [--port N] [--data-dir DIR]`: serves a report directory on the loopback
 * interface, so its pages can load the browser build (browsers refuse ES modules from `file://`),
 * and Fashion-MNIST under `/fashion-mnist/` (where the re-run panel looks first) from the dataset
 * the bench uses. Read-only, no directory listings, nothing outside the two directories.
 *
 * @module
 */

import { z } from "zod";
import { locateFashionMnist } from "../data/locate.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task serve [DIR] [--port N] [--data-dir DIR]
  DIR          the report directory (default reports/latest)
  --port N     the port on 127.0.0.1 (default 8000)
  --data-dir   Fashion-MNIST for the re-run panel, served at /fashion-mnist/ (default: found as the
               bench finds it; never downloaded here)`;

const Flags = z.object({
  port: z.coerce.number({ error: "expected a port number" }).int("expected a port number").min(
    0,
    "expected a port number from 0 to 65535",
  ).max(65535, "expected a port number from 0 to 65535").default(8000),
  "data-dir": z.string().min(1).optional(),
  help: z.boolean().default(false),
});

/** Where the re-run panel asks for the dataset (its default URL field). */
export const DATA_PREFIX = "/fashion-mnist/";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  jsonl: "application/jsonl",
  png: "image/png",
  svg: "image/svg+xml",
  css: "text/css",
  gz: "application/gzip",
};

/**
 * Serves `dir` on 127.0.0.1:`port` (0 picks a free port); resolves once listening. With
 * `dataDir`, the files of that directory are served under {@link DATA_PREFIX}.
 */
export function serveDir(
  dir: string,
  port: number,
  onListen: (addr: Deno.NetAddr) => void = () => {},
  o: { dataDir?: string | null } = {},
): Deno.HttpServer<Deno.NetAddr> {
  const root = Deno.realPathSync(dir);
  const dataRoot = o.dataDir ? Deno.realPathSync(o.dataDir) : null;
  return Deno.serve({ hostname: "127.0.0.1", port, onListen }, async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed", { status: 405 });
    }
    let rel = decodeURIComponent(new URL(req.url).pathname);
    if (rel.endsWith("/")) rel += "index.html";
    // The dataset lives outside the report: its own root, the same containment rule.
    const [base, sub] = dataRoot && rel.startsWith(DATA_PREFIX)
      ? [dataRoot, rel.slice(DATA_PREFIX.length - 1)]
      : [root, rel];
    let path: string;
    try {
      path = await Deno.realPath(`${base}${sub}`);
    } catch {
      return new Response("not found", { status: 404 });
    }
    if (path !== base && !path.startsWith(`${base}/`)) {
      return new Response("not found", { status: 404 });
    }
    try {
      const file = await Deno.open(path);
      const info = await file.stat();
      if (!info.isFile) {
        file.close();
        return new Response("not found", { status: 404 });
      }
      const ext = path.slice(path.lastIndexOf(".") + 1);
      return new Response(file.readable, {
        headers: {
          "content-type": TYPES[ext] ?? "application/octet-stream",
          "content-length": String(info.size),
          "cache-control": "no-store",
        },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    port: { type: "string" },
    "data-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one DIR, found ${positionals.length}`);
  }
  const dir = positionals[0] ?? "reports/latest";
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new Error("not a directory");
  } catch {
    throw new UsageError(
      `${dir}: expected a report directory (deno task bench writes reports/latest)`,
    );
  }
  let dataDir: string | null = null;
  try {
    dataDir = (await locateFashionMnist({ dataDir: flags["data-dir"], download: false })).dir;
  } catch (err) {
    if (flags["data-dir"]) throw err; // a named directory that is not the dataset: say so
  }
  let server;
  try {
    server = serveDir(dir, flags.port, (addr) => {
      console.log(`serving ${dir} on http://127.0.0.1:${addr.port}/ (Ctrl-C stops)`);
      console.log(
        dataDir
          ? `Fashion-MNIST from ${dataDir} at ${DATA_PREFIX} (the re-run panel's default)`
          : "no Fashion-MNIST found (--data-dir DIR): training re-runs will ask for the files",
      );
    }, { dataDir });
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new UsageError(`port ${flags.port} is in use, try --port ${flags.port + 1}`);
    }
    throw err;
  }
  await server.finished;
  return 0;
}

if (import.meta.main) await runMain("claimbench serve", USAGE, main);
