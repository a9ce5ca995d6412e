import { GpuKernelError } from "./errors.ts";
import type { GpuTensor } from "./tensor.ts";

/** What identifies a compute pipeline: WGSL source, entry point and `override` constants. */
export interface KernelSpec {
  /** Human-readable name used in labels and error messages, e.g. "gather". */
  label: string;
  /** Complete WGSL module (imported as text from `src/kernels/<op>.wgsl`). */
  code: string;
  /** Entry point; defaults to "main". */
  entryPoint?: string;
  /** Values for the module's `override` declarations (tile sizes, workgroup sizes, flags). */
  constants?: Record<string, number>;
}

/** A binding of group 0: a tensor (its byte range of its buffer). */
export type Binding = GpuTensor;

const MAX_CACHED_BIND_GROUPS = 4096;

/**
 * A compiled compute pipeline plus a cache of its bind groups, so the hot path neither compiles
 * nor creates bind groups. Binding indices are the array positions of `bindings`.
 */
export class Kernel {
  /** What was compiled: label, code, entry point, override constants. */
  readonly spec: Readonly<KernelSpec>;
  /** The compiled pipeline. */
  readonly pipeline: GPUComputePipeline;
  readonly #device: GPUDevice;
  readonly #bindGroups = new Map<string, GPUBindGroup>();

  /** Wraps a pipeline compiled on `device` from `spec` (see {@link PipelineCache.get}). */
  constructor(device: GPUDevice, spec: KernelSpec, pipeline: GPUComputePipeline) {
    this.#device = device;
    this.spec = Object.freeze({ ...spec });
    this.pipeline = pipeline;
  }

  /** The kernel's label with its non-default constants, e.g. `gather{WG=256}`. */
  get name(): string {
    const c = Object.entries(this.spec.constants ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
    const entry = this.spec.entryPoint && this.spec.entryPoint !== "main"
      ? `.${this.spec.entryPoint}`
      : "";
    return `${this.spec.label}${entry}${c ? `{${c}}` : ""}`;
  }

  /** The bind group for these bindings (group 0, binding i = bindings[i]); created once. */
  bindGroup(bindings: readonly Binding[]): GPUBindGroup {
    const key = bindings.map((b) => `${b.bufferId}@${b.byteOffset}+${b.byteLength}`).join(",");
    let group = this.#bindGroups.get(key);
    if (group === undefined) {
      if (this.#bindGroups.size >= MAX_CACHED_BIND_GROUPS) this.#bindGroups.clear();
      group = this.#device.createBindGroup({
        label: `${this.name}(${bindings.map(describeBinding).join(", ")})`,
        layout: this.pipeline.getBindGroupLayout(0),
        entries: bindings.map((b, binding) => ({
          binding,
          resource: { buffer: b.buffer, offset: b.byteOffset, size: b.byteLength },
        })),
      });
      this.#bindGroups.set(key, group);
    }
    return group;
  }
}

/** `x[1024×1×28×28] f32`. */
export function describeBinding(b: Binding): string {
  return b.describe();
}

/**
 * Compiles each (WGSL module, entry point, override constants) once per device. Shader modules
 * are shared between pipelines of the same source. Compilation errors name the kernel and line.
 */
export class PipelineCache {
  readonly #device: GPUDevice;
  readonly #modules = new Map<string, GPUShaderModule>();
  readonly #kernels = new Map<string, Promise<Kernel>>();

  /** An empty cache for `device`. */
  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /** Number of distinct pipelines compiled so far. */
  get size(): number {
    return this.#kernels.size;
  }

  /** The kernel for `spec`, compiling it on first use. */
  get(spec: KernelSpec): Promise<Kernel> {
    const entryPoint = spec.entryPoint ?? "main";
    const constants = Object.entries(spec.constants ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const key = `${entryPoint}\u0000${JSON.stringify(constants)}\u0000${spec.code}`;
    let kernel = this.#kernels.get(key);
    if (kernel === undefined) {
      kernel = this.#compile({ ...spec, entryPoint, constants: Object.fromEntries(constants) });
      // A failed compile is not cached: the next call reports the error again.
      kernel.catch(() => this.#kernels.delete(key));
      this.#kernels.set(key, kernel);
    }
    return kernel;
  }

  async #compile(spec: KernelSpec): Promise<Kernel> {
    const module = await this.#module(spec);
    this.#device.pushErrorScope("validation");
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await this.#device.createComputePipelineAsync({
        label: spec.label,
        layout: "auto",
        compute: { module, entryPoint: spec.entryPoint, constants: spec.constants },
      });
    } catch (err) {
      await this.#device.popErrorScope();
      throw new GpuKernelError("compilation", errorText(err), [kernelContext(spec)]);
    }
    const error = await this.#device.popErrorScope();
    if (error) throw new GpuKernelError("compilation", error.message, [kernelContext(spec)]);
    return new Kernel(this.#device, spec, pipeline);
  }

  async #module(spec: KernelSpec): Promise<GPUShaderModule> {
    let module = this.#modules.get(spec.code);
    if (module !== undefined) return module;
    this.#device.pushErrorScope("validation");
    module = this.#device.createShaderModule({ label: spec.label, code: spec.code });
    const error = await this.#device.popErrorScope();
    if (error) throw new GpuKernelError("compilation", error.message, [kernelContext(spec)]);
    this.#modules.set(spec.code, module);
    return module;
  }
}

function kernelContext(spec: KernelSpec): string {
  return `kernel ${spec.label} entry ${spec.entryPoint ?? "main"} constants ${
    JSON.stringify(spec.constants ?? {})
  }`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Awaits a table of pending values (kernels being compiled): the same names, each resolved, all
 * compiled in parallel. A kernel set is declared as one such table, so its names are written once.
 */
export async function awaitTable<T extends object>(
  table: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const names = Object.keys(table) as (keyof T & string)[];
  const values = await Promise.all(names.map((name) => table[name]));
  return Object.fromEntries(names.map((name, i) => [name, values[i]])) as T;
}
