// A workgroup's (count, mean, M2) summaries merged in the fixed tree of tree_reduce.wgsl, for the
// statistics kernels (act_stats, batchnorm_stats, layernorm_forward). Included with
// `// #include "moments_merge.wgsl"`; the including kernel declares the overrides WG and FAN.

// #include "tree_reduce.wgsl"

alias Part = vec3<f32>; // (count, mean, M2)

/** Merges two (count, mean, M2) summaries (Chan, Golub & LeVeque); empty ones are identities. */
fn chan(a: vec3<f32>, b: vec3<f32>) -> vec3<f32> {
  if (b.x == 0.0) {
    return a;
  }
  if (a.x == 0.0) {
    return b;
  }
  let n = a.x + b.x;
  let d = b.y - a.y;
  let fb = b.x / n;
  return vec3<f32>(n, a.y + d * fb, a.z + b.z + d * d * a.x * fb);
}

fn combine(a: Part, b: Part) -> Part {
  return chan(a, b);
}
