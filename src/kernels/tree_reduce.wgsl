// The one in-workgroup reduction of the kernels: a FAN-ary tree in a fixed order, so a sum or a
// merge of summaries comes out the same bits on every run. Included with
// `// #include "tree_reduce.wgsl"` (src/kernels/wgsl_include.ts). The including kernel declares
// `alias Part = …;` (what is reduced), `fn combine(a: Part, b: Part) -> Part` (associative up to
// rounding: the order below is the one used) and the overrides WG and FAN.

var<workgroup> part: array<Part, WG>; // one per invocation, then one per subtree

/**
 * Combines every invocation's `mine` into part[0] and returns it to all of them. Call it from
 * uniform control flow; write `part` again only after another barrier.
 */
fn tree_reduce(j: u32, mine: Part) -> Part {
  part[j] = mine;
  workgroupBarrier();
  for (var s = 1u; s < WG; s *= FAN) {
    if (j % (s * FAN) == 0u) {
      var a = part[j];
      for (var q = 1u; q < FAN && j + q * s < WG; q++) {
        a = combine(a, part[j + q * s]);
      }
      part[j] = a;
    }
    workgroupBarrier();
  }
  return part[0];
}
