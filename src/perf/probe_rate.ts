import type { Gpu } from "../gpu/device.ts";
import type { Recorder } from "../gpu/recorder.ts";

/**
 * The best rate (work units per second) of a probe launch on this adapter: `iters` doubles from
 * `startIters` until one launch takes ≥ 150 ms (so the ~11 ms GPU wait stays a small part, capped
 * at 2²⁰), then the best of 3 launches at that size. `record` records one launch of `iters`;
 * `work` counts its units (FLOPs, loaded floats).
 */
export async function bestProbeRate(
  gpu: Gpu,
  record: (rec: Recorder, iters: number) => void,
  work: (iters: number) => number,
  startIters: number,
): Promise<number> {
  const run = async (iters: number) => {
    const t0 = performance.now();
    const rec = gpu.recorder("probe");
    record(rec, iters);
    rec.submit();
    await gpu.sync();
    return (performance.now() - t0) / 1000;
  };
  let iters = startIters;
  while ((await run(iters)) < 0.15 && iters < 1 << 20) iters *= 2;
  let best = 0;
  for (let r = 0; r < 3; r++) best = Math.max(best, work(iters) / (await run(iters)));
  return best;
}
