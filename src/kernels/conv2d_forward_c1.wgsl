// Conv2d forward for ONE input channel with K 3, S 2, P 1 and W % 4 == 0 (the lesson's first
// layer, 1 → 8 filters on 28×28), the same sums as conv2d_forward.wgsl in the same order:
//   out[n, f, oy, ox] = fma chain from b[f] over (ky, kx) of w[f, 0, ky, kx] · x[n, 0, iy, ix],
// padding taps included as fma(w, 0, acc), so results are bit-identical to the generic kernel.
// The generic kernel gathers nine scalars per output position and stores each filter with a
// scalar store; with one channel that is all it does (~2 GFLOP/s on lavapipe). Here an
// invocation owns two neighbouring outputs (ox = 2k, 2k + 1) in each of four rows: a row's 3×5
// input window is input columns 4k − 1 … 4k + 3 of three rows, i.e. one aligned vec4 per row plus
// the last component of the vec4 before it, and each filter's pair of outputs is one vec2 store.
// The four rows read nine input rows and share every weight, so each weight load (as costly as
// dozens of FMAs on lavapipe) serves eight outputs, not two.
// Weights come from the same packed uniform window (conv2d_pack.wgsl) as the generic kernel.

override WG: u32 = 64; // invocations per workgroup
override Q: u32 = 2; // filter quads per block (the pack's Q): 4·Q filters per workgroup

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
  c0: u32, // 0
  CC: u32, // 1
  fb0: u32, // first filter block (of 4·Q filters) of this dispatch
  BS: u32, // vec4 slots per filter block in wt
  accumulate: u32, // 0 (one channel: one pass)
  bias_at: u32, // slot of the bias within a block: K·K·Q
}

@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>; // [N, 1, H, W] as vec4s
@group(0) @binding(1) var<uniform> wt: array<vec4<f32>, 4096>; // as in conv2d_forward.wgsl
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> out2: array<vec2<f32>>; // [N, F, OH, OW] as vec2s

/** Input columns 4k − 1 … 4k + 3 of row iy (zeros outside the image). */
struct Row {
  prev: f32, // column 4k − 1
  cur: vec4<f32>, // columns 4k … 4k + 3
}

fn load_row(n: u32, iy: i32, k: u32) -> Row {
  let W4 = p.W / 4u;
  let inside = iy >= 0 && u32(iy) < p.H;
  let at = (n * p.H + u32(select(0, iy, inside))) * W4 + k;
  let cur = select(vec4<f32>(0.0), x4[at], inside);
  let prev = select(0.0, x4[select(at, at - 1u, k > 0u)].w, inside && k > 0u);
  return Row(prev, cur);
}

/** The three taps (kx = 0, 1, 2) of one kernel row for 4 filters. */
struct Taps {
  w0: vec4<f32>,
  w1: vec4<f32>,
  w2: vec4<f32>,
}

/** The taps of kernel row ky; t is its (ky, 0) weight slot. */
fn load_taps(t: u32) -> Taps {
  return Taps(wt[t], wt[t + Q], wt[t + 2u * Q]);
}

/** One kernel row applied to one input row for both outputs (2k and 2k + 1), kx in order. */
fn taps(a: ptr<function, vec4<f32>>, b: ptr<function, vec4<f32>>, v: Row, w: Taps) {
  *a = fma(w.w0, vec4<f32>(v.prev), *a);
  *a = fma(w.w1, vec4<f32>(v.cur.x), *a);
  *a = fma(w.w2, vec4<f32>(v.cur.y), *a);
  *b = fma(w.w0, vec4<f32>(v.cur.y), *b);
  *b = fma(w.w1, vec4<f32>(v.cur.z), *b);
  *b = fma(w.w2, vec4<f32>(v.cur.w), *b);
}

/** Stores 4 filters of outputs 2k, 2k + 1 of row oy: vec2 number ((n·F + f)·OHW + oy·OW)/2 + k. */
fn store_pair(a: vec4<f32>, b: vec4<f32>, n: u32, f: u32, oy: u32, k: u32) {
  let OHW = p.OH * p.OW;
  let at = ((n * p.F + f) * OHW + oy * p.OW) / 2u + k;
  for (var j = 0u; j < 4u; j++) {
    if (f + j < p.F) {
      out2[at + j * (OHW / 2u)] = vec2<f32>(a[j], b[j]);
    }
  }
}

/**
 * Outputs 2k, 2k + 1 of row oy for 4 filters from input rows ra, rb, rc (ky = 0, 1, 2): bias
 * first, then ky, kx in order (the generic kernel's chain), then stored.
 */
fn out_row(bias: vec4<f32>, ra: Row, rb: Row, rc: Row, t0: Taps, t1: Taps, t2: Taps, n: u32,
  f: u32, oy: u32, k: u32) {
  var a = bias;
  var b = bias;
  taps(&a, &b, ra, t0);
  taps(&a, &b, rb, t1);
  taps(&a, &b, rc, t2);
  store_pair(a, b, n, f, oy, k);
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  // One invocation per (n, group of 4 output rows, k): rows oy … oy + 3 (those < OH), columns 2k
  // and 2k + 1; z picks the filter block. Neighbouring rows share an input row, all share every
  // weight: nine input rows and 4·Q·10 weights serve up to 8 outputs per filter.
  let half = p.OW / 2u;
  let groups = (p.OH + 3u) / 4u;
  let i = (wid.x + wid.y * nwg.x) * WG + lane;
  let f0 = (p.fb0 + wid.z) * 4u * Q;
  if (i >= p.N * groups * half || f0 >= p.F) {
    return;
  }
  let k = i % half;
  let row = i / half;
  let oy = 4u * (row % groups);
  let n = row / groups;
  let rows = min(p.OH - oy, 4u);
  let iy = i32(2u * oy) - 1;
  // Output row oy + m reads input rows iy + 2m … iy + 2m + 2 (zeros past the image).
  let r0 = load_row(n, iy, k);
  let r1 = load_row(n, iy + 1, k);
  let r2 = load_row(n, iy + 2, k);
  let r3 = load_row(n, iy + 3, k);
  let r4 = load_row(n, iy + 4, k);
  let r5 = load_row(n, iy + 5, k);
  let r6 = load_row(n, iy + 6, k);
  let r7 = load_row(n, iy + 7, k);
  let r8 = load_row(n, iy + 8, k);
  let wz = wid.z * p.BS;
  for (var q = 0u; q < Q; q++) {
    let f = f0 + 4u * q;
    if (f >= p.F) {
      break;
    }
    let t0 = load_taps(wz + q);
    let t1 = load_taps(wz + 3u * Q + q);
    let t2 = load_taps(wz + 6u * Q + q);
    let bias = wt[wz + p.bias_at + q];
    out_row(bias, r0, r1, r2, t0, t1, t2, n, f, oy, k);
    if (rows > 1u) {
      out_row(bias, r2, r3, r4, t0, t1, t2, n, f, oy + 1u, k);
    }
    if (rows > 2u) {
      out_row(bias, r4, r5, r6, t0, t1, t2, n, f, oy + 2u, k);
    }
    if (rows > 3u) {
      out_row(bias, r6, r7, r8, t0, t1, t2, n, f, oy + 3u, k);
    }
  }
}
