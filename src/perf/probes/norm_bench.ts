/**
 * Timings of the elementwise / normalisation / loss kernels at the lesson's shapes (batch 1024):
 * `deno run -A src/perf/probes/norm_bench.ts [reps]`. Each op is recorded `reps` times into one
 * submit and timed to `gpu.sync()`, so the ~11 ms readback / submit overhead is amortised; the
 * minimum over five rounds is reported (other processes share a CPU adapter's cores).
 *
 * @module
 */
import { getGpu, type Gpu } from "../../gpu/device.ts";
import type { Recorder } from "../../gpu/recorder.ts";
import type { GpuTensor } from "../../gpu/tensor.ts";
import type { NormShape } from "../../shapes.ts";
import { Rng } from "../../util/rng.ts";
import {
  type GeneralReluKernels,
  generalReluKernels,
  recordGeneralReluBackward,
  recordGeneralReluForward,
} from "../../kernels/activations.ts";
import {
  type BatchNormKernels,
  batchNormKernels,
  type BatchNormTuning,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "../../kernels/batchnorm.ts";
import { crossEntropyKernels, recordSoftmaxCrossEntropy } from "../../kernels/cross_entropy.ts";
import {
  type LayerNormKernels,
  layerNormKernels,
  recordLayerNormBackward,
  recordLayerNormForward,
} from "../../kernels/layernorm.ts";

/** The four normalised activations of the lesson's CNN at batch 1024. */
const LESSON_SHAPES = [
  { N: 1024, C: 8, H: 14, W: 14 },
  { N: 1024, C: 16, H: 7, W: 7 },
  { N: 1024, C: 32, H: 4, W: 4 },
  { N: 1024, C: 64, H: 2, W: 2 },
];

const ROUNDS = 5;

/** Times `record` (recorded `reps` times into one submit), best of {@link ROUNDS}, and prints it. */
type Time = (name: string, record: (rec: Recorder) => void) => Promise<void>;

function timer(gpu: Gpu, reps: number): Time {
  return async (name: string, record: (rec: Recorder) => void) => {
    let best = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const rec = gpu.recorder(name);
      for (let r = 0; r < reps; r++) record(rec);
      const t0 = performance.now();
      rec.submit();
      await gpu.sync();
      best = Math.min(best, (performance.now() - t0) / reps);
    }
    console.log(`${name.padEnd(60)} ${best.toFixed(3)} ms`);
  };
}

/** The kernels timed, each BatchNorm tuning with its own. */
interface Kernels {
  relu: GeneralReluKernels;
  bnTunings: BatchNormTuning[];
  bns: BatchNormKernels[];
  ln64: LayerNormKernels;
  ln: LayerNormKernels;
}

/** The tensors of one shape: activations [N, C, H, W], parameter, gradient and state slabs. */
interface ShapeTensors {
  x: GpuTensor<"f32">;
  dy: GpuTensor<"f32">;
  y: GpuTensor<"f32">;
  dx: GpuTensor<"f32">;
  params: GpuTensor<"f32">;
  grads: GpuTensor<"f32">;
  state: GpuTensor<"f32">;
  stats: GpuTensor<"f32">;
}

/** BatchNorm forward and backward per tuning (the lesson variant with the defaults only). */
async function timeBatchNorms(time: Time, k: Kernels, t: ShapeTensors, s: NormShape, tag: string) {
  const { x, y, dy, dx, params, grads, state, stats } = t;
  const c = (b: typeof params, at: number) => b.slice(at, [s.C]);
  for (const [i, bn] of k.bns.entries()) {
    const tt = JSON.stringify(k.bnTunings[i]);
    const fwd = {
      x,
      y,
      mults: c(params, 0),
      adds: c(params, 256),
      runMean: c(state, 0),
      runVar: c(state, 256),
      mean: stats.slice(0, [s.C]),
      rstd: stats.slice(1024, [s.C]),
    };
    for (const variant of ["lesson", "standard"] as const) {
      if (variant === "lesson" && i > 0) continue;
      const opt = { variant, training: true };
      await time(
        `BatchNorm ${variant} forward (train) ${tag} ${tt}`,
        (rec) => recordBatchNormForward(rec, bn, fwd, s, opt),
      );
      const bwd = {
        x,
        dy,
        dx,
        mults: fwd.mults,
        mean: fwd.mean,
        rstd: fwd.rstd,
        dmults: c(grads, 0),
        dadds: c(grads, 256),
      };
      await time(
        `BatchNorm ${variant} backward ${tag} ${tt}`,
        (rec) => recordBatchNormBackward(rec, bn, bwd, s, opt),
      );
    }
  }
}

