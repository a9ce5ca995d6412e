/**
 * The size budget (issue 17): no source file over 400 lines, no function over 80, and the
 * product (`src/` without the measurement code in `src/perf/`) no larger than a stated number of
 * lines, set at its size when the check came in: growth has to be argued for, by raising
 * {@link LIMITS}.productLines in the same change and saying why.
 *
 * Scope: every `*.ts` and `*.wgsl` under `src/` and `benches/`, except `*_test.ts`
 * files and the test fixtures in `src/report/testdata/`. A TypeScript function is
 * any function-like node (declaration, method, arrow function, function expression,
 * constructor, getter, setter); its size is the line span from the line it starts on
 * to the line of its closing brace (or the end of an expression body), inclusive. A
 * nested function is measured on its own as well as inside its parent. A WGSL
 * function is `fn name(...) { ... }`, measured by its braces.
 *
 * `deno run -A tools/size_budget.ts [root...]` prints one line per violation and the
 * totals, and exits 1 on any violation.
 *
 * @module
 */
import ts from "typescript";
import { join, relative } from "node:path";
import { readdirSync, readFileSync, statSync } from "node:fs";

/** The limits, in lines. */
export interface Limits {
  /** Most lines a source file may have. */
  readonly file: number;
  /** Most lines a function may span. */
  readonly fn: number;
  /** Most lines of the product: in-scope files under `src/` but not `src/perf/` (unchecked if absent). */
  readonly productLines?: number;
}

/**
 * The budget of issue 17. productLines: 24,926 on 2026-12-02 (3edaf56), rounded up to 25,000;
 * raised to 25,500 for `bench --jobs` (issue 18: the worker pool and worker, ~340 lines, and the
 * progress display and run table for runs in flight at once; 25,452 then), which trains the full
 * bench 1.35× faster on 2 cores. Issue 17 asked for < 14,000 for all of src/; that is a decision
 * about which features stay (see its closing note), not a limit this check can hold today.
 */
export const LIMITS: Limits = { file: 400, fn: 80, productLines: 25_500 };

/** In-scope files under this folder are the product, except those under {@link MEASUREMENT}. */
export const PRODUCT_ROOT = "src/";
/** Measurement only (probes, kernel benchmarks, autotune): outside the product line budget. */
export const MEASUREMENT = "src/perf/";

/** One function found in a source: its name, first line (1-based) and span in lines. */
export interface FunctionSize {
  /** The function's name, or a description such as `<arrow in render>`. */
  readonly name: string;
  /** 1-based line the function starts on. */
  readonly line: number;
  /** Lines from its start to its end, inclusive. */
  readonly lines: number;
}

/** The measures of one source file. */
export interface SourceSize {
  /** Lines in the file (a final newline does not start a line). */
  readonly lines: number;
  /** Every function in it, in source order. */
  readonly functions: readonly FunctionSize[];
}

