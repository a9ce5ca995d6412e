/**
 * Each product kernel's uniform parameter block against its WGSL (issue 17): the structs used as
 * `var<uniform>` in every `.wgsl` file of src/kernels are parsed from the source and must match the
 * block declared in `params.ts` field by field (names, types, order, byte offsets per the WGSL
 * layout rules, size), every such struct must have a block, and every block a struct. Then
 * `pack()` known answers (f32 / i32 bits, padding) and its refusals.
 */
import assert from "node:assert/strict";
import { type ParamBlock, paramBlock } from "./param_block.ts";
import { CROSS_ENTROPY_ROWS_PARAMS, F32_QUIET_NAN_BITS, PARAM_BLOCK_FILES } from "./params.ts";
import actStats from "./act_stats.wgsl" with { type: "text" };
import activations from "./activations.wgsl" with { type: "text" };
import batchnormApply from "./batchnorm_apply.wgsl" with { type: "text" };
import batchnormBackwardDx from "./batchnorm_backward_dx.wgsl" with { type: "text" };
import batchnormBackwardFinalize from "./batchnorm_backward_finalize.wgsl" with { type: "text" };
import batchnormBackwardStats from "./batchnorm_backward_stats.wgsl" with { type: "text" };
import batchnormWalk from "./batchnorm_walk.wgsl" with { type: "text" };
import batchnormFinalize from "./batchnorm_finalize.wgsl" with { type: "text" };
import batchnormStats from "./batchnorm_stats.wgsl" with { type: "text" };
import conv2dBackwardInput from "./conv2d_backward_input.wgsl" with { type: "text" };
import conv2dBackwardWeight from "./conv2d_backward_weight.wgsl" with { type: "text" };
import conv2dBackwardWeightC1 from "./conv2d_backward_weight_c1.wgsl" with { type: "text" };
import conv2dRegisterBlock from "./conv2d_register_block.wgsl" with { type: "text" };
import conv2dForward from "./conv2d_forward.wgsl" with { type: "text" };
import conv2dForwardC1 from "./conv2d_forward_c1.wgsl" with { type: "text" };
import conv2dPack from "./conv2d_pack.wgsl" with { type: "text" };
import conv2dPackDout from "./conv2d_pack_dout.wgsl" with { type: "text" };
import conv2dReduce from "./conv2d_reduce.wgsl" with { type: "text" };
import crossEntropyReduce from "./cross_entropy_reduce.wgsl" with { type: "text" };
import crossEntropyRows from "./cross_entropy_rows.wgsl" with { type: "text" };
import gather from "./gather.wgsl" with { type: "text" };
import generalReluFn from "./general_relu_fn.wgsl" with { type: "text" };
import layernormBackward from "./layernorm_backward.wgsl" with { type: "text" };
import layernormBackwardReduce from "./layernorm_backward_reduce.wgsl" with { type: "text" };
import layernormForward from "./layernorm_forward.wgsl" with { type: "text" };
import momentsMerge from "./moments_merge.wgsl" with { type: "text" };
import pairSum from "./pair_sum.wgsl" with { type: "text" };
import treeReduce from "./tree_reduce.wgsl" with { type: "text" };

/** Every .wgsl file of src/kernels, by file name (the Deno-only test below checks the list). */
const WGSL: Readonly<Record<string, string>> = {
  "act_stats.wgsl": actStats,
  "activations.wgsl": activations,
  "batchnorm_apply.wgsl": batchnormApply,
  "batchnorm_backward_dx.wgsl": batchnormBackwardDx,
  "batchnorm_backward_finalize.wgsl": batchnormBackwardFinalize,
  "batchnorm_backward_stats.wgsl": batchnormBackwardStats,
  "batchnorm_finalize.wgsl": batchnormFinalize,
  "batchnorm_stats.wgsl": batchnormStats,
  "batchnorm_walk.wgsl": batchnormWalk,
  "conv2d_backward_input.wgsl": conv2dBackwardInput,
  "conv2d_backward_weight.wgsl": conv2dBackwardWeight,
  "conv2d_backward_weight_c1.wgsl": conv2dBackwardWeightC1,
  "conv2d_forward.wgsl": conv2dForward,
  "conv2d_forward_c1.wgsl": conv2dForwardC1,
  "conv2d_pack.wgsl": conv2dPack,
  "conv2d_pack_dout.wgsl": conv2dPackDout,
  "conv2d_reduce.wgsl": conv2dReduce,
  "conv2d_register_block.wgsl": conv2dRegisterBlock,
  "cross_entropy_reduce.wgsl": crossEntropyReduce,
  "cross_entropy_rows.wgsl": crossEntropyRows,
  "gather.wgsl": gather,
  "general_relu_fn.wgsl": generalReluFn,
  "layernorm_backward.wgsl": layernormBackward,
  "layernorm_backward_reduce.wgsl": layernormBackwardReduce,
  "layernorm_forward.wgsl": layernormForward,
  "moments_merge.wgsl": momentsMerge,
  "pair_sum.wgsl": pairSum,
  "tree_reduce.wgsl": treeReduce,
};

