import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import type { Gpu } from "../gpu/device.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { conv2dBackwardRef, conv2dForwardRef } from "../ref/conv2d.ts";
import { conv2dOutSize, type Conv2dShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  conv2dKernels,
  type Conv2dTuning,
  DEFAULT_CONV2D_TUNING,
  GRID_ONLY_CONV2D_PARAMS,
  recordConv2dBackward,
  recordConv2dForward,
  recordConv2dWeightGradient,
  weightPlan,
} from "./conv2d.ts";

// Tolerance: every output is an f32 sum of L products (L = C·K·K for out, ≤ F·K·K for dx,
// N·OH·OW for dw/db, split into chunks whose partials are added in order). Its rounding error is
// at most L·2⁻²⁴·Σ|terms| and typically ~√L·2⁻²⁴·Σ|terms| (≈ 2e-6·Σ|terms| for L ≈ 1000).
// So each element is compared against REL·Σ|terms| (Σ|terms| computed by the float64 reference on
// |x|, |w|, |b|, |dout|, plus |prefill| for accumulated gradients) plus one f32 rounding of the
// result. REL = 1e-5 is ~5σ of the typical error at the largest L tested and far below any
// indexing mistake, which is O(1)·Σ|terms|.
const REL = 1e-5;
const ULP = 2 ** -23;

/** Odd sizes and the lesson's exact layers (small N). */
const CASES: { s: Conv2dShape; bias?: boolean; dx?: boolean; db?: boolean }[] = [
  // The lesson model: K3 S2 P1, 28 → 14 → 7 → 4 → 2 → 1.
  { s: { N: 3, C: 1, H: 28, W: 28, F: 8, K: 3, S: 2, P: 1 }, dx: false },
  { s: { N: 3, C: 8, H: 14, W: 14, F: 16, K: 3, S: 2, P: 1 } },
  { s: { N: 3, C: 16, H: 7, W: 7, F: 32, K: 3, S: 2, P: 1 } },
  { s: { N: 3, C: 32, H: 4, W: 4, F: 64, K: 3, S: 2, P: 1 } },
  { s: { N: 3, C: 64, H: 2, W: 2, F: 10, K: 3, S: 2, P: 1 } },
  // One channel, K3 S2 P1, W % 4 == 0 (the vector first-layer kernel): odd H, F not a multiple
  // of 4, F over several filter blocks, a single row.
  { s: { N: 5, C: 1, H: 9, W: 12, F: 5, K: 3, S: 2, P: 1 }, dx: false },
  { s: { N: 2, C: 1, H: 6, W: 8, F: 19, K: 3, S: 2, P: 1 }, bias: false, db: false, dx: false },
  { s: { N: 3, C: 1, H: 1, W: 4, F: 3, K: 3, S: 2, P: 1 }, dx: false },
  // nb 10's first conv (K5 P2) and a stride-1 K5; K1 P0 S1; N = 1.
  { s: { N: 2, C: 1, H: 28, W: 28, F: 8, K: 5, S: 2, P: 2 } },
  { s: { N: 2, C: 3, H: 11, W: 10, F: 6, K: 5, S: 1, P: 2 } },
  { s: { N: 1, C: 7, H: 5, W: 6, F: 3, K: 1, S: 1, P: 0 } },
  { s: { N: 1, C: 5, H: 9, W: 7, F: 13, K: 3, S: 1, P: 1 }, bias: false, db: false },
  // Odd everything, several tiles and chunks of output positions, partial last workgroups.
  { s: { N: 5, C: 3, H: 27, W: 25, F: 17, K: 3, S: 1, P: 1 } },
  { s: { N: 7, C: 9, H: 13, W: 11, F: 19, K: 3, S: 2, P: 0 }, dx: false },
  // Kernel smaller than the stride (phase classes without taps: dx = 0 there), and P > 0.
  { s: { N: 2, C: 3, H: 8, W: 7, F: 5, K: 2, S: 3, P: 1 } },
  // Weight windows: C·K·K·16 > 4096 vec4 (two channel passes) and F·K·K·16 > 4096 (two filter
  // passes for dx); many filter blocks (several 64 KiB windows).
  { s: { N: 2, C: 130, H: 3, W: 4, F: 5, K: 3, S: 1, P: 1 } },
  { s: { N: 2, C: 3, H: 5, W: 4, F: 120, K: 3, S: 2, P: 1 } },
  { s: { N: 1, C: 40, H: 3, W: 3, F: 70, K: 3, S: 1, P: 1 } },
];

