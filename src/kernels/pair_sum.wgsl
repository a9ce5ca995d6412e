// Two running sums per invocation added in the fixed tree of tree_reduce.wgsl, for the kernels
// that reduce pairs of partial sums (batchnorm_backward_stats, cross_entropy_reduce, the
// layernorm backward kernels). Included with `// #include "pair_sum.wgsl"`; the including kernel
// declares the overrides WG and FAN.

// #include "tree_reduce.wgsl"

alias Part = vec2<f32>;

fn combine(a: Part, b: Part) -> Part {
  return a + b;
}
