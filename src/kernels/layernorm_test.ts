import assert from "node:assert/strict";
import { maxAbs, Slab } from "../../tests/slab.ts";
import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { layerNormBackwardRef, layerNormForwardRef } from "../ref/layernorm.ts";
import type { NormShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  type LayerNormKernels,
  layerNormKernels,
  type LayerNormTuning,
  recordLayerNormBackward,
  recordLayerNormForward,
} from "./layernorm.ts";

// Tolerances (see batchnorm_test.ts for the reasoning; the reductions here are a serial run of
// ⌈D/WG⌉ values per invocation plus a fan-in tree, ≤ ~60 additions deep):
// - mean: atol 1e-5·max|x|; rstd: rtol 2e-5 (centred sums: no cancellation at offset 100).
// - y: atol 2e-5·(max|y| + 1) plus the rounding of x − mean (an ulp of |x|) times rstd·|mult|.
// - dx = rstd·(g − mean(g)) − (x − m)·rstd³·Σg(x − m)/(D − 1) cancels: atol 2e-5 times the
//   largest term magnitude per item, rstd·|mult|·(|dy| + |Σdy|/D) + |x − m|·rstd³·|mult|·
//   Σ|dy·(x − m)|/(D − 1), plus the x − mean rounding carried through the second term.
// - dmult, dadd: atol 1e-5·Σ|terms| over all items, plus the x − mean rounding, plus the f32
//   rounding of the pre-filled value they accumulate onto.
const REL = 1e-5;
const ULP2 = 2 ** -22;

// D = C·H·W not a multiple of 4 takes the scalar kernels, the rest the vec4 ones.
const SHAPES: NormShape[] = [
  { N: 1, C: 1, H: 1, W: 2 }, // D = 2, the smallest legal, and N = 1
  { N: 2, C: 1, H: 1, W: 4 }, // D = 4: one vec4 per item
  { N: 1, C: 3, H: 5, W: 7 },
  { N: 3, C: 5, H: 3, W: 3 },
  { N: 4, C: 3, H: 2, W: 10 }, // D = 60 < WG, vec4
  { N: 5, C: 8, H: 14, W: 14 }, // the lesson's four blocks at small N
  { N: 6, C: 16, H: 7, W: 7 },
  { N: 7, C: 32, H: 4, W: 4 },
  { N: 9, C: 64, H: 2, W: 2 },
  { N: 300, C: 3, H: 14, W: 14 }, // many items for the dmult/dadd reduction
];

const TUNINGS: LayerNormTuning[] = [{}, { workgroupSize: 256, fanIn: 4 }, {
  workgroupSize: 32,
  fanIn: 2,
}];

interface Case {
  what: string;
  k: LayerNormKernels;
  s: NormShape;
  eps: number | undefined;
  host: Record<string, Float32Array>;
  h: Record<string, number>;
}

/** Per-item magnitudes of the terms of dx, dmult and dadd (what their rounding scales with). */
function scales(
  x: Float64Array,
  dy: Float64Array,
  r: { mean: Float64Array; rstd: Float64Array },
  mult: number,
  s: NormShape,
): { dx: number; dmult: number; dadd: number } {
  const D = s.C * s.H * s.W;
  const xerr = ULP2 * maxAbs(x);
  let dx = 0, dmult = 0, dadd = 0;
  for (let n = 0; n < s.N; n++) {
    const [m, q] = [r.mean[n], r.rstd[n]];
    let sdy = 0, sabs = 0, sabsx = 0, dev = 0, mdy = 0;
    for (let i = n * D; i < (n + 1) * D; i++) {
      sdy += dy[i];
      sabs += Math.abs(dy[i]);
      sabsx += Math.abs(dy[i] * (x[i] - m));
      dev = Math.max(dev, Math.abs(x[i] - m));
      mdy = Math.max(mdy, Math.abs(dy[i]));
    }
    const w = Math.abs(mult);
    const second = q ** 3 * w / (D - 1);
    dx = Math.max(
      dx,
      REL * 2 * (q * w * (mdy + Math.abs(sdy) / D) + dev * second * sabsx) +
        xerr * second * (sabsx + dev * sabs),
    );
    dmult += REL * sabsx * q + xerr * q * sabs;
    dadd += REL * sabs;
  }
  return { dx, dmult, dadd };
}

