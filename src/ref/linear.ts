/**
 * Float64 CPU reference of a linear layer, y = x · wᵀ + b with PyTorch's weight layout [O, I],
 * written from the math in the ops spec, for testing the WGSL kernels.
 *
 * @module
 */
import type { LinearShape } from "../shapes.ts";

function checkShape(s: LinearShape): void {
  for (const [name, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`linear ref: shape ${name} = ${v}, expected a positive integer`);
    }
  }
}

function checkLength(name: string, a: ArrayLike<number>, expected: number, what: string): void {
  if (a.length !== expected) {
    throw new RangeError(
      `linear ref: ${name} has length ${a.length}, expected ${expected} ${what}`,
    );
  }
}

/** y [N, O] = x [N, I] · wᵀ + b, where w is [O, I] and b [O] may be null (no bias). */
export function linearForwardRef(
  x: Float64Array, // [N, I]
  w: Float64Array, // [O, I]
  b: Float64Array | null, // [O]
  s: LinearShape,
): Float64Array {
  checkShape(s);
  const { N, I, O } = s;
  checkLength("x", x, N * I, "[N, I]");
  checkLength("w", w, O * I, "[O, I]");
  if (b !== null) checkLength("b", b, O, "[O]");
  const y = new Float64Array(N * O); // [N, O]
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      let acc = b === null ? 0 : b[o];
      for (let i = 0; i < I; i++) acc += x[n * I + i] * w[o * I + i];
      y[n * O + o] = acc;
    }
  }
  return y;
}

/**
 * Gradients of {@link linearForwardRef} given dy [N, O]: dx [N, I] = dy · w, dw [O, I] = dyᵀ · x,
 * db [O] = Σ_n dy. Fresh arrays (not accumulated).
 */
export function linearBackwardRef(
  x: Float64Array, // [N, I]
  w: Float64Array, // [O, I]
  dy: Float64Array, // [N, O]
  s: LinearShape,
): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  checkShape(s);
  const { N, I, O } = s;
  checkLength("x", x, N * I, "[N, I]");
  checkLength("w", w, O * I, "[O, I]");
  checkLength("dy", dy, N * O, "[N, O]");
  const dx = new Float64Array(N * I); // [N, I]
  const dw = new Float64Array(O * I); // [O, I]
  const db = new Float64Array(O); // [O]
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const g = dy[n * O + o];
      db[o] += g;
      for (let i = 0; i < I; i++) {
        dx[n * I + i] += g * w[o * I + i];
        dw[o * I + i] += g * x[n * I + i];
      }
    }
  }
  return { dx, dw, db };
}
