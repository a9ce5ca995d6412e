/**
 * Float64 CPU reference of a 2-D convolution (NCHW, weights [F, C, K, K], zero padding), written
 * from the math in the ops spec, for testing the WGSL kernels.
 *
 * @module
 */
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";

function checkLength(name: string, a: ArrayLike<number>, expected: number, what: string): void {
  if (a.length !== expected) {
    throw new RangeError(
      `conv2d ref: ${name} has length ${a.length}, expected ${expected} ${what}`,
    );
  }
}

/**
 * out[n,f,oy,ox] = b[f] + Σ_{c,ky,kx} w[f,c,ky,kx] · x[n, c, oy·S − P + ky, ox·S − P + kx], terms
 * outside the image being 0. `b` may be null (no bias). Returns out [N, F, OH, OW].
 */
export function conv2dForwardRef(
  x: Float64Array, // [N, C, H, W]
  w: Float64Array, // [F, C, K, K]
  b: Float64Array | null, // [F]
  s: Conv2dShape,
): Float64Array {
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  checkLength("x", x, N * C * H * W, "[N, C, H, W]");
  checkLength("w", w, F * C * K * K, "[F, C, K, K]");
  if (b !== null) checkLength("b", b, F, "[F]");
  const out = new Float64Array(N * F * OH * OW); // [N, F, OH, OW]
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let acc = b === null ? 0 : b[f];
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * S - P + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < K; kx++) {
                const ix = ox * S - P + kx;
                if (ix < 0 || ix >= W) continue;
                acc += w[((f * C + c) * K + ky) * K + kx] * x[((n * C + c) * H + iy) * W + ix];
              }
            }
          }
          out[((n * F + f) * OH + oy) * OW + ox] = acc;
        }
      }
    }
  }
  return out;
}

/**
 * Gradients of {@link conv2dForwardRef} given dout [N, F, OH, OW]: dx [N, C, H, W],
 * dw [F, C, K, K] = Σ_{n,oy,ox} dout · x, db [F] = Σ dout. Fresh arrays (not accumulated).
 */
export function conv2dBackwardRef(
  x: Float64Array, // [N, C, H, W]
  w: Float64Array, // [F, C, K, K]
  dout: Float64Array, // [N, F, OH, OW]
  s: Conv2dShape,
): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const { N, C, H, W, F, K, S, P } = s;
  const { OH, OW } = conv2dOutSize(s);
  checkLength("x", x, N * C * H * W, "[N, C, H, W]");
  checkLength("w", w, F * C * K * K, "[F, C, K, K]");
  checkLength("dout", dout, N * F * OH * OW, "[N, F, OH, OW]");
  const dx = new Float64Array(N * C * H * W); // [N, C, H, W]
  const dw = new Float64Array(F * C * K * K); // [F, C, K, K]
  const db = new Float64Array(F); // [F]
  // Scatter form: each output element adds its share to every input and weight it touched.
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const g = dout[((n * F + f) * OH + oy) * OW + ox];
          db[f] += g;
          for (let c = 0; c < C; c++) {
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * S - P + ky;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < K; kx++) {
                const ix = ox * S - P + kx;
                if (ix < 0 || ix >= W) continue;
                const wi = ((f * C + c) * K + ky) * K + kx;
                const xi = ((n * C + c) * H + iy) * W + ix;
                dx[xi] += g * w[wi];
                dw[wi] += g * x[xi];
              }
            }
          }
        }
      }
    }
  }
  return { dx, dw, db };
}
