/**
 * The uniform parameter words the product launchers write, captured without a GPU: each scenario
 * compiles the kernels and records launches against a stand-in device whose `uniform()` keeps the
 * bytes it is given (in call order) and whose pipelines, buffers and recorder do nothing. Used by
 * `src/kernels/param_block_launchers_test.ts` to hold the launchers to the words they wrote before
 * their parameter blocks were declared (issue 17).
 *
 * @module
 */
import type { Gpu } from "../src/gpu/device.ts";
import type { Recorder } from "../src/gpu/recorder.ts";
import { bufferBytes, type Dtype, GpuTensor, shapeSize } from "../src/gpu/tensor.ts";
import { actStatsKernels, recordActStats } from "../src/kernels/act_stats.ts";
import {
  generalReluKernels,
  recordGeneralReluBackward,
  recordGeneralReluForward,
} from "../src/kernels/activations.ts";
import {
  batchNormKernels,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "../src/kernels/batchnorm.ts";
import { conv2dKernels, recordConv2dBackward, recordConv2dForward } from "../src/kernels/conv2d.ts";
import { recordConv2dWeightGradient } from "../src/kernels/conv2d_weight_gradient.ts";
import { crossEntropyKernels, recordSoftmaxCrossEntropy } from "../src/kernels/cross_entropy.ts";
import { encodeGatherParams } from "../src/kernels/gather.ts";
import {
  layerNormKernels,
  recordLayerNormBackward,
  recordLayerNormForward,
} from "../src/kernels/layernorm.ts";
import { conv2dOutSize, type Conv2dShape, type NormShape } from "../src/shapes.ts";

/** One uniform a launcher asked for: its label and its 32-bit words. */
export interface CapturedUniform {
  label: string;
  words: number[];
}

/** A stand-in device: records uniforms, hands out buffer-less tensors, compiles nothing. */
class CaptureGpu {
  readonly uniforms: CapturedUniform[] = [];
  readonly device = {
    limits: {
      maxComputeInvocationsPerWorkgroup: 1024,
      maxComputeWorkgroupSizeX: 1024,
      maxUniformBufferBindingSize: 65536,
      maxBufferSize: 2 ** 31,
    },
  };
  readonly pipelines = {
    get: (spec: unknown) => Promise.resolve({ spec }),
  };

  tensor<D extends Dtype = "f32">(
    shape: readonly number[],
    options: { dtype?: D; label?: string } = {},
  ): GpuTensor<D> {
    const dtype = (options.dtype ?? "f32") as D;
    const buffer = { size: bufferBytes(shapeSize(shape), dtype) } as GPUBuffer;
    return new GpuTensor(buffer, shape, dtype, options.label ?? "tensor");
  }

  uniform(bytes: ArrayBufferView, label = "params"): GpuTensor<"u32"> {
    const raw = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const words = new Uint32Array(Math.ceil(raw.byteLength / 4));
    new Uint8Array(words.buffer).set(raw);
    this.uniforms.push({ label, words: [...words] });
    return this.tensor([words.length], { dtype: "u32", label });
  }

  destroy(): void {}
}

const recorder = { dispatch() {} } as unknown as Recorder;

async function capture(
  run: (gpu: Gpu, c: CaptureGpu) => Promise<void>,
): Promise<CapturedUniform[]> {
  const c = new CaptureGpu();
  await run(c as unknown as Gpu, c);
  return c.uniforms;
}

function f32(gpu: Gpu, n: number): GpuTensor<"f32"> {
  return gpu.tensor([n]);
}

const RELU_CASES: [number, Record<string, number>][] = [
  [10, {}],
  [8, { leak: 0.1, sub: 0.4, maxv: 6 }],
  [7, { leak: -0.25 }],
];

async function generalRelu(gpu: Gpu): Promise<void> {
  const k = await generalReluKernels(gpu);
  for (const [n, o] of RELU_CASES) {
    recordGeneralReluForward(recorder, k, { x: f32(gpu, n), y: f32(gpu, n) }, o);
    recordGeneralReluBackward(recorder, k, { x: f32(gpu, n), dy: f32(gpu, n), dx: f32(gpu, n) }, o);
  }
}

const BN_CASES: [
  NormShape,
  { variant: "lesson" | "standard"; training: boolean; eps?: number; momentum?: number },
  Record<string, number> | null,
][] = [
  [{ N: 2, C: 3, H: 5, W: 5 }, { variant: "lesson", training: true }, null],
  [{ N: 4, C: 8, H: 4, W: 4 }, { variant: "standard", training: true, eps: 1e-3, momentum: 0.2 }, {
    leak: 0.1,
    sub: 0.4,
  }],
  [{ N: 3, C: 2, H: 3, W: 3 }, { variant: "standard", training: false }, { maxv: 6 }],
  [{ N: 64, C: 16, H: 7, W: 7 }, { variant: "lesson", training: true, momentum: 0.05 }, {}],
];

async function batchNorm(gpu: Gpu): Promise<void> {
  const k = await batchNormKernels(gpu, { chunkPerInvocation: 2, workgroupSize: 64 });
  for (const [s, o, act] of BN_CASES) {
    const n = s.N * s.C * s.H * s.W;
    const c = () => f32(gpu, s.C);
    recordBatchNormForward(
      recorder,
      k,
      {
        x: f32(gpu, n),
        y: f32(gpu, n),
        mults: c(),
        adds: c(),
        runMean: c(),
        runVar: c(),
        mean: c(),
        rstd: c(),
      },
      s,
      o,
      act,
    );
    recordBatchNormBackward(
      recorder,
      k,
      {
        x: f32(gpu, n),
        dy: f32(gpu, n),
        dx: f32(gpu, n),
        mults: c(),
        adds: c(),
        mean: c(),
        rstd: c(),
        dmults: c(),
        dadds: c(),
      },
      s,
      o,
      act,
    );
  }
}

async function layerNorm(gpu: Gpu): Promise<void> {
  const k = await layerNormKernels(gpu);
  for (
    const [s, eps] of [[{ N: 3, C: 2, H: 3, W: 3 }, 1e-3], [
      { N: 2, C: 1, H: 4, W: 4 },
      undefined,
    ]] as const
  ) {
    const n = s.N * s.C * s.H * s.W;
    recordLayerNormForward(
      recorder,
      k,
      {
        x: f32(gpu, n),
        y: f32(gpu, n),
        mult: f32(gpu, 1),
        add: f32(gpu, 1),
        mean: f32(gpu, s.N),
        rstd: f32(gpu, s.N),
      },
      s,
      { eps },
    );
    recordLayerNormBackward(recorder, k, {
      x: f32(gpu, n),
      dy: f32(gpu, n),
      dx: f32(gpu, n),
      mult: f32(gpu, 1),
      mean: f32(gpu, s.N),
      rstd: f32(gpu, s.N),
      dmult: f32(gpu, 1),
      dadd: f32(gpu, 1),
    }, s);
  }
}

async function crossEntropy(gpu: Gpu): Promise<void> {
  const k = await crossEntropyKernels(gpu);
  for (const [N, K, outputs] of [[5, 10, true], [3, 7, false]] as const) {
    recordSoftmaxCrossEntropy(recorder, k, {
      logits: f32(gpu, N * K),
      labels: gpu.tensor([N], { dtype: "u32" }),
      dlogits: outputs ? f32(gpu, N * K) : null,
      batchLoss: outputs ? f32(gpu, 1) : null,
      totals: f32(gpu, 4),
    }, { N, K });
  }
}

async function actStats(gpu: Gpu): Promise<void> {
  const k = await actStatsKernels(gpu, { workgroupSize: 64, perInvocation: 4 });
  const out = gpu.tensor([3, 42]);
  for (const [L, row] of [[1000, 1], [1001, 0], [5000, 2]]) {
    recordActStats(recorder, k, { x: f32(gpu, L), out }, row);
  }
}

const CONV_CASES: Conv2dShape[] = [
  { N: 2, C: 1, H: 28, W: 28, F: 8, K: 3, S: 2, P: 1 }, // the c1 kernels
  { N: 3, C: 8, H: 14, W: 14, F: 16, K: 3, S: 2, P: 1 },
  { N: 2, C: 5, H: 9, W: 7, F: 6, K: 3, S: 1, P: 0 },
  { N: 1, C: 64, H: 6, W: 6, F: 64, K: 5, S: 1, P: 2 }, // two passes each way
];

async function conv2d(gpu: Gpu): Promise<void> {
  const k = await conv2dKernels(gpu);
  for (const [i, s] of CONV_CASES.entries()) {
    const { OH, OW } = conv2dOutSize(s);
    const x = f32(gpu, s.N * s.C * s.H * s.W);
    const w = f32(gpu, s.F * s.C * s.K * s.K);
    const out = f32(gpu, s.N * s.F * OH * OW);
    const bias = i % 2 === 0 ? f32(gpu, s.F) : null;
    recordConv2dForward(recorder, k, { x, w, b: bias, out }, s);
    const dx = i === 0 ? null : f32(gpu, s.N * s.C * s.H * s.W);
    recordConv2dBackward(recorder, k, { x, w, dout: out, dx, dw: w, db: bias }, s);
  }
  // The generic weight-gradient path on a c1 shape.
  const s = CONV_CASES[0];
  const { OH, OW } = conv2dOutSize(s);
  recordConv2dWeightGradient(
    recorder,
    k,
    {
      x: f32(gpu, s.N * s.H * s.W),
      dout: f32(gpu, s.N * s.F * OH * OW),
      dw: f32(gpu, s.F * 9),
      db: f32(gpu, s.F),
    },
    s,
    { generic: true },
  );
}

function gather(_gpu: Gpu, c: CaptureGpu): Promise<void> {
  for (
    const [p, words] of [
      [{ start: 5, count: 3, mean: 0.2860, std: 0.3530 }, 196],
      [{ start: 0, count: 1024, mean: 0, std: 1 }, 196],
    ] as const
  ) {
    c.uniform(encodeGatherParams(p, words), "gather params");
  }
  return Promise.resolve();
}

/** Every scenario's captured uniforms, by scenario name. */
export async function captureLaunches(): Promise<Record<string, CapturedUniform[]>> {
  const scenarios = { generalRelu, batchNorm, layerNorm, crossEntropy, actStats, conv2d, gather };
  const out: Record<string, CapturedUniform[]> = {};
  for (const [name, run] of Object.entries(scenarios)) out[name] = await capture(run);
  return out;
}
