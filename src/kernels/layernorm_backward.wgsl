// The lesson's LayerNorm backward, pass 1 of 2, one workgroup per item n (D = C·H·W values).
// With g = dy·mult, through the mean and the unbiased variance:
//   dx = rstd·(g − mean(g)) − (x − mean)·rstd³·Σ(g·(x − mean)) / (D − 1)
// Needs the item's Σdy and Σdy·(x − mean) (fixed tree of fan-in FAN over invocation partials);
// also writes them, as (Σdy, Σdy·xhat), for pass 2's parameter gradients. main4 does the same
// on vec4s when D is a multiple of 4.

override WG: u32 = 256; // invocations per workgroup
override FAN: u32 = 16; // fan-in of the sum tree

struct Params {
  N: u32,
  D: u32, // C·H·W values per item
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [N, C, H, W]
@group(0) @binding(2) var<storage, read> dy: array<f32>; // [N, C, H, W]
@group(0) @binding(3) var<storage, read> mult: array<f32>; // [1]
@group(0) @binding(4) var<storage, read> mean: array<f32>; // [N] the forward's
@group(0) @binding(5) var<storage, read> rstd: array<f32>; // [N] the forward's
@group(0) @binding(6) var<storage, read_write> dx: array<f32>; // [N, C, H, W]
@group(0) @binding(7) var<storage, read_write> partials: array<f32>; // [N, 2] Σdy, Σdy·xhat
// The same bindings as vec4s, for main4.
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [N·D / 4]
@group(0) @binding(2) var<storage, read> dy4: array<vec4<f32>>; // [N·D / 4]
@group(0) @binding(6) var<storage, read_write> dx4: array<vec4<f32>>; // [N·D / 4]

// #include "pair_sum.wgsl"

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let n = wid.x + wid.y * groups.x;
  if (n >= params.N) {
    return; // uniform per workgroup: barriers below stay in uniform control flow
  }
  let D = params.D;
  let base = n * D;
  let m = mean[n];
  var acc = vec2<f32>(0.0);
  for (var i = j; i < D; i += WG) {
    let d = dy[base + i];
    acc += vec2<f32>(d, d * (x[base + i] - m));
  }
  let sums = tree_reduce(j, acc); // Σdy, Σdy·(x − mean)
  let r = rstd[n];
  let w = mult[0];
  if (j == 0u) {
    partials[2u * n] = sums.x;
    partials[2u * n + 1u] = sums.y * r;
  }
  let mean_g = w * sums.x / f32(D);
  let k = r * r * r * w * sums.y / f32(D - 1u);
  for (var i = j; i < D; i += WG) {
    dx[base + i] = r * (w * dy[base + i] - mean_g) - (x[base + i] - m) * k;
  }
}

@compute @workgroup_size(WG)
fn main4(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let n = wid.x + wid.y * groups.x;
  if (n >= params.N) {
    return; // uniform per workgroup: barriers below stay in uniform control flow
  }
  let D = params.D;
  let D4 = D / 4u;
  let base = n * D4;
  let m = mean[n];
  var sdy = vec4<f32>(0.0);
  var sdyx = vec4<f32>(0.0);
  for (var i = j; i < D4; i += WG) {
    let d = dy4[base + i];
    sdy += d;
    sdyx += d * (x4[base + i] - m);
  }
  let h = vec2<f32>(sdy.x + sdy.y + sdy.z + sdy.w, sdyx.x + sdyx.y + sdyx.z + sdyx.w);
  let sums = tree_reduce(j, h); // Σdy, Σdy·(x − mean)
  let r = rstd[n];
  let w = mult[0];
  if (j == 0u) {
    partials[2u * n] = sums.x;
    partials[2u * n + 1u] = sums.y * r;
  }
  let mean_g = w * sums.x / f32(D);
  let k = r * r * r * w * sums.y / f32(D - 1u);
  for (var i = j; i < D4; i += WG) {
    dx4[base + i] = r * (w * dy4[base + i] - mean_g) - (x4[base + i] - m) * k;
  }
}
