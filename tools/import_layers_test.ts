import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  analyze,
  cyclesOf,
  type Edge,
  formatReport,
  inScope,
  layerOf,
  LAYERS,
  parseImports,
  readGraph,
  resolveSpecifier,
} from "./import_layers.ts";

const edge = (from: string, to: string, typeOnly = false): Edge => ({ from, to, typeOnly });

Deno.test("parseImports: static, type-only, re-exports and literal dynamic imports", () => {
  const src = [
    `import { z } from "zod";`,
    `import { a, type B } from "./a.ts";`,
    `import type { C } from "../c.ts";`,
    `import { type D } from "./d.ts";`,
    `import code from "./k.wgsl" with { type: "text" };`,
    `export { e } from "./e.ts";`,
    `export type { F } from "./f.ts";`,
    `const g = await import("./g.ts");`,
    `const h = await import(new URL(name, "file://").href);`,
    `let t: import("./t.ts").T;`,
    'const text = `import { x } from "./not_an_import.ts";`;',
  ].join("\n");
  assert.deepEqual(parseImports("src/x/m.ts", src), [
    { specifier: "zod", typeOnly: false, dynamic: false },
    { specifier: "./a.ts", typeOnly: false, dynamic: false },
    { specifier: "../c.ts", typeOnly: true, dynamic: false },
    { specifier: "./d.ts", typeOnly: true, dynamic: false },
    { specifier: "./k.wgsl", typeOnly: false, dynamic: false },
    { specifier: "./e.ts", typeOnly: false, dynamic: false },
    { specifier: "./f.ts", typeOnly: true, dynamic: false },
    { specifier: "./g.ts", typeOnly: false, dynamic: true },
    { specifier: "./t.ts", typeOnly: true, dynamic: false },
  ]);
});

Deno.test("resolveSpecifier: relative paths resolve from the file, packages are skipped", () => {
  assert.equal(
    resolveSpecifier("src/ref/matmul.ts", "../kernels/matmul.ts"),
    "src/kernels/matmul.ts",
  );
  assert.equal(resolveSpecifier("benches/a.ts", "../mod.ts"), "mod.ts");
  assert.equal(resolveSpecifier("src/a/b.ts", "./c/d.ts"), "src/a/c/d.ts");
  assert.equal(resolveSpecifier("src/a/b.ts", "zod"), undefined);
  assert.equal(resolveSpecifier("src/a/b.ts", "node:fs"), undefined);
});

Deno.test("layerOf: the folder under src/, src/shapes.ts, mod.ts and benches/", () => {
  assert.equal(layerOf("src/train/callbacks/metrics.ts"), "train");
  assert.equal(layerOf("src/shapes.ts"), "shapes.ts");
  assert.equal(layerOf("mod.ts"), "mod.ts");
  assert.equal(layerOf("benches/general_relu.ts"), "benches");
  assert.equal(layerOf("src/elsewhere/x.ts"), undefined);
  assert.equal(layerOf("src/other.ts"), undefined);
  assert.equal(layerOf("tests/gpu.ts"), undefined);
  assert.ok(LAYERS.indexOf("ref") < LAYERS.indexOf("gpu"));
  assert.ok(LAYERS.indexOf("web") < LAYERS.indexOf("cli"));
});

Deno.test("inScope: sources of src/ and benches/ and mod.ts, without tests or fixtures", () => {
  assert.ok(inScope("src/nn/linear.ts"));
  assert.ok(inScope("benches/_common.ts"));
  assert.ok(inScope("mod.ts"));
  assert.ok(!inScope("src/nn/linear_test.ts"));
  assert.ok(!inScope("src/kernels/matmul.wgsl"));
  assert.ok(!inScope("src/report/testdata/results.ts"));
  assert.ok(!inScope("tests/gpu.ts"));
  assert.ok(!inScope("tools/size_budget.ts"));
});

Deno.test("cyclesOf: strongly connected components of more than one file", () => {
  const nodes = ["a", "b", "c", "d", "e", "f"];
  const edges = [
    edge("a", "b"),
    edge("b", "c"),
    edge("c", "a"),
    edge("c", "d"),
    edge("d", "d"), // a file importing itself is no cycle between files
    edge("e", "f", true),
    edge("f", "e", true),
    edge("a", "outside"),
  ];
  assert.deepEqual(cyclesOf(nodes, edges), [["a", "b", "c"], ["e", "f"]]);
  assert.deepEqual(cyclesOf(["a", "b"], [edge("a", "b")]), []);
});

