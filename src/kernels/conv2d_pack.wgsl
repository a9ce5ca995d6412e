// Packs conv weights w [F, C, K, K] into uniform-buffer windows for conv2d_forward.wgsl (rows are
// filters, the reduction is (c, ky, kx)) and conv2d_backward_input.wgsl (rows are channels, the
// reduction is (f, ky, kx)): element `red` of row `row` is
//   w[row·row_stride + (red / KK)·outer_stride + red % KK],
// stored as vec4 over 4 consecutive rows so that a workgroup reads 4 rows with one uniform load:
//   wt[(pass·NB + blk)·BS + rr·Q + q][i] = element (pass·RP + rr) of row blk·4Q + 4q + i,
// zero past the last row or the last reduction element (so padded lanes add nothing). With
// has_bias, the Q slots after a block's RP·Q weight slots hold the block's bias, likewise as vec4:
//   wt[(pass·NB + blk)·BS + RP·Q + q][i] = b[blk·4Q + 4q + i].
// One invocation per vec4 slot, including the padding of each block (written as zeros).

override WG: u32 = 64; // invocations per workgroup

struct Params {
  rows: u32, // F (forward) or C (input gradient)
  red: u32, // reduction length of a row: C·K·K or F·K·K
  rp: u32, // reduction elements per pass (RP)
  KK: u32, // K·K
  row_stride: u32, // C·K·K (forward) or K·K (input gradient)
  outer_stride: u32, // K·K (forward) or C·K·K (input gradient)
  Q: u32, // row quads per block (4·Q rows)
  NB: u32, // blocks per pass: ceil(rows / 4Q)
  BS: u32, // vec4 slots per block (a multiple of 16, ≥ (RP + 1)·Q)
  total: u32, // passes·NB·BS slots to write
  has_bias: u32, // 0: b is a placeholder binding and is not read
}

@group(0) @binding(0) var<storage, read> w: array<f32>; // [F, C, K, K]
@group(0) @binding(1) var<storage, read> b: array<f32>; // [F] (or a placeholder)
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> wt: array<vec4<f32>>; // [passes, NB, BS] vec4

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let d = gid.x + gid.y * nwg.x * WG;
  if (d >= p.total) {
    return;
  }
  let slab = d / p.BS; // pass·NB + blk
  let s = d - slab * p.BS;
  let ps = slab / p.NB;
  let blk = slab - ps * p.NB;
  let rr = s / p.Q;
  let q = s - rr * p.Q;
  let red = ps * p.rp + rr;
  let row0 = (blk * p.Q + q) * 4u;
  var v = vec4<f32>(0.0);
  if (rr < p.rp && red < p.red) {
    let outer = red / p.KK;
    let base = outer * p.outer_stride + (red - outer * p.KK);
    for (var i = 0u; i < 4u; i++) {
      if (row0 + i < p.rows) {
        v[i] = w[(row0 + i) * p.row_stride + base];
      }
    }
  } else if (rr == p.rp && p.has_bias != 0u) {
    for (var i = 0u; i < 4u; i++) {
      if (row0 + i < p.rows) {
        v[i] = b[row0 + i];
      }
    }
  }
  wt[d] = v;
}
