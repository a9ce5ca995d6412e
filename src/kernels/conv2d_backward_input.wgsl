// Conv2d gradient with respect to the input, overwriting dx:
//   dx[n, c, iy, ix] = Σ_{f, ky, kx} w[f, c, ky, kx] · dout[n, f, oy, ox]
// over the (ky, kx) with oy = (iy + P − ky) / S and ox = (ix + P − kx) / S whole and inside the
// output. Positions split into S·S phase classes (iy mod S, ix mod S) = (a, b): inside a class
// only ky ≡ a + P and kx ≡ b + P (mod S) contribute, to every position alike, so no lane wastes
// work on terms that stride skips. Class positions iy = a + S·u, ix = b + S·v (u < Hc, v < Wc)
// read oy = ⌊(a + P) / S⌋ + u − t for ky = (a + P) mod S + S·t, and likewise ox.
// GEMM view per class: rows c, columns j = (n, u, v), reduction (f, t, s). A workgroup owns 4·Q
// channels of one class and WG·COLS columns; lanes gather dout, and the weights (the same for
// every lane) come from the uniform window that conv2d_pack.wgsl filled as vec4 over 4 channels.
// The launcher splits the filters into passes [f0, f0 + FC) (the first writes dx, later ones add)
// so one block's packed weights fit the 64 KiB window. See conv2d_forward.wgsl for why the register
// block is written out, and for the statement order in `main`.

override WG: u32 = 64; // invocations per workgroup
override Q: u32 = 4; // channel quads per workgroup: 4·Q channels (1, 2 or 4)
override COLS: u32 = 8; // input positions per invocation (4 or 8)

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
  f0: u32, // first filter of this pass
  FC: u32, // filters in this pass
  cb0: u32, // first channel block (of 4·Q channels) of this dispatch
  NBw: u32, // channel blocks in this dispatch (grid z = class·NBw + block)
  BS: u32, // vec4 slots per channel block in wt
  accumulate: u32, // 0: dx = sum; 1: dx += sum (later filter passes)
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // [N, F, OH, OW]
// [blocks][FC, K, K, Q]: wt[z·BS + ((ff·K + ky)·K + kx)·Q + q][i] = w[f0 + ff, c0 + 4q + i, ky, kx]
// (0 past C), c0 = (cb0 + z)·4·Q: this dispatch's 64 KiB window of the packed weights.
@group(0) @binding(1) var<uniform> wt: array<vec4<f32>, 4096>;
@group(0) @binding(2) var<uniform> p: Params;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>; // [N, C, H, W]

// #include "conv2d_register_block.wgsl"

fn quad_at(i: u32) -> vec4<f32> {
  return wt[i];
}

// Four gathered dout values; zero where the output position lies outside [0, OH) × [0, OW).
fn gather4(off: vec4<u32>, ok: vec4<bool>) -> vec4<f32> {
  return select(
    vec4<f32>(0.0),
    vec4<f32>(dout[off.x], dout[off.y], dout[off.z], dout[off.w]),
    ok,
  );
}

// Writes (or adds) channels c..c+3 of one input position; `at` is dx[n, c, iy, ix].
fn store_quad(v: vec4<f32>, at: u32, c: u32) {
  let HW = p.H * p.W;
  for (var i = 0u; i < 4u; i++) {
    if (c + i < p.C) {
      if (p.accumulate != 0u) {
        dx[at + i * HW] += v[i];
      } else {
        dx[at + i * HW] = v[i];
      }
    }
  }
}

struct Class {
  a: u32, // iy mod S
  b: u32, // ix mod S
  Hc: u32, // positions of the class along y: ⌈(H − a) / S⌉
  Wc: u32,
}

// Stores the 4·Q channels of class column j (if j < N·Hc·Wc).
fn store_col(acc: array<vec4<f32>, 4>, j: u32, c0: u32, k: Class) {
  let HWc = k.Hc * k.Wc;
  if (j >= p.N * HWc) {
    return;
  }
  let n = j / HWc;
  let r = j - n * HWc;
  let u = r / k.Wc;
  let iy = k.a + p.S * u;
  let ix = k.b + p.S * (r - u * k.Wc);
  let at = ((n * p.C + c0) * p.H + iy) * p.W + ix; // dx[n, c0, iy, ix]
  let HW = p.H * p.W;
  store_quad(acc[0], at, c0);
  if (Q > 1u) {
    store_quad(acc[1], at + 4u * HW, c0 + 4u);
  }
  if (Q > 2u) {
    store_quad(acc[2], at + 8u * HW, c0 + 8u);
    store_quad(acc[3], at + 12u * HW, c0 + 12u);
  }
}

// Stores four class columns j, j + WG, j + 2·WG, j + 3·WG.
fn store_cols4(
  a0: array<vec4<f32>, 4>,
  a1: array<vec4<f32>, 4>,
  a2: array<vec4<f32>, 4>,
  a3: array<vec4<f32>, 4>,
  j: u32,
  c0: u32,
  k: Class,
) {
  store_col(a0, j, c0, k);
  store_col(a1, j + WG, c0, k);
  store_col(a2, j + 2u * WG, c0, k);
  store_col(a3, j + 3u * WG, c0, k);
}

