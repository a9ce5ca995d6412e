// BatchNorm2d backward, pass 3 of 3: dx, elementwise (layout and channel tracking as in
// batchnorm_apply.wgsl). With k = mults[c]·rstd[c] and xhat = (x − mean[c])·rstd[c]:
//   through_stats ("standard" training): dx = k·(dy − (Σdy + xhat·Σdy·xhat) / M)
//   otherwise ("lesson" training, eval):  dx = k·dy
// main4: the same on vec4s (count a multiple of 4, H·W ≥ 3), as in batchnorm_apply.wgsl.
// With act_flags set, dy is the gradient of a fused GeneralReLU's output and is first replaced
// by dz = dy·act'(z), z = (x − mean)·(rstd·mults) + adds recomputed as the forward computed it
// (general_relu_fn.wgsl, included below).

// #include "general_relu_fn.wgsl"
// #include "batchnorm_walk.wgsl"

override WG: u32 = 256; // invocations per workgroup
override PER: u32 = 4; // elements per invocation

struct Params {
  count: u32, // N·C·H·W
  C: u32,
  HW: u32, // H·W
  M: u32, // N·H·W
  through_stats: u32, // 1: gradient through the batch mean and variance
  aligned: u32, // H·W % 4 == 0: a vec4 never straddles two channels
  act_flags: u32, // the fused activation (an Act); 0: none
  act_leak: f32,
  act_sub: f32,
  act_maxv: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [N, C, H, W]
@group(0) @binding(2) var<storage, read> dy: array<f32>; // [N, C, H, W]
@group(0) @binding(3) var<storage, read> mean: array<f32>; // [C]
@group(0) @binding(4) var<storage, read> rstd: array<f32>; // [C]
@group(0) @binding(5) var<storage, read> mults: array<f32>; // [C]
@group(0) @binding(6) var<storage, read> sums: array<f32>; // [C, 2] Σdy, Σdy·xhat
@group(0) @binding(7) var<storage, read_write> dx: array<f32>; // [N, C, H, W]
@group(0) @binding(8) var<storage, read> adds: array<f32>; // [C] (for z)
// The same bindings as vec4s, for main4.
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [N·C·H·W / 4]
@group(0) @binding(2) var<storage, read> dy4: array<vec4<f32>>; // [N·C·H·W / 4]
@group(0) @binding(7) var<storage, read_write> dx4: array<vec4<f32>>; // [N·C·H·W / 4]

/** Channel c's (mean, rstd, mults·rstd, Σdy, Σdy·xhat, adds). */
struct Chan {
  m: f32,
  r: f32,
  k: f32,
  s0: f32,
  s1: f32,
  b: f32,
}

fn chan_of(c: u32) -> Chan {
  return Chan(mean[c], rstd[c], mults[c] * rstd[c], sums[2u * c], sums[2u * c + 1u], adds[c]);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  var i = (wid.x + wid.y * groups.x) * WG * PER + j;
  if (i >= params.count) {
    return;
  }
  var at = cursor_at(i, WG);
  let through = params.through_stats != 0u;
  let inv_m = 1.0 / f32(params.M);
  let a = fused_act();
  for (var k = 0u; k < PER; k++) {
    if (i >= params.count) {
      return;
    }
    let c = at.c;
    let r = rstd[c];
    var g = dy[i];
    if ((a.flags & ACT_ON) != 0u) {
      g = act_backward(a, (x[i] - mean[c]) * (r * mults[c]) + adds[c], g);
    }
    if (through) {
      let xhat = (x[i] - mean[c]) * r;
      g -= (sums[2u * c] + xhat * sums[2u * c + 1u]) * inv_m;
    }
    dx[i] = mults[c] * r * g;
    i += WG;
    cursor_step(&at);
  }
}

@compute @workgroup_size(WG)
fn main4(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  var e = (wid.x + wid.y * groups.x) * WG * PER + j; // vec4 index: elements 4e … 4e + 3
  let count4 = params.count / 4u;
  if (e >= count4) {
    return;
  }
  var at = cursor_at(4u * e, 4u * WG);
  let through = params.through_stats != 0u;
  let inv_m = 1.0 / f32(params.M);
  let act = fused_act();
  for (var k = 0u; k < PER; k++) {
    if (e >= count4) {
      return;
    }
    let c = at.c;
    // Components past the end of the row belong to the next channel.
    let a = chan_of(c);
    var m = vec4<f32>(a.m);
    var r = vec4<f32>(a.r);
    var kk = vec4<f32>(a.k);
    var s0 = vec4<f32>(a.s0);
    var s1 = vec4<f32>(a.s1);
    var sh = vec4<f32>(a.b);
    if (params.aligned == 0u) {
      let b = chan_of(select(c + 1u, 0u, c + 1u == params.C));
      let next = vec4<u32>(at.hw) + vec4<u32>(0u, 1u, 2u, 3u) >= vec4<u32>(params.HW);
      m = select(m, vec4<f32>(b.m), next);
      r = select(r, vec4<f32>(b.r), next);
      kk = select(kk, vec4<f32>(b.k), next);
      s0 = select(s0, vec4<f32>(b.s0), next);
      s1 = select(s1, vec4<f32>(b.s1), next);
      sh = select(sh, vec4<f32>(b.b), next);
    }
    var g = dy4[e];
    if ((act.flags & ACT_ON) != 0u) {
      g = act_backward4(act, (x4[e] - m) * kk + sh, g);
    }
    if (through) {
      let xhat = (x4[e] - m) * r;
      g -= (s0 + xhat * s1) * inv_m;
    }
    dx4[e] = kk * g;
    e += WG;
    cursor_step(&at);
  }
}

// chan4: the same per-element formula as main4 for H·W % 4 == 0, with workgroup (g, c) covering
// vec4s g·WG·PER … of channel c only (walked as in batchnorm_apply.wgsl's chan4), so the
// channel's constants are loaded once for all lanes instead of per lane and per element.
@compute @workgroup_size(WG)
fn chan4(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let c = wid.y;
  let M4 = params.count / 4u / params.C;
  var m = wid.x * WG * PER + j;
  if (m >= M4 || c >= params.C) {
    return;
  }
  var w = chan_walk_at(m);
  let through = params.through_stats != 0u;
  let inv_m = 1.0 / f32(params.M);
  let act = fused_act();
  let a = chan_of(c);
  let mu = vec4<f32>(a.m);
  let r = vec4<f32>(a.r);
  let kk = vec4<f32>(a.k);
  let s0 = vec4<f32>(a.s0);
  let s1 = vec4<f32>(a.s1);
  let sh = vec4<f32>(a.b);
  for (var k = 0u; k < PER; k++) {
    if (m >= M4) {
      return;
    }
    let e = chan_walk_index(w, c);
    var g = dy4[e];
    if ((act.flags & ACT_ON) != 0u) {
      g = act_backward4(act, (x4[e] - mu) * kk + sh, g);
    }
    if (through) {
      let xhat = (x4[e] - mu) * r;
      g -= (s0 + xhat * s1) * inv_m;
    }
    dx4[e] = kk * g;
    m += WG;
    chan_walk_step(&w);
  }
}
