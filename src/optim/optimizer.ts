/**
 * The lesson's optimizers (nb 12: SGD with decoupled weight decay, lerp Momentum, RMSProp, Adam)
 * and PyTorch's AdamW, each one dispatch over the whole flat parameter arena.
 *
 * All parameters form one group and weight decay applies to every one of them, as in the lesson
 * (`p ← p·(1 − lr·wd)` before the update). Hyperparameters (lr, betas, eps, wd and the bias
 * corrections, computed in float64) live in a small uniform buffer the optimizer owns; `step()`
 * rewrites it with `gpu.write` and records the update. A queued write lands before the NEXT
 * submit, so record at most ONE optimizer step per submit, and submit it before calling `step()`
 * again (a second `step()` on the same recorder throws). State buffers (momentum, squares) are
 * allocated on the first step, then nothing is allocated per step.
 *
 * @module
 */

import { paramBlock } from "../kernels/param_block.ts";
import type { Gpu } from "../gpu/device.ts";
import type { Kernel } from "../gpu/pipelines.ts";
import type { Recorder } from "../gpu/recorder.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { grid2d } from "../gpu/recorder.ts";
import type { Arena } from "../nn/arena.ts";
import type { OptimizerSpec } from "../shapes.ts";
import code from "./optimizer.wgsl" with { type: "text" };

export type { OptimizerSpec };

/** Override constants of optimizer.wgsl (not hyperparameters). */
export interface OptimizerTuning {
  /** Invocations per workgroup (default 256); each updates 4 floats. */
  workgroupSize?: number;
}

/** An optimizer bound to one arena (see the module doc for the one-step-per-submit rule). */
export interface Optimizer {
  /** Which update rule. */
  readonly kind: OptimizerSpec["kind"];
  /** Learning rate; schedulers set it before each step. Finite and ≥ 0. */
  lr: number;
  /**
   * Momentum (momentum) or β1 (adam, adamw); OneCycle cycles it. Ignored by sgd and rmsprop.
   * In [0, 1).
   */
  beta1: number;
  /** Completed (recorded) steps. */
  readonly stepCount: number;
  /** Records ONE update dispatch over the whole arena; allocates state on the first call. */
  step(rec: Recorder): void;
  /** Frees the state and hyperparameter buffers; the optimizer cannot step afterwards. */
  destroy(): void;
}

/** Every hyperparameter of a spec with its default filled in. */
export interface ResolvedOptimizerSpec {
  kind: OptimizerSpec["kind"];
  lr: number;
  /** Momentum or β1 (0 where unused). */
  beta1: number;
  /** sqrMom or β2 (0 where unused). */
  beta2: number;
  /** 0 where unused. */
  eps: number;
  wd: number;
}

const KINDS = ["sgd", "momentum", "rmsprop", "adam", "adamw"] as const;

/** State arenas per kind: a (momentum), s (rmsprop), m and v (adam, adamw). */
const STATE_COUNT: Record<OptimizerSpec["kind"], number> = {
  sgd: 0,
  momentum: 1,
  rmsprop: 1,
  adam: 2,
  adamw: 2,
};

/** The `Hyper` uniform struct of optimizer.wgsl, declared once (its test parses the WGSL). */
export const OPTIMIZER_HYPER_PARAMS = paramBlock("Hyper", [
  ["n4", "u32"],
  ["first", "u32"],
  ["lr", "f32"],
  ["lr_wd", "f32"],
  ["beta1", "f32"],
  ["one_minus_beta1", "f32"],
  ["beta2", "f32"],
  ["one_minus_beta2", "f32"],
  ["eps", "f32"],
  ["step_size", "f32"],
  ["bc2", "f32"],
  ["pad", "f32"],
]);

/** Bytes of the `Hyper` uniform struct in optimizer.wgsl (12 words). */
export const OPTIMIZER_HYPER_BYTES: number = OPTIMIZER_HYPER_PARAMS.size;

/**
 * Checks `spec` and fills in the defaults; throws a RangeError naming the offending field
 * (lr < 0, eps ≤ 0, a beta outside [0, 1), wd < 0, an unknown kind or field type).
 */
