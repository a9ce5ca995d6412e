import assert from "node:assert/strict";
import type { AdapterRecord } from "../gpu/device.ts";
import {
  adapterKey,
  cachedTuning,
  convKernelsHash,
  readTuningCache,
  tuningCachePath,
  type TuningEntry,
  writeTuningEntry,
} from "./tuning_cache.ts";

const ADAPTER: AdapterRecord = {
  vendor: "mesa",
  architecture: "",
  device: "0",
  description: "llvmpipe (LLVM 15.0.6, 256 bits)",
  isFallbackAdapter: true,
  features: [],
  limits: {},
};

async function entry(over: Partial<TuningEntry> = {}): Promise<TuningEntry> {
  return {
    conv: { wg: 128, cols: 4 },
    kernels: await convKernelsHash(),
    msPerStep: 150,
    defaultMsPerStep: 170,
    batchSize: 1024,
    date: "2026-12-01T00:00:00.000Z",
    ...over,
  };
}

Deno.test("tuningCachePath: the explicit variable, else tuning.json in claimbench's cache", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  assert.equal(tuningCachePath(env({ CLAIMBENCH_TUNING_CACHE: "/x/t.json" })), "/x/t.json");
  assert.equal(tuningCachePath(env({ XDG_CACHE_HOME: "/c" })), "/c/claimbench/tuning.json");
  if (Deno.build.os === "linux") {
    assert.equal(tuningCachePath(env({ HOME: "/h" })), "/h/.cache/claimbench/tuning.json");
    assert.equal(tuningCachePath(env({})), undefined);
  }
});

Deno.test("tuning cache: round trip per adapter; stale kernels and other adapters are not used", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sub/tuning.json`;
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  try {
    assert.deepEqual(await readTuningCache(path, warn), { schema: 1, adapters: {} });
    assert.match(
      (await cachedTuning(ADAPTER, { path, warn }) as { reason: string }).reason,
      /no entry for this adapter/,
    );
    await writeTuningEntry(path, adapterKey(ADAPTER), await entry(), warn);
    await writeTuningEntry(path, "other | gpu", await entry({ conv: { wg: 256 } }), warn);
    const found = await cachedTuning(ADAPTER, { path, warn });
    assert.ok("tuning" in found);
    assert.deepEqual(found.tuning, { conv: { wg: 128, cols: 4 } });
    assert.equal(Object.keys((await readTuningCache(path, warn)).adapters).length, 2);
    // No temp file is left next to the cache.
    assert.deepEqual([...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name), ["tuning.json"]);

    await writeTuningEntry(
      path,
      adapterKey(ADAPTER),
      await entry({ kernels: "0".repeat(64) }),
      warn,
    );
    assert.match(
      (await cachedTuning(ADAPTER, { path, warn }) as { reason: string }).reason,
      /other conv kernels/,
    );
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tuning cache: a corrupt file or a non-grid-only parameter is ignored with a warning", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/tuning.json`;
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  try {
    await Deno.writeTextFile(path, "{ truncated");
    assert.deepEqual((await readTuningCache(path, warn)).adapters, {});
    assert.match(warnings.at(-1)!, new RegExp(`tuning cache ${path}: not JSON`));

    // chunk changes the weight gradient's summation order: never accepted from a cache.
    const bad = { schema: 1, adapters: { [adapterKey(ADAPTER)]: await entry() } };
    (bad.adapters[adapterKey(ADAPTER)].conv as Record<string, number>).chunk = 64;
    await Deno.writeTextFile(path, JSON.stringify(bad));
    const found = await cachedTuning(ADAPTER, { path, warn });
    assert.ok("reason" in found);
    assert.match(warnings.at(-1)!, /adapters\..*\.conv: .*chunk.*; ignored/);

    // A write over a corrupt file replaces it with a valid one.
    await writeTuningEntry(path, adapterKey(ADAPTER), await entry(), warn);
    assert.ok("tuning" in await cachedTuning(ADAPTER, { path, warn }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
