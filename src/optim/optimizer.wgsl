// One optimizer step over the whole flat parameter arena (all parameters in one group). Per
// element, with gradient g and t the step number (1 on the first step):
//   every kind first: p ← p − (lr·wd)·p        (decoupled weight decay; lr_wd = 0 when wd = 0)
//   sgd:      p ← p − lr·g
//   momentum: a ← β1·a + (1 − β1)·g;  p ← p − lr·a                      (lerp/EMA form)
//   rmsprop:  s ← g² on the first step, else β2·s + (1 − β2)·g²;  p ← p − lr·g / (√s + eps)
//   adam:     m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
//             p ← p − lr/(1 − β1^t) · m / √(v/(1 − β2^t) + eps)       (the lesson's: eps inside)
//   adamw:    m, v as adam;  p ← p − lr/(1 − β1^t) · m / (√v/√(1 − β2^t) + eps)  (PyTorch)
// Scalars (1 − β, bias corrections) come from the CPU in float64, rounded once to f32. Each
// invocation updates one vec4 (the arena length is a multiple of 64 floats; padding stays 0
// because its gradient and state are 0). The entry points share the binding numbers; each uses
// a prefix of them (sgd 0–2, momentum and rmsprop 0–3, adam and adamw 0–4).

override WG: u32 = 256; // invocations per workgroup

struct Hyper {
  n4: u32, // vec4s in the arena: P / 4
  first: u32, // 1 on the optimizer's first step (RMSProp seeds s with g²), else 0
  lr: f32, // learning rate
  lr_wd: f32, // lr·wd, the decoupled weight-decay fraction (0 when wd = 0)
  beta1: f32, // momentum (momentum), β1 (adam, adamw)
  one_minus_beta1: f32, // 1 − beta1, from float64
  beta2: f32, // sqr_mom (rmsprop), β2 (adam, adamw)
  one_minus_beta2: f32, // 1 − beta2, from float64
  eps: f32, // added outside the sqrt (rmsprop, adamw) or inside it (adam)
  step_size: f32, // lr / (1 − β1^t) (adam, adamw); lr otherwise
  bc2: f32, // adam: 1 / (1 − β2^t); adamw: 1 / √(1 − β2^t); 1 otherwise
  pad: f32,
}

@group(0) @binding(0) var<uniform> hp: Hyper;
@group(0) @binding(1) var<storage, read_write> p: array<vec4<f32>>; // [P / 4] parameter arena
@group(0) @binding(2) var<storage, read> g: array<vec4<f32>>; // [P / 4] gradient arena (same layout)
@group(0) @binding(3) var<storage, read_write> s1: array<vec4<f32>>; // [P / 4] a, s or m
@group(0) @binding(4) var<storage, read_write> s2: array<vec4<f32>>; // [P / 4] v (adam, adamw)

/** The vec4 this invocation owns: a 2-D grid so huge arenas fit under 65535 groups along x. */
fn owned(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

/** p after decoupled weight decay; exactly p when wd = 0 (lr_wd = 0). */
fn decayed(i: u32) -> vec4<f32> {
  let q = p[i];
  return q - hp.lr_wd * q;
}

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = owned(gid, groups);
  if (i >= hp.n4) {
    return;
  }
  p[i] = decayed(i) - hp.lr * g[i];
}

@compute @workgroup_size(WG)
fn momentum(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let i = owned(gid, groups);
  if (i >= hp.n4) {
    return;
  }
  let a = hp.beta1 * s1[i] + hp.one_minus_beta1 * g[i];
  s1[i] = a;
  p[i] = decayed(i) - hp.lr * a;
}

@compute @workgroup_size(WG)
fn rmsprop(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let i = owned(gid, groups);
  if (i >= hp.n4) {
    return;
  }
  let gi = g[i];
  let gg = gi * gi;
  // Seeding s with g² makes the first step about lr·sign(g) instead of a huge one.
  let s = select(hp.beta2 * s1[i] + hp.one_minus_beta2 * gg, gg, hp.first != 0u);
  s1[i] = s;
  p[i] = decayed(i) - hp.lr * gi / (sqrt(s) + hp.eps);
}

/** Updates m and v of vec4 i; returns (m, v). */
fn moments(i: u32) -> array<vec4<f32>, 2> {
  let gi = g[i];
  let m = hp.beta1 * s1[i] + hp.one_minus_beta1 * gi;
  let v = hp.beta2 * s2[i] + hp.one_minus_beta2 * gi * gi;
  s1[i] = m;
  s2[i] = v;
  return array<vec4<f32>, 2>(m, v);
}

@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = owned(gid, groups);
  if (i >= hp.n4) {
    return;
  }
  let mv = moments(i);
  // eps inside the sqrt: the denominator never drops below √eps.
  p[i] = decayed(i) - hp.step_size * mv[0] / sqrt(mv[1] * hp.bc2 + hp.eps);
}

@compute @workgroup_size(WG)
fn adamw(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let i = owned(gid, groups);
  if (i >= hp.n4) {
    return;
  }
  let mv = moments(i);
  p[i] = decayed(i) - hp.step_size * mv[0] / (sqrt(mv[1]) * hp.bc2 + hp.eps);
}
