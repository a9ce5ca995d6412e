// Arithmetic-peak probe for `deno task perf`: each invocation runs `iters` rounds of 8 independent
// vec4 chains a ← fma(a, m, c) on registers (no memory traffic inside the loop, enough independent
// chains to hide FMA latency) and writes the sum of its 32 lanes, so no round can be optimised
// away. FLOPs = count · iters · 8 chains · 4 lanes · 2. With m < 1 the chains contract towards
// c / (1 − m): values stay finite and rounding errors do not grow.

override WG: u32 = 256; // invocations per workgroup

struct Params {
  count: u32, // invocations that write
  iters: u32, // rounds per invocation
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>; // [count]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.count) {
    return;
  }
  // Start values differ per invocation and lane: x = (i mod 97) / 97 + lane / 8.
  let x = f32(i % 97u) / 97.0;
  let lanes = vec4<f32>(0.0, 0.125, 0.25, 0.375);
  var a0 = vec4<f32>(x) + lanes;
  var a1 = a0 + vec4<f32>(0.5);
  var a2 = a0 + vec4<f32>(1.0);
  var a3 = a0 + vec4<f32>(1.5);
  var a4 = a0 + vec4<f32>(2.0);
  var a5 = a0 + vec4<f32>(2.5);
  var a6 = a0 + vec4<f32>(3.0);
  var a7 = a0 + vec4<f32>(3.5);
  let m = vec4<f32>(0.9990234375); // 1 − 2⁻¹⁰: exact in f32
  let c = vec4<f32>(0.0009765625); // 2⁻¹⁰: the fixed point is 1
  for (var k = 0u; k < p.iters; k++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
    a4 = fma(a4, m, c);
    a5 = fma(a5, m, c);
    a6 = fma(a6, m, c);
    a7 = fma(a7, m, c);
  }
  let s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  out[i] = (s.x + s.y) + (s.z + s.w);
}