/**
 * Uniforms that are not parameter structs: the conv kernels' 64 KiB windows of packed weights
 * (written by conv2d_pack.wgsl, never by the CPU).
 */
const NON_STRUCT_UNIFORMS: Readonly<Record<string, string>> = {
  "conv2d_forward.wgsl wt": "array<vec4<f32>, 4096>",
  "conv2d_forward_c1.wgsl wt": "array<vec4<f32>, 4096>",
  "conv2d_backward_input.wgsl wt": "array<vec4<f32>, 4096>",
};

interface WgslMember {
  name: string;
  /** The type with whitespace removed, e.g. `vec4<f32>`. */
  type: string;
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, "");
}

/** Splits at commas outside angle brackets (`array<vec4<f32>, 4>` stays whole). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "<") depth++;
    else if (s[i] === ">") depth--;
    else if (s[i] === "," && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** The `struct Name { member: type, ... }` declarations of a WGSL source, members in order. */
function parseStructs(src: string): Map<string, WgslMember[]> {
  const out = new Map<string, WgslMember[]>();
  for (const m of stripComments(src).matchAll(/\bstruct\s+(\w+)\s*\{([^}]*)\}/g)) {
    out.set(
      m[1],
      splitTopLevel(m[2]).map((decl) => {
        const f = /^(\w+)\s*:\s*(.+)$/s.exec(decl);
        // Attributes (@align, @size) would move offsets: refuse rather than mis-lay.
        if (f === null) throw new Error(`struct ${m[1]}: cannot parse member "${decl}"`);
        return { name: f[1], type: f[2].replace(/\s+/g, "") };
      }),
    );
  }
  return out;
}

/** The `var<uniform> name: type;` declarations of a WGSL source. */
function parseUniforms(src: string): WgslMember[] {
  return [...stripComments(src).matchAll(/\bvar\s*<\s*uniform\s*>\s*(\w+)\s*:\s*([^;]+);/g)]
    .map((m) => ({ name: m[1], type: m[2].replace(/\s+/g, "") }));
}

/** AlignOf and SizeOf (WGSL spec, "Alignment and Size") of the member types this test knows. */
function alignSize(type: string): [number, number] {
  if (/^(u32|i32|f32)$/.test(type)) return [4, 4];
  const vec = /^vec([234])<(u32|i32|f32)>$/.exec(type);
  if (vec !== null) return vec[1] === "2" ? [8, 8] : vec[1] === "3" ? [16, 12] : [16, 16];
  throw new Error(`member type ${type}: layout not known to this test`);
}

/** Byte offsets and size of a struct's members under the WGSL layout rules. */
function wgslLayout(members: WgslMember[]): { offsets: Record<string, number>; size: number } {
  const offsets: Record<string, number> = {};
  let end = 0, align = 1;
  for (const { name, type } of members) {
    const [a, s] = alignSize(type);
    offsets[name] = Math.ceil(end / a) * a;
    end = offsets[name] + s;
    align = Math.max(align, a);
  }
  return { offsets, size: Math.ceil(end / align) * align };
}

/** How `block` differs from the WGSL struct `members` (empty when they agree). */
function blockDifferences(where: string, block: ParamBlock, members: WgslMember[]): string[] {
  const problems: string[] = [];
  const wgsl = members.map((m) => `${m.name}: ${m.type}`).join(", ");
  const ts = block.fields.map(([n, t]) => `${n}: ${t}`).join(", ");
  if (wgsl !== ts) problems.push(`${where}: WGSL fields {${wgsl}} but the block has {${ts}}`);
  const layout = wgslLayout(members);
  if (JSON.stringify(layout.offsets) !== JSON.stringify(block.offsets)) {
    problems.push(
      `${where}: WGSL offsets ${JSON.stringify(layout.offsets)}, block ${
        JSON.stringify(block.offsets)
      }`,
    );
  }
  if (layout.size !== block.size) {
    problems.push(`${where}: WGSL size ${layout.size}, block ${block.size}`);
  }
  return problems;
}

