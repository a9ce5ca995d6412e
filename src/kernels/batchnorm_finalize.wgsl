// BatchNorm2d forward, pass 2 of 3: per-channel statistics, one invocation per channel.
// Training: merges the G chunk summaries of batchnorm_stats.wgsl in order (Chan's formula), then
//   var_b = M2 / M, var_u = M2 / (M − 1); normalises with var_u ("lesson") or var_b ("standard");
//   running_mean += mom·(mean − running_mean), running_var += mom·(var_u − running_var).
// Eval: mean = running_mean, rstd = 1/√(running_var + eps); running statistics untouched.

override WG: u32 = 64; // invocations per workgroup

struct Params {
  C: u32,
  M: u32, // N·H·W values per channel
  G: u32, // chunks per channel
  T: u32, // values per full chunk (WG·PER of the stats pass)
  training: u32, // 1: batch statistics, 0: running statistics
  unbiased: u32, // 1: normalise with var_u (lesson), 0: with var_b (standard)
  eps: f32,
  momentum: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>; // [C, G, 2] (mean, M2)
@group(0) @binding(2) var<storage, read_write> mean: array<f32>; // [C] what y is normalised with
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>; // [C] 1/√(var + eps)
@group(0) @binding(4) var<storage, read_write> run_mean: array<f32>; // [C]
@group(0) @binding(5) var<storage, read_write> run_var: array<f32>; // [C]

fn chan(a: vec3<f32>, b: vec3<f32>) -> vec3<f32> {
  let n = a.x + b.x;
  let d = b.y - a.y;
  let fb = b.x / n;
  return vec3<f32>(n, a.y + d * fb, a.z + b.z + d * d * a.x * fb);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= params.C) {
    return;
  }
  if (params.training == 0u) {
    mean[c] = run_mean[c];
    rstd[c] = 1.0 / sqrt(run_var[c] + params.eps);
    return;
  }
  var a = vec3<f32>(0.0);
  for (var g = 0u; g < params.G; g++) {
    let at = (c * params.G + g) * 2u;
    let count = f32(min(params.T, params.M - g * params.T));
    let b = vec3<f32>(count, partials[at], partials[at + 1u]);
    a = select(chan(a, b), b, g == 0u);
  }
  let var_u = a.z / f32(params.M - 1u);
  let var_b = a.z / f32(params.M);
  mean[c] = a.y;
  rstd[c] = 1.0 / sqrt(select(var_b, var_u, params.unbiased != 0u) + params.eps);
  run_mean[c] += params.momentum * (a.y - run_mean[c]);
  run_var[c] += params.momentum * (var_u - run_var[c]);
}
