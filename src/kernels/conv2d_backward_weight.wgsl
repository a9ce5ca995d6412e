// Conv2d gradient with respect to the weights and bias, as partial sums over chunks:
//   part[z, f, r] = Σ_{j in chunk z} dout[n, f, oy, ox] · col[r, j]
// where j = (n, oy, ox), r = (c, ky, kx) < R = C·K·K, col[r, j] = x[n, c, oy·S − P + ky,
// ox·S − P + kx] (0 in the padding), and the extra column r = R has col = 1, giving the bias
// gradient. Chunk z covers positions [z·JC, z·JC + JC). conv2d_reduce.wgsl then adds the chunks in
// order into dw and db: a fixed summation order, no atomics, bit-identical reruns.
//
// GEMM view: rows f, columns r, reduction j. Each invocation owns one chunk, 4·Q filters and COLS
// columns, and walks its positions: per position it loads Q vec4 of dout (conv2d_pack_dout.wgsl
// transposed dout to [J, NB·Q] vec4 over 4 filters, so this is Q loads instead of 4·Q) and gathers
// COLS x values, then does 4·Q·COLS FMAs. Invocation t = (chunk·NB + fb)·XB + rb: neighbouring
// lanes share a chunk (the same x rows, cache-warm) and cover neighbouring column blocks.

override WG: u32 = 64; // invocations per workgroup
override Q: u32 = 4; // filter quads per invocation: 4·Q filters (1, 2 or 4)
override COLS: u32 = 8; // weight columns per invocation (4 or 8)

