// How the BatchNorm elementwise passes (batchnorm_apply, batchnorm_backward_dx) find each
// element's channel without a division per element (integer division is slow on CPU adapters),
// and their fused activation. Included with `// #include "batchnorm_walk.wgsl"`; the including
// kernel's `params` has C, HW (H·W) and the act_* fields.

/** The fused activation of `params` (general_relu_fn.wgsl's Act; flags 0: none). */
fn fused_act() -> Act {
  return Act(params.act_flags, params.act_leak, params.act_sub, params.act_maxv);
}

/**
 * Element i of [N, C, H, W] in the flat layout: its position hw in its row (row = n·C + c) and
 * its channel c, and how a stride of `stride` elements moves them.
 */
struct Cursor {
  hw: u32,
  c: u32,
  step_hw: u32,
  step_c: u32,
}

fn cursor_at(i: u32, stride: u32) -> Cursor {
  let row = i / params.HW;
  let step_rows = stride / params.HW;
  return Cursor(
    i - row * params.HW,
    row % params.C,
    stride - step_rows * params.HW,
    step_rows % params.C,
  );
}

/** Moves the cursor on by its stride. */
fn cursor_step(k: ptr<function, Cursor>) {
  (*k).hw += (*k).step_hw;
  (*k).c += (*k).step_c;
  if ((*k).hw >= params.HW) {
    (*k).hw -= params.HW;
    (*k).c += 1u;
  }
  if ((*k).c >= params.C) {
    (*k).c -= params.C;
  }
}

/**
 * vec4 m of one channel in the channel-major walk of the chan4 passes: m = n·H·W/4 + hw, so the
 * vec4 sits at (n·C + c)·H·W/4 + hw; a stride of WG vec4s moves (n, hw) without a division.
 */
struct ChanWalk {
  n: u32,
  hw: u32,
  step_n: u32,
  step_hw: u32,
}

fn chan_walk_at(m: u32) -> ChanWalk {
  let HW4 = params.HW / 4u;
  let n = m / HW4;
  let step_n = WG / HW4;
  return ChanWalk(n, m - n * HW4, step_n, WG - step_n * HW4);
}

/** The vec4 index of the walk's position in channel c. */
fn chan_walk_index(w: ChanWalk, c: u32) -> u32 {
  return (w.n * params.C + c) * (params.HW / 4u) + w.hw;
}

/** Moves the walk on by WG vec4s. */
fn chan_walk_step(w: ptr<function, ChanWalk>) {
  let HW4 = params.HW / 4u;
  (*w).hw += (*w).step_hw;
  (*w).n += (*w).step_n;
  if ((*w).hw >= HW4) {
    (*w).hw -= HW4;
    (*w).n += 1u;
  }
}
