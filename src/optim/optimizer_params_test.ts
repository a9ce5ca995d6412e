/**
 * The optimizer's and the gradient scaler's uniform structs are declared once (their
 * {@link ParamBlock}s): the WGSL structs agree with them field by field, and the packed words
 * equal those the hand-written packing produced (captured before the change).
 */
import assert from "node:assert/strict";
import type { ParamBlock } from "../kernels/param_block.ts";
import type { OptimizerSpec } from "../shapes.ts";
import optimizerWgsl from "./optimizer.wgsl" with { type: "text" };
import scaleGradsWgsl from "./scale_grads.wgsl" with { type: "text" };
import {
  encodeOptimizerHyper,
  OPTIMIZER_HYPER_BYTES,
  OPTIMIZER_HYPER_PARAMS,
  resolveOptimizerSpec,
} from "./optimizer.ts";
import { SCALE_GRADS_PARAMS } from "./scale_grads.ts";

/** The members of `struct name { … }` in `src` (comments removed), as [name, type]. */
function structMembers(src: string, name: string): [string, string][] {
  const clean = src.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
  const body = clean.match(new RegExp(`struct\\s+${name}\\s*\\{([^}]*)\\}`))?.[1];
  assert.ok(body !== undefined, `struct ${name} not found`);
  return body.split(",").map((m) => m.trim()).filter((m) => m !== "").map((m) => {
    const [field, type] = m.split(":").map((x) => x.trim());
    return [field, type];
  });
}

function assertAgrees(block: ParamBlock, src: string): void {
  assert.deepEqual(
    structMembers(src, block.structName),
    block.fields.map(([n, t]) => [n, t]),
  );
  // Scalars of 4 bytes: field i at byte 4i, the struct n words long.
  block.fields.forEach(([n], i) => assert.equal(block.offsets[n], 4 * i, n));
  assert.equal(block.size, 4 * block.fields.length);
}

Deno.test("optimizer.wgsl Hyper and scale_grads.wgsl Params agree with their declarations", () => {
  assertAgrees(OPTIMIZER_HYPER_PARAMS, optimizerWgsl);
  assertAgrees(SCALE_GRADS_PARAMS, scaleGradsWgsl);
  assert.equal(OPTIMIZER_HYPER_BYTES, 48);
  // The descriptors' own WGSL text parses back to the same members.
  assertAgrees(OPTIMIZER_HYPER_PARAMS, OPTIMIZER_HYPER_PARAMS.wgsl());
});

/** [spec, step t, the words the hand-written packing gave for n4 = 12345]. */
const BEFORE: [OptimizerSpec, number, number[]][] = [
  [{ "kind": "sgd", "lr": 0.2 }, 1, [
    12345,
    1,
    1045220557,
    0,
    0,
    1065353216,
    0,
    1065353216,
    0,
    1045220557,
    1065353216,
    0,
  ]],
  [{ "kind": "sgd", "lr": 0.2 }, 7, [
    12345,
    0,
    1045220557,
    0,
    0,
    1065353216,
    0,
    1065353216,
    0,
    1045220557,
    1065353216,
    0,
  ]],
  [{ "kind": "momentum", "lr": 1.5, "mom": 0.9, "wd": 0.0001 }, 1, [
    12345,
    1,
    1069547520,
    958220626,
    1063675494,
    1036831949,
    0,
    1065353216,
    0,
    1069547520,
    1065353216,
    0,
  ]],
  [{ "kind": "momentum", "lr": 1.5, "mom": 0.9, "wd": 0.0001 }, 7, [
    12345,
    0,
    1069547520,
    958220626,
    1063675494,
    1036831949,
    0,
    1065353216,
    0,
    1069547520,
    1065353216,
    0,
  ]],
  [{ "kind": "rmsprop", "lr": 0.003 }, 1, [
    12345,
    1,
    994352038,
    0,
    0,
    1065353216,
    1065185444,
    1008981770,
    925353388,
    994352038,
    1065353216,
    0,
  ]],
  [{ "kind": "rmsprop", "lr": 0.003 }, 7, [
    12345,
    0,
    994352038,
    0,
    0,
    1065353216,
    1065185444,
    1008981770,
    925353388,
    994352038,
    1065353216,
    0,
  ]],
  [{ "kind": "adam", "lr": 0.006 }, 1, [
    12345,
    1,
    1002740646,
    0,
    1063675494,
    1036831949,
    1065185444,
    1008981770,
    925353388,
    1031127695,
    1120403456,
    0,
  ]],
  [{ "kind": "adam", "lr": 0.006 }, 7, [
    12345,
    0,
    1002740646,
    0,
    1063675494,
    1036831949,
    1065185444,
    1008981770,
    925353388,
    1010593236,
    1097565500,
    0,
  ]],
  [{ "kind": "adamw", "lr": 0.02, "wd": 1e-05, "beta1": 0.85 }, 1, [
    12345,
    1,
    1017370378,
    878100373,
    1062836634,
    1041865114,
    1065336439,
    981668463,
    841731191,
    1040746633,
    1107098482,
    0,
  ]],
  [{ "kind": "adamw", "lr": 0.02, "wd": 1e-05, "beta1": 0.85 }, 7, [
    12345,
    0,
    1017370378,
    878100373,
    1062836634,
    1041865114,
    1065336439,
    981668463,
    841731191,
    1022436693,
    1094682123,
    0,
  ]],
];

Deno.test("encodeOptimizerHyper: the same words as the hand-written packing, step 1 and 7", () => {
  for (const [spec, t, words] of BEFORE) {
    const got = new Uint32Array(encodeOptimizerHyper(resolveOptimizerSpec(spec), { t, n4: 12345 }));
    assert.deepEqual([...got], words, `${spec.kind} t=${t}`);
  }
});

Deno.test("SCALE_GRADS_PARAMS packs n4 as u32 and the factor as f32 bits", () => {
  const words = SCALE_GRADS_PARAMS.pack({ n4: 7, factor: 0.85 });
  assert.deepEqual([...words], [7, new Uint32Array(Float32Array.of(0.85).buffer)[0]]);
});
