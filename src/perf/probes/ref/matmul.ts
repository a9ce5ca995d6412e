import type { MatmulShape } from "../shapes.ts";

/** C[M, N] = A[M, K] · B[K, N] in float64. */
export function matmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  s: MatmulShape,
): Float64Array {
  const c = new Float64Array(s.M * s.N);
  for (let m = 0; m < s.M; m++) {
    for (let k = 0; k < s.K; k++) {
      const av = a[m * s.K + k];
      for (let n = 0; n < s.N; n++) c[m * s.N + n] += av * b[k * s.N + n];
    }
  }
  return c;
}
