import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import { listClaimFiles } from "../bench/registry.ts";
import { CLAIMS } from "./claims.ts";
import { roleOfFileName, withEpochs } from "./rerun.ts";
import { adler32, deflateSync } from "./zlib_shim.ts";

Deno.test("browser claims registry lists exactly the claim modules of benches/", async () => {
  const files = await listClaimFiles(new URL("../../benches/", import.meta.url));
  assert.deepEqual([...CLAIMS.keys()].sort(), files.map((f) => f.id));
});

Deno.test("roleOfFileName: the four files by name, gzip or raw, any directory", () => {
  assert.equal(roleOfFileName("train-images-idx3-ubyte.gz"), "trainImages");
  assert.equal(roleOfFileName("C:\\data\\t10k-labels-idx1-ubyte"), "validLabels");
  assert.equal(roleOfFileName("train-labels.idx1-ubyte"), "trainLabels");
  assert.equal(roleOfFileName("t10k-images-idx3-ubyte.GZ"), "validImages");
  assert.equal(roleOfFileName("notes.txt"), null);
});

Deno.test("withEpochs: sets epochs of every training config, leaves the rest", () => {
  assert.deepEqual(
    withEpochs({ a: { epochs: 3, lr: 0.2 }, b: { epochs: 5 }, rows: 200 }, 1),
    { a: { epochs: 1, lr: 0.2 }, b: { epochs: 1 }, rows: 200 },
  );
  assert.equal(withEpochs(null, 1), null);
});

Deno.test("zlib shim: stored blocks that any inflater reads back; Adler-32 known answer", () => {
  assert.equal(adler32(new TextEncoder().encode("Wikipedia")), 0x11e60398);
  for (const n of [0, 1, 65535, 65536, 200_003]) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
    assert.deepEqual(new Uint8Array(inflateSync(deflateSync(data))), data, `${n} bytes`);
  }
});
