import type { Binding, Kernel } from "./pipelines.ts";
import { describeBinding } from "./pipelines.ts";
import type { Profiler } from "./profiler.ts";
import type { GpuTensor } from "./tensor.ts";

/** Workgroup counts: x, or [x, y], or [x, y, z]. */
export type Workgroups = number | readonly [number, number?, number?];

/** A 2-D grid covering `invocations` with at most 65535 workgroups along x. */
export function grid2d(invocations: number, workgroupSize: number): [number, number] {
  const groups = Math.ceil(invocations / workgroupSize);
  const x = Math.min(groups, 65535);
  return [x, x === 0 ? 0 : Math.ceil(groups / x)];
}

/** What a recorder needs from the runtime; implemented by `Gpu`. */
export interface RecorderHost {
  /** The device commands are encoded for. */
  readonly device: GPUDevice;
  /** Called once per submit with the error-scope promises and the dispatch descriptions. */
  trackSubmission(errors: Promise<GPUError | null>[], context: string[]): void;
  /** Throws if the device was lost. */
  assertAlive(): void;
}

/**
 * Encodes many dispatches into one command encoder and submits them once: a whole training step
 * is one `Recorder`. Nothing here waits on the GPU; WebGPU errors of the submission surface at the
 * next `Gpu.read()` or `Gpu.sync()`, naming every kernel and tensor shape the submission held.
 */
export class Recorder {
  /** Names the recorder's submission in error messages and profiles. */
  readonly label: string;
  readonly #host: RecorderHost;
  readonly #encoder: GPUCommandEncoder;
  readonly #maxWorkgroups: number;
  #pass: GPUComputePassEncoder | null = null;
  #context: string[] = [];
  #dispatches = 0;
  #submitted = false;
  /**
   * What is being recorded (e.g. `block1.conv/backward`): prefixes profiler labels and error
   * context so per-layer timings and failures are attributable.
   */
  scope = "";
  readonly #profiler: Profiler | null;
  readonly #firstQuery: number;

  /** Opens a command encoder on `host`; use `Gpu.recorder()` rather than this. */
  constructor(host: RecorderHost, label: string, profiler: Profiler | null = null) {
    host.assertAlive();
    this.#host = host;
    this.label = label;
    this.#profiler = profiler;
    this.#firstQuery = profiler?.used ?? 0;
    this.#encoder = host.device.createCommandEncoder({ label });
    this.#maxWorkgroups = host.device.limits.maxComputeWorkgroupsPerDimension;
  }

  /** Dispatches recorded so far. */
  get dispatchCount(): number {
    return this.#dispatches;
  }

  /**
   * Records `kernel` over `workgroups` with `bindings` as group 0 (binding i = bindings[i]).
   * Workgroup counts are checked here so a bad launch names its kernel immediately.
   */
  dispatch(kernel: Kernel, bindings: readonly Binding[], workgroups: Workgroups): this {
    this.#assertOpen();
    const [x, y = 1, z = 1] = typeof workgroups === "number" ? [workgroups] : workgroups;
    const where = this.scope ? `${this.scope}: ` : "";
    const what = `${where}${kernel.name}(${bindings.map(describeBinding).join(", ")}) × ` +
      `[${x}, ${y}, ${z}]`;
    for (const n of [x, y, z]) {
      if (!Number.isInteger(n) || n < 0 || n > this.#maxWorkgroups) {
        throw new RangeError(
          `${what}: workgroup counts must be integers in [0, ${this.#maxWorkgroups}]`,
        );
      }
    }
    this.#context.push(what);
    this.#dispatches++;
    if (x * y * z === 0) return this;
    const timestamps = this.#profiler?.passTimestamps(
      this.scope ? `${this.scope}/${kernel.name}` : kernel.name,
    );
    if (timestamps) this.#endPass(); // a pass of its own, timed from begin to end
    const pass = this.#pass ??= this.#encoder.beginComputePass({
      label: this.label,
      timestampWrites: timestamps,
    });
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, kernel.bindGroup(bindings));
    pass.dispatchWorkgroups(x, y, z);
    if (timestamps) this.#endPass();
    return this;
  }

  /**
   * Copies `bytes` (default: all of `src`) from the start of `src` into `dst` at byte
   * `dstOffset` (a multiple of 4), e.g. a batch's loss into slot i of a per-batch log.
   */
  copy(src: GpuTensor, dst: GpuTensor, bytes = src.byteLength, dstOffset = 0): this {
    this.#assertOpen();
    if (
      bytes > src.byteLength || dstOffset + bytes > dst.byteLength || bytes % 4 !== 0 ||
      dstOffset % 4 !== 0
    ) {
      throw new RangeError(
        `copy ${src.describe()} → ${dst.describe()}: ${bytes} bytes at offset ${dstOffset} do ` +
          "not fit or are not multiples of 4",
      );
    }
    this.#endPass();
    this.#context.push(`copy ${src.describe()} → ${dst.describe()}@${dstOffset} (${bytes} B)`);
    this.#encoder.copyBufferToBuffer(
      src.buffer,
      src.byteOffset,
      dst.buffer,
      dst.byteOffset + dstOffset,
      bytes,
    );
    return this;
  }

  /** Zero-fills `t` (e.g. the gradient arena in `zeroGrad`). */
  clear(t: GpuTensor): this {
    this.#assertOpen();
    this.#endPass();
    this.#context.push(`clear ${t.describe()}`);
    this.#encoder.clearBuffer(t.buffer, t.byteOffset, t.byteLength);
    return this;
  }

  /** Low-level access for `Gpu.read`: the encoder with the compute pass closed. */
  encoder(): GPUCommandEncoder {
    this.#assertOpen();
    this.#endPass();
    return this.#encoder;
  }

  /** Finishes the encoder and submits it, once. Does not wait for the GPU. */
  submit(): void {
    this.#assertOpen();
    this.#host.assertAlive();
    this.#endPass();
    this.#submitted = true;
    this.#profiler?.resolve(this.#encoder, this.#firstQuery);
    const device = this.#host.device;
    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    device.queue.submit([this.#encoder.finish()]);
    const validation = device.popErrorScope();
    const oom = device.popErrorScope();
    this.#host.trackSubmission([validation, oom], this.#context);
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = null;
  }

  #assertOpen(): void {
    if (this.#submitted) throw new Error(`recorder ${this.label}: already submitted`);
  }
}
