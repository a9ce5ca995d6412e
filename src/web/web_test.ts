import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import type { Claim } from "../bench/contract.ts";
import { listClaimFiles } from "../bench/registry.ts";
import { buildWeb, claimModulesSource } from "./build.ts";
import { CLAIMS, DATA_FREE, isDataFree } from "./claims.ts";
import { maxEpochs, roleOfFileName, withEpochs } from "./rerun.ts";
import { adler32, deflateSync } from "./zlib_shim.ts";

const REPO = new URL("../../", import.meta.url);
const pathOf = (u: URL) => decodeURIComponent(u.pathname);

Deno.test("browser claims registry lists exactly the claim modules of benches/", async () => {
  const files = await listClaimFiles(new URL("benches/", REPO));
  assert.deepEqual([...CLAIMS.keys()].sort(), files.map((f) => f.id));
  for (const [id, c] of CLAIMS) assert.equal(c.id, id);
  // The generated module of the bundle imports the same files.
  const source = await claimModulesSource(new URL("benches/", REPO));
  for (const f of files) {
    assert.ok(source.includes(JSON.stringify(pathOf(new URL(f.path, "file://")))), f.id);
  }
});

Deno.test("DATA_FREE: the probe-only claims, derived from their subjects", () => {
  for (const id of ["depth-survival", "moments"]) assert.ok(DATA_FREE.has(id), id);
  // A probe that trains (the LR finder) needs the dataset.
  assert.ok(!DATA_FREE.has("lr-finder"));
  for (const c of CLAIMS.values()) {
    const subjects = Object.values(c.subjects(c.config.parse({})));
    if (subjects.some((s) => s.kind === "train")) assert.ok(!DATA_FREE.has(c.id), c.id);
  }
});

/** A claim module with no imports (so it bundles from anywhere): `kinds` are its configs' kinds. */
function fakeClaimSource(id: string, kinds: ("probe" | "train" | "data-probe")[]): string {
  const subjects = kinds.map((k, i) =>
    k === "train"
      ? `c${i}: { kind: "train", label: "t", config: { epochs: 3 } }`
      : `c${i}: { kind: "probe", label: "p", params: {}, metrics: {}, ${
        k === "data-probe" ? "needsData: true, " : ""
      }run: () => Promise.resolve({ metrics: {}, detail: null }) }`
  );
  return `export const claim = {
  id: ${JSON.stringify(id)}, title: "t", source: "s", quote: "q", claimNumbers: [99], lesson: [],
  config: { parse: (v) => v ?? {} },
  subjects: () => ({ ${subjects.join(", ")} }),
  checks: [],
  headline: { subject: { config: "c0", metric: "m" }, better: "higher", tolerance: 1, label: "m" },
};
`;
}

Deno.test("isDataFree: all probes, none reading the dataset", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claimbench-datafree-" });
  try {
    const of = async (kinds: ("probe" | "train" | "data-probe")[]) => {
      const file = `${dir}/c${kinds.join("_")}.js`;
      await Deno.writeTextFile(file, fakeClaimSource("x", kinds));
      return isDataFree((await import(`file://${file}`)).claim as Claim);
    };
    assert.equal(await of(["probe"]), true);
    assert.equal(await of(["probe", "probe"]), true);
    assert.equal(await of(["probe", "train"]), false);
    assert.equal(await of(["train"]), false);
    assert.equal(await of(["probe", "data-probe"]), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "the bundle's claim registry is generated from the benches dir: a new claim file is in it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "claimbench-registry-" });
    try {
      const benches = `${dir}/benches`;
      await Deno.mkdir(benches);
      await Deno.writeTextFile(`${benches}/brand_new.ts`, fakeClaimSource("brand-new", ["probe"]));
      await Deno.writeTextFile(`${benches}/trains.ts`, fakeClaimSource("trains", ["train"]));
      // Helpers and tests are not claims.
      await Deno.writeTextFile(`${benches}/_helper.ts`, "export const x = 1;\n");
      await Deno.writeTextFile(`${benches}/trains_test.ts`, "throw new Error('bundled');\n");
      const benchesDir = new URL(`file://${benches}/`);
      const source = await claimModulesSource(benchesDir);
      assert.match(source, /brand_new\.ts/);
      assert.doesNotMatch(source, /_helper|_test/);
      // A bundle of the registry alone, built as the browser build is, then imported here.
      const entry = `${dir}/entry.ts`;
      const claimsTs = pathOf(new URL("src/web/claims.ts", REPO));
      await Deno.writeTextFile(
        entry,
        `export { CLAIMS, DATA_FREE } from ${JSON.stringify(claimsTs)};\n`,
      );
      await buildWeb(`${dir}/registry.js`, { entry, benchesDir, minify: false });
      const bundled = await import(`file://${dir}/registry.js`);
      assert.deepEqual([...bundled.CLAIMS.keys()], ["brand-new", "trains"]);
      assert.deepEqual([...bundled.DATA_FREE], ["brand-new"]);
      // An id that does not match its file name fails the registry, as the bench runner does.
      await Deno.writeTextFile(`${benches}/misnamed.ts`, fakeClaimSource("other-name", ["probe"]));
      await buildWeb(`${dir}/misnamed.js`, { entry, benchesDir, minify: false });
      await assert.rejects(
        () => import(`file://${dir}/misnamed.js`),
        /claim id "other-name" must match its file name \("misnamed"\)/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
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

Deno.test("maxEpochs: the most epochs a claim's training configs run (a fewer-epoch re-run is not judged)", () => {
  assert.equal(maxEpochs({ a: { epochs: 3 }, b: { epochs: 3, continueWith: { epochs: 2 } } }), 5);
  assert.equal(maxEpochs({ rows: 200, width: 100 }), 0);
  assert.equal(maxEpochs(null), 0);
});
