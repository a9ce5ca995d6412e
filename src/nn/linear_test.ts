import { assertClose } from "../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../tests/gpu.ts";
import { generalReluBackwardRef, generalReluForwardRef } from "../ref/activations.ts";
import { linearBackwardRef, linearForwardRef } from "../ref/linear.ts";
import { Rng } from "../util/rng.ts";
import { GeneralRelu } from "./activations.ts";
import { Arena } from "./arena.ts";
import { loadKernels } from "./kernels.ts";
import { Linear } from "./linear.ts";
import { Sequential } from "./sequential.ts";

Deno.test({
  name: "Linear → ReLU → Linear (the nb 09 MLP shape) on the GPU equals the references",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const kernels = await loadKernels(gpu);
    const arena = new Arena();
    const build = { gpu, arena, kernels };
    const [N, I, Hd, O] = [9, 37, 13, 10]; // odd sizes
    const net = new Sequential("mlp", [
      new Linear(build, "fc1", { I, O: Hd }),
      new GeneralRelu(build, "act", {}),
      new Linear(build, "fc2", { I: Hd, O, bias: false }),
    ]);
    arena.allocate(gpu, "mlp");
    net.reset(gpu, new Rng(4));
    const rng = new Rng(8);
    const x = rng.fillNormal(new Float64Array(N * I));
    const dy = rng.fillNormal(new Float64Array(N * O));
    const params = await gpu.read(arena.buffers.params);
    const [fc1, , fc2] = net.layers as [Linear, GeneralRelu, Linear];
    const get = (e: { offset: number; size: number }) =>
      Float64Array.from(params.subarray(e.offset, e.offset + e.size));
    const [w1, b1, w2] = [get(fc1.weight), get(fc1.bias!), get(fc2.weight)];

    const rec = gpu.recorder("mlp");
    const ctx = { rec, training: true };
    const y = net.forward(ctx, gpu.upload(Float32Array.from(x), [N, I], { dtype: "f32" }));
    const dx = net.backward(
      ctx,
      gpu.upload(Float32Array.from(dy), [N, O], { dtype: "f32" }),
      true,
    )!;
    rec.submit();

    const h = linearForwardRef(x, w1, b1, { N, I, O: Hd });
    const a = generalReluForwardRef(h);
    const yRef = linearForwardRef(a, w2, null, { N, I: Hd, O });
    const g2 = linearBackwardRef(a, w2, dy, { N, I: Hd, O });
    const g1 = linearBackwardRef(x, w1, generalReluBackwardRef(h, g2.dx), { N, I, O: Hd });
    // Short f32 sums (≤ 37 terms of O(1) values): 1e-5 absolute is ~100 ulps of the results.
    const tol = { atol: 1e-5, rtol: 1e-5 };
    assertClose(await gpu.read(y), yRef, { ...tol, what: "y" });
    assertClose(await gpu.read(dx), g1.dx, { ...tol, what: "dx" });
    const grads = await gpu.read(arena.buffers.grads);
    const grad = (e: { offset: number; size: number }) =>
      grads.subarray(e.offset, e.offset + e.size);
    assertClose(grad(fc1.weight), g1.dw, { ...tol, what: "fc1.weight grad" });
    assertClose(grad(fc1.bias!), g1.db, { ...tol, what: "fc1.bias grad" });
    assertClose(grad(fc2.weight), g2.dw, { ...tol, what: "fc2.weight grad" });
  },
});