struct Params {
  N: u32,
  C: u32,
  H: u32,
  W: u32,
  F: u32,
  K: u32,
  S: u32,
  P: u32,
  OH: u32,
  OW: u32,
  J: u32, // N·OH·OW
  JC: u32, // positions per chunk
  Z: u32, // chunks
  NB: u32, // filter blocks of 4·Q filters (a dt row is NB·Q vec4)
  XB: u32, // column blocks of COLS columns: ⌈(R + 1) / COLS⌉
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // [N, C, H, W]
// [J, NB, Q]: dt[(j·NB + fb)·Q + q][i] = dout[n, (fb·Q + q)·4 + i, oy, ox] (0 past F).
@group(0) @binding(1) var<storage, read> dt: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> part: array<f32>; // [Z, F, R + 1]

// #include "conv2d_register_block.wgsl"

fn quad_at(i: u32) -> vec4<f32> {
  return dt[i];
}

// Weight columns r of one lane, 4 at a time: offsets of x[0, c, ky, kx] and (ky, kx); the bias
// column r = R is marked one, columns past it read 0.
struct Cols {
  xoff: vec4<i32>,
  ky: vec4<i32>,
  kx: vec4<i32>,
  one: vec4<bool>,
  live: vec4<bool>,
}

fn cols_of(r: vec4<u32>) -> Cols {
  let KK = p.K * p.K;
  let R = p.C * KK;
  let rr = min(r, vec4<u32>(R - 1u));
  let c = rr / KK;
  let kk = rr - c * KK;
  let ky = kk / p.K;
  let kx = kk - ky * p.K;
  var k: Cols;
  k.xoff = vec4<i32>(c * (p.H * p.W) + ky * p.W + kx);
  k.ky = vec4<i32>(ky);
  k.kx = vec4<i32>(kx);
  k.one = r == vec4<u32>(R);
  k.live = r < vec4<u32>(R);
  return k;
}

// col[r, j] for 4 columns; (iy0, ix0) = (oy·S − P, ox·S − P), xb = n·C·H·W + iy0·W + ix0.
fn gather4(k: Cols, xb: i32, iy0: i32, ix0: i32) -> vec4<f32> {
  let iy = vec4<i32>(iy0) + k.ky;
  let ix = vec4<i32>(ix0) + k.kx;
  let ok = k.live & (vec4<u32>(iy) < vec4<u32>(p.H)) & (vec4<u32>(ix) < vec4<u32>(p.W));
  let off = select(vec4<u32>(0u), vec4<u32>(vec4<i32>(xb) + k.xoff), ok);
  let v = select(vec4<f32>(0.0), vec4<f32>(x[off.x], x[off.y], x[off.z], x[off.w]), ok);
  return select(v, vec4<f32>(1.0), k.one);
}

// Writes filters f..f+3 of column r of partial z.
fn store_quad(v: vec4<f32>, z: u32, f: u32, r: u32) {
  let R1 = p.C * p.K * p.K + 1u;
  if (r >= R1) {
    return;
  }
  for (var i = 0u; i < 4u; i++) {
    if (f + i < p.F) {
      part[(z * p.F + f + i) * R1 + r] = v[i];
    }
  }
}

fn store_col(acc: array<vec4<f32>, 4>, z: u32, f0: u32, r: u32) {
  store_quad(acc[0], z, f0, r);
  if (Q > 1u) {
    store_quad(acc[1], z, f0 + 4u, r);
  }
  if (Q > 2u) {
    store_quad(acc[2], z, f0 + 8u, r);
    store_quad(acc[3], z, f0 + 12u, r);
  }
}

// Stores columns r, r + 1, r + 2, r + 3 of partial z.
fn store_cols4(
  a0: array<vec4<f32>, 4>,
  a1: array<vec4<f32>, 4>,
  a2: array<vec4<f32>, 4>,
  a3: array<vec4<f32>, 4>,
  z: u32,
  f0: u32,
  r: u32,
) {
  store_col(a0, z, f0, r);
  store_col(a1, z, f0, r + 1u);
  store_col(a2, z, f0, r + 2u);
  store_col(a3, z, f0, r + 3u);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let t = (wid.x + wid.y * nwg.x) * WG + lane;
  if (t >= p.Z * p.NB * p.XB) {
    return;
  }
  let rb = t % p.XB;
  let zf = t / p.XB;
  let fb = zf % p.NB;
  let chunk = zf / p.NB;
  let f0 = fb * 4u * Q;
  let r0 = rb * COLS;
  let ra = vec4<u32>(r0) + vec4<u32>(0u, 1u, 2u, 3u);
  let ca = cols_of(ra);
  let cc = cols_of(ra + vec4<u32>(4u));

  var a0: array<vec4<f32>, 4>;
  var a1: array<vec4<f32>, 4>;
  var a2: array<vec4<f32>, 4>;
  var a3: array<vec4<f32>, 4>;
  var a4: array<vec4<f32>, 4>;
  var a5: array<vec4<f32>, 4>;
  var a6: array<vec4<f32>, 4>;
  var a7: array<vec4<f32>, 4>;

  // (n, oy, ox) of the chunk's first position, then advanced without division.
  let j0 = chunk * p.JC;
  let j1 = min(j0 + p.JC, p.J);
  let OHW = p.OH * p.OW;
  let CHW = i32(p.C * p.H * p.W);
  let S = i32(p.S);
  var n = j0 / OHW;
  var oy = (j0 - n * OHW) / p.OW;
  var ox = j0 - n * OHW - oy * p.OW;
  var i = (j0 * p.NB + fb) * Q;
  for (var j = j0; j < j1; j++) {
    let iy0 = i32(oy) * S - i32(p.P);
    let ix0 = i32(ox) * S - i32(p.P);
    let xb = i32(n) * CHW + iy0 * i32(p.W) + ix0;
    let dq = quads(i);
    i += p.NB * Q;
    fma_cols4(&a0, &a1, &a2, &a3, dq, gather4(ca, xb, iy0, ix0));
    if (COLS > 4u) {
      fma_cols4(&a4, &a5, &a6, &a7, dq, gather4(cc, xb, iy0, ix0));
    }
    ox += 1u;
    if (ox == p.OW) {
      ox = 0u;
      oy += 1u;
      if (oy == p.OH) {
        oy = 0u;
        n += 1u;
      }
    }
  }

  store_cols4(a0, a1, a2, a3, chunk, f0, r0);
  if (COLS > 4u) {
    store_cols4(a4, a5, a6, a7, chunk, f0, r0 + 4u);
  }
}
