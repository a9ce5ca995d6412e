// Conv2d forward as an implicit GEMM (no im2col buffer), with zero padding:
//   out[n, f, oy, ox] = b[f] + Σ_{c,ky,kx} w[f, c, ky, kx] · x[n, c, oy·S − P + ky, ox·S − P + kx].
// GEMM view: rows f, columns j = (n, oy, ox) (J = N·OH·OW), reduction over (c, ky, kx). A
// workgroup owns 4·Q filters and WG·COLS columns; invocation `lane` owns columns
// j = block·WG·COLS + col·WG + lane (neighbouring lanes write neighbouring outputs).
//
// Every lane of a workgroup needs the same weights, so they come from a uniform buffer that
// conv2d_pack.wgsl filled as vec4 over 4 filters: a uniform address is one scalar load broadcast to
// all lanes on lavapipe, where a storage or workgroup-memory load is a loop over the lanes. A
// uniform binding holds at most 64 KiB, so the launcher splits the work into passes over channel
// ranges [c0, c0 + CC) (the first writes, later ones add) and dispatches over filter blocks whose
// packed weights fit one 64 KiB window. Loops bounded by override constants are not unrolled on
// lavapipe (their arrays spill), hence the explicit register block: columns 0..7 × quads 0..3,
// whose unused parts fold away once COLS and Q are constants. The helper functions only name steps
// of `main`; lavapipe inlines them, and with main's statements in this order (gather, advance the
// offsets, then the FMAs) it compiles to the same machine code as the kernel written in one piece.

override WG: u32 = 64; // invocations per workgroup
override Q: u32 = 4; // filter quads per workgroup: 4·Q filters (1, 2 or 4)
override COLS: u32 = 8; // output positions per invocation (4 or 8)

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
  J: u32, // N·OH·OW output positions per filter
  c0: u32, // first channel of this pass
  CC: u32, // channels in this pass
  fb0: u32, // first filter block (of 4·Q filters) of this dispatch
  BS: u32, // vec4 slots per filter block in wt
  accumulate: u32, // 0: out = sum + bias; 1: out += sum (later channel passes)
  bias_at: u32, // slot of the bias within a block: channels per full pass · K·K·Q
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // [N, C, H, W]
// [blocks][CC, K, K, Q] + bias: wt[z·BS + ((cc·K + ky)·K + kx)·Q + q][i] = w[f0 + 4q + i, c0 + cc,
// ky, kx] (0 past F), then wt[z·BS + CC·K·K·Q + q][i] = b[f0 + 4q + i] (0 without bias), where
// f0 = (fb0 + z)·4·Q: this dispatch's 64 KiB window of the packed weights.
@group(0) @binding(1) var<uniform> wt: array<vec4<f32>, 4096>;
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // [N, F, OH, OW]

// #include "conv2d_register_block.wgsl"

fn quad_at(i: u32) -> vec4<f32> {
  return wt[i];
}

// Four gathered x values; zero where the receptive field lies in the padding.
fn gather4(off: vec4<u32>, ok: vec4<bool>) -> vec4<f32> {
  return select(vec4<f32>(0.0), vec4<f32>(x[off.x], x[off.y], x[off.z], x[off.w]), ok);
}

// Writes (or adds) filters f..f+3 of one output position; `at` is out[n, f, oy, ox].
fn store_quad(v: vec4<f32>, at: u32, f: u32) {
  let OHW = p.OH * p.OW;
  for (var i = 0u; i < 4u; i++) {
    if (f + i < p.F) {
      if (p.accumulate != 0u) {
        out[at + i * OHW] += v[i];
      } else {
        out[at + i * OHW] = v[i];
      }
    }
  }
}

// Stores the 4·Q filters of column j (if j < J); acc already holds the bias.
fn store_col(acc: array<vec4<f32>, 4>, j: u32, f0: u32) {
  if (j >= p.J) {
    return;
  }
  let OHW = p.OH * p.OW;
  let n = j / OHW;
  let at = (n * p.F + f0) * OHW + (j - n * OHW); // out[n, f0, oy, ox]
  store_quad(acc[0], at, f0);
  if (Q > 1u) {
    store_quad(acc[1], at + 4u * OHW, f0 + 4u);
  }
  if (Q > 2u) {
    store_quad(acc[2], at + 8u * OHW, f0 + 8u);
    store_quad(acc[3], at + 12u * OHW, f0 + 12u);
  }
}

