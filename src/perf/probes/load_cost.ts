/**
 * The load-cost probe (`load_cost.wgsl`): how fast this adapter serves vec4 loads from a cached
 * 64 KiB table, from a storage or a uniform buffer, at per-invocation or shared addresses.
 * `deno task perf` sets the rates beside the FMA ceiling: on lavapipe a load costs as long as
 * dozens of FMAs, which is what bounds the conv kernels there.
 *
 * @module
 */
import type { Gpu } from "../../gpu/device.ts";
import type { Kernel } from "../../gpu/pipelines.ts";
import type { Recorder } from "../../gpu/recorder.ts";
import type { GpuTensor } from "../../gpu/tensor.ts";
import { grid2d } from "../../gpu/recorder.ts";
import code from "./load_cost.wgsl" with { type: "text" };
import { LOAD_COST_SLOTS, type LoadCostShape } from "./shapes.ts";

export { LOAD_COST_SLOTS, type LoadCostShape };

/** Where the table lives and whose addresses the loads use. */
export interface LoadCostVariant {
  /** "storage": `var<storage, read>`; "uniform": `var<uniform>`. */
  source: "storage" | "uniform";
  /** True: each invocation its own addresses (a gather); false: one address for all. */
  perLane: boolean;
}

/** f32 values loaded by one launch (4 per vec4 load). */
export function loadCostFloats(s: LoadCostShape): number {
  return s.count * s.iters * 4;
}

/** The compiled probe, the device its parameters live on, and what it measures. */
export interface LoadCostKernel {
  gpu: Gpu;
  kernel: Kernel;
  variant: LoadCostVariant;
}

/** Compiles the probe for `variant` with `workgroupSize` invocations per group. */
export async function loadCostKernel(
  gpu: Gpu,
  variant: LoadCostVariant,
  workgroupSize = 256,
): Promise<LoadCostKernel> {
  const source = variant.source === "uniform"
    ? code.replace("var<storage, read> table", "var<uniform> table")
    : code;
  const kernel = await gpu.pipelines.get({
    label: `load_cost.${variant.source}`,
    code: source,
    constants: { WG: workgroupSize, PER_LANE: variant.perLane ? 1 : 0 },
  });
  return { gpu, kernel, variant };
}

/** A table tensor of LOAD_COST_SLOTS vec4 that both variants can bind. */
export function loadCostTable(gpu: Gpu, values: Float32Array): GpuTensor<"f32"> {
  if (values.length !== LOAD_COST_SLOTS * 4) {
    throw new RangeError(
      `load cost table: ${values.length} values, expected ${LOAD_COST_SLOTS * 4}`,
    );
  }
  const t = gpu.tensor([LOAD_COST_SLOTS * 4], {
    label: "load cost table",
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  gpu.write(t, values);
  return t;
}

/** Records one probe launch writing out[0..count) (one sum per invocation). */
export function recordLoadCost(
  rec: Recorder,
  k: LoadCostKernel,
  table: GpuTensor<"f32">,
  out: GpuTensor<"f32">,
  s: LoadCostShape,
): void {
  for (const name of ["count", "iters"] as const) {
    if (!Number.isInteger(s[name]) || s[name] < 1) {
      throw new RangeError(`load cost ${name} = ${s[name]}, expected a positive integer`);
    }
  }
  if (table.size !== LOAD_COST_SLOTS * 4) {
    throw new RangeError(
      `load cost table: ${table.size} elements, expected ${LOAD_COST_SLOTS * 4}`,
    );
  }
  if (out.size < s.count) {
    throw new RangeError(`load cost out: ${out.size} elements, expected at least ${s.count}`);
  }
  const params = k.gpu.uniform(Uint32Array.of(s.count, s.iters), "load_cost.params");
  const wg = k.kernel.spec.constants?.WG ?? 256;
  rec.dispatch(k.kernel, [params, table, out], grid2d(s.count, wg));
}
