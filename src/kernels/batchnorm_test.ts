import assert from "node:assert/strict";
import { maxAbs, Slab } from "../../tests/slab.ts";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { batchNormBackwardRef, batchNormForwardRef } from "../ref/batchnorm.ts";
import type { BatchNormOptions, BatchNormVariant, NormShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  type BatchNormKernels,
  batchNormKernels,
  type BatchNormTuning,
  recordBatchNormBackward,
  recordBatchNormForward,
} from "./batchnorm.ts";

/** Per channel Σ|dy| and Σ|dy·xhat|: the scale of the rounding error of the gradient sums. */
function gradScales(
  x: Float64Array,
  dy: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
  s: NormShape,
): { dadds: number; dmults: number } {
  const HW = s.H * s.W;
  let a = 0, b = 0;
  for (let c = 0; c < s.C; c++) {
    let sa = 0, sb = 0;
    for (let n = 0; n < s.N; n++) {
      for (let i = 0; i < HW; i++) {
        const j = (n * s.C + c) * HW + i;
        sa += Math.abs(dy[j]);
        sb += Math.abs(dy[j] * (x[j] - mean[c]) * rstd[c]);
      }
    }
    a = Math.max(a, sa);
    b = Math.max(b, sb);
  }
  return { dadds: a, dmults: b };
}

// Tolerances. The f32 reductions (serial runs of ≤ PER values per invocation, a fan-in tree, a
// serial pass over ≤ G chunks) have rounding-error chains of at most ~80 additions; their error
// is a few ulps of the summed magnitudes in practice, so 1e-5 relative to the magnitude of the
// terms leaves an order of magnitude of margin while still catching any wrong term (≥ 1/M).
// - mean: atol 1e-5·max|x|; rstd, running var: rtol 2e-5 (variance from centred sums, no
//   cancellation even for the offset-100 inputs, where a one-pass Σx² would lose everything).
// - y = (x − mean)·rstd·mult + add: atol 2e-5·(max|y| + 1) (|xhat| up to ~5 times rstd's error),
//   plus the rounding of x − mean itself (an ulp of |x|, times rstd·mult: see xhatErr below).
// - dx: lesson/eval dy·mult·rstd: rtol 2e-5 plus atol 1e-7·max|dx| (products of rounded factors);
//   standard: atol 2e-5·max_c |mult·rstd| · (max|dy| + max|xhat|·max|Σdy·xhat|/M + max|Σdy|/M),
//   i.e. scaled by the size of the terms that cancel, not by the (small) result.
// - dmults, dadds: atol 1e-5·Σ|terms| (per channel, maximum over channels) plus the f32 rounding
//   of the pre-filled value they accumulate onto.
const REL = 1e-5;

// Elementwise passes: odd N·C·H·W or H·W ≤ 2 take the scalar kernels, the rest the vec4 ones
// (H·W = 49, 3 and 5 with vec4s straddling two channels). Reductions: vec4 when H·W % 4 == 0
// (196, 16, 4 and the 2×2 / 1×4 shapes), scalar otherwise.
const SHAPES: NormShape[] = [
  { N: 1, C: 3, H: 5, W: 7 }, // N = 1
  { N: 2, C: 1, H: 1, W: 1 }, // M = 2, the smallest legal
  { N: 3, C: 5, H: 3, W: 3 },
  { N: 4, C: 3, H: 1, W: 3 }, // vec4s across channel boundaries, H·W = 3
  { N: 1, C: 4, H: 5, W: 1 },
  { N: 6, C: 2, H: 1, W: 2 }, // H·W = 2: scalar although N·C·H·W % 4 == 0
  { N: 1, C: 3, H: 1, W: 4 }, // M = 4: one vec4 per channel
  { N: 5, C: 8, H: 14, W: 14 }, // the lesson's four blocks at small N
  { N: 5, C: 16, H: 7, W: 7 },
  { N: 7, C: 32, H: 4, W: 4 },
  { N: 9, C: 64, H: 2, W: 2 },
  { N: 300, C: 3, H: 14, W: 14 }, // M = 58,800: many chunks per channel
];

const TUNINGS: BatchNormTuning[] = [
  {},
  { workgroupSize: 64, chunkPerInvocation: 3, perInvocation: 1, fanIn: 4 },
  { workgroupSize: 32, chunkPerInvocation: 5, perInvocation: 3, fanIn: 2 },
];

interface Case {
  what: string;
  k: BatchNormKernels;
  s: NormShape;
  o: BatchNormOptions;
  host: Record<string, Float32Array>;
  h: Record<string, number>;
}

