import assert from "node:assert/strict";
import { WGSL_INCLUDES, withIncludes } from "./wgsl_include.ts";
import activations from "./activations.wgsl" with { type: "text" };
import actStats from "./act_stats.wgsl" with { type: "text" };
import batchnormBackwardStats from "./batchnorm_backward_stats.wgsl" with { type: "text" };

const LIBRARY = {
  "a.wgsl": "fn a() {}\n",
  "b.wgsl": '// #include "a.wgsl"\nfn b() { a(); }\n',
  "c.wgsl": '// #include "a.wgsl"\nfn c() { a(); }\n',
};

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

Deno.test("withIncludes: a directive line becomes the file's text, nested ones too", () => {
  const out = withIncludes('// #include "b.wgsl"\nfn main() { b(); }\n', LIBRARY);
  assert.equal(count(out, "fn a() {}"), 1);
  assert.equal(count(out, "fn b()"), 1);
  assert.ok(out.endsWith("fn main() { b(); }\n"));
  assert.ok(!/^\/\/ #include/m.test(out), out);
});

Deno.test("withIncludes: a file included twice (directly or through another) is inserted once", () => {
  const out = withIncludes(
    '// #include "b.wgsl"\n// #include "c.wgsl"\n// #include "a.wgsl"\n',
    LIBRARY,
  );
  assert.equal(count(out, "fn a() {}"), 1);
  assert.equal(count(out, "fn b()"), 1);
  assert.equal(count(out, "fn c()"), 1);
});

Deno.test("withIncludes: text without directives is unchanged; only whole-line directives count", () => {
  const code = 'fn f() {} // #include "a.wgsl"\n//  #include "a.wgsl"\n';
  assert.equal(withIncludes(code, LIBRARY), code);
});

Deno.test("withIncludes: an unknown name is an error naming it and the known ones", () => {
  assert.throws(
    () => withIncludes('// #include "nope.wgsl"\n', LIBRARY),
    /WGSL include "nope\.wgsl" is not a known file \(known: a\.wgsl, b\.wgsl, c\.wgsl\)/,
  );
});

Deno.test("withIncludes: the kernels' shared pieces exist once and resolve", () => {
  // GeneralReLU's math: one definition, used by the separate pass and the fused BatchNorm one.
  assert.equal(count(withIncludes(activations), "fn act_pre_clamp("), 1);
  assert.equal(count(withIncludes(batchnormBackwardStats), "fn act_pre_clamp("), 1);
  // The tree reduction: once per module, reached through pair_sum or moments_merge.
  assert.equal(count(withIncludes(batchnormBackwardStats), "fn tree_reduce("), 1);
  assert.equal(count(withIncludes(actStats), "fn tree_reduce("), 1);
  assert.equal(count(withIncludes(actStats), "fn chan("), 1);
  for (const [name, text] of Object.entries(WGSL_INCLUDES)) {
    assert.doesNotThrow(() => withIncludes(text), name);
  }
});
