// GeneralReLU (the lesson's leak / sub / maxv; plain ReLU with all three off) as functions: the
// one copy of its math, included (`// #include "general_relu_fn.wgsl"`, wgsl_include.ts) by the
// separate pass (activations.wgsl) and by the kernels that fuse it into their own pass
// (batchnorm_apply, batchnorm_backward_stats, batchnorm_backward_dx), so fused and separate give
// bit-identical results. An Act with flags 0 is the identity (forward) and passes dy through
// (backward).
//   t = leak ? (x >= 0 ? x : leak·x) : max(x, 0);  t -= sub (if sub)
//   forward:  y  = maxv ? min(t, maxv) : t
//   backward: dx = dy · (x > 0 ? 1 : leak_or_0) · (maxv && t > maxv ? 0 : 1)

const ACT_ON: u32 = 8u; // fuse an activation at all
const ACT_LEAK: u32 = 1u;
const ACT_SUB: u32 = 2u;
const ACT_MAXV: u32 = 4u;

struct Act {
  flags: u32, // ACT_ON | ACT_LEAK | ACT_SUB | ACT_MAXV
  leak: f32,
  sub: f32,
  maxv: f32,
}

fn act_pre_clamp(a: Act, v: f32) -> f32 {
  var t = max(v, 0.0);
  if ((a.flags & ACT_LEAK) != 0u) {
    t = select(a.leak * v, v, v >= 0.0);
  }
  if ((a.flags & ACT_SUB) != 0u) {
    t -= a.sub;
  }
  return t;
}

fn act_pre_clamp4(a: Act, v: vec4<f32>) -> vec4<f32> {
  var t = max(v, vec4<f32>(0.0));
  if ((a.flags & ACT_LEAK) != 0u) {
    t = select(a.leak * v, v, v >= vec4<f32>(0.0));
  }
  if ((a.flags & ACT_SUB) != 0u) {
    t -= a.sub;
  }
  return t;
}

/** y = GeneralReLU(z). */
fn act_forward(a: Act, z: f32) -> f32 {
  if ((a.flags & ACT_ON) == 0u) {
    return z;
  }
  let t = act_pre_clamp(a, z);
  return select(t, min(t, a.maxv), (a.flags & ACT_MAXV) != 0u);
}

fn act_forward4(a: Act, z: vec4<f32>) -> vec4<f32> {
  if ((a.flags & ACT_ON) == 0u) {
    return z;
  }
  let t = act_pre_clamp4(a, z);
  return select(t, min(t, vec4<f32>(a.maxv)), (a.flags & ACT_MAXV) != 0u);
}

/** dz = dy · GeneralReLU'(z), z the pre-activation (PyTorch's conventions, as activations.wgsl). */
fn act_backward(a: Act, z: f32, dy: f32) -> f32 {
  if ((a.flags & ACT_ON) == 0u) {
    return dy;
  }
  let slope = select(a.leak, 1.0, z > 0.0);
  let blocked = (a.flags & ACT_MAXV) != 0u && act_pre_clamp(a, z) > a.maxv;
  return select(dy * slope, 0.0, blocked);
}

fn act_backward4(a: Act, z: vec4<f32>, dy: vec4<f32>) -> vec4<f32> {
  if ((a.flags & ACT_ON) == 0u) {
    return dy;
  }
  let slope = select(vec4<f32>(a.leak), vec4<f32>(1.0), z > vec4<f32>(0.0));
  let blocked = (act_pre_clamp4(a, z) > vec4<f32>(a.maxv)) &
    vec4<bool>((a.flags & ACT_MAXV) != 0u);
  return select(dy * slope, vec4<f32>(0.0), blocked);
}