Deno.test({
  name: "BatchNorm2d forward/backward, both variants, 2 training steps then eval, match float64",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(2024);
    const slabs = {
      inputs: new Slab(),
      params: new Slab(),
      running: new Slab(),
      stats: new Slab(),
      outputs: new Slab(),
      grads: new Slab(),
    };
    const cases: Case[] = [];
    for (const tuning of TUNINGS) {
      const k = await batchNormKernels(gpu, tuning);
      for (const s of SHAPES) {
        for (const variant of ["lesson", "standard"] as BatchNormVariant[]) {
          const size = s.N * s.C * s.H * s.W;
          const big = s.N === 300;
          if (big && tuning.workgroupSize === 32) continue; // covered by the other two tunings
          // The second tuning also checks non-default momentum and eps, and channel offsets of
          // 100 (catastrophic for a one-pass Σx² variance).
          const odd = tuning.workgroupSize === 64;
          const o: BatchNormOptions = odd
            ? { variant, training: true, momentum: 0.3, eps: 1e-3 }
            : { variant, training: true };
          const offset = odd ? 100 : 1;
          const makeX = () => {
            const x = new Float32Array(size);
            const HW = s.H * s.W;
            for (let n = 0; n < s.N; n++) {
              for (let c = 0; c < s.C; c++) {
                const [mu, sd] = [offset * (c % 3 - 1), 0.5 + c % 4];
                for (let i = 0; i < HW; i++) x[(n * s.C + c) * HW + i] = rng.normal(mu, sd);
              }
            }
            return x;
          };
          const host = {
            x1: makeX(),
            x2: makeX(),
            x3: makeX(),
            dy2: rng.fillNormal(new Float32Array(size)),
            dy3: rng.fillNormal(new Float32Array(size)),
            mults: rng.fillUniform(new Float32Array(s.C), 0.5, 1.5),
            adds: rng.fillUniform(new Float32Array(s.C), -1, 1),
            runMean: rng.fillUniform(new Float32Array(s.C), -1, 1),
            runVar: rng.fillUniform(new Float32Array(s.C), 0.5, 2),
            dmults: rng.fillUniform(new Float32Array(s.C), -1, 1), // accumulated onto
            dadds: rng.fillUniform(new Float32Array(s.C), -1, 1),
          };
          const shape = [s.N, s.C, s.H, s.W];
          const h: Record<string, number> = {};
          for (const n of ["x1", "x2", "x3", "dy2", "dy3"] as const) {
            h[n] = slabs.inputs.put(host[n], shape);
          }
          for (const n of ["mults", "adds"] as const) h[n] = slabs.params.put(host[n]);
          for (const n of ["runMean", "runVar"] as const) h[n] = slabs.running.put(host[n]);
          for (const n of ["dmults", "dadds"] as const) h[n] = slabs.grads.put(host[n]);
          for (const n of ["mean1", "rstd1", "mean2", "rstd2", "mean3", "rstd3"]) {
            h[n] = slabs.stats.nan([s.C]);
          }
          for (const n of ["y1", "y2", "y3", "dx2", "dx3"]) h[n] = slabs.outputs.nan(shape);
          const what = `${variant} ${JSON.stringify(s)} ${JSON.stringify(tuning)}`;
          cases.push({ what, k, s, o, host, h });
        }
      }
    }
    for (const [name, slab] of Object.entries(slabs)) slab.upload(gpu, `bn ${name}`);
    const { inputs, params, running, stats, outputs, grads } = slabs;
    const rec = gpu.recorder("batchnorm test");
    for (const { k, s, o, h } of cases) {
      const common = {
        mults: params.t(h.mults),
        adds: params.t(h.adds),
        runMean: running.t(h.runMean),
        runVar: running.t(h.runVar),
      };
      const fwd = (i: number, training: boolean) =>
        recordBatchNormForward(
          rec,
          k,
          {
            ...common,
            x: inputs.t(h[`x${i}`]),
            y: outputs.t(h[`y${i}`]),
            mean: stats.t(h[`mean${i}`]),
            rstd: stats.t(h[`rstd${i}`]),
          },
          s,
          { ...o, training },
        );
      const bwd = (i: number, training: boolean) =>
        recordBatchNormBackward(
          rec,
          k,
          {
            x: inputs.t(h[`x${i}`]),
            dy: inputs.t(h[`dy${i}`]),
            dx: outputs.t(h[`dx${i}`]),
            mults: common.mults,
            mean: stats.t(h[`mean${i}`]),
            rstd: stats.t(h[`rstd${i}`]),
            dmults: grads.t(h.dmults),
            dadds: grads.t(h.dadds),
          },
          s,
          { ...o, training },
        );
      fwd(1, true);
      fwd(2, true);
      bwd(2, true);
      fwd(3, false);
      bwd(3, false);
    }
    rec.submit();
    const get = {
      running: await running.read(gpu),
      stats: await stats.read(gpu),
      outputs: await outputs.read(gpu),
      grads: await grads.read(gpu),
    };
    for (const { what, s, o, host, h } of cases) {
      const f64 = (a: Float32Array) => Float64Array.from(a);
      const p = { mults: f64(host.mults), adds: f64(host.adds) };
      const run = { mean: f64(host.runMean), var: f64(host.runVar) };
      const x = [null, f64(host.x1), f64(host.x2), f64(host.x3)];
      const r1 = batchNormForwardRef(x[1]!, p, run, s, o);
      const r2 = batchNormForwardRef(x[2]!, p, run, s, o);
      const b2 = batchNormBackwardRef(x[2]!, f64(host.dy2), { ...p, ...r2 }, s, o);
      const eval_ = { ...o, training: false };
      const r3 = batchNormForwardRef(x[3]!, p, run, s, eval_);
      const b3 = batchNormBackwardRef(x[3]!, f64(host.dy3), { ...p, ...r3 }, s, eval_);
      // xhat's own rounding: x − mean in f32 is off by up to an ulp of |x| (100 in the offset
      // cases), i.e. 2⁻²³·max|x|·rstd absolute, whatever the reductions do.
      const xhatErr = (i: number, r: { rstd: Float64Array }) =>
        2 ** -22 * maxAbs(x[i]!) * maxAbs(r.rstd);
      for (const [i, r] of [[1, r1], [2, r2], [3, r3]] as const) {
        const xs = maxAbs(x[i]!);
        assertClose(get.stats(h[`mean${i}`]), r.mean, { atol: REL * xs, what: `mean${i} ${what}` });
        assertClose(get.stats(h[`rstd${i}`]), r.rstd, { rtol: 2 * REL, what: `rstd${i} ${what}` });
        assertClose(get.outputs(h[`y${i}`]), r.y, {
          atol: 2 * REL * (maxAbs(r.y) + 1) + 1.5 * xhatErr(i, r),
          what: `y${i} ${what}`,
        });
      }
      assertClose(get.running(h.runMean), run.mean, {
        atol: REL * maxAbs(x[2]!),
        what: `running mean ${what}`,
      });
      assertClose(get.running(h.runVar), run.var, { rtol: 2 * REL, what: `running var ${what}` });
      // dx of the training step.
      const M = s.N * s.H * s.W;
      if (o.variant === "standard") {
        let k = 0, cross = 0;
        for (let c = 0; c < s.C; c++) {
          k = Math.max(k, Math.abs(p.mults[c] * r2.rstd[c]));
          cross = Math.max(cross, (Math.abs(b2.dadds[c]) + 6 * Math.abs(b2.dmults[c])) / M);
        }
        assertClose(get.outputs(h.dx2), b2.dx, {
          atol: 2 * REL * k * (maxAbs(host.dy2) + cross) +
            k * xhatErr(2, r2) * maxAbs(b2.dmults) / M,
          what: `dx2 ${what}`,
        });
      } else {
        assertClose(get.outputs(h.dx2), b2.dx, {
          rtol: 2 * REL,
          atol: 1e-7 * maxAbs(b2.dx),
          what: `dx2 ${what}`,
        });
      }
      assertClose(get.outputs(h.dx3), b3.dx, {
        rtol: 2 * REL,
        atol: 1e-7 * maxAbs(b3.dx),
        what: `dx3 (eval) ${what}`,
      });
      // Parameter gradients: pre-filled value + training step + eval step.
      const g2 = gradScales(x[2]!, f64(host.dy2), r2.mean, r2.rstd, s);
      const g3 = gradScales(x[3]!, f64(host.dy3), r3.mean, r3.rstd, s);
      const sum = (init: Float32Array, a: Float64Array, b: Float64Array) =>
        Float64Array.from(init, (v, c) => v + a[c] + b[c]);
      assertClose(get.grads(h.dmults), sum(host.dmults, b2.dmults, b3.dmults), {
        atol: REL * (g2.dmults + g3.dmults) + 2e-7 +
          g2.dadds * xhatErr(2, r2) + g3.dadds * xhatErr(3, r3),
        what: `dmults ${what}`,
      });
      assertClose(get.grads(h.dadds), sum(host.dadds, b2.dadds, b3.dadds), {
        atol: REL * (g2.dadds + g3.dadds) + 2e-7,
        what: `dadds ${what}`,
      });
    }
    for (const slab of Object.values(slabs)) slab.destroy(gpu);
  },
});

