/**
 * Errors raised by the GPU runtime. Each carries enough context (kernel, shapes, adapter) to be
 * understood from its message alone; the CLI prints the message without a stack trace.
 */

/** There is no WebGPU adapter in this process. The CLI exits with {@link NoAdapterError.exitCode}. */
export class NoAdapterError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "NoAdapterError";
  /** Process exit code the CLI uses for this case. */
  static readonly exitCode = 3;

  /**
   * `detail` says why (no `navigator.gpu`, or no adapter returned); the message adds how to get
   * one.
   */
  constructor(detail: string) {
    super(
      `no WebGPU adapter: ${detail}.\n` +
        "claimbench needs a WebGPU adapter. Any GPU driver with Vulkan, Metal or D3D12 works; on a " +
        "headless Linux box install Mesa's software Vulkan driver:\n" +
        "  sudo apt-get install -y mesa-vulkan-drivers libvulkan1\n" +
        "and run Deno 2.x (navigator.gpu is built in, no flags needed).",
    );
  }
}

/** A validation or out-of-memory error reported by WebGPU, with the kernels that caused it. */
export class GpuKernelError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "GpuKernelError";
  /** "validation" | "out-of-memory" | "internal" | "compilation" */
  readonly kind: string;
  /** The dispatches (kernel label and tensor shapes) the failing submission or call contained. */
  readonly context: string[];

  /** The WebGPU error's kind and message, and the dispatches of the failing submission. */
  constructor(kind: string, gpuMessage: string, context: string[]) {
    const where = context.length === 0 ? "" : `\n  in:\n    ${context.join("\n    ")}`;
    super(`WebGPU ${kind} error: ${gpuMessage.trim()}${where}`);
    this.kind = kind;
    this.context = context;
  }
}

/** The device was lost (driver reset, out of memory at the driver level, or destroyed). */
export class GpuDeviceLostError extends Error {
  /** The error's name, for messages and `instanceof`-free checks. */
  override name = "GpuDeviceLostError";
  /** The `GPUDeviceLostInfo` reason and message. */
  constructor(reason: string, message: string) {
    super(
      `the WebGPU device was lost (reason: ${reason || "unknown"}): ${message || "no message"}. ` +
        "Results computed after this point are invalid; rerun the command.",
    );
  }
}
