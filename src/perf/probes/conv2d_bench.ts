/**
 * Throughput of the conv kernels on the lesson model's layers at N = 1024:
 * `deno bench -A src/perf/probes/conv2d_bench.ts` (compare tunings with
 * CONV2D_TUNING='{"cols":4}').
 *
 * Each bench iteration records REPS launches of one kernel (pack and reduce passes included),
 * submits once and waits once. Before the table, a console line per case gives GFLOP/s from the
 * best of 3 such batches, counting 2·F·C·K·K per output position (padding taps included), after
 * subtracting the latency of an empty submit + wait (also printed). lavapipe shares the CPU with
 * everything else on the machine, so compare runs taken back to back.
 *
 * @module
 */
import { getGpu, type Gpu } from "../../gpu/device.ts";
import { NoAdapterError } from "../../gpu/errors.ts";
import type { Recorder } from "../../gpu/recorder.ts";
import type { GpuTensor } from "../../gpu/tensor.ts";
import { conv2dOutSize, type Conv2dShape } from "../../shapes.ts";
import { Rng } from "../../util/rng.ts";
import {
  type Conv2dKernels,
  conv2dKernels,
  recordConv2dForward,
  recordConv2dInputGradient,
  recordConv2dWeightGradient,
} from "../../kernels/conv2d.ts";

const N = 1024;
const REPS = 8;
/** The lesson's convs (K3 S2 P1): spatial 28 → 14 → 7 → 4 → 2 → 1. */
const LAYERS: Conv2dShape[] = [
  { N, C: 1, H: 28, W: 28, F: 8, K: 3, S: 2, P: 1 },
  { N, C: 8, H: 14, W: 14, F: 16, K: 3, S: 2, P: 1 },
  { N, C: 16, H: 7, W: 7, F: 32, K: 3, S: 2, P: 1 },
  { N, C: 32, H: 4, W: 4, F: 64, K: 3, S: 2, P: 1 },
  { N, C: 64, H: 2, W: 2, F: 10, K: 3, S: 2, P: 1 },
];

type Which = "forward" | "input" | "weight";

let gpu: Gpu | undefined;
try {
  gpu = await getGpu();
} catch (err) {
  if (!(err instanceof NoAdapterError)) throw err;
  console.warn(`skipping conv2d benches: ${err.message}`);
}

if (gpu !== undefined) await register(gpu);

async function register(gpu: Gpu): Promise<void> {
  const tuning = JSON.parse(Deno.env.get("CONV2D_TUNING") ?? "{}");
  const k = await conv2dKernels(gpu, tuning);
  const timeBatch = async (record: (rec: Recorder) => void): Promise<number> => {
    const t0 = performance.now();
    const rec = gpu.recorder("conv2d bench");
    record(rec);
    rec.submit();
    await gpu.sync();
    return performance.now() - t0;
  };
  const best = async (record: (rec: Recorder) => void): Promise<number> => {
    let ms = Infinity;
    for (let i = 0; i < 3; i++) ms = Math.min(ms, await timeBatch(record));
    return ms;
  };
  await timeBatch(() => {});
  const idle = await best(() => {});
  console.log(`adapter: ${gpu.adapterName}; tuning ${JSON.stringify(k.tuning)}`);
  console.log(`empty submit + wait: ${idle.toFixed(2)} ms (subtracted below, per batch)`);
  const rng = new Rng(17);
  const random = (shape: number[], label: string): GpuTensor<"f32"> => {
    const a = new Float32Array(shape.reduce((p, v) => p * v, 1));
    rng.fillNormal(a);
    return gpu.upload(a, shape, { dtype: "f32", label });
  };
  let total = 0;
  for (const s of LAYERS) {
    const { OH, OW } = conv2dOutSize(s);
    const t = {
      x: random([s.N, s.C, s.H, s.W], "x"),
      w: random([s.F, s.C, s.K, s.K], "w"),
      b: random([s.F], "b"),
      out: gpu.tensor([s.N, s.F, OH, OW], { label: "out" }),
      dout: random([s.N, s.F, OH, OW], "dout"),
      dx: gpu.tensor([s.N, s.C, s.H, s.W], { label: "dx" }),
      dw: gpu.tensor([s.F, s.C, s.K, s.K], { label: "dw" }),
      db: gpu.tensor([s.F], { label: "db" }),
    };
    const flop = 2 * s.F * s.C * s.K * s.K * s.N * OH * OW;
    for (const which of ["forward", "input", "weight"] as Which[]) {
      if (which === "input" && s.C === 1) continue; // the first layer needs no dx
      const name = `${which} ${s.C}→${s.F} @${s.H}→${OH}: ${REPS} × ${
        (flop / 1e6).toFixed(1)
      } MFLOP`;
      const batch = (rec: Recorder) => {
        for (let i = 0; i < REPS; i++) record(rec, k, which, t, s);
      };
      await timeBatch(batch); // warm-up: workspaces, uniforms, bind groups
      const ms = (await best(batch) - idle) / REPS;
      total += ms;
      console.log(
        `${name.padEnd(44)} ${ms.toFixed(2).padStart(7)} ms/launch ${
          (flop / ms / 1e6).toFixed(2).padStart(6)
        } GFLOP/s`,
      );
      Deno.bench({ name, group: which, n: 3, warmup: 0 }, async () => {
        await timeBatch(batch);
      });
    }
  }
  console.log(`all five layers, forward + backward: ${total.toFixed(1)} ms per step at N = ${N}`);
}

function record(
  rec: Recorder,
  k: Conv2dKernels,
  which: Which,
  t: Record<string, GpuTensor<"f32">>,
  s: Conv2dShape,
): void {
  if (which === "forward") recordConv2dForward(rec, k, { x: t.x, w: t.w, b: t.b, out: t.out }, s);
  else if (which === "input") {
    recordConv2dInputGradient(rec, k, { w: t.w, dout: t.dout, dx: t.dx }, s);
  } else recordConv2dWeightGradient(rec, k, { x: t.x, dout: t.dout, dw: t.dw, db: t.db }, s);
}