Deno.test({
  name: "BatchNorm2d reruns are bit-identical (fixed-order reductions)",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(5);
    const k = await batchNormKernels(gpu);
    const s = { N: 33, C: 8, H: 14, W: 14 };
    const shape = [s.N, s.C, s.H, s.W];
    const size = s.N * s.C * s.H * s.W;
    const inputs = new Slab(), params = new Slab(), running = new Slab(), stats = new Slab();
    const outputs = new Slab(), grads = new Slab();
    const hx = inputs.put(rng.fillNormal(new Float32Array(size), 3, 2), shape);
    const hdy = inputs.put(rng.fillNormal(new Float32Array(size)), shape);
    const hm = params.put(new Float32Array(s.C).fill(1.5));
    const ha = params.put(new Float32Array(s.C).fill(0.25));
    const runs = [0, 1].map(() => ({
      rm: running.put(new Float32Array(s.C)),
      rv: running.put(new Float32Array(s.C).fill(1)),
      mean: stats.nan([s.C]),
      rstd: stats.nan([s.C]),
      y: outputs.nan(shape),
      dx: outputs.nan(shape),
      dm: grads.put(new Float32Array(s.C)),
      da: grads.put(new Float32Array(s.C)),
    }));
    for (const [n, slab] of Object.entries({ inputs, params, running, stats, outputs, grads })) {
      slab.upload(gpu, `bn rerun ${n}`);
    }
    const rec = gpu.recorder("bn reruns");
    const o = { variant: "standard" as const, training: true };
    for (const r of runs) {
      const common = { x: inputs.t(hx), mean: stats.t(r.mean), rstd: stats.t(r.rstd) };
      recordBatchNormForward(
        rec,
        k,
        {
          ...common,
          y: outputs.t(r.y),
          mults: params.t(hm),
          adds: params.t(ha),
          runMean: running.t(r.rm),
          runVar: running.t(r.rv),
        },
        s,
        o,
      );
      recordBatchNormBackward(
        rec,
        k,
        {
          ...common,
          dy: inputs.t(hdy),
          dx: outputs.t(r.dx),
          mults: params.t(hm),
          dmults: grads.t(r.dm),
          dadds: grads.t(r.da),
        },
        s,
        o,
      );
    }
    rec.submit();
    const [a, b] = runs;
    const keys = [
      [running, ["rm", "rv"]],
      [stats, ["mean", "rstd"]],
      [outputs, ["y", "dx"]],
      [grads, ["dm", "da"]],
    ] as const;
    for (const [slab, names] of keys) {
      const get = await slab.read(gpu);
      for (const key of names) {
        const u = get(a[key]);
        assert.ok(u.every(Number.isFinite), `${key} not written`);
        assert.deepEqual(u, get(b[key]), `rerun differs in ${key}`);
      }
    }
    for (const slab of [inputs, params, running, stats, outputs, grads]) slab.destroy(gpu);
  },
});

