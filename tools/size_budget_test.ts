import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkTree,
  countLines,
  inScope,
  LIMITS,
  measureTypeScript,
  measureWgsl,
  violations,
} from "./size_budget.ts";

/** A function declaration spanning exactly `lines` lines (header and closing brace included). */
function fnOf(name: string, lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [`export function ${name}(): void {`, ...body, "}"].join("\n");
}

Deno.test("countLines: a final newline ends the last line", () => {
  assert.equal(countLines(""), 0);
  assert.equal(countLines("a"), 1);
  assert.equal(countLines("a\n"), 1);
  assert.equal(countLines("a\nb"), 2);
  assert.equal(countLines("a\n\n"), 2);
});

Deno.test("an 80-line function passes, an 81-line one fails", () => {
  const ok = measureTypeScript("ok.ts", fnOf("fits", 80) + "\n");
  assert.deepEqual(ok.functions, [{ name: "fits", line: 1, lines: 80 }]);
  assert.deepEqual(violations("ok.ts", ok), []);
  const src = "// header\n\n" + fnOf("tooLong", 81) + "\n";
  const bad = measureTypeScript("bad.ts", src);
  assert.deepEqual(bad.functions, [{ name: "tooLong", line: 3, lines: 81 }]);
  assert.deepEqual(violations("bad.ts", bad), [
    "bad.ts:3  function tooLong is 81 lines (limit 80)",
  ]);
});

Deno.test("a 400-line file passes, a 401-line one fails", () => {
  const text = (n: number) => Array.from({ length: n }, (_, i) => `// ${i}`).join("\n") + "\n";
  assert.deepEqual(violations("a.ts", measureTypeScript("a.ts", text(400))), []);
  assert.deepEqual(violations("a.ts", measureTypeScript("a.ts", text(401))), [
    "a.ts  is 401 lines (limit 400)",
  ]);
});

Deno.test("the span starts at the function, not at its JSDoc", () => {
  const src = "/**\n * Doc.\n * More.\n */\nfunction f() {\n  return 1;\n}\n";
  assert.deepEqual(measureTypeScript("f.ts", src).functions, [{ name: "f", line: 5, lines: 3 }]);
});

Deno.test("a nested arrow inside a method is measured on its own, and in the method", () => {
  const src = [
    "class Box {",
    "  render(): number[] {", // 2
    "    const f = (x: number) => {", // 3
    "      return x + 1;",
    "    };", // 5
    "    return [1].map((v) =>", // 6: an expression body ends with its expression (line 7)
    "      f(v)",
    "    );", // 8
    "  }", // 9
    "}",
  ].join("\n");
  const { functions } = measureTypeScript("box.ts", src);
  assert.deepEqual(functions, [
    { name: "render", line: 2, lines: 8 },
    { name: "f", line: 3, lines: 3 },
    { name: "<arrow in render>", line: 6, lines: 2 },
  ]);
  // Limits are per function: the method over a tight limit, its arrows under it.
  assert.deepEqual(violations("box.ts", { lines: 10, functions }, { file: 400, fn: 5 }), [
    "box.ts:2  function render is 8 lines (limit 5)",
  ]);
});

Deno.test("every kind of function is found and named", () => {
  const src = [
    "export class C {",
    "  constructor(readonly a: number) {}",
    "  get size(): number { return 1; }",
    "  set size(v: number) {}",
    "  static make() { return new C(1); }",
    "  #hidden() {}",
    "}",
    "const g = function () { return 2; };",
    "const h = async () => 3;",
    "export default function () {}",
    "const o = { m() {}, p: () => 1, 'q r': function () {} };",
    "declare function noBody(): void;",
    "interface I { method(): void }",
  ].join("\n");
  const names = measureTypeScript("k.ts", src).functions.map((f) => f.name);
  assert.deepEqual(names, [
    "C.constructor",
    "get size",
    "set size",
    "make",
    "#hidden",
    "g",
    "h",
    "<function>",
    "m",
    "p",
    "q r",
  ]);
});

