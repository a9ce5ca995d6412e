// C[M, N] = A[M, K] · B[K, N], row-major f32: the adapter's matmul ceiling for `deno task perf`.
// Register-blocked without workgroup memory (lavapipe makes barriers expensive): each invocation
// owns 4 rows × 8 columns of C as two vec4 accumulators per row.
//   main_vec4: M % 4 == 0, N % 8 == 0, K % 4 == 0; A read as vec4 along K, B and C as vec4.
//   main:      any sizes, scalar loads with bounds checks.

override WG: u32 = 128; // invocations per workgroup

struct Params {
  M: u32,
  N: u32,
  K: u32,
  col_blocks: u32, // ceil(N / 8)
}

@group(0) @binding(0) var<storage, read> a: array<f32>;        // [M, K]
@group(0) @binding(1) var<storage, read> b: array<f32>;        // [K, N]
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;  // [M, N]

fn load_b4(k: u32, n: u32) -> vec4<f32> {
  let base = k * p.N + n;
  if (n + 3u < p.N) {
    return vec4<f32>(b[base], b[base + 1u], b[base + 2u], b[base + 3u]);
  }
  var v = vec4<f32>(0.0);
  for (var j = 0u; j < 4u; j++) {
    if (n + j < p.N) { v[j] = b[base + j]; }
  }
  return v;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * WG;
  let row_blocks = (p.M + 3u) / 4u;
  if (id >= row_blocks * p.col_blocks) {
    return;
  }
  let m0 = (id / p.col_blocks) * 4u;
  let n0 = (id % p.col_blocks) * 8u;
  var acc: array<array<vec4<f32>, 2>, 4>;
  for (var k = 0u; k < p.K; k++) {
    let b0 = load_b4(k, n0);
    let b1 = load_b4(k, n0 + 4u);
    for (var r = 0u; r < 4u; r++) {
      let m = min(m0 + r, p.M - 1u); // rows past M compute a duplicate and are not stored
      let av = a[m * p.K + k];
      acc[r][0] += av * b0;
      acc[r][1] += av * b1;
    }
  }
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + r;
    if (m >= p.M) { break; }
    for (var j = 0u; j < 8u; j++) {
      let n = n0 + j;
      if (n < p.N) { c[m * p.N + n] = acc[r][j / 4u][j % 4u]; }
    }
  }
}