Deno.test({
  name: "BatchNorm2d launchers refuse wrong sizes (naming the tensor) and M < 2 in training",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await batchNormKernels(gpu);
    const s = { N: 2, C: 3, H: 2, W: 2 };
    const x = gpu.tensor([2, 3, 2, 2], { label: "x" });
    const c3 = gpu.tensor([3], { label: "c3" });
    const c4 = gpu.tensor([4], { label: "c4" });
    const rec = gpu.recorder("bad batchnorms");
    const t = { x, y: x, mults: c3, adds: c3, runMean: c3, runVar: c3, mean: c3, rstd: c3 };
    const o = { variant: "lesson" as const, training: true };
    assert.throws(() => recordBatchNormForward(rec, k, { ...t, adds: c4 }, s, o), /adds c4\[4\]/);
    assert.throws(
      () => recordBatchNormForward(rec, k, t, { ...s, N: 3 }, o),
      /x x\[2×3×2×2\] f32 must be f32 with 36 elements/,
    );
    const one = { N: 1, C: 3, H: 1, W: 1 };
    const x1 = gpu.tensor([1, 3, 1, 1], { label: "x1" });
    assert.throws(
      () => recordBatchNormForward(rec, k, { ...t, x: x1, y: x1 }, one, o),
      /M = N·H·W = 1/,
    );
    // Eval (and its backward) need no batch statistics, so M = 1 is fine there.
    recordBatchNormForward(rec, k, { ...t, x: x1, y: x1 }, one, { ...o, training: false });
    const b = { x, dy: x, dx: x, mults: c3, mean: c3, rstd: c3, dmults: c3, dadds: c4 };
    assert.throws(() => recordBatchNormBackward(rec, k, b, s, o), /dadds c4\[4\]/);
    assert.throws(
      () => recordBatchNormForward(rec, k, t, s, { ...o, variant: "fancy" as "lesson" }),
      /variant fancy/,
    );
    for (const u of [x, c3, c4, x1]) gpu.destroy(u);
  },
});
