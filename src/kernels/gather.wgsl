// Builds one training batch from the GPU-resident dataset:
//   x[n, 0, h, w] = (image[order[start + n]][h, w] / 255 - mean) / std
//   y[n]          = label[order[start + n]]
// for n in [0, count). Each invocation converts one 32-bit word (4 packed u8 pixels) to a vec4.

override WG: u32 = 256; // invocations per workgroup

struct Params {
  start: u32, // first position in `order` of this batch
  count: u32, // images in this batch (the last batch of an epoch may be partial)
  words: u32, // u32 words per image: H*W/4 (H*W must be a multiple of 4; 784 is)
  mean: f32,  // subtracted after scaling to [0, 1]; 0 for raw pixels
  std_dev: f32, // divided by after subtracting; 1 for raw pixels
}

@group(0) @binding(0) var<storage, read> images: array<u32>;          // [N_total, H*W/4] packed u8
@group(0) @binding(1) var<storage, read> labels: array<u32>;          // [N_total]
@group(0) @binding(2) var<storage, read> order: array<u32>;           // [N_total] row per position
@group(0) @binding(3) var<uniform> params: Params;
@group(0) @binding(4) var<storage, read_write> x: array<vec4<f32>>;   // [count, 1, H, W] as H*W/4 vec4
@group(0) @binding(5) var<storage, read_write> y: array<u32>;         // [count]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
  // 2-D grid so a whole split (60000 × 196 words) fits under the 65535 workgroups per dimension.
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.count * params.words) {
    return;
  }
  let n = i / params.words;
  let w = i - n * params.words;
  let row = order[params.start + n];
  let p = images[row * params.words + w];
  // Little-endian: pixel 4w is the lowest byte of word w.
  let bytes = vec4<u32>(p & 0xffu, (p >> 8u) & 0xffu, (p >> 16u) & 0xffu, p >> 24u);
  x[i] = (vec4<f32>(bytes) / 255.0 - params.mean) / params.std_dev;
  if (w == 0u) {
    y[n] = labels[row];
  }
}