Deno.test({
  name: "LayerNorm forward/backward match the float64 reference (odd sizes, three tunings)",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(77);
    const slabs = {
      inputs: new Slab(),
      params: new Slab(),
      stats: new Slab(),
      outputs: new Slab(),
      grads: new Slab(),
    };
    const cases: Case[] = [];
    for (const tuning of TUNINGS) {
      const k = await layerNormKernels(gpu, tuning);
      for (const s of SHAPES) {
        for (const offset of [0, 100]) {
          const size = s.N * s.C * s.H * s.W;
          const makeX = () => {
            const x = new Float32Array(size);
            const D = size / s.N;
            for (let n = 0; n < s.N; n++) {
              const [mu, sd] = [offset * (n % 3 - 1) + rng.normal(), 0.5 + n % 4];
              for (let i = 0; i < D; i++) x[n * D + i] = rng.normal(mu, sd);
            }
            return x;
          };
          const host = {
            x1: makeX(),
            x2: makeX(),
            dy1: rng.fillNormal(new Float32Array(size)),
            dy2: rng.fillNormal(new Float32Array(size)),
            mult: Float32Array.of(rng.uniform(0.5, 1.5)),
            add: Float32Array.of(rng.uniform(-1, 1)),
            dmult: Float32Array.of(rng.uniform(-1, 1)), // accumulated onto
            dadd: Float32Array.of(rng.uniform(-1, 1)),
          };
          const shape = [s.N, s.C, s.H, s.W];
          const h: Record<string, number> = {};
          for (const n of ["x1", "x2", "dy1", "dy2"] as const) {
            h[n] = slabs.inputs.put(host[n], shape);
          }
          for (const n of ["mult", "add"] as const) h[n] = slabs.params.put(host[n]);
          for (const n of ["dmult", "dadd"] as const) h[n] = slabs.grads.put(host[n]);
          for (const n of ["mean1", "rstd1", "mean2", "rstd2"]) h[n] = slabs.stats.nan([s.N]);
          for (const n of ["y1", "y2", "dx1", "dx2"]) h[n] = slabs.outputs.nan(shape);
          const eps = offset ? 1e-3 : undefined;
          const what = `offset ${offset} ${JSON.stringify(s)} ${JSON.stringify(tuning)}`;
          cases.push({ what, k, s, eps, host, h });
        }
      }
    }
    for (const [name, slab] of Object.entries(slabs)) slab.upload(gpu, `ln ${name}`);
    const { inputs, params, stats, outputs, grads } = slabs;
    const rec = gpu.recorder("layernorm test");
    for (const { k, s, eps, h } of cases) {
      for (const i of [1, 2]) {
        const common = {
          x: inputs.t(h[`x${i}`]),
          mult: params.t(h.mult),
          mean: stats.t(h[`mean${i}`]),
          rstd: stats.t(h[`rstd${i}`]),
        };
        const y = outputs.t(h[`y${i}`]);
        recordLayerNormForward(rec, k, { ...common, y, add: params.t(h.add) }, s, { eps });
        recordLayerNormBackward(rec, k, {
          ...common,
          dy: inputs.t(h[`dy${i}`]),
          dx: outputs.t(h[`dx${i}`]),
          dmult: grads.t(h.dmult),
          dadd: grads.t(h.dadd),
        }, s);
      }
    }
    rec.submit();
    const get = {
      stats: await stats.read(gpu),
      outputs: await outputs.read(gpu),
      grads: await grads.read(gpu),
    };
    for (const { what, s, eps, host, h } of cases) {
      const f64 = (a: Float32Array) => Float64Array.from(a);
      const [mult, add] = [host.mult[0], host.add[0]];
      let dmult = host.dmult[0], dadd = host.dadd[0];
      let dmultTol = 2e-7, daddTol = 2e-7;
      for (const i of [1, 2]) {
        const x = f64(host[`x${i}`]), dy = f64(host[`dy${i}`]);
        const r = layerNormForwardRef(x, { mult, add }, s, { eps });
        const b = layerNormBackwardRef(x, dy, { mult, ...r }, s);
        const tag = `${i} ${what}`;
        assertClose(get.stats(h[`mean${i}`]), r.mean, {
          atol: REL * maxAbs(x),
          what: `mean${tag}`,
        });
        assertClose(get.stats(h[`rstd${i}`]), r.rstd, { rtol: 2 * REL, what: `rstd${tag}` });
        assertClose(get.outputs(h[`y${i}`]), r.y, {
          atol: 2 * REL * (maxAbs(r.y) + 1) + 1.5 * ULP2 * maxAbs(x) * maxAbs(r.rstd) * mult,
          what: `y${tag}`,
        });
        const sc = scales(x, dy, r, mult, s);
        assertClose(get.outputs(h[`dx${i}`]), b.dx, { atol: sc.dx, what: `dx${tag}` });
        dmult += b.dmult;
        dadd += b.dadd;
        dmultTol += sc.dmult;
        daddTol += sc.dadd;
      }
      assertClose(get.grads(h.dmult), [dmult], { atol: dmultTol, what: `dmult ${what}` });
      assertClose(get.grads(h.dadd), [dadd], { atol: daddTol, what: `dadd ${what}` });
    }
    for (const slab of Object.values(slabs)) slab.destroy(gpu);
  },
});

Deno.test({
  name: "LayerNorm launchers refuse wrong sizes (naming the tensor) and D < 2",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await layerNormKernels(gpu);
    const s = { N: 2, C: 3, H: 2, W: 2 };
    const x = gpu.tensor([2, 3, 2, 2], { label: "x" });
    const n2 = gpu.tensor([2], { label: "n2" });
    const one = gpu.tensor([1], { label: "one" });
    const rec = gpu.recorder("bad layernorms");
    const t = { x, y: x, mult: one, add: one, mean: n2, rstd: n2 };
    assert.throws(() => recordLayerNormForward(rec, k, { ...t, mult: n2 }, s), /mult n2\[2\]/);
    assert.throws(() => recordLayerNormForward(rec, k, { ...t, rstd: one }, s), /rstd one\[1\]/);
    assert.throws(
      () => recordLayerNormForward(rec, k, t, { N: 2, C: 1, H: 1, W: 1 }),
      /D = C·H·W = 1/,
    );
    const b = { x, dy: x, dx: x, mult: one, mean: n2, rstd: n2, dmult: one, dadd: n2 };
    assert.throws(() => recordLayerNormBackward(rec, k, b, s), /dadd n2\[2\]/);
    await assert.rejects(() => layerNormKernels(gpu, { fanIn: 1 }), /fanIn = 1/);
    for (const u of [x, n2, one]) gpu.destroy(u);
  },
});
