// The lesson's MomentumLearner "zero_grad": grads ← grads · factor (instead of zeroing), so the
// next backward ADDS to mom·(previous gradient): heavy-ball momentum kept in the gradient arena.
// Each invocation scales one vec4.

override WG: u32 = 256; // invocations per workgroup

struct Params {
  n4: u32, // vec4s in grads
  factor: f32, // the multiplier (the lesson's mom, 0.85)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> grads: array<vec4<f32>>; // [P / 4] gradient arena

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // 2-D grid so huge arenas fit under 65535 workgroups along x.
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.n4) {
    return;
  }
  grads[i] = grads[i] * params.factor;
}
