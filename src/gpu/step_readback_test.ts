import assert from "node:assert/strict";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { StepReadback } from "./step_readback.ts";

/** Step i writes [i + 0.5, −i] into the source, then records its copy into the ring. */
async function steps(depth: number, n: number) {
  const gpu = testGpu();
  const src = gpu.tensor([3], { label: "step value" });
  const ring = new StepReadback<number>(gpu, { depth, floats: 2 });
  const returned: (number | null)[] = [];
  const values: number[][] = [];
  for (let i = 0; i < n; i++) {
    gpu.write(src, new Float32Array([i + 0.5, -i, 99]));
    const rec = gpu.recorder(`step ${i}`);
    ring.record(rec, src, i);
    rec.submit();
    const back = await ring.afterSubmit();
    returned.push(back?.tag ?? null);
    if (back) values.push([...back.values]);
    assert.ok(ring.pending <= depth, `at most ${depth} steps pending`);
  }
  const drained = await ring.drain();
  ring.destroy();
  gpu.destroy(src);
  return { returned, values, drained };
}

Deno.test({
  name: "StepReadback: step t − depth comes back after step t's submit, in order, with its values",
  ignore: noGpu,
  async fn() {
    for (const depth of [1, 2, 3]) {
      const n = 9;
      const { returned, values, drained } = await steps(depth, n);
      assert.deepEqual(
        returned,
        Array.from({ length: n }, (_, t) => (t >= depth ? t - depth : null)),
        `depth ${depth}`,
      );
      values.forEach((v, k) => assert.deepEqual(v, [k + 0.5, -k]));
      assert.deepEqual(
        drained.map((d) => d.tag),
        Array.from({ length: depth }, (_, k) => n - depth + k),
      );
      drained.forEach((d) => assert.deepEqual([...d.values], [d.tag + 0.5, -d.tag]));
    }
  },
});

Deno.test({
  name:
    "StepReadback: a step never passed to afterSubmit is overwritten; bad depth, use after destroy",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    assert.throws(() => new StepReadback(gpu, { depth: 0 }), /depth must be an integer ≥ 1/);
    assert.throws(() => new StepReadback(gpu, { depth: 1.5 }), /depth must be an integer ≥ 1/);
    const src = gpu.tensor([1]);
    const ring = new StepReadback<number>(gpu, { depth: 1 });
    // Step 0's batch "threw" after recording: no afterSubmit; step 1 takes its slot.
    for (const [tag, value] of [[0, 7], [1, 8], [2, 9]]) {
      gpu.write(src, new Float32Array([value]));
      const rec = gpu.recorder("step");
      ring.record(rec, src, tag);
      rec.submit();
      if (tag === 0) continue;
      const back = await ring.afterSubmit();
      assert.deepEqual(back && [back.tag, back.values[0]], tag === 1 ? null : [1, 8]);
    }
    assert.equal(ring.pending, 1);
    // destroy() with a mapping pending: no unhandled rejection, and the ring refuses further use.
    ring.destroy();
    assert.equal(ring.pending, 0);
    const rec = gpu.recorder("after destroy");
    assert.throws(() => ring.record(rec, src, 9), /used after destroy/);
    rec.submit();
    await gpu.sync();
    gpu.destroy(src);
  },
});
