// C[M, N] = A[M, K] · B[K, N] for M % 4 == 0, N % 8 == 0, K % 4 == 0 (see matmul.wgsl): the
// aligned fast path, every load and store a vec4.

override WG: u32 = 128; // invocations per workgroup

struct Params {
  M: u32,
  N: u32,
  K: u32,
  col_blocks: u32, // N / 8
}

@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;        // [M, K/4]
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;        // [K, N/4]
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;  // [M, N/4]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let id = gid.x + gid.y * groups.x * WG;
  if (id >= (p.M / 4u) * p.col_blocks) {
    return;
  }
  let k4s = p.K / 4u;
  let n4s = p.N / 4u;
  let m0 = (id / p.col_blocks) * 4u;
  let c4 = (id % p.col_blocks) * 2u; // first vec4 column of this invocation
  var acc: array<array<vec4<f32>, 2>, 4>;
  for (var k4 = 0u; k4 < k4s; k4++) {
    let a0 = a[(m0 + 0u) * k4s + k4];
    let a1 = a[(m0 + 1u) * k4s + k4];
    let a2 = a[(m0 + 2u) * k4s + k4];
    let a3 = a[(m0 + 3u) * k4s + k4];
    for (var kk = 0u; kk < 4u; kk++) {
      let row = (4u * k4 + kk) * n4s + c4;
      let b0 = b[row];
      let b1 = b[row + 1u];
      acc[0][0] += a0[kk] * b0;
      acc[0][1] += a0[kk] * b1;
      acc[1][0] += a1[kk] * b0;
      acc[1][1] += a1[kk] * b1;
      acc[2][0] += a2[kk] * b0;
      acc[2][1] += a2[kk] * b1;
      acc[3][0] += a3[kk] * b0;
      acc[3][1] += a3[kk] * b1;
    }
  }
  for (var r = 0u; r < 4u; r++) {
    c[(m0 + r) * n4s + c4] = acc[r][0];
    c[(m0 + r) * n4s + c4 + 1u] = acc[r][1];
  }
}
