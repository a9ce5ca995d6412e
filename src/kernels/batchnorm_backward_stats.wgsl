// BatchNorm2d backward, pass 1 of 3: per-channel sums of chunks, laid out as in
// batchnorm_stats.wgsl (workgroup (g, c) covers chunk g of channel c, invocation j takes values
// j, j + WG, …). Sums Σdy and Σdy·(x − mean) (rstd is applied once, in pass 2), then adds the
// WG partial sums in a fixed tree of fan-in FAN. main4: the same on vec4s when H·W is a multiple
// of 4 (HW, M in vec4 units, as in batchnorm_stats.wgsl).
// With act_flags set, dy is the gradient of a fused GeneralReLU's output: each value's own
// gradient dz = dy·act'(z) is taken first, z = (x − mean)·(rstd·mults) + adds recomputed exactly
// as the forward computed it (general_relu_fn.wgsl, included below).

// #include "general_relu_fn.wgsl"

override WG: u32 = 256; // invocations per workgroup
override PER: u32 = 16; // values per invocation per chunk
override FAN: u32 = 16; // fan-in of the in-workgroup sum tree

struct Params {
  N: u32,
  C: u32,
  HW: u32, // H·W (main4: H·W / 4)
  M: u32, // N·H·W values per channel (main4: N·H·W / 4)
  G: u32, // chunks per channel = ceil(M / (WG·PER))
  act_flags: u32, // the fused activation (an Act); 0: none
  act_leak: f32,
  act_sub: f32,
  act_maxv: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [N, C, H, W]
@group(0) @binding(2) var<storage, read> dy: array<f32>; // [N, C, H, W]
@group(0) @binding(3) var<storage, read> mean: array<f32>; // [C] the forward's
@group(0) @binding(4) var<storage, read_write> partials: array<f32>; // [C, G, 2] Σdy, Σdy·(x − mean)
@group(0) @binding(5) var<storage, read> rstd: array<f32>; // [C] the forward's (for z)
@group(0) @binding(6) var<storage, read> mults: array<f32>; // [C]
@group(0) @binding(7) var<storage, read> adds: array<f32>; // [C]

// The same bindings as vec4s, for main4.
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [N·C·H·W / 4]
@group(0) @binding(2) var<storage, read> dy4: array<vec4<f32>>; // [N·C·H·W / 4]

// #include "pair_sum.wgsl"

/** Adds the invocations' sums in a fixed tree; invocation 0 writes the chunk's. */
fn sum_and_write(j: u32, g: u32, c: u32, mine: vec2<f32>) {
  let total = tree_reduce(j, mine);
  if (j == 0u) {
    let at = (c * params.G + g) * 2u;
    partials[at] = total.x;
    partials[at + 1u] = total.y;
  }
}

/** This invocation's number of values (vec4s for main4): PER, fewer in the last chunk. */
fn own_count(start: u32) -> u32 {
  if (start >= params.M) {
    return 0u;
  }
  return min(PER, (params.M - start + WG - 1u) / WG);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let g = wid.x;
  let c = wid.y;
  if (g >= params.G || c >= params.C) {
    return; // uniform per workgroup: barriers below stay in uniform control flow
  }
  let start = g * WG * PER + j;
  let step_n = WG / params.HW;
  let step_hw = WG - step_n * params.HW;
  let count = own_count(start);
  var n = start / params.HW;
  var hw = start - n * params.HW;
  let m = mean[c];
  let a = Act(params.act_flags, params.act_leak, params.act_sub, params.act_maxv);
  let scale = rstd[c] * mults[c];
  let shift = adds[c];
  var acc = vec2<f32>(0.0);
  for (var k = 0u; k < count; k++) {
    let at = (n * params.C + c) * params.HW + hw;
    let xm = x[at] - m;
    let d = act_backward(a, xm * scale + shift, dy[at]);
    acc += vec2<f32>(d, d * xm);
    hw += step_hw;
    n += step_n;
    if (hw >= params.HW) {
      hw -= params.HW;
      n += 1u;
    }
  }
  sum_and_write(j, g, c, acc);
}

@compute @workgroup_size(WG)
fn main4(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  let g = wid.x;
  let c = wid.y;
  if (g >= params.G || c >= params.C) {
    return; // uniform per workgroup: barriers below stay in uniform control flow
  }
  let start = g * WG * PER + j;
  let step_n = WG / params.HW;
  let step_hw = WG - step_n * params.HW;
  let count = own_count(start);
  var n = start / params.HW;
  var hw = start - n * params.HW;
  let m = mean[c];
  let a = Act(params.act_flags, params.act_leak, params.act_sub, params.act_maxv);
  let scale = vec4<f32>(rstd[c] * mults[c]);
  let shift = vec4<f32>(adds[c]);
  var sdy = vec4<f32>(0.0);
  var sdyx = vec4<f32>(0.0);
  for (var k = 0u; k < count; k++) {
    let at = (n * params.C + c) * params.HW + hw;
    let xm = x4[at] - m;
    let d = act_backward4(a, xm * scale + shift, dy4[at]);
    sdy += d;
    sdyx += d * xm;
    hw += step_hw;
    n += step_n;
    if (hw >= params.HW) {
      hw -= params.HW;
      n += 1u;
    }
  }
  sum_and_write(j, g, c, vec2<f32>(sdy.x + sdy.y + sdy.z + sdy.w, sdyx.x + sdyx.y + sdyx.z + sdyx.w));
}