// Stores four columns j, j + WG, j + 2·WG, j + 3·WG.
fn store_cols4(
  a0: array<vec4<f32>, 4>,
  a1: array<vec4<f32>, 4>,
  a2: array<vec4<f32>, 4>,
  a3: array<vec4<f32>, 4>,
  j: u32,
  f0: u32,
) {
  store_col(a0, j, f0);
  store_col(a1, j + WG, f0);
  store_col(a2, j + 2u * WG, f0);
  store_col(a3, j + 3u * WG, f0);
}

// Where the receptive fields of a lane's columns 0..3 (a) and 4..7 (c) start: origins (negative
// inside the padding) and the offsets of x[n, c0, 0, 0].
struct Fields {
  iya: vec4<i32>,
  iyc: vec4<i32>,
  ixa: vec4<i32>,
  ixc: vec4<i32>,
  xba: vec4<u32>,
  xbc: vec4<u32>,
}

// The receptive fields of the columns of lane `lane` in the block from column jb; past J they
// repeat column J − 1 (computed, not stored).
fn fields_of(jb: u32, lane: u32) -> Fields {
  let HW = p.H * p.W;
  let OHW = p.OH * p.OW;
  let jmax = vec4<u32>(p.J - 1u);
  let ja = min(vec4<u32>(jb + lane) + vec4<u32>(0u, 1u, 2u, 3u) * WG, jmax);
  let jc = min(ja + vec4<u32>(4u * WG), jmax);
  let na = ja / OHW;
  let nc = jc / OHW;
  let qa = ja - na * OHW;
  let qc = jc - nc * OHW;
  let oya = qa / p.OW;
  let oyc = qc / p.OW;
  var r: Fields;
  r.iya = vec4<i32>(oya * p.S) - i32(p.P);
  r.iyc = vec4<i32>(oyc * p.S) - i32(p.P);
  r.ixa = vec4<i32>((qa - oya * p.OW) * p.S) - i32(p.P);
  r.ixc = vec4<i32>((qc - oyc * p.OW) * p.S) - i32(p.P);
  r.xba = (na * p.C + p.c0) * HW;
  r.xbc = (nc * p.C + p.c0) * HW;
  return r;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  // Column blocks fold into a 2-D grid (x, y) so more than 65535 fit; z picks the filter block.
  let jb = (wid.x + wid.y * nwg.x) * WG * COLS;
  let f0 = (p.fb0 + wid.z) * 4u * Q;
  if (jb + lane >= p.J || f0 >= p.F) {
    return;
  }
  let K = p.K;
  let KK = K * K;
  let HW = p.H * p.W;
  let g = fields_of(jb, lane);

  // Accumulators start at the bias (zero in the window without bias or after the first pass).
  let wz = wid.z * p.BS;
  var bias = quads(wz + p.bias_at);
  if (p.accumulate != 0u) {
    bias = array<vec4<f32>, 4>();
  }
  var a0 = bias;
  var a1 = bias;
  var a2 = bias;
  var a3 = bias;
  var a4 = bias;
  var a5 = bias;
  var a6 = bias;
  var a7 = bias;

  for (var ky = 0u; ky < K; ky++) {
    for (var kx = 0u; kx < K; kx++) {
      let ya = g.iya + i32(ky);
      let yc = g.iyc + i32(ky);
      let xa = g.ixa + i32(kx);
      let xc = g.ixc + i32(kx);
      // Negative coordinates wrap to huge unsigned values: one compare per axis.
      let oka = (vec4<u32>(ya) < vec4<u32>(p.H)) & (vec4<u32>(xa) < vec4<u32>(p.W));
      let okc = (vec4<u32>(yc) < vec4<u32>(p.H)) & (vec4<u32>(xc) < vec4<u32>(p.W));
      var offa = select(vec4<u32>(0u), g.xba + vec4<u32>(ya) * p.W + vec4<u32>(xa), oka);
      var offc = select(vec4<u32>(0u), g.xbc + vec4<u32>(yc) * p.W + vec4<u32>(xc), okc);
      var t = wz + (ky * K + kx) * Q;
      for (var cc = 0u; cc < p.CC; cc++) {
        let wq = quads(t);
        t += KK * Q;
        let va = gather4(offa, oka);
        offa += vec4<u32>(HW);
        fma_cols4(&a0, &a1, &a2, &a3, wq, va);
        if (COLS > 4u) {
          let vc = gather4(offc, okc);
          offc += vec4<u32>(HW);
          fma_cols4(&a4, &a5, &a6, &a7, wq, vc);
        }
      }
    }
  }

  store_cols4(a0, a1, a2, a3, jb + lane, f0);
  if (COLS > 4u) {
    store_cols4(a4, a5, a6, a7, jb + lane + 4u * WG, f0);
  }
}