const TUNINGS: Partial<Conv2dTuning>[] = [
  {}, // the defaults: 16 filters × 8 columns per invocation
  {
    wg: 32,
    quads: 1,
    cols: 4,
    dwWg: 128,
    dwQuads: 2,
    dwCols: 4,
    chunk: 96,
    minLanes: 1,
    auxWg: 32,
  },
  { wg: 128, quads: 2, cols: 8, dwWg: 32, dwQuads: 1, dwCols: 8, chunk: 40, minLanes: 4096 },
];

/** Lays tensors out in one buffer at 256-byte aligned offsets, with sentinel-filled gaps. */
class Arena {
  readonly parts: { at: number; data: Float32Array; shape: number[]; label: string }[] = [];
  size = 64; // a leading gap, so no tensor starts at offset 0

  add(data: Float32Array, shape: number[], label: string): number {
    const at = this.size;
    this.parts.push({ at, data, shape, label });
    this.size = Math.ceil((at + data.length + 1) / 64) * 64; // ≥ 1 sentinel after each
    return this.parts.length - 1;
  }

  /** Host copy: tensors at their offsets, `fill` everywhere else. */
  host(fill: number): Float32Array {
    const h = new Float32Array(this.size).fill(fill);
    for (const p of this.parts) h.set(p.data, p.at);
    return h;
  }

  /** The whole buffer and each tensor as a slice of it. */
  upload(gpu: Gpu, fill: number, label: string): { all: GpuTensor<"f32">; t: GpuTensor<"f32">[] } {
    const all = gpu.upload(this.host(fill), [this.size], { dtype: "f32", label });
    return { all, t: this.parts.map((p) => all.slice(p.at, p.shape, p.label)) };
  }
}

const SENTINEL = 12345.5;

function randomArray(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  rng.fillNormal(a, 0, scale);
  return a;
}

const f64 = (a: Float32Array) => Float64Array.from(a);
const abs64 = (a: Float32Array) => Float64Array.from(a, Math.abs);

/** |actual − expected| ≤ REL·mag + ULP·|expected| everywhere (NaN fails). */
function assertScaled(
  actual: Float32Array,
  expected: ArrayLike<number>,
  mag: ArrayLike<number>,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const tol = REL * mag[i] + ULP * Math.abs(expected[i]);
    if (!(err <= tol)) {
      assert.fail(
        `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${err}, tolerance ` +
          `${tol}: ${REL}·Σ|terms| ${mag[i]} + 1 ulp)`,
      );
    }
  }
}

interface Prepared {
  s: Conv2dShape;
  bias: boolean;
  dx: boolean;
  db: boolean;
  host: Record<string, Float32Array>;
  /** Indices into the arenas. */
  at: Record<string, number>;
}

function describe(c: Prepared): string {
  const { N, C, H, W, F, K, S, P } = c.s;
  return `N${N} C${C} ${H}×${W} → F${F} K${K} S${S} P${P}` +
    `${c.bias ? "" : " no-bias"}${c.dx ? "" : " no-dx"}${c.db ? "" : " no-db"}`;
}

