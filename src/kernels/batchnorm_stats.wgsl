// BatchNorm2d training forward, pass 1 of 3: per-channel statistics of chunks.
// Channel c's M = N·H·W values (index m = n·HW + hw ↦ x[n, c, hw]) are cut into G chunks of
// T = WG·PER values; workgroup (g, c) summarises chunk g as (mean, M2 = Σ(x − mean)²).
// Invocation j takes chunk values j, j + WG, …: a mean, then the centred sum of squares around
// it (a second pass over values still in cache), so nothing cancels. The WG partial summaries are
// merged with Chan et al.'s formula in a fixed tree of fan-in FAN (a few barriers; lavapipe
// makes each one expensive). Pass 2 (batchnorm_finalize.wgsl) merges the G chunks in order.
// main4 does the same on vec4s when H·W is a multiple of 4: the launcher then passes HW, M in
// vec4 units, and a chunk holds 4·WG·PER values (vector loads: ~2x on lavapipe).

override WG: u32 = 256; // invocations per workgroup
override PER: u32 = 16; // values per invocation per chunk
override FAN: u32 = 16; // fan-in of the in-workgroup merge tree

struct Params {
  N: u32,
  C: u32,
  HW: u32, // H·W (main4: H·W / 4)
  M: u32, // N·H·W values per channel (main4: N·H·W / 4)
  G: u32, // chunks per channel = ceil(M / (WG·PER))
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [N, C, H, W]
@group(0) @binding(2) var<storage, read_write> partials: array<f32>; // [C, G, 2] (mean, M2)

// The same binding as vec4s, for main4.
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [N·C·H·W / 4]

// #include "moments_merge.wgsl"

/** Walks m = start, start + WG, … of channel c without a division per value. */
struct Walk {
  n: u32,
  hw: u32,
}

fn walk_start(m: u32) -> Walk {
  let n = m / params.HW;
  return Walk(n, m - n * params.HW);
}

fn walk_addr(w: Walk, c: u32) -> u32 {
  return (w.n * params.C + c) * params.HW + w.hw;
}

fn walk_step(w: ptr<function, Walk>, step_n: u32, step_hw: u32) {
  (*w).hw += step_hw;
  (*w).n += step_n;
  if ((*w).hw >= params.HW) {
    (*w).hw -= params.HW;
    (*w).n += 1u;
  }
}

/** Merges the invocations' summaries in a fixed tree; invocation 0 writes the chunk's. */
fn merge_and_write(j: u32, g: u32, c: u32, mine: vec3<f32>) {
  let total = tree_reduce(j, mine);
  if (j == 0u) {
    let at = (c * params.G + g) * 2u;
    partials[at] = total.y;
    partials[at + 1u] = total.z;
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
  var w = walk_start(start);
  var sum = 0.0;
  for (var k = 0u; k < count; k++) {
    sum += x[walk_addr(w, c)];
    walk_step(&w, step_n, step_hw);
  }
  let mean = sum / max(f32(count), 1.0);
  w = walk_start(start);
  var m2 = 0.0;
  for (var k = 0u; k < count; k++) {
    let d = x[walk_addr(w, c)] - mean;
    m2 += d * d;
    walk_step(&w, step_n, step_hw);
  }
  merge_and_write(j, g, c, vec3<f32>(f32(count), mean, m2));
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
  var w = walk_start(start);
  var sum = vec4<f32>(0.0);
  for (var k = 0u; k < count; k++) {
    sum += x4[walk_addr(w, c)];
    walk_step(&w, step_n, step_hw);
  }
  let mean = (sum.x + sum.y + sum.z + sum.w) / max(f32(4u * count), 1.0);
  w = walk_start(start);
  var m2 = vec4<f32>(0.0);
  for (var k = 0u; k < count; k++) {
    let d = x4[walk_addr(w, c)] - mean;
    m2 += d * d;
    walk_step(&w, step_n, step_hw);
  }
  merge_and_write(j, g, c, vec3<f32>(f32(4u * count), mean, m2.x + m2.y + m2.z + m2.w));
}
