// Load-cost probe for `deno task perf`: each invocation sums `iters` vec4 loads from a 64 KiB table
// (4096 vec4 slots: the most a uniform binding holds, and small enough to stay in cache), so the
// time is the loads' own cost, not memory bandwidth. Two switches pick what is measured:
// - the table is a storage buffer (activations) or, with `var<storage, read>` replaced by
//   `var<uniform>` (see load_cost.ts), a uniform buffer (the conv kernels' packed weights);
// - PER_LANE: each invocation its own addresses (a gather, like im2col reads), or one address for
//   all (like the conv kernels' weight reads).
// Slot of load k of invocation i: (i·97·PER_LANE + k·13) mod 4096.

override WG: u32 = 256; // invocations per workgroup
override PER_LANE: bool = true; // false: every invocation reads the same slots

struct Params {
  count: u32, // invocations that write
  iters: u32, // vec4 loads per invocation
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> table: array<vec4<f32>, 4096>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>; // [count]

fn slot(base: u32, k: u32) -> u32 {
  return (base + k * 13u) & 4095u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) {
    return;
  }
  let base = select(0u, i * 97u, PER_LANE);
  var s0 = vec4<f32>(0.0);
  var s1 = vec4<f32>(0.0);
  // Eight loads per loop trip (then the rest one by one): on lavapipe a loop trip costs about as
  // much as 32 FMAs, which would otherwise be counted as load cost.
  var k = 0u;
  for (; k + 8u <= p.iters; k += 8u) {
    s0 += table[slot(base, k)];
    s1 += table[slot(base, k + 1u)];
    s0 += table[slot(base, k + 2u)];
    s1 += table[slot(base, k + 3u)];
    s0 += table[slot(base, k + 4u)];
    s1 += table[slot(base, k + 5u)];
    s0 += table[slot(base, k + 6u)];
    s1 += table[slot(base, k + 7u)];
  }
  for (; k < p.iters; k++) {
    s0 += table[slot(base, k)];
  }
  let s = s0 + s1;
  out[i] = (s.x + s.y) + (s.z + s.w);
}