export function resolveOptimizerSpec(spec: OptimizerSpec): ResolvedOptimizerSpec {
  const kind = spec?.kind;
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`optimizer: kind = ${String(kind)}, expected one of ${KINDS.join(", ")}`);
  }
  const what = `optimizer ${kind}`;
  const lr = checkLr(what, spec.lr);
  const wd = nonNegative(what, "wd", spec.wd ?? (kind === "adamw" ? 0.01 : 0));
  switch (spec.kind) {
    case "sgd":
      return { kind, lr, beta1: 0, beta2: 0, eps: 0, wd };
    case "momentum":
      return { kind, lr, beta1: checkBeta(what, "mom", spec.mom ?? 0.9), beta2: 0, eps: 0, wd };
    case "rmsprop":
      return {
        kind,
        lr,
        beta1: 0,
        beta2: checkBeta(what, "sqrMom", spec.sqrMom ?? 0.99),
        eps: positive(what, "eps", spec.eps ?? 1e-5),
        wd,
      };
    case "adam":
    case "adamw": {
      const w = spec.kind === "adamw";
      return {
        kind,
        lr,
        beta1: checkBeta(what, "beta1", spec.beta1 ?? 0.9),
        beta2: checkBeta(what, "beta2", spec.beta2 ?? (w ? 0.999 : 0.99)),
        eps: positive(what, "eps", spec.eps ?? (w ? 1e-8 : 1e-5)),
        wd,
      };
    }
  }
}

/**
 * The hyperparameter block of step number `t` (1 on the first step) as the WGSL `Hyper` struct:
 * every derived scalar computed in float64 and rounded once to f32. Bias corrections use the
 * CURRENT beta1 and beta2 raised to t, as PyTorch's Adam/AdamW do when a scheduler changes
 * betas between steps.
 */
export function encodeOptimizerHyper(
  h: ResolvedOptimizerSpec,
  o: { t: number; n4: number; out?: ArrayBuffer },
): ArrayBuffer {
  const out = o.out ?? new ArrayBuffer(OPTIMIZER_HYPER_BYTES);
  const adam = h.kind === "adam" || h.kind === "adamw";
  const bc1 = adam ? 1 - h.beta1 ** o.t : 1;
  const bc2 = adam ? 1 - h.beta2 ** o.t : 1;
  const words = OPTIMIZER_HYPER_PARAMS.pack({
    n4: o.n4,
    first: o.t === 1 ? 1 : 0,
    lr: h.lr,
    lr_wd: h.lr * h.wd,
    beta1: h.beta1,
    one_minus_beta1: 1 - h.beta1,
    beta2: h.beta2,
    one_minus_beta2: 1 - h.beta2,
    eps: h.eps,
    step_size: h.lr / bc1,
    bc2: h.kind === "adamw" ? 1 / Math.sqrt(bc2) : 1 / bc2,
    pad: 0,
  });
  new Uint32Array(out, 0, words.length).set(words);
  return out;
}

/**
 * An optimizer over `arena` (allocated, with parameters). Compiles its kernel once per device;
 * allocates nothing until the first step. `spec` may carry {@link OptimizerTuning}.
 */
export async function createOptimizer(
  gpu: Gpu,
  arena: Arena,
  spec: OptimizerSpec & OptimizerTuning,
): Promise<Optimizer> {
  const h = resolveOptimizerSpec(spec);
  const WG = spec.workgroupSize ?? 256;
  if (!Number.isInteger(WG) || WG < 1 || WG > 1024) {
    throw new RangeError(`optimizer ${h.kind}: workgroupSize = ${WG}, expected an integer 1..1024`);
  }
  const { params, grads } = arena.buffers; // throws when the arena is not allocated
  if (arena.params.length === 0 || params.size % 4 !== 0 || grads.size !== params.size) {
    throw new RangeError(
      `optimizer ${h.kind}: arena ${params.describe()} / ${grads.describe()} must hold ` +
        "parameters, with equal lengths that are multiples of 4",
    );
  }
  const kernel = await gpu.pipelines.get({
    label: "optimizer",
    code,
    entryPoint: h.kind,
    constants: { WG },
  });
  return new ArenaOptimizer(gpu, { params, grads }, h, kernel);
}

