/**
 * Float64 CPU reference of the lesson's GeneralReLU (leak, sub, maxv; each optional), written from
 * the math in the ops spec, for testing the WGSL kernels. Plain ReLU is GeneralReLU with all off.
 *
 * @module
 */

import type { GeneralReluOptions } from "../shapes.ts";

function checkOptions(o: GeneralReluOptions): void {
  for (const name of ["leak", "sub", "maxv"] as const) {
    const v = o[name];
    if (v != null && !Number.isFinite(v)) {
      throw new RangeError(`generalRelu ref: ${name} = ${v}, expected a finite number or null`);
    }
  }
}

/** The pre-clamp value t = (leaky) ReLU(x) − sub. */
function preClamp(v: number, leak: number | null, sub: number | null): number {
  let t = leak != null ? (v >= 0 ? v : leak * v) : Math.max(v, 0);
  if (sub != null) t -= sub;
  return t;
}

/**
 * y = min(t, maxv) with t = (leak != null ? (x ≥ 0 ? x : leak·x) : max(x, 0)) − sub; each of leak,
 * sub, maxv skipped when null/undefined. Elementwise, any shape.
 */
export function generalReluForwardRef(x: Float64Array, o: GeneralReluOptions = {}): Float64Array {
  checkOptions(o);
  const leak = o.leak ?? null, sub = o.sub ?? null, maxv = o.maxv ?? null;
  const y = new Float64Array(x.length); // same shape as x
  for (let i = 0; i < x.length; i++) {
    const t = preClamp(x[i], leak, sub);
    y[i] = maxv != null ? Math.min(t, maxv) : t;
  }
  return y;
}

/**
 * dx = dy · slope · pass, PyTorch's conventions: slope = x > 0 ? 1 : (leak ?? 0), so x == 0 takes
 * the leak (0 for plain ReLU); pass = 1 unless maxv is set and t > maxv (t before clamping), so
 * t == maxv passes the gradient.
 */
export function generalReluBackwardRef(
  x: Float64Array,
  dy: Float64Array, // same shape as x
  o: GeneralReluOptions = {},
): Float64Array {
  checkOptions(o);
  if (dy.length !== x.length) {
    throw new RangeError(`generalRelu ref: dy has length ${dy.length}, expected ${x.length} (x's)`);
  }
  const leak = o.leak ?? null, sub = o.sub ?? null, maxv = o.maxv ?? null;
  const dx = new Float64Array(x.length); // same shape as x
  for (let i = 0; i < x.length; i++) {
    const slope = x[i] > 0 ? 1 : (leak ?? 0);
    const pass = maxv != null && preClamp(x[i], leak, sub) > maxv ? 0 : 1;
    dx[i] = dy[i] * slope * pass;
  }
  return dx;
}
