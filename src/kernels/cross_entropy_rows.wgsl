// Softmax cross-entropy, pass 1 of 2, one invocation per row n of logits z [N, K]:
//   loss_n = log Σ_k exp(z_k − max) − (z_label − max)      (stable: the row max subtracted)
//   dlogits_n = (softmax(z_n) − onehot(label_n)) / N        (gradient of the MEAN loss)
//   correct_n = (first index of the row max == label_n)
// Writes (loss_n, correct_n) for pass 2. A label ≥ K yields NaN loss and gradients, so a bad
// batch is visible rather than silently read out of bounds.

override WG: u32 = 64; // invocations per workgroup

const HAS_DLOGITS: u32 = 1u;

struct Params {
  N: u32,
  K: u32,
  flags: u32, // HAS_DLOGITS: write dlogits (else the binding is a placeholder)
  nan_bits: u32, // 0x7fc00000: a NaN the compiler cannot fold away (const NaN is an error)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>; // [N, K]
@group(0) @binding(2) var<storage, read> labels: array<u32>; // [N]
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>; // [N, K] (or placeholder)
@group(0) @binding(4) var<storage, read_write> partials: array<f32>; // [N, 2] loss, correct

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = gid.x + gid.y * groups.x * WG;
  if (n >= params.N) {
    return;
  }
  let K = params.K;
  let row = n * K;
  let label = labels[n];
  var zmax = logits[row];
  var argmax = 0u;
  for (var k = 1u; k < K; k++) {
    let z = logits[row + k];
    if (z > zmax) { // strict: the first maximal index wins ties
      zmax = z;
      argmax = k;
    }
  }
  var sum_exp = 0.0;
  for (var k = 0u; k < K; k++) {
    sum_exp += exp(logits[row + k] - zmax);
  }
  let valid = label < K;
  let nan = bitcast<f32>(params.nan_bits);
  var loss = nan;
  if (valid) {
    loss = log(sum_exp) - (logits[row + label] - zmax);
  }
  partials[2u * n] = loss;
  partials[2u * n + 1u] = select(0.0, 1.0, argmax == label);
  if ((params.flags & HAS_DLOGITS) != 0u) {
    let scale = 1.0 / (sum_exp * f32(params.N));
    let inv_n = 1.0 / f32(params.N);
    for (var k = 0u; k < K; k++) {
      let g = exp(logits[row + k] - zmax) * scale - select(0.0, inv_n, k == label);
      dlogits[row + k] = select(nan, g, valid);
    }
  }
}
