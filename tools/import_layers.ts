/**
 * Layer check for the import graph (issue 17): every import must point to the same layer or a lower
 * one, and no files may import each other in a circle.
 *
 * Scope: every `*.ts` under `src/` and `benches/`, plus `mod.ts`, except `*_test.ts` files and the
 * test fixtures in `src/report/testdata/`. Edges are the relative module specifiers of `import` and
 * `export … from` declarations, and of `import("…")` calls and `import("…").T` types whose argument
 * is a plain string; `import type` counts (a type is a dependency too) and is marked in the output.
 * Computed specifiers (`import(new URL(f.path, …).href)`) are not edges: they are how the bench
 * runner, the new-claim command and the browser registry load `benches/` at run time.
 *
 * A file's layer is its folder under `src/` (`src/train/callbacks/x.ts` is in `train`), or
 * `shapes.ts`, `mod.ts` or `benches`. The layers, low to high ({@link LAYERS}):
 *
 * - `util`: the seeded PRNG; imports nothing.
 * - `shapes.ts`: shapes and option types shared by kernels, references and layers; data only.
 * - `ref`: float64 CPU references, "used by tests only" and never derived from the WGSL. They sit
 *   under the GPU so that a reference cannot lean on what it checks; they import only `shapes.ts`.
 * - `gpu`: the only code that touches `navigator.gpu`.
 * - `kernels`: WGSL launchers over `gpu`.
 * - `data`: IDX parsing and GPU-resident Fashion-MNIST (its batches use the gather kernel).
 * - `nn`: layers, which know shapes but no WGSL.
 * - `init`: Glorot, Kaiming, LSUV, applied to `nn` layers.
 * - `optim`: update rules over the `nn` parameter arena, and schedules.
 * - `train`: the Learner and its callbacks, which drive `nn`, `data` and `optim`.
 * - `verdict`: checks as data and the statistics that judge them; no training.
 * - `store`: the run store, keyed by what could change a run's numbers.
 * - `bench`: the claim contract, the run builder, the runner, results files.
 * - `report`: pure rendering of results to HTML; never imports training code.
 * - `perf`: throughput measurement (it times the trainer and reads results files).
 * - `mod.ts`: the public surface, re-exports only.
 * - `benches`: the claim modules; they import `mod.ts`.
 * - `web`: the browser bundle; it loads `benches/` (generated at build time) and the report's
 *   pieces.
 * - `cli`: the commands, on the top floor: they may import anything.
 *
 * `ARCHITECTURE.md` draws the same stack from the other end ("deno task bench → benches → train →
 * nn → kernels", with `gpu` as ground); `ref` is placed at the bottom because tests hold it
 * against the kernels, so nothing but tests may stand on both.
 *
 * `deno run -A tools/import_layers.ts [root]` prints every upward import and every cycle (a
 * strongly connected component of more than one file), then a count, and exits 1 if there is any.
 *
 * @module
 */
import ts from "typescript";
import { join, posix } from "node:path";
import { readdirSync, readFileSync, statSync } from "node:fs";

/** The layers, lowest first; a file may import its own layer or any earlier one. */
export const LAYERS: readonly string[] = [
  "util",
  "shapes.ts",
  "ref",
  "gpu",
  "kernels",
  "data",
  "nn",
  "init",
  "optim",
  "train",
  "verdict",
  "store",
  "bench",
  "report",
  "perf",
  "mod.ts",
  "benches",
  "web",
  "cli",
];

/** One import of a file: the specifier as written, whether it is type-only, whether dynamic. */
export interface ImportRef {
  /** The module specifier, e.g. `../gpu/device.ts`. */
  readonly specifier: string;
  /** `import type`, `export type … from`, or every named binding marked `type`. */
  readonly typeOnly: boolean;
  /** An `import("…")` call (a value import that happens at run time). */
  readonly dynamic: boolean;
}

/** An edge of the graph: `from` imports `to` (both root-relative, `/`-separated). */
export interface Edge {
  /** The importing file. */
  readonly from: string;
  /** The imported file. */
  readonly to: string;
  /** Whether only types cross the edge. */
  readonly typeOnly: boolean;
}

/** An import from a lower layer into a higher one. */
export interface UpwardImport extends Edge {
  /** The importing file's layer. */
  readonly fromLayer: string;
  /** The imported file's layer. */
  readonly toLayer: string;
}

/** What the check found. */
export interface LayerReport {
  /** Imports that point up the stack, sorted by importing file. */
  readonly upward: UpwardImport[];
  /** Import cycles: each is the sorted files of one strongly connected component (size > 1). */
  readonly cycles: string[][];
  /** Files whose folder has no layer. */
  readonly unassigned: string[];
}

function namedBindingsTypeOnly(clause: ts.ImportClause): boolean {
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const named = clause.namedBindings;
  return !!named && ts.isNamedImports(named) && named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly);
}

