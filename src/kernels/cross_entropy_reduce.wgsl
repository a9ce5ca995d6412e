// Softmax cross-entropy, pass 2 of 2, one workgroup: adds the N per-row (loss, correct) of
// pass 1 in a fixed order (invocation j takes rows j, j + WG, …, then a tree of fan-in FAN), so
// reruns are bit-identical; no atomics. Then
//   batch_loss[0] = Σ loss / N (if HAS_BATCH_LOSS)
//   totals += (Σ loss, Σ correct, N, 1)

override WG: u32 = 64; // invocations per workgroup
override FAN: u32 = 16; // fan-in of the sum tree

const HAS_BATCH_LOSS: u32 = 1u;

struct Params {
  N: u32,
  flags: u32, // HAS_BATCH_LOSS: write batch_loss (else the binding is a placeholder)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>; // [N, 2] loss, correct
@group(0) @binding(2) var<storage, read_write> batch_loss: array<f32>; // [1] (or placeholder)
@group(0) @binding(3) var<storage, read_write> totals: array<f32>; // [4] accumulated

// #include "pair_sum.wgsl"

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) j: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  if (wid.x > 0u) {
    return; // one workgroup does it all (uniform per workgroup)
  }
  var acc = vec2<f32>(0.0);
  for (var n = j; n < params.N; n += WG) {
    acc += vec2<f32>(partials[2u * n], partials[2u * n + 1u]);
  }
  let sum = tree_reduce(j, acc);
  if (j == 0u) {
    if ((params.flags & HAS_BATCH_LOSS) != 0u) {
      batch_loss[0] = sum.x / f32(params.N);
    }
    totals[0] += sum.x;
    totals[1] += sum.y;
    totals[2] += f32(params.N);
    totals[3] += 1.0;
  }
}
