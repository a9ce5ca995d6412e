// The lesson's LayerNorm forward, one workgroup per item n (over its D = C·H·W values):
//   mean, var = Σ(x − mean)² / (D − 1) (unbiased), rstd = 1/√(var + eps),
//   y = (x − mean)·rstd·mult + add with ONE scalar mult and add for every item and element.
// Invocation j takes values j, j + WG, …: a mean, then the centred sum of squares around it (no
// cancellation); the WG summaries merge with Chan's formula in a fixed tree of fan-in FAN (few
// barriers: lavapipe makes each one expensive). The item's values are still in cache for y.
// main4 does the same on vec4s when D is a multiple of 4 (vector loads: ~2x on lavapipe).

override WG: u32 = 256; // invocations per workgroup
override FAN: u32 = 16; // fan-in of the merge tree

struct Params {
  N: u32,
  D: u32, // C·H·W values per item
  eps: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [N, C, H, W]
@group(0) @binding(2) var<storage, read> mult: array<f32>; // [1]
@group(0) @binding(3) var<storage, read> add: array<f32>; // [1]
@group(0) @binding(4) var<storage, read_write> y: array<f32>; // [N, C, H, W]
@group(0) @binding(5) var<storage, read_write> mean: array<f32>; // [N]
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>; // [N]
// The same bindings as vec4s, for main4.
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [N·D / 4]
@group(0) @binding(4) var<storage, read_write> y4: array<vec4<f32>>; // [N·D / 4]

// #include "moments_merge.wgsl"

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
  var count = 0u;
  var sum = 0.0;
  for (var i = j; i < D; i += WG) {
    sum += x[base + i];
    count++;
  }
  let m = sum / max(f32(count), 1.0);
  var m2 = 0.0;
  for (var i = j; i < D; i += WG) {
    let d = x[base + i] - m;
    m2 += d * d;
  }
  let total = tree_reduce(j, vec3<f32>(f32(count), m, m2));
  let r = 1.0 / sqrt(total.z / f32(D - 1u) + params.eps);
  if (j == 0u) {
    mean[n] = total.y;
    rstd[n] = r;
  }
  let scale = r * mult[0];
  let shift = add[0];
  for (var i = j; i < D; i += WG) {
    y[base + i] = (x[base + i] - total.y) * scale + shift;
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
  var count = 0u;
  var sum = vec4<f32>(0.0);
  for (var i = j; i < D4; i += WG) {
    sum += x4[base + i];
    count += 4u;
  }
  let m = (sum.x + sum.y + sum.z + sum.w) / max(f32(count), 1.0);
  var m2 = vec4<f32>(0.0);
  for (var i = j; i < D4; i += WG) {
    let d = x4[base + i] - m;
    m2 += d * d;
  }
  let total = tree_reduce(j, vec3<f32>(f32(count), m, m2.x + m2.y + m2.z + m2.w));
  let r = 1.0 / sqrt(total.z / f32(D - 1u) + params.eps);
  if (j == 0u) {
    mean[n] = total.y;
    rstd[n] = r;
  }
  let scale = r * mult[0];
  let shift = add[0];
  for (var i = j; i < D4; i += WG) {
    y4[base + i] = (x4[base + i] - total.y) * scale + shift;
  }
}
