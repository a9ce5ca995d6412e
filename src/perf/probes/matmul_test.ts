import { assertClose } from "../../../tests/assert_close.ts";
import { noGpu, testGpu } from "../../../tests/gpu.ts";
import { matmulRef } from "./ref/matmul.ts";
import { Rng } from "../../util/rng.ts";
import { matmulKernels, recordMatmul } from "./matmul.ts";

Deno.test({
  name: "matmul (general and aligned vec4 paths) matches the float64 reference at two WG sizes",
  ignore: noGpu,
  async fn() {
    const gpu = testGpu();
    const rng = new Rng(3);
    for (const wg of [64, 128]) {
      const kernel = await matmulKernels(gpu, wg);
      for (
        const s of [{ M: 1, N: 1, K: 1 }, { M: 7, N: 13, K: 5 }, { M: 130, N: 37, K: 99 }, {
          M: 12,
          N: 24,
          K: 20,
        }, { M: 4, N: 8, K: 4 }]
      ) {
        const a = rng.fillNormal(new Float32Array(s.M * s.K));
        const b = rng.fillNormal(new Float32Array(s.K * s.N));
        const c = gpu.upload(new Float32Array(s.M * s.N).fill(NaN), [s.M, s.N], { dtype: "f32" });
        const rec = gpu.recorder("matmul test");
        recordMatmul(
          rec,
          kernel,
          {
            a: gpu.upload(a, [s.M, s.K], { dtype: "f32" }),
            b: gpu.upload(b, [s.K, s.N], { dtype: "f32" }),
            c,
          },
          s,
        );
        rec.submit();
        // Sums of K products of unit normals: f32 error ~ √K·2⁻²⁴·|terms| ≪ 1e-4 for K ≤ 99.
        assertClose(await gpu.read(c), matmulRef(a, b, s), {
          atol: 1e-4,
          rtol: 1e-5,
          what: `matmul ${JSON.stringify(s)} WG ${wg}`,
        });
      }
    }
  },
});
