import {
  ACT_STATS_WIDTH,
  type ActStatsKernels,
  actStatsKernels,
  recordActStats,
} from "../../kernels/act_stats.ts";
import type { GpuTensor } from "../../gpu/tensor.ts";
import { defaultTuning } from "../../nn/kernels.ts";
import type { Layer } from "../../nn/layer.ts";
import type { Callback, Learner } from "../learner.ts";

/** Per hooked layer, per training batch: mean, std and the 40-bin |x| histogram over [0, 10]. */
export interface LayerActivationStats {
  /** The hooked layer's name. */
  layer: string;
  /** Mean of the layer's output, one per training batch. */
  means: number[];
  /** Standard deviation of the layer's output, one per training batch. */
  stds: number[];
  /** [batches, 40] row-major histogram counts. */
  hists: Float32Array;
}

/**
 * The lesson's ActivationStats: after each training forward, records the hooked layers' output
 * statistics into GPU buffers (no readback), and reads them once after the fit. By default it
 * hooks the activation layers (post-activation, as nb 11 does); pass a filter for others.
 */
export class ActivationStatsCallback implements Callback {
  /** Runs with the default callbacks, before the progress display. */
  readonly order = 0;
  /** Names the callback in errors. */
  readonly name = "activation-stats";
  /** Filled after each fit: one entry per hooked layer, in model order. */
  stats: LayerActivationStats[] = [];
  readonly #filter: (layer: Layer) => boolean;
  #kernels: ActStatsKernels | null = null;
  #hooked: { layer: Layer; out: GpuTensor<"f32"> }[] = [];
  #rows = 0;

  /** `filter` picks the layers to hook (default: ReLU and GeneralReLU layers). */
  constructor(options: { filter?: (layer: Layer) => boolean } = {}) {
    this.#filter = options.filter ??
      ((l) => l.kind === "ReLU" || l.kind === "GeneralRelu");
  }

  /** Hooks the filtered layers, with one stats row per training batch of the fit. */
  async beforeFit(learn: Learner): Promise<void> {
    const gpu = learn.model.gpu;
    this.#kernels ??= await actStatsKernels(gpu, defaultTuning(gpu).actStats);
    const rows = Math.max(1, learn.nEpochs * learn.trainBatches.batchCount);
    // Hooks (and their stats) are recreated on every fit, as the lesson's HooksCallback does.
    for (const h of this.#hooked) gpu.destroy(h.out);
    this.#hooked = learn.model.layers.filter(this.#filter).map((layer) => ({
      layer,
      out: gpu.tensor([rows, ACT_STATS_WIDTH], { label: `stats.${layer.name}` }),
    }));
    this.#rows = 0;
    this.stats = [];
  }

  /** Records the statistics of each hooked output (training batches only; no readback). */
  afterForward(learn: Learner): void {
    if (!learn.training || this.#hooked.length === 0) return;
    if (this.#rows >= this.#hooked[0].out.shape[0]) return;
    for (const h of this.#hooked) {
      const x = learn.model.net.outputs.get(h.layer.name)!;
      recordActStats(learn.rec!, this.#kernels!, { x, out: h.out }, this.#rows);
    }
    this.#rows++;
  }

  /** Reads the statistics back once and fills {@link stats}. */
  async cleanupFit(learn: Learner): Promise<void> {
    this.stats = [];
    for (const h of this.#hooked) {
      const all = await learn.model.gpu.read(h.out);
      const n = this.#rows;
      const means: number[] = [], stds: number[] = [];
      const hists = new Float32Array(n * 40);
      for (let r = 0; r < n; r++) {
        const row = all.subarray(r * ACT_STATS_WIDTH, (r + 1) * ACT_STATS_WIDTH);
        means.push(row[0]);
        stds.push(row[1]);
        hists.set(row.subarray(2), r * 40);
      }
      this.stats.push({ layer: h.layer.name, means, stds, hists });
    }
  }
}
