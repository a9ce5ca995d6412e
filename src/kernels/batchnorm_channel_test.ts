/**
 * The per-channel elementwise BatchNorm passes (one channel per workgroup, used when H·W % 4 == 0)
 * against the flat vec4 passes they replaced: every output and gradient equal as float32 bits,
 * with and without the fused GeneralReLU, both variants, training and eval, odd N and C.
 */
import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import type { GeneralReluOptions, NormShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  batchNormKernels,
  type BatchNormOptions,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "./batchnorm.ts";

const SHAPES: NormShape[] = [
  { N: 5, C: 3, H: 6, W: 6 },
  { N: 3, C: 7, H: 2, W: 2 },
  { N: 37, C: 16, H: 14, W: 14 },
];
const ACTS: (GeneralReluOptions | null)[] = [null, { leak: 0.1, sub: 0.4 }];

Deno.test({
  name: "BatchNorm per-channel elementwise passes: bit-identical to the flat vec4 passes",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(404);
    const kernels = {
      chan: await batchNormKernels(gpu, { perChannel: true }),
      flat: await batchNormKernels(gpu, { perChannel: false }),
    };
    for (const s of SHAPES) {
      for (const variant of ["lesson", "standard"] as const) {
        for (const training of [true, false]) {
          for (const act of ACTS) {
            const size = s.N * s.C * s.H * s.W;
            const shape = [s.N, s.C, s.H, s.W];
            const x = rng.fillNormal(new Float32Array(size), 0.3, 1.2);
            const dy = rng.fillNormal(new Float32Array(size));
            const mults = rng.fillUniform(new Float32Array(s.C), 0.5, 1.5);
            const adds = rng.fillUniform(new Float32Array(s.C), -1, 1);
            const runVar = rng.fillUniform(new Float32Array(s.C), 0.5, 2);
            const out: Record<string, Record<string, Float32Array>> = {};
            for (const [name, k] of Object.entries(kernels)) {
              const t = (data: Float32Array | null, sh: number[]) => {
                const tensor = gpu.tensor(sh, { label: name });
                gpu.write(tensor, data ?? new Float32Array(sh.reduce((a, b) => a * b)).fill(NaN));
                return tensor;
              };
              const c = [s.C];
              const ts = {
                x: t(x, shape),
                dy: t(dy, shape),
                y: t(null, shape),
                dx: t(null, shape),
                mults: t(mults, c),
                adds: t(adds, c),
                runMean: t(new Float32Array(s.C), c),
                runVar: t(runVar, c),
                mean: t(null, c),
                rstd: t(null, c),
                dmults: t(new Float32Array(s.C), c),
                dadds: t(new Float32Array(s.C), c),
              };
              const o: BatchNormOptions = { variant, training };
              const rec = gpu.recorder("bn channel test");
              recordBatchNormForward(rec, k, ts, s, o, act);
              recordBatchNormBackward(rec, k, ts, s, o, act);
              rec.submit();
              out[name] = {};
              for (
                const key of ["y", "dx", "mean", "rstd", "runMean", "runVar", "dmults", "dadds"]
              ) {
                out[name][key] = await gpu.read(ts[key as keyof typeof ts]) as Float32Array;
              }
              for (const tensor of Object.values(ts)) gpu.destroy(tensor);
            }
            const what = `${JSON.stringify(s)} ${variant} training=${training} act=${!!act}`;
            for (const key of Object.keys(out.flat)) {
              const a = new Uint32Array(out.flat[key].buffer);
              const b = new Uint32Array(out.chan[key].buffer);
              const at = a.findIndex((v, i) => v !== b[i]);
              assert.equal(
                at,
                -1,
                `${what}: ${key}[${at}] flat ${out.flat[key][at]} vs ${out.chan[key][at]}`,
              );
              assert.ok(out.chan.y.every(Number.isFinite), `${what}: y has unwritten elements`);
            }
          }
        }
      }
    }
  },
});
