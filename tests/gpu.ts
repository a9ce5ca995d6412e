/**
 * The GPU for tests: `gpu` is the process-wide device, or null when this machine has no WebGPU
 * adapter, in which case GPU tests are skipped with a message (`ignore: noGpu`). CI sets
 * `CLAIMBENCH_REQUIRE_GPU=1` so that a missing adapter fails instead of skipping.
 */
import { getGpu, type Gpu } from "../src/gpu/device.ts";
import { NoAdapterError } from "../src/gpu/errors.ts";

async function acquire(): Promise<Gpu | null> {
  try {
    return await getGpu();
  } catch (err) {
    if (!(err instanceof NoAdapterError)) throw err;
    if (Deno.env.get("CLAIMBENCH_REQUIRE_GPU") === "1") {
      throw new Error(`CLAIMBENCH_REQUIRE_GPU=1 but ${err.message}`);
    }
    console.warn(`skipping GPU tests: ${err.message.split("\n")[0]}`);
    return null;
  }
}

/** The test GPU, or null (tests using it pass `ignore: noGpu`). */
export const gpu: Gpu | null = await acquire();
/** True when GPU tests must be skipped. */
export const noGpu: boolean = gpu === null;

/** The GPU, for use inside a test that is ignored when there is none. */
export function testGpu(): Gpu {
  if (gpu === null) throw new Error("no GPU (this test should have been ignored)");
  return gpu;
}
