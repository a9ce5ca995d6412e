// Arithmetic-peak probe for `deno task perf`: each invocation runs `iters` rounds of 8 independent
// vec4 chains a ← fma(a, m, c) on registers (no memory traffic inside the loop, enough independent
// chains to hide FMA latency) and writes the sum of its 32 lanes, so no round can be optimised
// away. FLOPs = count · iters · 8 chains · 4 lanes · 2. With m < 1 the chains contract towards
// c / (1 − m): values stay finite and rounding errors do not grow. The rounds run 8 per loop trip
// (then the rest one by one), so the loop's own cost stays small beside the arithmetic.

override WG: u32 = 256; // invocations per workgroup

struct Params {
  count: u32, // invocations that write
  iters: u32, // rounds per invocation
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>; // [count]

// The 8 independent chains of one invocation.
struct Chains {
  a0: vec4<f32>,
  a1: vec4<f32>,
  a2: vec4<f32>,
  a3: vec4<f32>,
  a4: vec4<f32>,
  a5: vec4<f32>,
  a6: vec4<f32>,
  a7: vec4<f32>,
}

// One round: a ← fma(a, m, c) on every chain, with m = 1 − 2⁻¹⁰ and c = 2⁻¹⁰ (exact in f32; the
// fixed point is 1).
fn one_round(s: Chains) -> Chains {
  let m = vec4<f32>(0.9990234375);
  let c = vec4<f32>(0.0009765625);
  return Chains(
    fma(s.a0, m, c),
    fma(s.a1, m, c),
    fma(s.a2, m, c),
    fma(s.a3, m, c),
    fma(s.a4, m, c),
    fma(s.a5, m, c),
    fma(s.a6, m, c),
    fma(s.a7, m, c),
  );
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) {
    return;
  }
  // Start values differ per invocation and lane: x = (i mod 97) / 97 + lane / 8.
  let x = f32(i % 97u) / 97.0;
  let lanes = vec4<f32>(0.0, 0.125, 0.25, 0.375);
  let a0 = vec4<f32>(x) + lanes;
  var s = Chains(
    a0,
    a0 + vec4<f32>(0.5),
    a0 + vec4<f32>(1.0),
    a0 + vec4<f32>(1.5),
    a0 + vec4<f32>(2.0),
    a0 + vec4<f32>(2.5),
    a0 + vec4<f32>(3.0),
    a0 + vec4<f32>(3.5),
  );
  // Eight rounds per loop trip: lavapipe spends about as long on one trip's loop bookkeeping as
  // on 32 FMAs, so a one-round loop measures the loop, not the arithmetic (about half the rate).
  var k = 0u;
  for (; k + 8u <= p.iters; k += 8u) {
    s = one_round(one_round(one_round(one_round(one_round(one_round(one_round(one_round(s))))))));
  }
  for (; k < p.iters; k++) {
    s = one_round(s);
  }
  let t = ((s.a0 + s.a1) + (s.a2 + s.a3)) + ((s.a4 + s.a5) + (s.a6 + s.a7));
  out[i] = (t.x + t.y) + (t.z + t.w);
}
