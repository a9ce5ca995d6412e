// Activation statistics (ActivationStats, fast.ai lesson 17 nb 10) of a tensor x of L values, any
// shape: mean, UNBIASED std (torch .std()) and torch.histc(|x|, bins=40, min=0, max=10): bin =
// floor(4·|x|) for |x| < 10, |x| == 10 in bin 39, |x| > 10 (and inf, NaN) dropped.
//
// Pass 1 (chunk, chunk4): workgroup g summarises values [g·T, min((g + 1)·T, L)), T = WG·PER values
// (chunk4: WG·PER vec4s), as (mean, M2 = Σ(x − mean)²). Invocation j takes values j, j + WG, …: a
// mean, then the centred sum of squares around it (values still in cache, nothing cancels); the
// WG summaries merge with Chan's formula in a fixed tree of fan-in FAN. Bin counts end in
// workgroup u32 atomics: integer addition is order-independent, so reruns stay bit-identical (no
// float atomics anywhere). Partials [G, 42] = (mean, M2, 40 counts as f32: ≤ T < 2^24, exact).
// Pass 2 (finalize): one workgroup merges the G chunk summaries in a fixed order (invocation j:
// chunks j, j + WG, … in turn, then the same tree) and writes row `row` of out.

override WG: u32 = 256; // invocations per workgroup
override PER: u32 = 32; // values (chunk4: vec4s) per invocation per chunk
override FAN: u32 = 16; // fan-in of the in-workgroup merge tree
// Count into per-invocation bins, then one atomic per non-empty bin: lavapipe pays ~3x less than
// one workgroup atomic per value (false), which GPUs with fast shared-memory atomics may prefer.
override PRIVATE_HIST: bool = true;

const BINS: u32 = 40u;
const WIDTH: u32 = 42u; // per output row and per chunk partial: mean, std (chunk: M2), hist[40]
const TEN_BITS: u32 = 0x41200000u; // bit pattern of 10.0f

struct ChunkParams {
  L: u32, // values of x (chunk4: vec4s, L/4)
  G: u32, // chunks = ceil(L / T)
}

struct FinalParams {
  L: u32, // values of x
  G: u32, // chunks
  T: u32, // values per chunk (all but the last are full)
  row: u32, // the row of out to write
}

// chunk / chunk4
@group(0) @binding(0) var<uniform> cp: ChunkParams;
@group(0) @binding(1) var<storage, read> x: array<f32>; // [L] (any shape, flattened)
@group(0) @binding(1) var<storage, read> x4: array<vec4<f32>>; // [L / 4]
@group(0) @binding(2) var<storage, read_write> partials: array<f32>; // [G, 42]

// finalize
@group(0) @binding(0) var<uniform> fp: FinalParams;
@group(0) @binding(1) var<storage, read> partials_in: array<f32>; // [G, 42]
@group(0) @binding(2) var<storage, read_write> out: array<f32>; // [rows, 42]

var<workgroup> hist: array<atomic<u32>, BINS>; // zero-initialised per workgroup by WGSL

// The merge ends with a barrier, which also orders the bin atomics before they are read.
// #include "moments_merge.wgsl"

/** histc's bin of v, or BINS when dropped. Compares |v|'s bits: NaN and inf are dropped safely. */
fn bin_of(v: f32) -> u32 {
  let a = bitcast<u32>(v) & 0x7fffffffu;
  if (a > TEN_BITS) {
    return BINS;
  }
  // 4·|v| is exact in f32 (a power-of-two scale), so the floor is exactly floor(|v|·40/10).
  return min(u32(bitcast<f32>(a) * 4.0), BINS - 1u);
}

/** Counts v: in the invocation's own bins (slot 40 takes dropped values), or straight away. */
fn count_value(h: ptr<function, array<u32, 41>>, v: f32) {
  let b = bin_of(v);
  if (PRIVATE_HIST) {
    (*h)[b] += 1u;
  } else if (b < BINS) {
    atomicAdd(&hist[b], 1u);
  }
}

