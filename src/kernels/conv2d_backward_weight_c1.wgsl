// Conv2d weight and bias gradient partials for ONE input channel with K 3, S 2, P 1,
// W % 4 == 0 and an even chunk length (the lesson's first layer): the same partial sums as
// conv2d_backward_weight.wgsl, in the same order, so results are bit-identical:
//   part[z, f, r] = fma chain from 0 over the chunk's positions j, in order, of dout · col[r, j]
// (r = (ky, kx) < 9, and r = 9 the bias column with col = 1; padding taps as fma(d, 0, acc)).
// The generic kernel covers the 10 columns with two blocks of 8 (6 of them dead), gathers each
// tap as a scalar and needs dout transposed by conv2d_pack_dout.wgsl first. Here an invocation
// owns one chunk and 4 filters and walks its positions in pairs (ox = 2k, 2k + 1, never split
// across chunks or rows since JC and OW are even): one aligned vec4 per input row plus the
// component before it covers both 3×3 windows, and dout is read in place as vec2 pairs.

override WG: u32 = 64; // invocations per workgroup

struct Params {
  N: u32,
  C: u32, // 1
  H: u32,
  W: u32, // a multiple of 4
  F: u32,
  K: u32, // 3
  S: u32, // 2
  P: u32, // 1
  OH: u32,
  OW: u32, // W / 2
  J: u32, // N·OH·OW
  JC: u32, // positions per chunk (even)
  Z: u32, // chunks
  NB: u32, // unused here (the generic kernel's filter blocks)
  XB: u32, // unused here
}

@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>; // [N, 1, H, W] as vec4s
@group(0) @binding(1) var<storage, read> dout2: array<vec2<f32>>; // [N, F, OH, OW] as vec2s
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> part: array<f32>; // [Z, F, 10]

/** Input columns 4k − 1 … 4k + 3 of row iy (zeros outside the image). */
struct Row {
  prev: f32,
  cur: vec4<f32>,
}

fn load_row(n: u32, iy: i32, k: u32) -> Row {
  let W4 = p.W / 4u;
  let inside = iy >= 0 && u32(iy) < p.H;
  let at = (n * p.H + u32(select(0, iy, inside))) * W4 + k;
  let cur = select(vec4<f32>(0.0), x4[at], inside);
  let prev = select(0.0, x4[select(at, at - 1u, k > 0u)].w, inside && k > 0u);
  return Row(prev, cur);
}

/** Accumulators of the 10 columns (taps 0..8, then the bias), each over 4 filters. */
struct Acc {
  t0: vec4<f32>,
  t1: vec4<f32>,
  t2: vec4<f32>,
  t3: vec4<f32>,
  t4: vec4<f32>,
  t5: vec4<f32>,
  t6: vec4<f32>,
  t7: vec4<f32>,
  t8: vec4<f32>,
  b: vec4<f32>,
}

fn store(z: u32, f: u32, r: u32, v: vec4<f32>) {
  for (var i = 0u; i < 4u; i++) {
    if (f + i < p.F) {
      part[(z * p.F + f + i) * 10u + r] = v[i];
    }
  }
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let quads = (p.F + 3u) / 4u;
  let t = (wid.x + wid.y * nwg.x) * WG + lane;
  if (t >= p.Z * quads) {
    return;
  }
  let f = (t % quads) * 4u;
  let z = t / quads;
  let j0 = z * p.JC;
  let j1 = min(j0 + p.JC, p.J);
  let OHW = p.OH * p.OW;
  let half = p.OW / 2u;
  var n = j0 / OHW;
  var oy = (j0 - n * OHW) / p.OW;
  var k = (j0 - n * OHW - oy * p.OW) / 2u;
  // dout2 index of (n, f + i, oy, 2k) is ((n·F + f + i)·OHW + oy·OW) / 2 + k.
  let fs = vec4<u32>(f) + vec4<u32>(0u, 1u, 2u, 3u);
  let live = fs < vec4<u32>(p.F);
  let fo = min(fs, vec4<u32>(p.F - 1u)) * (OHW / 2u);
  var acc: Acc;
  for (var j = j0; j < j1; j += 2u) {
    let base = (n * p.F * OHW + oy * p.OW) / 2u + k;
    let d0 = dout2[base + fo.x];
    let d1 = dout2[base + fo.y];
    let d2 = dout2[base + fo.z];
    let d3 = dout2[base + fo.w];
    let da = select(vec4<f32>(0.0), vec4<f32>(d0.x, d1.x, d2.x, d3.x), live); // position 2k
    let db = select(vec4<f32>(0.0), vec4<f32>(d0.y, d1.y, d2.y, d3.y), live); // 2k + 1
    let iy = i32(2u * oy) - 1;
    let r0 = load_row(n, iy, k);
    let r1 = load_row(n, iy + 1, k);
    let r2 = load_row(n, iy + 2, k);
    // Per column: position 2k, then 2k + 1 (the chunk's order).
    acc.t0 = fma(db, vec4<f32>(r0.cur.y), fma(da, vec4<f32>(r0.prev), acc.t0));
    acc.t1 = fma(db, vec4<f32>(r0.cur.z), fma(da, vec4<f32>(r0.cur.x), acc.t1));
    acc.t2 = fma(db, vec4<f32>(r0.cur.w), fma(da, vec4<f32>(r0.cur.y), acc.t2));
    acc.t3 = fma(db, vec4<f32>(r1.cur.y), fma(da, vec4<f32>(r1.prev), acc.t3));
    acc.t4 = fma(db, vec4<f32>(r1.cur.z), fma(da, vec4<f32>(r1.cur.x), acc.t4));
    acc.t5 = fma(db, vec4<f32>(r1.cur.w), fma(da, vec4<f32>(r1.cur.y), acc.t5));
    acc.t6 = fma(db, vec4<f32>(r2.cur.y), fma(da, vec4<f32>(r2.prev), acc.t6));
    acc.t7 = fma(db, vec4<f32>(r2.cur.z), fma(da, vec4<f32>(r2.cur.x), acc.t7));
    acc.t8 = fma(db, vec4<f32>(r2.cur.w), fma(da, vec4<f32>(r2.cur.y), acc.t8));
    acc.b = fma(db, vec4<f32>(1.0), fma(da, vec4<f32>(1.0), acc.b));
    k += 1u;
    if (k == half) {
      k = 0u;
      oy += 1u;
      if (oy == p.OH) {
        oy = 0u;
        n += 1u;
      }
    }
  }
  store(z, f, 0u, acc.t0);
  store(z, f, 1u, acc.t1);
  store(z, f, 2u, acc.t2);
  store(z, f, 3u, acc.t3);
  store(z, f, 4u, acc.t4);
  store(z, f, 5u, acc.t5);
  store(z, f, 6u, acc.t6);
  store(z, f, 7u, acc.t7);
  store(z, f, 8u, acc.t8);
  store(z, f, 9u, acc.b);
}
