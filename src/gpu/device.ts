import { GpuDeviceLostError, GpuKernelError, NoAdapterError } from "./errors.ts";
import { PipelineCache } from "./pipelines.ts";
import type { Profiler } from "./profiler.ts";
import { Recorder, type RecorderHost } from "./recorder.ts";
import { bufferBytes, type Dtype, GpuTensor, type HostArray, shapeSize } from "./tensor.ts";

/** The adapter a result was produced on: recorded in every results file. */
export interface AdapterRecord {
  /** GPUAdapterInfo's vendor (may be empty where the browser hides it). */
  vendor: string;
  /** GPUAdapterInfo's architecture. */
  architecture: string;
  /** GPUAdapterInfo's device. */
  device: string;
  /** GPUAdapterInfo's description, e.g. "llvmpipe (LLVM 15.0.7, 256 bits)". */
  description: string;
  /** True for software adapters such as Mesa's lavapipe ("llvmpipe"). */
  isFallbackAdapter: boolean;
  /** Adapter features, sorted. */
  features: string[];
  /** Device limits as granted (every numeric limit). */
  limits: Record<string, number>;
}

/** Options for acquiring the GPU. */
export interface GpuOptions {
  /** The WebGPU entry point; defaults to `navigator.gpu` (tests inject fakes). */
  navigatorGpu?: GPU | undefined;
  /** Passed to `requestAdapter` (a hint to pick the discrete or the integrated GPU). */
  powerPreference?: GPUPowerPreference;
}

/** Features used when the adapter has them (timestamps for `deno task perf`, f16 for kernels). */
const OPTIONAL_FEATURES: GPUFeatureName[] = ["timestamp-query", "shader-f16"];

// STORAGE | COPY_SRC | COPY_DST as the spec's numbers: `GPUBufferUsage` does not exist in a
// browser without WebGPU, and this module must still load there to say so.
const STORAGE_USAGE = 0x80 | 0x04 | 0x08;

/**
 * One WebGPU adapter and device: tensors, the pipeline cache, recorders and `read()`, the only
 * readback. Use {@link getGpu} for the process-wide instance.
 */
export class Gpu implements RecorderHost {
  /** The WebGPU device every buffer and pipeline belongs to. */
  readonly device: GPUDevice;
  /** The adapter as recorded in results files. */
  readonly adapter: AdapterRecord;
  /** Compiled compute pipelines of this device, cached by code, entry point and constants. */
  readonly pipelines: PipelineCache;
  #pending: { errors: Promise<GPUError | null>[]; context: string[] }[] = [];
  #uncaptured: GPUError | null = null;
  #lost: GpuDeviceLostError | null = null;
  #bytes = 0;
  #peakBytes = 0;
  #readbacks = 0;
  readonly #uniforms = new Map<string, GpuTensor<"u32">>();

  private constructor(device: GPUDevice, adapter: AdapterRecord) {
    this.device = device;
    this.adapter = adapter;
    this.pipelines = new PipelineCache(device);
    device.addEventListener("uncapturederror", (event) => {
      this.#uncaptured ??= (event as GPUUncapturedErrorEvent).error;
    });
    device.lost.then((info) => {
      this.#lost = new GpuDeviceLostError(info.reason, info.message);
      if (info.reason !== "destroyed") console.error(`claimbench: ${this.#lost.message}`);
    });
  }

