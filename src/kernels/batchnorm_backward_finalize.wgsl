// BatchNorm2d backward, pass 2 of 3, one invocation per channel: adds the G chunk sums of
// batchnorm_backward_stats.wgsl in order, giving Σdy and Σdy·xhat = rstd·Σdy·(x − mean);
// accumulates dadds[c] += Σdy, dmults[c] += Σdy·xhat and keeps both sums for pass 3.

override WG: u32 = 64; // invocations per workgroup

struct Params {
  C: u32,
  G: u32, // chunks per channel
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>; // [C, G, 2]
@group(0) @binding(2) var<storage, read> rstd: array<f32>; // [C] the forward's
@group(0) @binding(3) var<storage, read_write> sums: array<f32>; // [C, 2] Σdy, Σdy·xhat
@group(0) @binding(4) var<storage, read_write> dmults: array<f32>; // [C] accumulated
@group(0) @binding(5) var<storage, read_write> dadds: array<f32>; // [C] accumulated

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= params.C) {
    return;
  }
  var acc = vec2<f32>(0.0);
  for (var g = 0u; g < params.G; g++) {
    let at = (c * params.G + g) * 2u;
    acc += vec2<f32>(partials[at], partials[at + 1u]);
  }
  let sum_dy_xhat = acc.y * rstd[c];
  sums[c * 2u] = acc.x;
  sums[c * 2u + 1u] = sum_dy_xhat;
  dadds[c] += acc.x;
  dmults[c] += sum_dy_xhat;
}