// Phase class `cls` = a·S + b; classes with a ≥ H (S > H) are empty.
fn class_of(cls: u32) -> Class {
  let S = p.S;
  var k: Class;
  k.a = cls / S;
  k.b = cls - k.a * S;
  k.Hc = (p.H + S - 1u - min(k.a, p.H)) / S;
  k.Wc = (p.W + S - 1u - min(k.b, p.W)) / S;
  return k;
}

// Where the taps of a lane's columns 0..3 (a) and 4..7 (c) start: oy = oy0 − t, ox = ox0 − s, and
// the offsets of dout[n, f0, 0, 0].
struct Fields {
  oy0a: vec4<i32>,
  oy0c: vec4<i32>,
  ox0a: vec4<i32>,
  ox0c: vec4<i32>,
  dba: vec4<u32>,
  dbc: vec4<u32>,
}

// The taps of the columns of lane `lane` in the block from class column jb; past Jc they repeat
// column Jc − 1 (computed, not stored).
fn fields_of(jb: u32, lane: u32, Jc: u32, k: Class) -> Fields {
  let S = p.S;
  let OHW = p.OH * p.OW;
  let HWc = k.Hc * k.Wc;
  let jmax = vec4<u32>(Jc - 1u);
  let ja = min(vec4<u32>(jb + lane) + vec4<u32>(0u, 1u, 2u, 3u) * WG, jmax);
  let jc = min(ja + vec4<u32>(4u * WG), jmax);
  let na = ja / HWc;
  let nc = jc / HWc;
  let ra = ja - na * HWc;
  let rc = jc - nc * HWc;
  let ua = ra / k.Wc;
  let uc = rc / k.Wc;
  var r: Fields;
  r.oy0a = vec4<i32>(ua + (k.a + p.P) / S);
  r.oy0c = vec4<i32>(uc + (k.a + p.P) / S);
  r.ox0a = vec4<i32>(ra - ua * k.Wc + (k.b + p.P) / S);
  r.ox0c = vec4<i32>(rc - uc * k.Wc + (k.b + p.P) / S);
  r.dba = (na * p.F + p.f0) * OHW;
  r.dbc = (nc * p.F + p.f0) * OHW;
  return r;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lane: u32,
) {
  let cls = wid.z / p.NBw;
  let blk = wid.z - cls * p.NBw;
  // A var though never written: with a let, lavapipe orders the same instructions differently.
  var k = class_of(cls);
  let Jc = p.N * k.Hc * k.Wc;
  let jb = (wid.x + wid.y * nwg.x) * WG * COLS;
  let c0 = (p.cb0 + blk) * 4u * Q;
  if (jb + lane >= Jc || c0 >= p.C) {
    return;
  }
  let S = p.S;
  let K = p.K;
  let KK = K * K;
  let OHW = p.OH * p.OW;
  // Contributing kernel rows ky = ky0 + S·t (t < T) and columns kx = kx0 + S·s (s < Ts).
  let ky0 = (k.a + p.P) % S;
  let kx0 = (k.b + p.P) % S;
  let T = (K + S - 1u - min(ky0, K)) / S;
  let Ts = (K + S - 1u - min(kx0, K)) / S;
  let g = fields_of(jb, lane, Jc, k);

  var a0: array<vec4<f32>, 4>;
  var a1: array<vec4<f32>, 4>;
  var a2: array<vec4<f32>, 4>;
  var a3: array<vec4<f32>, 4>;
  var a4: array<vec4<f32>, 4>;
  var a5: array<vec4<f32>, 4>;
  var a6: array<vec4<f32>, 4>;
  var a7: array<vec4<f32>, 4>;

  let wz = blk * p.BS;
  for (var t = 0u; t < T; t++) {
    for (var s = 0u; s < Ts; s++) {
      let ya = g.oy0a - i32(t);
      let yc = g.oy0c - i32(t);
      let xa = g.ox0a - i32(s);
      let xc = g.ox0c - i32(s);
      let oka = (vec4<u32>(ya) < vec4<u32>(p.OH)) & (vec4<u32>(xa) < vec4<u32>(p.OW));
      let okc = (vec4<u32>(yc) < vec4<u32>(p.OH)) & (vec4<u32>(xc) < vec4<u32>(p.OW));
      var offa = select(vec4<u32>(0u), g.dba + vec4<u32>(ya) * p.OW + vec4<u32>(xa), oka);
      var offc = select(vec4<u32>(0u), g.dbc + vec4<u32>(yc) * p.OW + vec4<u32>(xc), okc);
      var i = wz + ((ky0 + S * t) * K + kx0 + S * s) * Q;
      for (var ff = 0u; ff < p.FC; ff++) {
        let wq = quads(i);
        i += KK * Q;
        let va = gather4(offa, oka);
        offa += vec4<u32>(OHW);
        fma_cols4(&a0, &a1, &a2, &a3, wq, va);
        if (COLS > 4u) {
          let vc = gather4(offc, okc);
          offc += vec4<u32>(OHW);
          fma_cols4(&a4, &a5, &a6, &a7, wq, vc);
        }
      }
    }
  }

  store_cols4(a0, a1, a2, a3, jb + lane, c0, k);
  if (COLS > 4u) {
    store_cols4(a4, a5, a6, a7, jb + lane + 4u * WG, c0, k);
  }
}
