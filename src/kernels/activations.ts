/**
 * GeneralReLU (leak, sub, maxv; plain ReLU with all three off) forward and backward kernels.
 *
 * @module
 */
import { withIncludes } from "./wgsl_include.ts";
import type { Gpu } from "../gpu/device.ts";
import type { Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import type { GeneralReluOptions } from "../shapes.ts";
import activationsWgsl from "./activations.wgsl" with { type: "text" };
import { grid2d } from "../gpu/recorder.ts";
import { GENERAL_RELU_PARAMS } from "./params.ts";

const code = withIncludes(activationsWgsl);

export type { GeneralReluOptions };

/** Override constants of activations.wgsl. */
export interface GeneralReluTuning {
  /** Invocations per workgroup (default 256). */
  workgroupSize?: number;
  /** Elements per invocation (default 4). */
  perInvocation?: number;
}

/** The compiled GeneralReLU pipelines for one tuning. */
export interface GeneralReluKernels {
  /** y = GeneralReLU(x), elementwise. */
  readonly forward: Kernel;
  /** dx = dy · GeneralReLU'(x), elementwise. */
  readonly backward: Kernel;
  /** The forward on vec4s, used when the element count is a multiple of 4. */
  readonly forward4: Kernel;
  /** The backward on vec4s, used when the element count is a multiple of 4. */
  readonly backward4: Kernel;
  /** Elements (vec4s for the *4 kernels) one workgroup covers: workgroupSize · perInvocation. */
  readonly block: number;
  /** @internal Shape uniforms come from here. */
  readonly gpu: Gpu;
}

/** Compiles (once per device and tuning) the GeneralReLU forward and backward kernels. */
export async function generalReluKernels(
  gpu: Gpu,
  tuning: GeneralReluTuning = {},
): Promise<GeneralReluKernels> {
  const WG = tuning.workgroupSize ?? 256;
  const PER = tuning.perInvocation ?? 4;
  checkTuning("generalRelu", { workgroupSize: WG, perInvocation: PER });
  const constants = { WG, PER };
  const [forward, backward, forward4, backward4] = await Promise.all(
    ["forward", "backward", "forward4", "backward4"].map((entryPoint) =>
      gpu.pipelines.get({ label: "general_relu", code, entryPoint, constants })
    ),
  );
  return { forward, backward, forward4, backward4, block: WG * PER, gpu };
}

/** y = GeneralReLU(x), elementwise; x and y have the same number of elements (any shape). */
export function recordGeneralReluForward(
  rec: Recorder,
  k: GeneralReluKernels,
  t: { x: GpuTensor<"f32">; y: GpuTensor<"f32"> },
  o: GeneralReluOptions = {},
): void {
  checkSizes("generalRelu forward", t.x, { y: t.y });
  const params = k.gpu.uniform(
    GENERAL_RELU_PARAMS.pack({ count: t.x.size, ...generalReluFields(o) }),
    "general_relu.params",
  );
  const vec = t.x.size % 4 === 0;
  rec.dispatch(
    vec ? k.forward4 : k.forward,
    [params, t.x, t.y],
    grid2d(vec ? t.x.size / 4 : t.x.size, k.block),
  );
}

/** dx = dy · GeneralReLU'(x), with x the forward's input (pre-activation); dx is overwritten. */
export function recordGeneralReluBackward(
  rec: Recorder,
  k: GeneralReluKernels,
  t: { x: GpuTensor<"f32">; dy: GpuTensor<"f32">; dx: GpuTensor<"f32"> },
  o: GeneralReluOptions = {},
): void {
  checkSizes("generalRelu backward", t.x, { dy: t.dy, dx: t.dx });
  const params = k.gpu.uniform(
    GENERAL_RELU_PARAMS.pack({ count: t.x.size, ...generalReluFields(o) }),
    "general_relu.params",
  );
  const vec = t.x.size % 4 === 0;
  rec.dispatch(
    vec ? k.backward4 : k.backward,
    [params, t.x, t.dx, t.dy],
    grid2d(vec ? t.x.size / 4 : t.x.size, k.block),
  );
}

/**
 * GeneralReLU's settings as the fields of activations.wgsl's Params after `count` (and of
 * general_relu_fn.wgsl's Act): flags 1 leak, 2 sub, 4 maxv; an unset value is 0 (so plain ReLU's
 * backward slope is 0).
 */
export function generalReluFields(
  o: GeneralReluOptions,
): { flags: number; leak: number; sub: number; maxv: number } {
  let flags = 0;
  for (const [bit, name] of [[1, "leak"], [2, "sub"], [4, "maxv"]] as const) {
    const v = o[name];
    if (v == null) continue;
    if (!Number.isFinite(v)) {
      throw new RangeError(`generalRelu: ${name} = ${v}, expected a finite number or null`);
    }
    flags |= bit;
  }
  return { flags, leak: o.leak ?? 0, sub: o.sub ?? 0, maxv: o.maxv ?? 0 };
}

function checkSizes(
  what: string,
  x: GpuTensor<"f32">,
  others: Record<string, GpuTensor<"f32">>,
): void {
  if (x.dtype !== "f32") throw new RangeError(`${what}: x ${x.describe()} must be f32`);
  for (const [name, t] of Object.entries(others)) {
    if (t.dtype !== "f32" || t.size !== x.size) {
      throw new RangeError(
        `${what}: ${name} ${t.describe()} must be f32 with ${x.size} elements (x's)`,
      );
    }
  }
}

function checkTuning(what: string, tuning: Record<string, number>): void {
  for (const [name, v] of Object.entries(tuning)) {
    if (!Number.isInteger(v) || v < 1 || v > 1024) {
      throw new RangeError(`${what} tuning: ${name} = ${v}, expected an integer in [1, 1024]`);
    }
  }
}