/**
 * Every disagreement between one .wgsl source and the blocks declared for it: a uniform struct
 * without a block or unlike it, a block for no uniform struct, an unlisted non-struct uniform.
 */
function fileDifferences(
  file: string,
  src: string,
  blocks: Readonly<Record<string, ParamBlock>> = PARAM_BLOCK_FILES[file] ?? {},
): string[] {
  const structs = parseStructs(src);
  const problems: string[] = [];
  const used = new Set<string>();
  for (const u of parseUniforms(src)) {
    const members = structs.get(u.type);
    if (members === undefined) {
      const listed = NON_STRUCT_UNIFORMS[`${file} ${u.name}`];
      if (listed?.replace(/\s+/g, "") !== u.type) {
        problems.push(`${file}: uniform ${u.name}: ${u.type} is neither a struct nor listed`);
      }
      continue;
    }
    used.add(u.type);
    const block = blocks[u.type];
    if (block === undefined) {
      problems.push(`${file}: uniform struct ${u.type} has no parameter block`);
      continue;
    }
    if (block.structName !== u.type) {
      problems.push(`${file}: block for ${u.type} is named ${block.structName}`);
    }
    problems.push(...blockDifferences(`${file} ${u.type}`, block, members));
  }
  for (const name of Object.keys(blocks)) {
    if (!used.has(name)) problems.push(`${file}: block ${name} matches no uniform struct`);
  }
  return problems;
}

Deno.test("param blocks: every uniform struct of every kernel has a block agreeing field by field", () => {
  const problems = Object.entries(WGSL).flatMap(([file, src]) => fileDifferences(file, src));
  for (const file of Object.keys(PARAM_BLOCK_FILES)) {
    if (!(file in WGSL)) problems.push(`params.ts lists ${file}, not a kernel file`);
  }
  assert.deepStrictEqual(problems, []);
  // What the check covers: 23 uniform structs in 22 files (the six included files have none).
  const structs = Object.values(WGSL).flatMap((src) =>
    parseUniforms(src).filter((u) => parseStructs(src).has(u.type))
  );
  assert.strictEqual(structs.length, 23);
  assert.strictEqual(Object.keys(PARAM_BLOCK_FILES).length, 22);
});

Deno.test("param blocks: the check fails for a WGSL or block change on one side only", () => {
  const src = WGSL["gather.wgsl"];
  const mutations: [string, string][] = [
    ["added field", src.replace("words: u32,", "words: u32,\n  extra: u32,")],
    ["retyped field", src.replace("mean: f32,", "mean: u32,")],
    ["renamed field", src.replace("std_dev: f32,", "stdev: f32,")],
    [
      "reordered fields",
      src.replace("start: u32,", "tmp: u32,").replace("count: u32,", "start: u32,").replace(
        "tmp: u32,",
        "count: u32,",
      ),
    ],
    [
      "new uniform struct",
      `${src}\nstruct More { a: u32 }\n@group(1) @binding(0) var<uniform> more: More;`,
    ],
    [
      "new non-struct uniform",
      `${src}\n@group(1) @binding(0) var<uniform> w: array<vec4<f32>, 16>;`,
    ],
  ];
  for (const [what, mutated] of mutations) {
    assert.notStrictEqual(mutated, src, what);
    assert.notDeepStrictEqual(fileDifferences("gather.wgsl", mutated), [], what);
  }
  assert.deepStrictEqual(fileDifferences("gather.wgsl", src), []);
  const stale = { ...PARAM_BLOCK_FILES["gather.wgsl"], Old: paramBlock("Old", [["a", "u32"]]) };
  assert.notDeepStrictEqual(fileDifferences("gather.wgsl", src, stale), []);
});

Deno.test("param blocks: wgsl() declares the struct the block packs", () => {
  for (const [file, blocks] of Object.entries(PARAM_BLOCK_FILES)) {
    for (const [name, block] of Object.entries(blocks)) {
      const parsed = parseStructs(block.wgsl());
      assert.deepStrictEqual([...parsed.keys()], [name], file);
      assert.deepStrictEqual(blockDifferences(`${file} ${name}`, block, parsed.get(name)!), []);
      assert.deepStrictEqual(parsed.get(name), parseStructs(WGSL[file]).get(name), file);
    }
  }
  assert.strictEqual(
    paramBlock("P", [["n", "u32"], ["x", "f32"]]).wgsl(),
    "struct P {\n  n: u32,\n  x: f32,\n}",
  );
});

