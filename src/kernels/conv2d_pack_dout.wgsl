// Transposes dout [N, F, OH, OW] for conv2d_backward_weight.wgsl into rows of output positions
// j = (n, oy, ox), each row NB·Q vec4 over 4 filters:
//   dt[(j·NB + fb)·Q + q][i] = dout[n, (fb·Q + q)·4 + i, oy, ox]   (0 past F),
// so the weight-gradient kernel loads 4 filters with one vec4 load. One invocation per vec4.

override WG: u32 = 64; // invocations per workgroup

struct Params {
  F: u32,
  OHW: u32, // OH·OW
  row: u32, // vec4 per position: NB·Q
  total: u32, // J·row vec4 to write
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // [N, F, OH, OW]
@group(0) @binding(1) var<uniform> p: Params;
@group(0) @binding(2) var<storage, read_write> dt: array<vec4<f32>>; // [N·OH·OW, NB·Q] vec4

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let d = gid.x + gid.y * nwg.x * WG;
  if (d >= p.total) {
    return;
  }
  let j = d / p.row;
  let f0 = (d - j * p.row) * 4u;
  let n = j / p.OHW;
  let at = (n * p.F + f0) * p.OHW + (j - n * p.OHW); // dout[n, f0, oy, ox]
  var v = vec4<f32>(0.0);
  for (var i = 0u; i < 4u; i++) {
    if (f0 + i < p.F) {
      v[i] = dout[at + i * p.OHW];
    }
  }
  dt[d] = v;
}