Deno.test("a long call argument counts as its own arrow", () => {
  const body = Array.from({ length: 85 }, (_, i) => `  const v${i} = ${i};`);
  const src = ["Deno.test('x', () => {", ...body, "});"].join("\n");
  const { functions } = measureTypeScript("t.ts", src);
  assert.deepEqual(functions, [{ name: "<arrow>", line: 1, lines: 87 }]);
});

Deno.test("WGSL: fn bodies by braces, comments ignored", () => {
  const src = [
    "// fn commented() {",
    "struct P { n: u32 }",
    "fn helper(x: f32) -> f32 {", // 3
    "  /* { */ return x;",
    "}", // 5
    "@compute @workgroup_size(64)",
    "fn main(@builtin(global_invocation_id) id: vec3u) {", // 7
    "  if (id.x > 0u) {",
    "    let y = helper(1.0); // }",
    "  }",
    "}", // 11
  ].join("\n");
  assert.deepEqual(measureWgsl(src).functions, [
    { name: "helper", line: 3, lines: 3 },
    { name: "main", line: 7, lines: 5 },
  ]);
  const long = ["fn big() {", ...Array(80).fill("  x = 1;"), "}"].join("\n");
  assert.deepEqual(violations("k.wgsl", measureWgsl(long)), [
    "k.wgsl:1  function big is 82 lines (limit 80)",
  ]);
});

Deno.test("scope: .ts and .wgsl, tests and report fixtures excluded", () => {
  assert.equal(inScope("src/a.ts"), true);
  assert.equal(inScope("src/kernels/k.wgsl"), true);
  assert.equal(inScope("src/a_test.ts"), false);
  assert.equal(inScope("src/report/testdata/fixture.ts"), false);
  assert.equal(inScope("src/report/testdata_more.ts"), true);
  assert.equal(inScope("src/README.md"), false);
});

Deno.test("checkTree: the product (src/ without src/perf/) over its line limit is a violation", () => {
  const dir = mkdtempSync(join(tmpdir(), "size-budget-"));
  try {
    mkdirSync(join(dir, "src", "perf"), { recursive: true });
    writeFileSync(join(dir, "src", "a.ts"), "const a = 1;\n".repeat(30));
    writeFileSync(join(dir, "src", "perf", "probe.ts"), "const p = 1;\n".repeat(50));
    const at = (productLines: number) => checkTree(dir, ["src"], { ...LIMITS, productLines });
    assert.deepEqual(at(30).violations, [], "measurement code does not count");
    assert.deepEqual(at(29).violations, [
      "src/ without src/perf/ is 30 lines (limit 29): growth has to be argued for " +
      "(LIMITS.productLines)",
    ]);
    const unlimited = checkTree(dir, ["src"], { file: 400, fn: 80 });
    assert.deepEqual(unlimited.violations, []);
    assert.ok(!unlimited.totals.some((t) => t.startsWith("product")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test("checkTree: walks the roots, reports violations and totals", () => {
  const dir = mkdtempSync(join(tmpdir(), "size-budget-"));
  try {
    mkdirSync(join(dir, "src", "report", "testdata"), { recursive: true });
    writeFileSync(join(dir, "src", "ok.ts"), fnOf("ok", 80) + "\n");
    writeFileSync(join(dir, "src", "long.ts"), fnOf("long", 81) + "\n");
    writeFileSync(join(dir, "src", "long_test.ts"), fnOf("ignored", 200) + "\n");
    writeFileSync(join(dir, "src", "report", "testdata", "fx.ts"), fnOf("fixture", 500) + "\n");
    writeFileSync(join(dir, "src", "k.wgsl"), "fn main() {\n}\n");
    const report = checkTree(dir, ["src", "benches"], LIMITS);
    assert.deepEqual(report.violations, ["src/long.ts:1  function long is 81 lines (limit 80)"]);
    assert.deepEqual(report.totals, [
      "src/: 163 lines in 3 files (TypeScript 161, WGSL 2; tests excluded)",
      "benches/: 0 lines in 0 files (TypeScript 0, WGSL 0; tests excluded)",
      "product (src/ without src/perf/): 163 lines",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
