// The lesson's LayerNorm backward, pass 2 of 2, one workgroup: adds the N per-item partials of
// layernorm_backward.wgsl in a fixed order (invocation j sums items j, j + WG, …, then a tree of
// fan-in FAN) and accumulates dadd += Σdy, dmult += Σdy·xhat.

override WG: u32 = 256; // invocations per workgroup
override FAN: u32 = 16; // fan-in of the sum tree

struct Params {
  N: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>; // [N, 2] Σdy, Σdy·xhat
@group(0) @binding(2) var<storage, read_write> dmult: array<f32>; // [1] accumulated
@group(0) @binding(3) var<storage, read_write> dadd: array<f32>; // [1] accumulated

// #include "pair_sum.wgsl"

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) j: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  if (wid.x > 0u) {
    return; // one workgroup does it all (uniform per workgroup)
  }
  var acc = vec2<f32>(0.0);
  for (var n = j; n < params.N; n += WG) {
    acc += vec2<f32>(partials[2u * n], partials[2u * n + 1u]);
  }
  let total = tree_reduce(j, acc);
  if (j == 0u) {
    dadd[0] += total.x;
    dmult[0] += total.y;
  }
}