/** The module specifiers a TypeScript source imports or re-exports from (strings only). */
export function parseImports(path: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = !!node.importClause && namedBindingsTypeOnly(node.importClause);
      out.push({ specifier: node.moduleSpecifier.text, typeOnly, dynamic: false });
    } else if (
      ts.isExportDeclaration(node) && node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly ||
        (!!clause && ts.isNamedExports(clause) && clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      out.push({ specifier: node.moduleSpecifier.text, typeOnly, dynamic: false });
    } else if (
      ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true });
    } else if (
      ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The file a relative specifier names, root-relative; `undefined` for packages and URLs. */
export function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}

/** The layer of a root-relative path, or `undefined` when it has none. */
export function layerOf(path: string, layers: readonly string[] = LAYERS): string | undefined {
  const parts = path.split("/");
  const name = parts[0] === "src" ? parts[1] : parts[0];
  if (name === undefined || !layers.includes(name)) return undefined;
  // A file directly in src/ is its own layer (src/shapes.ts); a folder name alone is not a file.
  if (parts[0] === "src" && parts.length === 2 && !name.endsWith(".ts")) return undefined;
  return name;
}

/** Strongly connected components of more than one node (Tarjan), each sorted, sorted by first. */
export function cyclesOf(nodes: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) if (next.has(e.from) && next.has(e.to)) next.get(e.from)!.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) out.push(component.sort());
  };
  for (const n of [...nodes].sort()) if (!index.has(n)) connect(n);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Checks a graph: upward edges, cycles and files without a layer. */
export function analyze(
  nodes: readonly string[],
  edges: readonly Edge[],
  layers: readonly string[] = LAYERS,
): LayerReport {
  const rank = (path: string): number => {
    const layer = layerOf(path, layers);
    return layer === undefined ? -1 : layers.indexOf(layer);
  };
  const upward: UpwardImport[] = [];
  for (const e of edges) {
    const from = rank(e.from), to = rank(e.to);
    if (from < 0 || to < 0 || to <= from) continue;
    upward.push({ ...e, fromLayer: layers[from], toLayer: layers[to] });
  }
  upward.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const unassigned = nodes.filter((n) => rank(n) < 0).sort();
  return { upward, cycles: cyclesOf(nodes, edges), unassigned };
}

/** Whether a root-relative path is in the check's scope. */
export function inScope(path: string): boolean {
  if (path === "mod.ts") return true;
  if (!path.startsWith("src/") && !path.startsWith("benches/")) return false;
  if (!path.endsWith(".ts") || path.endsWith("_test.ts") || path.endsWith(".d.ts")) return false;
  return !path.startsWith("src/report/testdata/");
}

/** The in-scope files under `base` and the edges between files (one per distinct pair). */
export function readGraph(base: string): { nodes: string[]; edges: Edge[] } {
  const nodes: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(base, dir))) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      if (statSync(join(base, rel)).isDirectory()) {
        if (dir !== "" || rel === "src" || rel === "benches") walk(rel);
      } else if (inScope(rel)) nodes.push(rel);
    }
  };
  walk("");
  nodes.sort();
  const edges = new Map<string, Edge>();
  for (const from of nodes) {
    for (const ref of parseImports(from, readFileSync(join(base, from), "utf8"))) {
      const to = resolveSpecifier(from, ref.specifier);
      if (to === undefined || !to.endsWith(".ts")) continue;
      const key = `${from}\0${to}`;
      const seen = edges.get(key);
      // A pair imported for values anywhere in the file is a value edge.
      edges.set(key, { from, to, typeOnly: (seen?.typeOnly ?? true) && ref.typeOnly });
    }
  }
  return { nodes, edges: [...edges.values()] };
}

/** The printed lines of a report, ending with the totals. */
export function formatReport(report: LayerReport): string[] {
  const lines: string[] = [];
  for (const u of report.upward) {
    const kind = u.typeOnly ? " (type only)" : "";
    lines.push(`upward: ${u.from} [${u.fromLayer}] → ${u.to} [${u.toLayer}]${kind}`);
  }
  for (const c of report.cycles) lines.push(`cycle (${c.length} files): ${c.join(", ")}`);
  for (const f of report.unassigned) lines.push(`no layer: ${f}`);
  lines.push(
    `import layers: ${report.upward.length} upward import(s), ${report.cycles.length} cycle(s)` +
      (report.unassigned.length > 0 ? `, ${report.unassigned.length} file(s) without a layer` : ""),
  );
  return lines;
}

if (import.meta.main) {
  const base = Deno.args[0] ?? Deno.cwd();
  const { nodes, edges } = readGraph(base);
  const report = analyze(nodes, edges);
  for (const line of formatReport(report)) console.log(line);
  const bad = report.upward.length + report.cycles.length + report.unassigned.length;
  if (bad > 0) Deno.exit(1);
}