  /** Requests an adapter and a device with the adapter's full limits. */
  static async create(options: GpuOptions = {}): Promise<Gpu> {
    ensureRuntimeDir();
    const gpu = "navigatorGpu" in options ? options.navigatorGpu : globalThis.navigator?.gpu;
    if (!gpu) throw new NoAdapterError("this runtime has no navigator.gpu");
    let adapter: GPUAdapter | null;
    try {
      adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    } catch (err) {
      throw new NoAdapterError(`requestAdapter() failed: ${(err as Error)?.message ?? err}`);
    }
    if (!adapter) {
      throw new NoAdapterError("navigator.gpu.requestAdapter() found no Vulkan/Metal/D3D12 driver");
    }
    const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
    const requiredLimits = readLimits(adapter.limits);
    const device = await adapter.requestDevice({
      label: "claimbench",
      requiredFeatures,
      requiredLimits,
    });
    const info = adapter.info;
    return new Gpu(device, {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: Boolean(
        (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
          (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
      ),
      features: [...adapter.features].map(String).sort(),
      limits: readLimits(device.limits),
    });
  }

  /** One line naming the adapter, e.g. `llvmpipe (LLVM 15.0.6, 256 bits) [fallback]`. */
  get adapterName(): string {
    const a = this.adapter;
    const name = a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(" ");
    return `${name || "unknown adapter"}${a.isFallbackAdapter ? " [fallback]" : ""}`;
  }

  /** Bytes of GPU buffers currently allocated through this object. */
  get bytesAllocated(): number {
    return this.#bytes;
  }

  /** Highest {@link bytesAllocated} so far. */
  get peakBytesAllocated(): number {
    return this.#peakBytes;
  }

  /** Number of `read()` calls so far (perf reports readbacks per epoch). */
  get readbackCount(): number {
    return this.#readbacks;
  }

  /** Whether the device was lost. */
  get isLost(): boolean {
    return this.#lost !== null;
  }

  /** Throws {@link GpuDeviceLostError} if the device was lost. */
  assertAlive(): void {
    if (this.#lost) throw this.#lost;
  }

  /** A new zero-initialised tensor (WebGPU zero-fills new buffers). */
  tensor<D extends Dtype = "f32">(
    shape: readonly number[],
    options: { dtype?: D; label?: string; usage?: number } = {},
  ): GpuTensor<D> {
    this.assertAlive();
    const dtype = (options.dtype ?? "f32") as D;
    const label = options.label ?? "tensor";
    const size = bufferBytes(shapeSize(shape), dtype);
    const maxBytes = this.device.limits.maxBufferSize;
    if (size > maxBytes) {
      throw new GpuKernelError("out-of-memory", `buffer of ${size} bytes > maxBufferSize`, [
        `allocating ${label}[${shape.join("×")}] ${dtype}`,
      ]);
    }
    this.device.pushErrorScope("out-of-memory");
    const buffer = this.device.createBuffer({
      label,
      size,
      usage: options.usage ?? STORAGE_USAGE,
    });
    this.trackSubmission([this.device.popErrorScope()], [
      `allocating ${label}[${shape.join("×")}] ${dtype} (${size} bytes)`,
    ]);
    this.#bytes += size;
    this.#peakBytes = Math.max(this.#peakBytes, this.#bytes);
    return new GpuTensor(buffer, shape, dtype, label);
  }

  /** A new tensor holding `data` (u8 data is packed four to a word). */
  upload<D extends Dtype>(
    data: HostArray<D>,
    shape: readonly number[],
    options: { dtype: D; label?: string; usage?: number },
  ): GpuTensor<D> {
    if (data.length !== shapeSize(shape)) {
      throw new RangeError(
        `upload ${options.label ?? "tensor"}: ${data.length} values for shape ` +
          `[${shape.join(", ")}] (${shapeSize(shape)} elements)`,
      );
    }
    const t = this.tensor(shape, options);
    this.write(t, data);
    return t;
  }

  /**
   * Queues a write of `data` (raw bytes of any typed array) into `t` at `byteOffset`. Queue order
   * puts it before every later submit and after every earlier one; it does not wait.
   */
  write(t: GpuTensor, data: ArrayBufferView, byteOffset = 0): void {
    this.assertAlive();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength) as Uint8Array<
      ArrayBuffer
    >;
    if (byteOffset + bytes.byteLength > t.byteLength) {
      throw new RangeError(
        `write ${t.describe()}: ${bytes.byteLength} bytes at offset ${byteOffset} exceed ` +
          `its ${t.byteLength} bytes`,
      );
    }
    const whole = bytes.byteLength - (bytes.byteLength % 4);
    const at = t.byteOffset + byteOffset;
    if (whole > 0) this.device.queue.writeBuffer(t.buffer, at, bytes, 0, whole);
    if (whole < bytes.byteLength) {
      // writeBuffer needs multiples of 4 bytes: pad the tail word with zeros.
      const tail = new Uint8Array(4);
      tail.set(bytes.subarray(whole));
      this.device.queue.writeBuffer(t.buffer, at + whole, tail);
    }
  }

  /**
   * A read-only uniform buffer holding `bytes` (e.g. a kernel's shape parameters), shared by every
   * caller asking for the same bytes: created and written once, never rewritten, so launchers can
   * ask for it on every dispatch without allocating on the hot path after the first step.
   */
  uniform(bytes: ArrayBufferView, label = "params"): GpuTensor<"u32"> {
    const raw = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const words = new Uint32Array(Math.ceil(raw.byteLength / 4));
    new Uint8Array(words.buffer).set(raw);
    const key = words.join(",");
    let t = this.#uniforms.get(key);
    if (t === undefined) {
      t = this.tensor([words.length], {
        dtype: "u32",
        label: `${label}{${key}}`,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      });
      this.write(t, words);
      this.#uniforms.set(key, t);
    }
    return t;
  }

  /** Frees `t`'s whole buffer (and every view of it); pass the tensor that allocated it. */
  destroy(t: GpuTensor): void {
    this.#bytes -= t.buffer.size;
    t.buffer.destroy();
  }

  /**
   * A recorder: many dispatches, one command encoder, one submit. With a `profiler` (perf only)
   * every dispatch is timed with timestamp queries.
   */
  recorder(label: string, options: { profiler?: Profiler } = {}): Recorder {
    return new Recorder(this, label, options.profiler ?? null);
  }

  /**
   * Copies `t` back to the CPU: the only readback in claimbench. It waits for the GPU (~11 ms on
   * lavapipe however small the tensor), so call it rarely, never per step. Also reports any
   * WebGPU error raised by earlier submissions.
   */
  async read<D extends Dtype>(t: GpuTensor<D>): Promise<HostArray<D>> {
    this.assertAlive();
    this.#readbacks++;
    const staging = this.device.createBuffer({
      label: `read ${t.label}`,
      size: t.byteLength,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      const rec = this.recorder(`read ${t.describe()}`);
      rec.encoder().copyBufferToBuffer(t.buffer, t.byteOffset, staging, 0, t.byteLength);
      rec.submit();
      await this.#mapOrThrow(staging, t);
      const bytes = new Uint8Array(staging.getMappedRange()).slice();
      staging.unmap();
      await this.checkErrors();
      return hostView(bytes, t);
    } finally {
      staging.destroy();
    }
  }

  /** Waits until all submitted work is done, then reports any WebGPU error it raised. */
  async sync(): Promise<void> {
    this.assertAlive();
    await this.device.queue.onSubmittedWorkDone();
    await this.checkErrors();
    this.assertAlive();
  }

  /** Awaits the error scopes of earlier submissions and throws the first error found. */
  async checkErrors(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    for (const { errors, context } of pending) {
      for (const error of await Promise.all(errors)) {
        if (error) throw new GpuKernelError(errorKind(error), error.message, context);
      }
    }
    if (this.#uncaptured) {
      const error = this.#uncaptured;
      this.#uncaptured = null;
      throw new GpuKernelError(errorKind(error), error.message, []);
    }
  }

  /** @internal Records a submission's error-scope promises (see {@link RecorderHost}). */
  trackSubmission(errors: Promise<GPUError | null>[], context: string[]): void {
    this.#pending.push({ errors, context });
  }

  async #mapOrThrow(staging: GPUBuffer, t: GpuTensor): Promise<void> {
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (err) {
      this.assertAlive();
      await this.checkErrors();
      throw new GpuKernelError(
        "validation",
        `reading ${t.describe()}: ${(err as Error).message}`,
        [],
      );
    }
  }
}

function hostView<D extends Dtype>(bytes: Uint8Array, t: GpuTensor<D>): HostArray<D> {
  const views: Record<Dtype, () => ArrayBufferView> = {
    f32: () => new Float32Array(bytes.buffer, 0, t.size),
    u32: () => new Uint32Array(bytes.buffer, 0, t.size),
    i32: () => new Int32Array(bytes.buffer, 0, t.size),
    u8: () => bytes.subarray(0, t.size),
  };
  return views[t.dtype]() as HostArray<D>;
}

function errorKind(error: GPUError): string {
  if (error instanceof GPUOutOfMemoryError) return "out-of-memory";
  if (error instanceof GPUValidationError) return "validation";
  return "internal";
}

/** Every numeric limit of a GPUSupportedLimits (its getters live on the prototype). */
function readLimits(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  for (
    let proto = limits;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = (limits as unknown as Record<string, unknown>)[key];
      if (typeof value === "number" && !(key in out)) out[key] = value;
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Mesa's Vulkan drivers complain on stderr when `XDG_RUNTIME_DIR` is unset (headless boxes, CI):
 * point it at a private 0700 directory before the driver loads.
 */
function ensureRuntimeDir(): void {
  // In a browser (the report's re-run panel) there is no Deno and no driver environment to fix.
  if (typeof Deno === "undefined" || Deno.build.os !== "linux") return;
  try {
    if (Deno.env.get("XDG_RUNTIME_DIR")) return;
    const dir = `/tmp/claimbench-runtime-${Deno.uid() ?? "user"}`;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.chmodSync(dir, 0o700);
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // Without env or write permission the driver only prints a warning; carry on.
  }
}

let shared: Promise<Gpu> | null = null;

/**
 * The process-wide GPU (one adapter and device per process). Throws {@link NoAdapterError} when
 * there is none; a failed attempt is not cached.
 */
export function getGpu(options: GpuOptions = {}): Promise<Gpu> {
  if (shared === null) {
    shared = Gpu.create(options);
    shared.catch(() => (shared = null));
  }
  return shared;
}