Deno.test({
  name: "conv2d forward and backward match the float64 reference at every tuning",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(2024);
    const data = new Arena(); // x, dout: read-only activations
    const params = new Arena(); // w, b: slices of one parameter arena
    const results = new Arena(); // out, dx (NaN-poisoned), dw, db (prefilled): read-write
    const cases: Prepared[] = CASES.map(({ s, bias = true, dx = true, db = true }) => {
      const { OH, OW } = conv2dOutSize(s);
      const { N, C, H, W, F, K } = s;
      const host = {
        x: randomArray(rng, N * C * H * W),
        w: randomArray(rng, F * C * K * K, 1 / Math.sqrt(C * K * K)),
        b: randomArray(rng, F),
        dout: randomArray(rng, N * F * OH * OW),
        dwPrefill: randomArray(rng, F * C * K * K),
        dbPrefill: randomArray(rng, F),
      };
      const at = {
        x: data.add(host.x, [N, C, H, W], "x"),
        dout: data.add(host.dout, [N, F, OH, OW], "dout"),
        w: params.add(host.w, [F, C, K, K], "w"),
        b: params.add(host.b, [F], "b"),
        out: results.add(new Float32Array(N * F * OH * OW).fill(NaN), [N, F, OH, OW], "out"),
        dx: results.add(new Float32Array(N * C * H * W).fill(NaN), [N, C, H, W], "dx"),
        dw: results.add(host.dwPrefill, [F, C, K, K], "dw"),
        db: results.add(host.dbPrefill, [F], "db"),
      };
      return { s, bias, dx, db, host, at };
    });
    const d = data.upload(gpu, SENTINEL, "data").t;
    const p = params.upload(gpu, SENTINEL, "params").t;
    const initial = results.host(SENTINEL);
    const expected = cases.map((c) => reference(c));

    for (const tuning of TUNINGS) {
      const k = await conv2dKernels(gpu, tuning);
      // Two result arenas get the same launches: the second must be bit-identical to the first.
      const runs = [0, 1].map((i) => results.upload(gpu, SENTINEL, `results ${i}`));
      const rec = gpu.recorder("conv2d test");
      for (const { t: r } of runs) {
        for (const c of cases) {
          const x = d[c.at.x], dout = d[c.at.dout], w = p[c.at.w];
          const b = c.bias ? p[c.at.b] : null;
          recordConv2dForward(rec, k, { x, w, b, out: r[c.at.out] }, c.s);
          recordConv2dBackward(rec, k, {
            x,
            w,
            dout,
            dx: c.dx ? r[c.at.dx] : null,
            dw: r[c.at.dw],
            db: c.db ? r[c.at.db] : null,
          }, c.s);
        }
      }
      rec.submit();
      const got = await gpu.read(runs[0].all);
      const again = await gpu.read(runs[1].all);
      const tag = `tuning ${JSON.stringify(k.tuning)}`;
      assert.ok(
        got.every((v, i) => Object.is(v, again[i])),
        `${tag}: a rerun is not bit-identical`,
      );
      // Everything outside the outputs keeps its initial value (sentinels, skipped dx and db).
      const written = new Uint8Array(results.size);
      for (const c of cases) {
        const e = expected[cases.indexOf(c)];
        const what = `${tag}, ${describe(c)}`;
        const part = (name: string) => {
          const { at, data } = results.parts[c.at[name]];
          written.fill(1, at, at + data.length);
          return got.subarray(at, at + data.length);
        };
        assertScaled(part("out"), e.out, e.outMag, `${what}: out`);
        if (c.dx) assertScaled(part("dx"), e.dx, e.dxMag, `${what}: dx`);
        assertScaled(part("dw"), e.dw, e.dwMag, `${what}: dw`);
        if (c.db) assertScaled(part("db"), e.db, e.dbMag, `${what}: db`);
      }
      for (let i = 0; i < results.size; i++) {
        if (!written[i] && !Object.is(got[i], initial[i])) {
          assert.fail(`${tag}: element ${i} outside the outputs changed to ${got[i]}`);
        }
      }
      for (const r of runs) gpu.destroy(r.all);
    }
  },
});

/** Expected outputs (float64) and Σ|terms| per element, the scale of its rounding error. */
function reference(c: Prepared) {
  const { x, w, b, dout, dwPrefill, dbPrefill } = c.host;
  const bias = c.bias ? f64(b) : null;
  const out = conv2dForwardRef(f64(x), f64(w), bias, c.s);
  const outMag = conv2dForwardRef(abs64(x), abs64(w), c.bias ? abs64(b) : null, c.s);
  const g = conv2dBackwardRef(f64(x), f64(w), f64(dout), c.s);
  const m = conv2dBackwardRef(abs64(x), abs64(w), abs64(dout), c.s);
  // dw and db accumulate: expected = prefill + gradient, its magnitude includes |prefill|.
  return {
    out,
    outMag,
    dx: g.dx,
    dxMag: m.dx,
    dw: g.dw.map((v, i) => v + dwPrefill[i]),
    dwMag: m.dw.map((v, i) => v + Math.abs(dwPrefill[i])),
    db: g.db.map((v, i) => v + dbPrefill[i]),
    dbMag: m.db.map((v, i) => v + Math.abs(dbPrefill[i])),
  };
}

Deno.test("weightPlan covers every position, filter and column", () => {
  const tunings = [
    DEFAULT_CONV2D_TUNING,
    { ...DEFAULT_CONV2D_TUNING, dwCols: 4, dwQuads: 1, minLanes: 1e6 },
  ];
  for (const t of tunings) {
    for (const R1 of [2, 10, 73, 145, 289, 577, 5401]) {
      for (const [F, J] of [[1, 1], [13, 7], [8, 196], [64, 4096], [8, 200704], [1000, 3]]) {
        const plan = weightPlan({ R1, F, J }, t);
        const what = `R+1 = ${R1}, F = ${F}, J = ${J}: ${JSON.stringify(plan)}`;
        const filters = 4 * t.dwQuads;
        assert.ok(plan.NB * filters >= F && (plan.NB - 1) * filters < F, `${what}: filters`);
        assert.ok(plan.XB * t.dwCols >= R1 && (plan.XB - 1) * t.dwCols < R1, `${what}: columns`);
        assert.ok(plan.Z * plan.JC >= J && (plan.Z - 1) * plan.JC < J, `${what}: positions`);
        assert.ok(plan.JC >= Math.min(16, J) && plan.JC <= t.chunk, `${what}: chunk`);
      }
    }
  }
});