/** LayerNorm forward and backward, at workgroup sizes 256 and 64. */
async function timeLayerNorms(time: Time, k: Kernels, t: ShapeTensors, s: NormShape, tag: string) {
  const { x, y, dy, dx, params, grads, stats } = t;
  for (const [name, ln] of [["WG 256", k.ln], ["WG 64", k.ln64]] as const) {
    const common = {
      x,
      mult: params.slice(0, [1]),
      mean: stats.slice(0, [s.N]),
      rstd: stats.slice(1024, [s.N]),
    };
    await time(
      `LayerNorm forward ${tag} ${name}`,
      (rec) => recordLayerNormForward(rec, ln, { ...common, y, add: params.slice(64, [1]) }, s),
    );
    await time(`LayerNorm backward ${tag} ${name}`, (rec) =>
      recordLayerNormBackward(rec, ln, {
        ...common,
        dy,
        dx,
        dmult: grads.slice(0, [1]),
        dadd: grads.slice(64, [1]),
      }, s));
  }
}

/** Times every op at one shape (x and dy drawn from `rng`, in that order). */
async function timeShape(gpu: Gpu, rng: Rng, time: Time, k: Kernels, s: NormShape) {
  const shape = [s.N, s.C, s.H, s.W];
  const size = s.N * s.C * s.H * s.W;
  const x = gpu.upload(rng.fillNormal(new Float32Array(size)), shape, { dtype: "f32" });
  const dy = gpu.upload(rng.fillNormal(new Float32Array(size)), shape, { dtype: "f32" });
  const y = gpu.tensor(shape), dx = gpu.tensor(shape);
  const params = gpu.upload(new Float32Array(512).fill(1), [512], { dtype: "f32" });
  const grads = gpu.tensor([512]), state = gpu.tensor([512]);
  const stats = gpu.tensor([2 * 1024]);
  const tag = `[${shape.join("×")}]`;
  const o = { leak: 0.1, sub: 0.4 };
  await time(
    `GeneralReLU forward ${tag}`,
    (rec) => recordGeneralReluForward(rec, k.relu, { x, y }, o),
  );
  await time(
    `GeneralReLU backward ${tag}`,
    (rec) => recordGeneralReluBackward(rec, k.relu, { x, dy, dx }, o),
  );
  const t = { x, dy, y, dx, params, grads, state, stats };
  await timeBatchNorms(time, k, t, s, tag);
  await timeLayerNorms(time, k, t, s, tag);
  for (const u of [x, dy, y, dx, params, grads, state, stats]) gpu.destroy(u);
}

async function main(reps: number): Promise<void> {
  const gpu = await getGpu();
  const rng = new Rng(1);
  console.log(`${gpu.adapterName}; ms per dispatch group, min of ${ROUNDS} rounds of ${reps}`);
  const time = timer(gpu, reps);
  const relu = await generalReluKernels(gpu);
  const bnTunings: BatchNormTuning[] = [{}, { workgroupSize: 64 }, { chunkPerInvocation: 64 }];
  const bns = await Promise.all(bnTunings.map((t) => batchNormKernels(gpu, t)));
  const ln64 = await layerNormKernels(gpu);
  const ln = await layerNormKernels(gpu, { workgroupSize: 256 });
  const ce = await crossEntropyKernels(gpu);
  const kernels = { relu, bnTunings, bns, ln64, ln };
  for (const s of LESSON_SHAPES) await timeShape(gpu, rng, time, kernels, s);
  const logits = gpu.upload(rng.fillNormal(new Float32Array(10240)), [1024, 10], { dtype: "f32" });
  const labels = gpu.upload(
    Uint32Array.from({ length: 1024 }, () => rng.int(10)),
    [1024],
    { dtype: "u32" },
  );
  const out = gpu.tensor([10240 + 128]);
  await time("softmax cross-entropy [1024×10]", (rec) =>
    recordSoftmaxCrossEntropy(rec, ce, {
      logits,
      labels,
      dlogits: out.prefix([1024, 10]),
      batchLoss: out.slice(10240, [1]),
      totals: out.slice(10240 + 64, [4]),
    }, { N: 1024, K: 10 }));
}

if (import.meta.main) await main(Number(Deno.args[0] ?? 50));
