/**
 * Per-dispatch GPU timing with timestamp queries, for `deno task perf` only: a recorder with a
 * profiler puts each dispatch in its own compute pass with begin/end timestamps, so timings are
 * of the kernels themselves, not the submit. Never attached in training runs.
 *
 * @module
 */

/** Time of one labelled kernel, summed over its dispatches. */
export interface KernelTime {
  /** The dispatch label (the recorder's scope and the kernel's name). */
  label: string;
  /** How many dispatches carried the label. */
  dispatches: number;
  /** Their total GPU time in milliseconds. */
  ms: number;
}

/** Collects timestamp pairs across submits, then reads them back once. */
export class Profiler {
  readonly #device: GPUDevice;
  readonly #querySet: GPUQuerySet;
  readonly #capacity: number;
  #labels: string[] = [];
  #pending: { first: number; count: number; staging: GPUBuffer; resolved: GPUBuffer }[] = [];
  #times = new Map<string, KernelTime>();

  /** Whether the device supports timestamp queries (else perf falls back to submit timing). */
  static supported(device: GPUDevice): boolean {
    return device.features.has("timestamp-query");
  }

  /**
   * Room for `capacity` timed dispatches per {@link collect} (more go untimed). Throws when the
   * device has no timestamp queries.
   */
  constructor(device: GPUDevice, capacity = 2048) {
    if (!Profiler.supported(device)) {
      throw new Error("Profiler: this device has no timestamp-query feature");
    }
    this.#device = device;
    this.#capacity = capacity;
    this.#querySet = device.createQuerySet({ type: "timestamp", count: 2 * capacity });
  }

  /** @internal Timestamp writes for the next dispatch's pass, or undefined when full. */
  passTimestamps(label: string): GPUComputePassTimestampWrites | undefined {
    const i = this.#labels.length;
    if (i >= this.#capacity) return undefined;
    this.#labels.push(label);
    return {
      querySet: this.#querySet,
      beginningOfPassWriteIndex: 2 * i,
      endOfPassWriteIndex: 2 * i + 1,
    };
  }

  /** @internal Resolves this submit's queries into a staging buffer (called before finish). */
  resolve(encoder: GPUCommandEncoder, first: number): void {
    const count = this.#labels.length - first;
    if (count === 0) return;
    // Buffers per submit (perf only): resolve offsets must be 256-byte aligned, offset 0 is.
    const resolved = this.#device.createBuffer({
      label: "profiler.resolve",
      size: 16 * count,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    const staging = this.#device.createBuffer({
      label: "profiler.staging",
      size: 16 * count,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.resolveQuerySet(this.#querySet, 2 * first, 2 * count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, staging, 0, 16 * count);
    this.#pending.push({ first, count, staging, resolved });
  }

  /** @internal Number of timestamp pairs handed out so far. */
  get used(): number {
    return this.#labels.length;
  }

  /** Reads every pending timestamp back and returns the totals per label, then starts over. */
  async collect(): Promise<KernelTime[]> {
    for (const { first, count, staging, resolved } of this.#pending) {
      await staging.mapAsync(GPUMapMode.READ);
      const ticks = new BigUint64Array(staging.getMappedRange().slice(0));
      staging.unmap();
      staging.destroy();
      resolved.destroy();
      for (let i = 0; i < count; i++) {
        const label = this.#labels[first + i];
        const ns = Number(ticks[2 * i + 1] - ticks[2 * i]);
        const t = this.#times.get(label) ?? { label, dispatches: 0, ms: 0 };
        t.dispatches++;
        t.ms += ns / 1e6;
        this.#times.set(label, t);
      }
    }
    const out = [...this.#times.values()];
    this.#pending = [];
    this.#labels = [];
    this.#times = new Map();
    return out;
  }
}
