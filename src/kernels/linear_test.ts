import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import type { GpuTensor } from "../gpu/tensor.ts";
import { linearBackwardRef, linearForwardRef } from "../ref/linear.ts";
import type { LinearShape } from "../shapes.ts";
import { Rng } from "../util/rng.ts";
import {
  linearKernels,
  type LinearTuning,
  recordLinearBackward,
  recordLinearForward,
} from "./linear.ts";

// Tolerance: y sums I products, dx sums O, dw and db sum N; in f32 the rounding error of a sum
// of L terms is at most L·2⁻²⁴·Σ|terms| and typically ~√L·2⁻²⁴·Σ|terms| (≈ 2e-6·Σ|terms| at
// L = 1100, the longest here). Each element is held to REL·Σ|terms| (Σ|terms| from the float64
// reference on absolute values, plus |prefill| for the accumulated dw and db) plus one f32
// rounding of the result: ~5σ of the typical error, far below any indexing mistake.
const REL = 1e-5;
const ULP = 2 ** -23;

/** Odd sizes, the nb 09 MLP (784 → 50 → 10), N = 1, and the uniform-window edge cases. */
const CASES: { s: LinearShape; bias?: boolean; dx?: boolean; db?: boolean }[] = [
  { s: { N: 1, I: 1, O: 1 } },
  { s: { N: 64, I: 784, O: 50 }, dx: false },
  { s: { N: 64, I: 50, O: 10 } },
  { s: { N: 129, I: 33, O: 17 } },
  { s: { N: 1, I: 7, O: 3 }, bias: false, db: false },
  { s: { N: 3, I: 1100, O: 20 } }, // I·16 > 4096 vec4: two input passes in the forward
  { s: { N: 2, I: 12, O: 1100 } }, // O·16 > 4096: two output passes for dx
  { s: { N: 5, I: 10, O: 300 } }, // 19 blocks of 16 outputs: several uniform windows
];

const TUNINGS: Partial<LinearTuning>[] = [
  {},
  { wg: 32, quads: 2, cols: 4, dwWg: 128, dwQuads: 1, dwCols: 4, chunk: 8, minLanes: 1 },
];

const SENTINEL = -777.25;

/** Tensors laid out in one buffer at 256-byte aligned offsets, sentinels in the gaps. */
function layout(parts: Float32Array[]): { at: number[]; host: Float32Array } {
  const at: number[] = [];
  let size = 64;
  for (const p of parts) {
    at.push(size);
    size = Math.ceil((size + p.length + 1) / 64) * 64;
  }
  const host = new Float32Array(size).fill(SENTINEL);
  parts.forEach((p, i) => host.set(p, at[i]));
  return { at, host };
}

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
        `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (error ${err}, tolerance ${tol})`,
      );
    }
  }
}

const f64 = (a: Float32Array) => Float64Array.from(a);
const abs64 = (a: Float32Array) => Float64Array.from(a, Math.abs);