/** Adds the invocation's own bins to the workgroup's. */
fn flush(h: ptr<function, array<u32, 41>>) {
  if (!PRIVATE_HIST) {
    return;
  }
  for (var b = 0u; b < BINS; b++) {
    let c = (*h)[b];
    if (c != 0u) {
      atomicAdd(&hist[b], c);
    }
  }
}

/** Writes a chunk's summary and counts (after `merge`, whose last barrier covers the atomics). */
fn write_chunk(j: u32, g: u32, total: vec3<f32>) {
  let base = g * WIDTH;
  if (j == 0u) {
    partials[base] = total.y;
    partials[base + 1u] = total.z;
  }
  for (var b = j; b < BINS; b += WG) {
    partials[base + 2u + b] = f32(atomicLoad(&hist[b]));
  }
}

@compute @workgroup_size(WG)
fn chunk(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let g = wid.x + wid.y * groups.x;
  if (g >= cp.G) {
    return; // uniform per workgroup: the barriers below stay in uniform control flow
  }
  let start = g * WG * PER;
  let end = min(start + WG * PER, cp.L);
  var count = 0u;
  var sum = 0.0;
  var h: array<u32, 41>;
  for (var i = start + j; i < end; i += WG) {
    let v = x[i];
    sum += v;
    count++;
    count_value(&h, v);
  }
  flush(&h);
  let m = sum / max(f32(count), 1.0);
  var m2 = 0.0;
  for (var i = start + j; i < end; i += WG) {
    let d = x[i] - m;
    m2 += d * d;
  }
  write_chunk(j, g, tree_reduce(j, vec3<f32>(f32(count), m, m2)));
}

@compute @workgroup_size(WG)
fn chunk4(
  @builtin(local_invocation_index) j: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
) {
  let g = wid.x + wid.y * groups.x;
  if (g >= cp.G) {
    return; // uniform per workgroup: the barriers below stay in uniform control flow
  }
  let start = g * WG * PER;
  let end = min(start + WG * PER, cp.L);
  var count = 0u;
  var sum = vec4<f32>(0.0);
  var h: array<u32, 41>;
  for (var i = start + j; i < end; i += WG) {
    let v = x4[i];
    sum += v;
    count += 4u;
    count_value(&h, v.x);
    count_value(&h, v.y);
    count_value(&h, v.z);
    count_value(&h, v.w);
  }
  flush(&h);
  let m = (sum.x + sum.y + sum.z + sum.w) / max(f32(count), 1.0);
  var m2 = vec4<f32>(0.0);
  for (var i = start + j; i < end; i += WG) {
    let d = x4[i] - m;
    m2 += d * d;
  }
  write_chunk(j, g, tree_reduce(j, vec3<f32>(f32(count), m, m2.x + m2.y + m2.z + m2.w)));
}

@compute @workgroup_size(WG)
fn finalize(@builtin(local_invocation_index) j: u32) {
  let o = fp.row * WIDTH;
  if (o + WIDTH > arrayLength(&out) || fp.G * WIDTH > arrayLength(&partials_in) || fp.L < 2u) {
    return; // uniform: the launcher checks these, this only guards the buffers
  }
  var acc = vec3<f32>(0.0);
  for (var g = j; g < fp.G; g += WG) {
    let n = f32(min(fp.T, fp.L - g * fp.T));
    acc = chan(acc, vec3<f32>(n, partials_in[g * WIDTH], partials_in[g * WIDTH + 1u]));
  }
  let total = tree_reduce(j, acc);
  if (j == 0u) {
    out[o] = total.y;
    out[o + 1u] = sqrt(total.z / f32(fp.L - 1u));
  }
  for (var b = j; b < BINS; b += WG) {
    var s = 0u;
    for (var g = 0u; g < fp.G; g++) {
      s += u32(partials_in[g * WIDTH + 2u + b]);
    }
    out[o + 2u + b] = f32(s);
  }
}
