// Second pass of the weight gradient: adds the Z chunk partials of conv2d_backward_weight.wgsl, in
// chunk order, to the accumulated gradients:
//   dw[f, r] += Σ_z part[z, f, r]   (r < R = C·K·K)
//   db[f]    += Σ_z part[z, f, R]   (when has_db)
// One invocation per (f, r) of [F, R + 1]; a fixed order, so reruns are bit-identical.

override WG: u32 = 64; // invocations per workgroup

struct Params {
  F: u32,
  R: u32, // C·K·K
  Z: u32, // chunks
  has_db: u32, // 0: db is a placeholder binding (dw again) and is not written
}

@group(0) @binding(0) var<storage, read> part: array<f32>; // [Z, F, R + 1]
@group(0) @binding(1) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>; // [F, C, K, K] = [F, R]
@group(0) @binding(3) var<storage, read_write> db: array<f32>; // [F] (or a placeholder)

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let R1 = p.R + 1u;
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.F * R1) {
    return;
  }
  let f = i / R1;
  let r = i - f * R1;
  if (r == p.R && p.has_db == 0u) {
    return;
  }
  var s = 0.0;
  let stride = p.F * R1;
  for (var z = 0u; z < p.Z; z++) {
    s += part[z * stride + i];
  }
  if (r < p.R) {
    dw[f * p.R + r] += s;
  } else {
    db[f] += s;
  }
}