/** Lines in a text; a trailing newline ends the last line rather than starting one. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

function propertyName(name: ts.PropertyName | ts.BindingName, sf: ts.SourceFile): string {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText(sf);
}

function enclosingName(node: ts.Node, sf: ts.SourceFile): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p) && "name" in p && p.name) {
      return propertyName(p.name as ts.PropertyName, sf);
    }
    if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p)) {
      return propertyName(p.name, sf);
    }
    if (ts.isClassDeclaration(p) && p.name) return p.name.text;
  }
  return undefined;
}

function functionName(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) {
    const cls = node.parent;
    return `${ts.isClassLike(cls) && cls.name ? cls.name.text : "<class>"}.constructor`;
  }
  const prefix = ts.isGetAccessor(node) ? "get " : ts.isSetAccessor(node) ? "set " : "";
  if (node.name) return prefix + propertyName(node.name, sf);
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return propertyName(parent.name, sf);
  }
  const kind = ts.isArrowFunction(node) ? "arrow" : "function";
  const outer = enclosingName(node, sf);
  return outer ? `<${kind} in ${outer}>` : `<${kind}>`;
}

/** Measures a TypeScript source: its lines and every function-like node with a body. */
export function measureTypeScript(path: string, text: string): SourceSize {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const functions: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({ name: functionName(node, sf), line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { lines: countLines(text), functions };
}

/** WGSL with comments blanked out (newlines kept, so line numbers hold). */
function stripWgslComments(text: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const two = text.slice(i, i + 2);
    if (depth === 0 && two === "//") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (two === "/*") {
      depth++;
      out += "  ";
      i++;
    } else if (depth > 0 && two === "*/") {
      depth--;
      out += "  ";
      i++;
    } else {
      out += depth > 0 && text[i] !== "\n" ? " " : text[i];
    }
  }
  return out;
}

/** Measures a WGSL source: its lines and every `fn`, from its `fn` to its closing brace. */
export function measureWgsl(text: string): SourceSize {
  const code = stripWgslComments(text);
  const lineOf = (pos: number) => code.slice(0, pos).split("\n").length;
  const functions: FunctionSize[] = [];
  const fnRe = /\bfn\s+([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = fnRe.exec(code); m; m = fnRe.exec(code)) {
    const open = code.indexOf("{", m.index);
    if (open < 0) break;
    let depth = 0;
    let close = -1;
    for (let i = open; i < code.length; i++) {
      if (code[i] === "{") depth++;
      else if (code[i] === "}" && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) close = code.length - 1;
    const line = lineOf(m.index);
    functions.push({ name: m[1], line, lines: lineOf(close) - line + 1 });
    fnRe.lastIndex = close + 1;
  }
  return { lines: countLines(text), functions };
}

/** Measures a source by its extension (`.wgsl` or TypeScript). */
export function measure(path: string, text: string): SourceSize {
  return path.endsWith(".wgsl") ? measureWgsl(text) : measureTypeScript(path, text);
}

/** Messages, one per over-budget file or function, in the printed format. */
export function violations(path: string, size: SourceSize, limits: Limits = LIMITS): string[] {
  const out: string[] = [];
  if (size.lines > limits.file) {
    out.push(`${path}  is ${size.lines} lines (limit ${limits.file})`);
  }
  for (const f of size.functions) {
    if (f.lines > limits.fn) {
      out.push(`${path}:${f.line}  function ${f.name} is ${f.lines} lines (limit ${limits.fn})`);
    }
  }
  return out;
}

/** Whether a path (relative, `/`-separated) is in the budget's scope. */
export function inScope(path: string): boolean {
  const p = path.replaceAll("\\", "/");
  if (!p.endsWith(".ts") && !p.endsWith(".wgsl")) return false;
  if (p.endsWith("_test.ts") || p.endsWith(".d.ts")) return false;
  return !p.startsWith("src/report/testdata/") && !p.includes("/src/report/testdata/");
}

/** Every in-scope file under the roots, relative to `base`, sorted. */
export function collectFiles(base: string, roots: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(base, dir))) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      if (statSync(join(base, rel)).isDirectory()) walk(rel);
      else if (inScope(rel)) out.push(rel);
    }
  };
  for (const root of roots) {
    if (statSync(join(base, root), { throwIfNoEntry: false })?.isDirectory()) {
      walk(relative(base, join(base, root)).replaceAll("\\", "/"));
    }
  }
  return out.sort();
}

/** The outcome of checking a tree: violation lines and totals per root. */
export interface BudgetReport {
  /** One message per violation. */
  readonly violations: string[];
  /** Printable totals, one line per root. */
  readonly totals: string[];
}

/** Checks every in-scope file under the roots against the limits. */
export function checkTree(
  base: string,
  roots: readonly string[],
  limits: Limits = LIMITS,
): BudgetReport {
  const found: string[] = [];
  const totals: string[] = [];
  let product = 0;
  for (const root of roots) {
    let tsLines = 0, wgslLines = 0, files = 0;
    for (const path of collectFiles(base, [root])) {
      const size = measure(path, readFileSync(join(base, path), "utf8"));
      found.push(...violations(path, size, limits));
      if (path.endsWith(".wgsl")) wgslLines += size.lines;
      else tsLines += size.lines;
      if (path.startsWith(PRODUCT_ROOT) && !path.startsWith(MEASUREMENT)) product += size.lines;
      files++;
    }
    totals.push(
      `${root}/: ${tsLines + wgslLines} lines in ${files} files ` +
        `(TypeScript ${tsLines}, WGSL ${wgslLines}; tests excluded)`,
    );
  }
  if (limits.productLines !== undefined && roots.some((r) => `${r}/` === PRODUCT_ROOT)) {
    totals.push(`product (${PRODUCT_ROOT} without ${MEASUREMENT}): ${product} lines`);
    if (product > limits.productLines) {
      found.push(
        `${PRODUCT_ROOT} without ${MEASUREMENT} is ${product} lines (limit ` +
          `${limits.productLines}): growth has to be argued for (LIMITS.productLines)`,
      );
    }
  }
  return { violations: found, totals };
}

if (import.meta.main) {
  const roots = Deno.args.length > 0 ? Deno.args : ["src", "benches"];
  const report = checkTree(Deno.cwd(), roots);
  for (const line of report.violations) console.log(line);
  for (const line of report.totals) console.log(line);
  if (report.violations.length > 0) {
    console.log(
      `size budget: ${report.violations.length} violation(s) ` +
        `(files ≤ ${LIMITS.file} lines, functions ≤ ${LIMITS.fn} lines, product ≤ ` +
        `${LIMITS.productLines} lines)`,
    );
    Deno.exit(1);
  }
  console.log(
    `size budget: ok (files ≤ ${LIMITS.file} lines, functions ≤ ${LIMITS.fn} lines, ` +
      `product ≤ ${LIMITS.productLines} lines)`,
  );
}