Deno.test({
  name: "conv2d launchers name the tensor whose size does not match the shape",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await conv2dKernels(gpu);
    const s = { N: 2, C: 1, H: 5, W: 5, F: 8, K: 3, S: 2, P: 1 }; // 5 → 3
    const made: GpuTensor[] = [];
    const t = (n: number) => {
      const v = gpu.tensor([n]);
      made.push(v);
      return v;
    };
    const ok = { x: t(50), w: t(72), b: t(8), out: t(144) };
    const rec = gpu.recorder("bad conv2d");
    assert.throws(
      () => recordConv2dForward(rec, k, { ...ok, w: t(80) }, s),
      { name: "RangeError", message: /^conv2d w: expected 72 elements \[8,1,3,3\], found 80/ },
    );
    assert.throws(
      () => recordConv2dForward(rec, k, { ...ok, b: t(9) }, s),
      { message: /^conv2d b: expected 8 elements \[8\], found 9/ },
    );
    const grads = { x: ok.x, w: ok.w, dout: t(144), dx: t(50), dw: t(72), db: t(8) };
    assert.throws(
      () => recordConv2dBackward(rec, k, { ...grads, dout: t(143) }, s),
      { message: /^conv2d dout: expected 144 elements \[2,8,3,3\], found 143/ },
    );
    assert.throws(
      () => recordConv2dBackward(rec, k, { ...grads, db: t(7) }, s),
      { message: /^conv2d db: expected 8 elements \[8\], found 7/ },
    );
    assert.throws(() => recordConv2dForward(rec, k, ok, { ...s, K: 9 }), /output would be/);
    await assert.rejects(conv2dKernels(gpu, { quads: 3 }), /quads must be 1, 2 or 4/);
    // Leave no open encoder or stray buffers behind (they outlive the test otherwise).
    rec.submit();
    await gpu.sync();
    for (const v of made) gpu.destroy(v);
  },
});

Deno.test({
  name: "the one-channel K3 S2 P1 forward kernel is bit-identical to the generic one",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(31);
    for (const tuning of TUNINGS) {
      const k = await conv2dKernels(gpu, tuning);
      for (const s of CASES.map((c) => c.s).filter((s) => s.C === 1 && s.K === 3 && s.S === 2)) {
        const { OH, OW } = conv2dOutSize(s);
        const x = gpu.upload(randomArray(rng, s.N * s.H * s.W), [s.N, 1, s.H, s.W], {
          dtype: "f32",
        });
        const w = gpu.upload(randomArray(rng, s.F * 9), [s.F, 1, 3, 3], { dtype: "f32" });
        const b = gpu.upload(randomArray(rng, s.F), [s.F], { dtype: "f32" });
        const outs = [0, 1].map(() =>
          gpu.upload(new Float32Array(s.N * s.F * OH * OW).fill(NaN), [s.N, s.F, OH, OW], {
            dtype: "f32",
          })
        );
        const rec = gpu.recorder("c1 vs generic");
        recordConv2dForward(rec, k, { x, w, b, out: outs[0] }, s);
        recordConv2dForward(rec, k, { x, w, b, out: outs[1] }, s, { generic: true });
        rec.submit();
        const [fast, generic] = [await gpu.read(outs[0]), await gpu.read(outs[1])];
        assert.deepStrictEqual(fast, generic, `${JSON.stringify(s)} ${JSON.stringify(tuning)}`);
        for (const t of [x, w, b, ...outs]) gpu.destroy(t);
      }
    }
  },
});