class ArenaOptimizer implements Optimizer {
  readonly kind: OptimizerSpec["kind"];
  readonly #gpu: Gpu;
  readonly #params: GpuTensor<"f32">; // [P] parameter arena
  readonly #grads: GpuTensor<"f32">; // [P] gradient arena (same layout)
  readonly #kernel: Kernel;
  readonly #h: ResolvedOptimizerSpec;
  readonly #hostHyper = new ArrayBuffer(OPTIMIZER_HYPER_BYTES);
  #hyper: GpuTensor<"u32"> | null = null; // [12] Hyper uniform
  #state: GpuTensor<"f32">[] = []; // each [P], same layout as the arena
  #bindings: GpuTensor[] = [];
  #stepCount = 0;
  #lastRec: Recorder | null = null;
  #destroyed = false;

  constructor(
    gpu: Gpu,
    arena: { params: GpuTensor<"f32">; grads: GpuTensor<"f32"> },
    h: ResolvedOptimizerSpec,
    kernel: Kernel,
  ) {
    this.kind = h.kind;
    this.#gpu = gpu;
    this.#params = arena.params;
    this.#grads = arena.grads;
    this.#h = { ...h };
    this.#kernel = kernel;
  }

  get lr(): number {
    return this.#h.lr;
  }

  set lr(value: number) {
    this.#h.lr = checkLr(`optimizer ${this.kind}`, value);
  }

  get beta1(): number {
    return this.#h.beta1;
  }

  set beta1(value: number) {
    this.#h.beta1 = checkBeta(`optimizer ${this.kind}`, "beta1", value);
  }

  get stepCount(): number {
    return this.#stepCount;
  }

  step(rec: Recorder): void {
    if (this.#destroyed) throw new Error(`optimizer ${this.kind}: step() after destroy()`);
    if (rec === this.#lastRec) {
      // Both dispatches would read the second step's hyperparameters (writes land before submit).
      throw new Error(
        `optimizer ${this.kind}: a second step() on recorder ${rec.label}; submit each step first`,
      );
    }
    if (this.#hyper === null) this.#allocate();
    const n4 = this.#params.size / 4;
    encodeOptimizerHyper(this.#h, { t: this.#stepCount + 1, n4, out: this.#hostHyper });
    this.#gpu.write(this.#hyper!, new Uint8Array(this.#hostHyper));
    rec.dispatch(this.#kernel, this.#bindings, grid2d(n4, this.#kernel.spec.constants!.WG));
    this.#lastRec = rec;
    this.#stepCount++;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const t of this.#state) this.#gpu.destroy(t);
    if (this.#hyper) this.#gpu.destroy(this.#hyper);
    this.#state = [];
    this.#bindings = [];
    this.#hyper = null;
  }

  #allocate(): void {
    const label = `optimizer.${this.kind}`;
    this.#hyper = this.#gpu.tensor([OPTIMIZER_HYPER_BYTES / 4], {
      dtype: "u32",
      label: `${label}.hyper`,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    const names = ["s1", "s2"];
    this.#state = Array.from(
      { length: STATE_COUNT[this.kind] },
      (_, i) => this.#gpu.tensor(this.#params.shape, { label: `${label}.${names[i]}` }), // [P], zero
    );
    this.#bindings = [this.#hyper, this.#params, this.#grads, ...this.#state];
  }
}

function checkLr(what: string, lr: number): number {
  return nonNegative(what, "lr", lr);
}

function nonNegative(what: string, field: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new RangeError(`${what}: ${field} = ${String(v)}, expected a finite number ≥ 0`);
  }
  return v;
}

function positive(what: string, field: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${what}: ${field} = ${String(v)}, expected a finite number > 0`);
  }
  return v;
}

function checkBeta(what: string, field: string, v: number): number {
  if (typeof v !== "number" || !(v >= 0 && v < 1)) {
    throw new RangeError(`${what}: ${field} = ${String(v)}, expected a number in [0, 1)`);
  }
  return v;
}