Deno.test("analyze: upward imports are reported with both layers, downward ones are not", () => {
  const layers = ["low", "mid", "high"];
  const nodes = ["src/low/a.ts", "src/mid/b.ts", "src/high/c.ts", "src/high/d.ts", "src/odd/e.ts"];
  const edges = [
    edge("src/high/c.ts", "src/mid/b.ts"), // down: fine
    edge("src/mid/b.ts", "src/low/a.ts"), // down: fine
    edge("src/high/c.ts", "src/high/d.ts"), // same layer: fine
    edge("src/low/a.ts", "src/high/c.ts", true), // up
    edge("src/mid/b.ts", "src/high/d.ts"), // up
    edge("src/odd/e.ts", "src/low/a.ts"), // no layer: reported as such, not as upward
  ];
  const report = analyze(nodes, edges, layers);
  assert.deepEqual(report.upward, [
    { ...edge("src/low/a.ts", "src/high/c.ts", true), fromLayer: "low", toLayer: "high" },
    { ...edge("src/mid/b.ts", "src/high/d.ts"), fromLayer: "mid", toLayer: "high" },
  ]);
  assert.deepEqual(report.cycles, [["src/high/c.ts", "src/low/a.ts", "src/mid/b.ts"]]);
  assert.deepEqual(report.unassigned, ["src/odd/e.ts"]);
  assert.deepEqual(formatReport(report), [
    "upward: src/low/a.ts [low] → src/high/c.ts [high] (type only)",
    "upward: src/mid/b.ts [mid] → src/high/d.ts [high]",
    "cycle (3 files): src/high/c.ts, src/low/a.ts, src/mid/b.ts",
    "no layer: src/odd/e.ts",
    "import layers: 2 upward import(s), 1 cycle(s), 1 file(s) without a layer",
  ]);
  assert.deepEqual(formatReport(analyze(nodes.slice(0, 3), edges.slice(0, 2), layers)), [
    "import layers: 0 upward import(s), 0 cycle(s)",
  ]);
});

Deno.test("readGraph: a small tree on disk, one edge per imported file", () => {
  const root = mkdtempSync(join(tmpdir(), "import-layers-"));
  try {
    const files: Record<string, string> = {
      "mod.ts": `export { Rng } from "./src/util/rng.ts";\n`,
      "src/util/rng.ts": `export class Rng {}\n`,
      "src/ref/gather.ts":
        `import type { P } from "../kernels/gather.ts";\nimport { Rng } from "../util/rng.ts";\n` +
        `import type { Rng as R } from "../util/rng.ts";\n`,
      "src/kernels/gather.ts":
        `export interface P { n: number }\nimport code from "./gather.wgsl" with { type: "text" };\n`,
      "src/kernels/gather_test.ts": `import "../../mod.ts";\n`,
      "benches/claim.ts": `import { Rng } from "../mod.ts";\n`,
      "tools/other.ts": `import "../src/cli/x.ts";\n`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const { nodes, edges } = readGraph(root);
    assert.deepEqual(nodes, [
      "benches/claim.ts",
      "mod.ts",
      "src/kernels/gather.ts",
      "src/ref/gather.ts",
      "src/util/rng.ts",
    ]);
    assert.deepEqual(
      edges.map((e) => `${e.from} → ${e.to}${e.typeOnly ? " (type)" : ""}`).sort(),
      [
        "benches/claim.ts → mod.ts",
        "mod.ts → src/util/rng.ts",
        "src/ref/gather.ts → src/kernels/gather.ts (type)",
        "src/ref/gather.ts → src/util/rng.ts",
      ],
    );
    assert.deepEqual(formatReport(analyze(nodes, edges)), [
      "upward: src/ref/gather.ts [ref] → src/kernels/gather.ts [kernels] (type only)",
      "import layers: 1 upward import(s), 0 cycle(s)",
    ]);
  } finally {
    rmSync(root, { recursive: true });
  }
});