Deno.test({
  name: "the one-channel K3 S2 P1 weight-gradient kernel is bit-identical to the generic one",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(32);
    for (const tuning of TUNINGS) {
      const k = await conv2dKernels(gpu, tuning);
      for (const s of CASES.map((c) => c.s).filter((s) => s.C === 1 && s.K === 3 && s.S === 2)) {
        const { OH, OW } = conv2dOutSize(s);
        const up = (a: Float32Array, shape: number[]) => gpu.upload(a, shape, { dtype: "f32" });
        const x = up(randomArray(rng, s.N * s.H * s.W), [s.N, 1, s.H, s.W]);
        const dout = up(randomArray(rng, s.N * s.F * OH * OW), [s.N, s.F, OH, OW]);
        const dw0 = randomArray(rng, s.F * 9), db0 = randomArray(rng, s.F);
        const grads = [0, 1].map(() => ({ dw: up(dw0, [s.F, 1, 3, 3]), db: up(db0, [s.F]) }));
        // Separate submits: both paths share the kernels' partials workspace.
        for (const [i, generic] of [[0, false], [1, true]] as const) {
          const rec = gpu.recorder("c1 dw vs generic");
          recordConv2dWeightGradient(rec, k, { x, dout, ...grads[i] }, s, { generic });
          rec.submit();
        }
        const what = `${JSON.stringify(s)} ${JSON.stringify(tuning)}`;
        for (const name of ["dw", "db"] as const) {
          const [fast, generic] = [await gpu.read(grads[0][name]), await gpu.read(grads[1][name])];
          assert.deepStrictEqual(fast, generic, `${name} ${what}`);
        }
        for (const t of [x, dout, ...grads.flatMap((g) => [g.dw, g.db])]) gpu.destroy(t);
      }
    }
  },
});

Deno.test({
  name: "grid-only tuning parameters (wg, cols, dwWg, auxWg) give bit-identical results",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(33);
    // Every grid-only parameter moved both ways from the default, on top of the default and of
    // a tuning with other register blocks and chunks.
    const bases: Partial<Conv2dTuning>[] = [{}, TUNINGS[2]];
    const moves: Partial<Conv2dTuning>[] = [
      { cols: 4 },
      { wg: 32, dwWg: 256, auxWg: 256 },
      { wg: 256, cols: 4, dwWg: 32, auxWg: 32 },
    ];
    for (const m of moves) {
      assert.ok(
        Object.keys(m).every((k) => (GRID_ONLY_CONV2D_PARAMS as readonly string[]).includes(k)),
      );
    }
    const run = async (tuning: Partial<Conv2dTuning>, s: Conv2dShape, inputs: Float32Array[]) => {
      const k = await conv2dKernels(gpu, tuning);
      const { OH, OW } = conv2dOutSize(s);
      const [x, w, b, dout] = inputs.map((a) => gpu.upload(a, [a.length], { dtype: "f32" }));
      const sized = (t: GpuTensor<"f32">, shape: number[]) => t.slice(0, shape);
      const t = {
        x: sized(x, [s.N, s.C, s.H, s.W]),
        w: sized(w, [s.F, s.C, s.K, s.K]),
        b: sized(b, [s.F]),
        dout: sized(dout, [s.N, s.F, OH, OW]),
      };
      const poisoned = (shape: number[]) =>
        gpu.upload(new Float32Array(shape.reduce((a, c) => a * c)).fill(NaN), shape, {
          dtype: "f32",
        });
      const out = poisoned([s.N, s.F, OH, OW]);
      const dx = poisoned([s.N, s.C, s.H, s.W]);
      const dw = gpu.upload(new Float32Array(s.F * s.C * s.K * s.K), [s.F, s.C, s.K, s.K], {
        dtype: "f32",
      });
      const db = gpu.upload(new Float32Array(s.F), [s.F], { dtype: "f32" });
      const rec = gpu.recorder("grid-only tuning");
      recordConv2dForward(rec, k, { x: t.x, w: t.w, b: t.b, out }, s);
      recordConv2dBackward(rec, k, { x: t.x, w: t.w, dout: t.dout, dx, dw, db }, s);
      rec.submit();
      const got = [await gpu.read(out), await gpu.read(dx), await gpu.read(dw), await gpu.read(db)];
      for (const u of [x, w, b, dout, out, dx, dw, db]) gpu.destroy(u);
      return got;
    };
    for (const { s } of CASES) {
      const { OH, OW } = conv2dOutSize(s);
      const inputs = [
        randomArray(rng, s.N * s.C * s.H * s.W),
        randomArray(rng, s.F * s.C * s.K * s.K, 0.3),
        randomArray(rng, s.F),
        randomArray(rng, s.N * s.F * OH * OW),
      ];
      for (const base of bases) {
        const expected = await run(base, s, inputs);
        for (const m of moves) {
          const got = await run({ ...base, ...m }, s, inputs);
          for (const [i, what] of ["out", "dx", "dw", "db"].entries()) {
            assert.ok(
              got[i].every((v, j) => Object.is(v, expected[i][j])),
              `${what} of ${JSON.stringify(s)} differs with ${JSON.stringify({ ...base, ...m })}`,
            );
          }
        }
      }
    }
  },
});
