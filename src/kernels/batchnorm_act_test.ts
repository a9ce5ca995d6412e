import assert from "node:assert/strict";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { maxAbs, Slab } from "../../tests/slab.ts";
import { generalReluBackwardRef, generalReluForwardRef } from "../ref/activations.ts";
import { batchNormBackwardRef, batchNormForwardRef } from "../ref/batchnorm.ts";
import type { BatchNormOptions, BatchNormVariant, NormShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  generalReluKernels,
  type GeneralReluOptions,
  recordGeneralReluBackward,
  recordGeneralReluForward,
} from "./activations.ts";
import {
  batchNormKernels,
  type BatchNormTuning,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "./batchnorm.ts";

// BatchNorm2d with a fused GeneralReLU. Two checks per case:
// 1. bit-identity with the separate passes (BatchNorm, then GeneralReLU; backward in reverse):
//    every output, statistic, running statistic and gradient equal as float32 bits (−0 ≠ +0);
//    this is what keeps training runs (and the committed baseline) unchanged by the fusion;
// 2. the float64 references composed (batchNormForwardRef → generalReluForwardRef, then
//    generalReluBackwardRef → batchNormBackwardRef), with the tolerances of batchnorm_test.ts:
//    y: atol 2e-5·(max|z| + 1) (GeneralReLU is 1-Lipschitz, so z's error bound carries over);
//    dx: rtol 2e-5 + atol 1e-7·max|dx| (lesson, eval), or for "standard" training
//    atol 2e-5·max|mults·rstd|·(max|dz| + (max|Σdz| + 6·max|Σdz·xhat|)/M);
//    dmults, dadds: atol 1e-5·Σ|terms| + 2e-7.
// dy is zeroed where the float64 pre-activation lies within 1e-3 of a kink of the activation
// (0, and maxv before the clamp), where float32 rounding could pick the other slope.

const SHAPES: NormShape[] = [
  { N: 1, C: 3, H: 5, W: 7 }, // odd count: scalar kernels
  { N: 3, C: 5, H: 3, W: 3 },
  { N: 4, C: 3, H: 1, W: 3 }, // vec4s straddling channels
  { N: 6, C: 2, H: 1, W: 2 }, // H·W = 2: scalar elementwise, vec4 reductions
  { N: 5, C: 8, H: 14, W: 14 }, // the lesson's blocks at small N
  { N: 5, C: 16, H: 7, W: 7 },
  { N: 7, C: 32, H: 4, W: 4 },
  { N: 9, C: 64, H: 2, W: 2 },
  { N: 300, C: 3, H: 14, W: 14 }, // many chunks per channel
];

const ACTS: GeneralReluOptions[] = [
  { leak: 0.1, sub: 0.4 }, // the lesson's
  {}, // plain ReLU
  { leak: 0.1, sub: 0.4, maxv: 0.9 },
  { sub: 0.2, maxv: 1.5 },
];

const TUNINGS: BatchNormTuning[] = [
  {},
  { workgroupSize: 32, chunkPerInvocation: 5, perInvocation: 3, fanIn: 2 },
];

const REL = 1e-5;

/** Pre-clamp value of GeneralReLU (float64), for the kink margins. */
function preClamp(v: number, o: GeneralReluOptions): number {
  const t = o.leak != null ? (v >= 0 ? v : o.leak * v) : Math.max(v, 0);
  return o.sub != null ? t - o.sub : t;
}

Deno.test({
  name: "BatchNorm2d + fused GeneralReLU: bit-identical to the separate passes, matches float64",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(77);
    const act = await generalReluKernels(gpu);
    // One slab per binding role (a buffer may not be read-only and writable in one dispatch).
    const slab = {
      inputs: new Slab(),
      params: new Slab(),
      running: new Slab(),
      stats: new Slab(),
      mid: new Slab(), // unfused pre-activation z
      midGrad: new Slab(), // unfused dz
      outputs: new Slab(),
      grads: new Slab(),
    };
    const cases = [];
    for (const tuning of TUNINGS) {
      const k = await batchNormKernels(gpu, tuning);
      for (const s of SHAPES) {
        if (s.N === 300 && tuning.workgroupSize === 32) continue;
        for (const variant of ["lesson", "standard"] as BatchNormVariant[]) {
          for (const a of ACTS) {
            for (const training of [true, false]) {
              const o: BatchNormOptions = { variant, training };
              const size = s.N * s.C * s.H * s.W;
              const shape = [s.N, s.C, s.H, s.W];
              const host = {
                x: rng.fillNormal(new Float32Array(size), 0.3, 1.2),
                dy: rng.fillNormal(new Float32Array(size)),
                mults: rng.fillUniform(new Float32Array(s.C), 0.5, 1.5),
                adds: rng.fillUniform(new Float32Array(s.C), -1, 1),
                runMean: rng.fillUniform(new Float32Array(s.C), -1, 1),
                runVar: rng.fillUniform(new Float32Array(s.C), 0.5, 2),
              };
              const f64 = (v: Float32Array) => Float64Array.from(v);
              const p = { mults: f64(host.mults), adds: f64(host.adds) };
              const run = { mean: f64(host.runMean), var: f64(host.runVar) };
              const fwd = batchNormForwardRef(f64(host.x), p, run, s, o);
              for (let i = 0; i < size; i++) {
                const z = fwd.y[i];
                const nearMax = a.maxv != null && Math.abs(preClamp(z, a) - a.maxv) < 1e-3;
                if (Math.abs(z) < 1e-3 || nearMax) host.dy[i] = 0;
              }
              const dz = generalReluBackwardRef(fwd.y, f64(host.dy), a);
              const ref = {
                y: generalReluForwardRef(fwd.y, a),
                z: fwd.y,
                dz,
                fwd,
                run,
                bwd: batchNormBackwardRef(f64(host.x), dz, { ...p, ...fwd }, s, o),
              };
              const h: Record<string, number> = {
                x: slab.inputs.put(host.x, shape),
                dy: slab.inputs.put(host.dy, shape),
                mults: slab.params.put(host.mults),
                adds: slab.params.put(host.adds),
              };
              for (const v of ["F", "U"]) {
                h[`runMean${v}`] = slab.running.put(host.runMean);
                h[`runVar${v}`] = slab.running.put(host.runVar);
                h[`mean${v}`] = slab.stats.nan([s.C]);
                h[`rstd${v}`] = slab.stats.nan([s.C]);
                h[`y${v}`] = slab.outputs.nan(shape);
                h[`dx${v}`] = slab.outputs.nan(shape);
                h[`dmults${v}`] = slab.grads.put(new Float32Array(s.C));
                h[`dadds${v}`] = slab.grads.put(new Float32Array(s.C));
              }
              h.z = slab.mid.nan(shape);
              h.dz = slab.midGrad.nan(shape);
              const what = `${variant} ${training ? "train" : "eval"} act ${JSON.stringify(a)} ` +
                `${JSON.stringify(s)} ${JSON.stringify(tuning)}`;
              cases.push({ k, s, o, a, h, ref, what, M: s.N * s.H * s.W });
            }
          }
        }
      }
    }
    for (const [name, sl] of Object.entries(slab)) sl.upload(gpu, `bn+act ${name}`);
    const rec = gpu.recorder("batchnorm+act test");
    for (const { k, s, o, a, h } of cases) {
      const t = (sl: Slab, n: string) => sl.t(h[n]);
      const common = (v: string) => ({
        mults: t(slab.params, "mults"),
        adds: t(slab.params, "adds"),
        mean: t(slab.stats, `mean${v}`),
        rstd: t(slab.stats, `rstd${v}`),
      });
      const fwd = (v: string, y: ReturnType<Slab["t"]>, fused: GeneralReluOptions | null) =>
        recordBatchNormForward(
          rec,
          k,
          {
            ...common(v),
            x: t(slab.inputs, "x"),
            y,
            runMean: t(slab.running, `runMean${v}`),
            runVar: t(slab.running, `runVar${v}`),
          },
          s,
          o,
          fused,
        );
      const bwd = (v: string, dy: ReturnType<Slab["t"]>, fused: GeneralReluOptions | null) =>
        recordBatchNormBackward(
          rec,
          k,
          {
            ...common(v),
            x: t(slab.inputs, "x"),
            dy,
            dx: t(slab.outputs, `dx${v}`),
            dmults: t(slab.grads, `dmults${v}`),
            dadds: t(slab.grads, `dadds${v}`),
          },
          s,
          o,
          fused,
        );
      fwd("F", t(slab.outputs, "yF"), a);
      bwd("F", t(slab.inputs, "dy"), a);
      fwd("U", t(slab.mid, "z"), null);
      recordGeneralReluForward(rec, act, { x: t(slab.mid, "z"), y: t(slab.outputs, "yU") }, a);
      recordGeneralReluBackward(rec, act, {
        x: t(slab.mid, "z"),
        dy: t(slab.inputs, "dy"),
        dx: t(slab.midGrad, "dz"),
      }, a);
      bwd("U", t(slab.midGrad, "dz"), null);
    }
    rec.submit();
    const get = {
      running: await slab.running.read(gpu),
      stats: await slab.stats.read(gpu),
      outputs: await slab.outputs.read(gpu),
      grads: await slab.grads.read(gpu),
    };
    for (const { o, h, ref, what, M, s } of cases) {
      for (
        const [role, names] of [
          [get.outputs, ["y", "dx"]],
          [get.stats, ["mean", "rstd"]],
          [get.running, ["runMean", "runVar"]],
          [get.grads, ["dmults", "dadds"]],
        ] as const
      ) {
        for (const n of names) {
          assert.deepStrictEqual(
            role(h[`${n}F`]),
            role(h[`${n}U`]),
            `${n}: fused ≠ separate, ${what}`,
          );
        }
      }
      const y = get.outputs(h.yF);
      assertClose(y, ref.y, { atol: 2 * REL * (maxAbs(ref.z) + 1), what: `y ${what}` });
      const dx = get.outputs(h.dxF);
      if (o.training && o.variant === "standard") {
        let kk = 0;
        for (let c = 0; c < s.C; c++) kk = Math.max(kk, Math.abs(ref.fwd.rstd[c]) * 1.5);
        const cross = (maxAbs(ref.bwd.dadds) + 6 * maxAbs(ref.bwd.dmults)) / M;
        assertClose(dx, ref.bwd.dx, {
          atol: 2 * REL * kk * (maxAbs(ref.dz) + cross),
          what: `dx ${what}`,
        });
      } else {
        assertClose(dx, ref.bwd.dx, {
          rtol: 2 * REL,
          atol: 1e-7 * maxAbs(ref.bwd.dx),
          what: `dx ${what}`,
        });
      }
      const terms = ref.dz.reduce((acc, v) => acc + Math.abs(v), 0);
      const xhatMax = maxAbs(ref.z) * 3 + 3; // |xhat| ≤ (|z| + |adds|)/mults, mults ≥ 0.5
      assertClose(get.grads(h.daddsF), ref.bwd.dadds, {
        atol: REL * terms + 2e-7,
        what: `dadds ${what}`,
      });
      assertClose(get.grads(h.dmultsF), ref.bwd.dmults, {
        atol: REL * terms * xhatMax + 2e-7,
        what: `dmults ${what}`,
      });
    }
    for (const sl of Object.values(slab)) sl.destroy(gpu);
  },
});