// Deno only: the browser kernel test page (which runs this file too, and allows no ignored
// tests) bundles the WGSL imported above but cannot list a directory.
if ((Deno.build.os as string) !== "browser") {
  Deno.test("param blocks: the WGSL table lists every .wgsl file of src/kernels", async () => {
    const files: string[] = [];
    for await (const e of Deno.readDir(new URL("./", import.meta.url))) {
      if (e.isFile && e.name.endsWith(".wgsl")) files.push(e.name);
    }
    assert.deepStrictEqual(files.sort(), Object.keys(WGSL).sort());
  });
}

Deno.test("paramBlock: offsets, size and packed words (u32, i32, f32 bits)", () => {
  const b = paramBlock("T", [["a", "u32"], ["b", "i32"], ["c", "f32"], ["d", "f32"]]);
  assert.deepStrictEqual(b.offsets, { a: 0, b: 4, c: 8, d: 12 });
  assert.strictEqual(b.size, 16);
  assert.strictEqual(b.align, 4);
  assert.deepStrictEqual(
    [...b.pack({ a: 0xffffffff, b: -1, c: 1.5, d: -0 })],
    [0xffffffff, 0xffffffff, 0x3fc00000, 0x80000000],
  );
  assert.deepStrictEqual(
    [...b.pack({ a: 0, b: -(2 ** 31), c: 0.1, d: NaN })],
    [0, 0x80000000, 0x3dcccccd, 0x7fc00000],
  );
  assert.deepStrictEqual(
    [...b.pack({ d: Infinity, c: 1e-45, b: 2 ** 31 - 1, a: 7 })], // key order is irrelevant
    [7, 0x7fffffff, 1, 0x7f800000],
  );
  // Odd field counts are not padded (no 16-byte rounding for a top-level uniform struct).
  assert.strictEqual(paramBlock("One", [["n", "u32"]]).pack({ n: 3 }).length, 1);
  const ce = CROSS_ENTROPY_ROWS_PARAMS.pack({ N: 2, K: 3, flags: 1, nan_bits: F32_QUIET_NAN_BITS });
  assert.deepStrictEqual([...ce], [2, 3, 1, 0x7fc00000]);
  assert.ok(Number.isNaN(new Float32Array(ce.buffer)[3]));
});

Deno.test("paramBlock: refuses missing, unknown and out-of-type values, and bad declarations", () => {
  const b = paramBlock("T", [["n", "u32"], ["i", "i32"], ["x", "f32"]]);
  const ok = { n: 1, i: -1, x: 0.5 };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ n: 1, i: 2 }, /T: missing field\(s\) x/],
    [{ ...ok, y: 1 }, /T: unknown field\(s\) y; fields are n, i, x/],
    [{ ...ok, n: 1.5 }, /T: n = 1.5, expected an integer in \[0, 4294967295\] \(u32\)/],
    [{ ...ok, n: -1 }, /n = -1, expected an integer/],
    [{ ...ok, n: 2 ** 32 }, /n = 4294967296, expected an integer/],
    [{ ...ok, n: NaN }, /n = NaN, expected an integer/],
    [{ ...ok, i: 2 ** 31 }, /i = 2147483648, expected an integer in \[-2147483648, 2147483647\]/],
    [{ ...ok, i: 0.5 }, /i = 0.5, expected an integer/],
    [{ ...ok, x: "1" }, /x = 1, expected a number \(f32\)/],
    [{ ...ok, x: undefined }, /x = undefined, expected a number/],
  ];
  for (const [values, message] of cases) {
    assert.throws(() => b.pack(values as typeof ok), message, JSON.stringify(values));
  }
  assert.throws(() => paramBlock("D", [["a", "u32"], ["a", "f32"]]), /D: field a declared twice/);
  assert.throws(
    () => paramBlock("V", [["a", "vec4<f32>" as "f32"]]),
    /V.a: unknown type vec4<f32>/,
  );
  // @ts-expect-error: a field the block does not declare is a type error as well
  assert.throws(() => b.pack({ ...ok, z: 1 }), /unknown field/);
});
