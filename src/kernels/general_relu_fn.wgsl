// GeneralReLU as functions, prepended to the kernels that fuse it into their own pass
// (batchnorm_apply, batchnorm_backward_stats, batchnorm_backward_dx). The operations and their
// order are those of activations.wgsl, so a fused pass gives bit-identical results to the
// separate one. An Act with flags 0 is the identity (forward) and passes dy through (backward).

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
