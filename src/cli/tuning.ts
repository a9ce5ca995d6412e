/**
 * Applies the adapter's autotuned kernel tuning (from `deno task perf --autotune`) to the
 * commands that train: bench, train, perf. Grid-only parameters: results stay bit-identical.
 *
 * @module
 */

import type { Gpu } from "../gpu/device.ts";
import { type KernelTuning, setDefaultTuning } from "../nn/kernels.ts";
import { cachedTuning } from "../perf/tuning_cache.ts";

/** Uses the cached tuning for `gpu`'s adapter if there is a current one; returns it or null. */
export async function useCachedTuning(
  gpu: Gpu,
  log: (message: string) => void,
): Promise<KernelTuning | null> {
  const found = await cachedTuning(gpu.adapter, { warn: log });
  if ("reason" in found) return null;
  setDefaultTuning(gpu, found.tuning);
  const { entry } = found;
  log(
    `conv kernels: autotuned ${JSON.stringify(entry.conv)} from ${found.path} ` +
      `(${entry.defaultMsPerStep.toFixed(0)} → ${entry.msPerStep.toFixed(0)} ms per bs ` +
      `${entry.batchSize} step when measured)`,
  );
  return found.tuning;
}
