/**
 * Shapes of the measurement probes (`fma_peak`, `load_cost`, `matmul`), shared by their launchers
 * and their float64 references (`ref/`), which import nothing else, so that a reference never
 * imports what it checks. The product's shapes are in `src/shapes.ts`.
 *
 * @module
 */

/** C[M, N] = A[M, K] · B[K, N]. */
export interface MatmulShape {
  /** Rows of A and C. */
  M: number;
  /** Columns of B and C. */
  N: number;
  /** Columns of A, rows of B: the reduction. */
  K: number;
}

/** Invocations and rounds of one arithmetic-peak probe launch (`fma_peak.wgsl`). */
export interface FmaPeakShape {
  /** Invocations. */
  count: number;
  /** Rounds of 8 vec4 FMAs per invocation. */
  iters: number;
}

/** vec4 slots of the load-cost probe's table (64 KiB, the most a uniform binding holds). */
export const LOAD_COST_SLOTS = 4096;

/** Invocations and vec4 loads per invocation of one load-cost probe launch (`load_cost.wgsl`). */
export interface LoadCostShape {
  /** Invocations. */
  count: number;
  /** vec4 loads per invocation. */
  iters: number;
}
