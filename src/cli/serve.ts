/**
 * `deno task serve [DIR] [--port N]`: serves a report directory on the loopback interface, so its
 * pages can load the browser build (browsers refuse ES modules from `file://`). Read-only, no
 * directory listings, nothing outside DIR.
 *
 * @module
 */

import { z } from "zod";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";

const USAGE = `usage: deno task serve [DIR] [--port N]   (default DIR reports/latest, port 8000)`;

const Flags = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8000),
  help: z.boolean().default(false),
});

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

/** Serves `dir` on 127.0.0.1:`port` (0 picks a free port); resolves once listening. */
export function serveDir(
  dir: string,
  port: number,
  onListen: (addr: Deno.NetAddr) => void = () => {},
): Deno.HttpServer<Deno.NetAddr> {
  const root = Deno.realPathSync(dir);
  return Deno.serve({ hostname: "127.0.0.1", port, onListen }, async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed", { status: 405 });
    }
    let rel = decodeURIComponent(new URL(req.url).pathname);
    if (rel.endsWith("/")) rel += "index.html";
    let path: string;
    try {
      path = await Deno.realPath(`${root}${rel}`);
    } catch {
      return new Response("not found", { status: 404 });
    }
    if (path !== root && !path.startsWith(`${root}/`)) {
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
  const server = serveDir(
    dir,
    flags.port,
    (addr) => console.log(`serving ${dir} on http://127.0.0.1:${addr.port}/ (Ctrl-C stops)`),
  );
  await server.finished;
  return 0;
}

if (import.meta.main) await runMain("claimbench serve", USAGE, main);
