// BatchNorm2d forward, pass 3 of 3: y = (x − mean[c]) · (rstd[c] · mults[c]) + adds[c].
// Each workgroup covers WG·PER consecutive elements; invocation j handles j, j + WG, … of them
// and tracks its channel incrementally (one division per invocation, not per element: integer
// division is slow on CPU adapters). main4 does the same on vec4s (count a multiple of 4, H·W ≥ 3
// so a vec4 spans at most two channels): one vector load instead of four, ~2x on lavapipe.
// With act_flags set, the following GeneralReLU is applied before the store (general_relu_fn.wgsl,
// included below): one pass over the activations instead of two.

// #include "general_relu_fn.wgsl"
// #include "batchnorm_walk.wgsl"

override WG: u32 = 256; // invocations per workgroup
override PER: u32 = 4; // elements per invocation

struct Params {
  count: u32, // N·C·H·W
  C: u32,
  HW: u32, // H·W
  aligned: u32, // H·W % 4 == 0: a vec4 never straddles two channels
  act_flags: u32, // the fused activation (an Act); 0: none
  act_leak: f32,
  act_sub: f32,
  act_maxv: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [N, C, H, W]
@group(0) @binding(2) var<storage, read> mean: array<f32>; // [C]
@group(0) @binding(3) var<storage, read> rstd: array<f32>; // [C]
@group(0) @binding(4) var<storage, read> mults: array<f32>; // [C]
@group(0) @binding(5) var<storage, read> adds: array<f32>; // [C]
@group(0) @binding(6) var<storage, read_write> y: array<f32>; // [N, C, H, W]
// The same bindings as vec4s, for main4.
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [N·C·H·W / 4]
@group(0) @binding(6) var<storage, read_write> y4: array<vec4<f32>>; // [N·C·H·W / 4]

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
  let a = fused_act();
  for (var k = 0u; k < PER; k++) {
    if (i >= params.count) {
      return;
    }
    let c = at.c;
    y[i] = act_forward(a, (x[i] - mean[c]) * (rstd[c] * mults[c]) + adds[c]);
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
  let a = fused_act();
  for (var k = 0u; k < PER; k++) {
    if (e >= count4) {
      return;
    }
    let c = at.c;
    // Components past the end of the row belong to the next channel.
    var m = vec4<f32>(mean[c]);
    var scale = vec4<f32>(rstd[c] * mults[c]);
    var shift = vec4<f32>(adds[c]);
    if (params.aligned == 0u) {
      let c1 = select(c + 1u, 0u, c + 1u == params.C);
      let next = vec4<u32>(at.hw) + vec4<u32>(0u, 1u, 2u, 3u) >= vec4<u32>(params.HW);
      m = select(m, vec4<f32>(mean[c1]), next);
      scale = select(scale, vec4<f32>(rstd[c1] * mults[c1]), next);
      shift = select(shift, vec4<f32>(adds[c1]), next);
    }
    y4[e] = act_forward4(a, (x4[e] - m) * scale + shift);
    e += WG;
    cursor_step(&at);
  }
}

// chan4: the same per-element formula as main4 for H·W % 4 == 0, with workgroup (g, c) covering
// vec4s g·WG·PER … of channel c only (batchnorm_walk.wgsl's ChanWalk,
// walked without division as in batchnorm_stats.wgsl). The channel's mean, scale and shift are then the same for every lane,
// so lavapipe loads them once instead of per lane and per element as main4 must.
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
  let a = fused_act();
  let mu = vec4<f32>(mean[c]);
  let scale = vec4<f32>(rstd[c] * mults[c]);
  let shift = vec4<f32>(adds[c]);
  for (var k = 0u; k < PER; k++) {
    if (m >= M4) {
      return;
    }
    let e = chan_walk_index(w, c);
    y4[e] = act_forward4(a, (x4[e] - mu) * scale + shift);
    m += WG;
    chan_walk_step(&w);
  }
}