Deno.test({
  name: "linear forward and backward match the float64 reference at every tuning",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(99);
    const cases = CASES.map(({ s, bias = true, dx = true, db = true }) => {
      const { N, I, O } = s;
      const r = (n: number, std = 1) => {
        const a = new Float32Array(n);
        rng.fillNormal(a, 0, std);
        return a;
      };
      const host = {
        x: r(N * I),
        w: r(O * I, 1 / Math.sqrt(I)),
        b: r(O),
        dy: r(N * O),
        dwPrefill: r(O * I),
        dbPrefill: r(O),
      };
      const ref = linearBackwardRef(f64(host.x), f64(host.w), f64(host.dy), s);
      const mag = linearBackwardRef(abs64(host.x), abs64(host.w), abs64(host.dy), s);
      const expected = {
        y: linearForwardRef(f64(host.x), f64(host.w), bias ? f64(host.b) : null, s),
        yMag: linearForwardRef(abs64(host.x), abs64(host.w), bias ? abs64(host.b) : null, s),
        dx: ref.dx,
        dxMag: mag.dx,
        dw: ref.dw.map((v, i) => v + host.dwPrefill[i]),
        dwMag: mag.dw.map((v, i) => v + Math.abs(host.dwPrefill[i])),
        db: ref.db.map((v, i) => v + host.dbPrefill[i]),
        dbMag: mag.db.map((v, i) => v + Math.abs(host.dbPrefill[i])),
      };
      return { s, bias, dx, db, host, expected };
    });
    // Inputs: x and dy in one read-only buffer; w and b slices of one parameter arena.
    const data = layout(cases.flatMap((c) => [c.host.x, c.host.dy]));
    const params = layout(cases.flatMap((c) => [c.host.w, c.host.b]));
    // Outputs: y and dx poisoned with NaN, dw and db prefilled, all in one read-write arena.
    const results = layout(cases.flatMap((c) => {
      const { N, I, O } = c.s;
      return [
        new Float32Array(N * O).fill(NaN),
        new Float32Array(N * I).fill(NaN),
        c.host.dwPrefill,
        c.host.dbPrefill,
      ];
    }));
    const dataT = gpu.upload(data.host, [data.host.length], { dtype: "f32", label: "data" });
    const paramT = gpu.upload(params.host, [params.host.length], { dtype: "f32", label: "params" });

    for (const tuning of TUNINGS) {
      const k = await linearKernels(gpu, tuning);
      const tag = `tuning ${JSON.stringify(k.tuning)}`;
      const runs = [0, 1].map((i) =>
        gpu.upload(results.host, [results.host.length], { dtype: "f32", label: `results ${i}` })
      );
      const rec = gpu.recorder("linear test");
      for (const out of runs) {
        cases.forEach((c, i) => {
          const { N, I, O } = c.s;
          const at = (buf: GpuTensor<"f32">, offsets: number[], j: number, shape: number[]) =>
            buf.slice(offsets[j], shape);
          const x = at(dataT, data.at, 2 * i, [N, I]);
          const dy = at(dataT, data.at, 2 * i + 1, [N, O]);
          const w = at(paramT, params.at, 2 * i, [O, I]);
          const b = c.bias ? at(paramT, params.at, 2 * i + 1, [O]) : null;
          const y = at(out, results.at, 4 * i, [N, O]);
          const dx = c.dx ? at(out, results.at, 4 * i + 1, [N, I]) : null;
          const dw = at(out, results.at, 4 * i + 2, [O, I]);
          const db = c.db ? at(out, results.at, 4 * i + 3, [O]) : null;
          recordLinearForward(rec, k, { x, w, b, y }, c.s);
          recordLinearBackward(rec, k, { x, w, dy, dx, dw, db }, c.s);
        });
      }
      rec.submit();
      const got = await gpu.read(runs[0]);
      const again = await gpu.read(runs[1]);
      assert.ok(got.every((v, i) => Object.is(v, again[i])), `${tag}: rerun not bit-identical`);
      const written = new Uint8Array(got.length);
      cases.forEach((c, i) => {
        const { N, I, O } = c.s;
        const what = `${tag}, N${N} I${I} O${O}${c.bias ? "" : " no-bias"}` +
          `${c.dx ? "" : " no-dx"}${c.db ? "" : " no-db"}`;
        const part = (j: number, n: number) => {
          written.fill(1, results.at[4 * i + j], results.at[4 * i + j] + n);
          return got.subarray(results.at[4 * i + j], results.at[4 * i + j] + n);
        };
        const e = c.expected;
        assertScaled(part(0, N * O), e.y, e.yMag, `${what}: y`);
        if (c.dx) assertScaled(part(1, N * I), e.dx, e.dxMag, `${what}: dx`);
        assertScaled(part(2, O * I), e.dw, e.dwMag, `${what}: dw`);
        if (c.db) assertScaled(part(3, O), e.db, e.dbMag, `${what}: db`);
      });
      // Skipped outputs (dx, db) and the gaps between tensors keep their initial contents.
      for (let i = 0; i < got.length; i++) {
        if (!written[i] && !Object.is(got[i], results.host[i])) {
          assert.fail(`${tag}: element ${i} outside the outputs changed to ${got[i]}`);
        }
      }
      for (const r of runs) gpu.destroy(r);
    }
  },
});

Deno.test({
  name: "linear launchers name the tensor whose size does not match the shape",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const k = await linearKernels(gpu);
    const s = { N: 4, I: 6, O: 3 };
    const made: GpuTensor[] = [];
    const t = (n: number) => {
      const v = gpu.tensor([n]);
      made.push(v);
      return v;
    };
    const ok = { x: t(24), w: t(18), b: t(3), y: t(12) };
    const rec = gpu.recorder("bad linear");
    assert.throws(
      () => recordLinearForward(rec, k, { ...ok, w: t(20) }, s),
      { name: "RangeError", message: /^linear w: expected 18 elements \[3,6\], found 20/ },
    );
    assert.throws(
      () => recordLinearForward(rec, k, { ...ok, y: t(24) }, s),
      { message: /^linear y: expected 12 elements \[4,3\], found 24/ },
    );
    assert.throws(
      () =>
        recordLinearBackward(rec, k, {
          x: ok.x,
          w: ok.w,
          dy: t(12),
          dx: t(23),
          dw: t(18),
          db: null,
        }, s),
      { message: /^linear dx: expected 24 elements \[4,6\], found 23/ },
    );
    assert.throws(() => recordLinearForward(rec, k, ok, { ...s, I: 0 }), /linear shape .*: I = 0/);
    // Leave no open encoder or stray buffers behind (they outlive the test otherwise).
    rec.submit();
    await gpu.sync();
    for (const v of made) gpu.destroy(v);
  },
});
