// The register block of the conv kernels (conv2d_forward, conv2d_backward_input,
// conv2d_backward_weight): an invocation accumulates 4·Q rows (filters or channels, as vec4s over
// 4) for each of its columns. Included with `// #include "conv2d_register_block.wgsl"`; the
// including kernel declares `override Q` (1, 2 or 4) and `fn quad_at(i: u32) -> vec4<f32>`, where
// its quads come from (the uniform weight window, or the transposed dout). Loops bounded by
// override constants are not unrolled on lavapipe, hence the explicit quads 0..3, whose unused
// parts fold away once Q is a constant; lavapipe inlines these functions.

// The Q quads in use from slot i on (4·Q rows of one tap or position); unused quads 0.
fn quads(i: u32) -> array<vec4<f32>, 4> {
  var wq: array<vec4<f32>, 4>;
  wq[0] = quad_at(i);
  if (Q > 1u) {
    wq[1] = quad_at(i + 1u);
  }
  if (Q > 2u) {
    wq[2] = quad_at(i + 2u);
    wq[3] = quad_at(i + 3u);
  }
  return wq;
}

// acc[q] += wq[q] · v for the Q quads in use (4·Q rows of one column).
fn fma_col(acc: ptr<function, array<vec4<f32>, 4>>, wq: array<vec4<f32>, 4>, v: f32) {
  let vv = vec4<f32>(v);
  (*acc)[0] = fma(wq[0], vv, (*acc)[0]);
  if (Q > 1u) {
    (*acc)[1] = fma(wq[1], vv, (*acc)[1]);
  }
  if (Q > 2u) {
    (*acc)[2] = fma(wq[2], vv, (*acc)[2]);
    (*acc)[3] = fma(wq[3], vv, (*acc)[3]);
  }
}

// One reduction step of four columns: column i gets wq · v[i]. Pointers, not a returned block:
// the accumulators stay the caller's registers.
fn fma_cols4(
  a0: ptr<function, array<vec4<f32>, 4>>,
  a1: ptr<function, array<vec4<f32>, 4>>,
  a2: ptr<function, array<vec4<f32>, 4>>,
  a3: ptr<function, array<vec4<f32>, 4>>,
  wq: array<vec4<f32>, 4>,
  v: vec4<f32>,
) {
  fma_col(a0, wq, v.x);
  fma_col(a1, wq, v.y);
  fma_col(a2, wq, v.z);
  fma_col(a3, wq, v.w);
}
