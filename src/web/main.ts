/**
 * Entry of the browser build (`deno task build:web` → `claimbench-web.js`): a claim page's
 * bootstrap script imports it and calls {@link initRerun} on the page's re-run panel.
 *
 * @module
 */

export { initRerun, NO_WEBGPU_HELP, type RerunOutcome } from "./rerun.ts";
export { CLAIMS } from "./claims.ts";
export { runClaims } from "../bench/runner.ts";
export { RunSource } from "../bench/run_source.ts";
export { lookPlan } from "../verdict/plan.ts";
export { trainRun } from "../bench/training.ts";
export { fashionMnistFromBytes } from "../data/fashion_mnist.ts";
export { uploadFashionMnist } from "../data/gpu_dataset.ts";
export { Gpu } from "../gpu/device.ts";
