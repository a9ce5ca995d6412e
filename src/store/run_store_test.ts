import assert from "node:assert/strict";
import { z } from "zod";
import { AnyNumber } from "../util/json.ts";
import { trainerCodeIdentity, trainerSourceFiles } from "./code_identity.ts";
import { defaultRunStoreDir } from "./default_dir.ts";
import { canonicalJson, type RunKey, runKeyHash } from "./run_key.ts";
import { RunStore, RunStoreError, STORED_RUN_FORMAT } from "./run_store.ts";

const Payload = z.object({
  loss: AnyNumber,
  curve: z.array(AnyNumber),
  who: z.string(),
});
type Payload = z.infer<typeof Payload>;

function key(seed: number, over: Partial<RunKey> = {}): RunKey {
  return {
    config: { lr: 0.1, epochs: 3, init: { kind: "kaiming", leak: 0.1 } },
    seed,
    code: `sha256:${"c".repeat(64)}`,
    adapter: {
      description: "llvmpipe (LLVM 15.0.6, 256 bits)",
      vendor: "mesa",
      architecture: "",
      device: "",
      driver: "mesa-vulkan-drivers 25.0.7",
    },
    dataset: "d".repeat(64),
    ...over,
  };
}

function payload(loss: number, who = "test"): Payload {
  return { loss, curve: [loss, loss / 2], who };
}

/** Opens a store in a fresh temp dir, collecting warnings. */
async function tempStore(): Promise<{ store: RunStore<Payload>; dir: string; warnings: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "run_store_test_" });
  const warnings: string[] = [];
  const store = await RunStore.open(dir, Payload, { warn: (m) => warnings.push(m) });
  return { store, dir, warnings };
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return out.sort();
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "run_store_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run store: put/get round trip keeps NaN and ±Infinity", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    const run = { loss: NaN, curve: [Infinity, -Infinity, 0.5], who: "a" };
    await store.put(key(1), run);
    const back = await store.get(key(1));
    assert.ok(back);
    assert.ok(Number.isNaN(back.loss));
    assert.deepEqual(back.curve, [Infinity, -Infinity, 0.5]);
    assert.equal(back.who, "a");
    const text = await Deno.readTextFile(await store.pathOf(key(1)));
    assert.match(text, /"NaN"/);
    assert.match(text, /"-Infinity"/);
    const raw = JSON.parse(text);
    assert.equal(raw.format, STORED_RUN_FORMAT);
    assert.equal(canonicalJson(raw.key), canonicalJson(key(1)));
    assert.ok(!Number.isNaN(Date.parse(raw.savedAt)));
    assert.equal(
      await store.pathOf(key(1)),
      `${dir}/runs/${await runKeyHash(key(1))}.json`,
    );
    // Overwriting the same key replaces the run.
    await store.put(key(1), payload(0.25, "b"));
    assert.equal((await store.get(key(1)))?.who, "b");
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: get of a missing key is null", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    assert.equal(await store.get(key(42)), null);
    assert.deepEqual(await names(`${dir}/runs`), []);
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: a truncated file is quarantined with a warning, then the run can be stored again", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    await store.put(key(1), payload(0.5));
    const path = await store.pathOf(key(1));
    const bytes = await Deno.readFile(path);
    await Deno.writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));

    assert.equal(await store.get(key(1)), null);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].includes(path), warnings[0]);
    assert.match(warnings[0], /quarantine/);
    assert.match(warnings[0], /not valid JSON/);
    const quarantined = await names(`${dir}/quarantine`);
    assert.equal(quarantined.length, 1);
    assert.ok(quarantined[0].startsWith(path.slice(path.lastIndexOf("/") + 1)));
    assert.deepEqual(await names(`${dir}/runs`), []);

    await store.put(key(1), payload(0.75));
    assert.equal((await store.get(key(1)))?.loss, 0.75);
    assert.equal(warnings.length, 1, "no further warnings");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: a file that is JSON but not a stored run is quarantined", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    const path = await store.pathOf(key(3));
    await Deno.writeTextFile(path, JSON.stringify({ format: 99, hello: "world" }));
    assert.equal(await store.get(key(3)), null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /not a stored run/);
    assert.equal((await names(`${dir}/quarantine`)).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: a file whose stored key does not match its name is quarantined", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    await store.put(key(1), payload(0.5));
    const wrong = await store.pathOf(key(2));
    await Deno.copyFile(await store.pathOf(key(1)), wrong);

    assert.equal(await store.get(key(2)), null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /key does not match its file name/);
    assert.ok(warnings[0].includes(wrong));
    assert.equal((await names(`${dir}/quarantine`)).length, 1);
    // The genuine file is untouched.
    assert.equal((await store.get(key(1)))?.loss, 0.5);

    // list() quarantines such a file too.
    await Deno.copyFile(await store.pathOf(key(1)), await store.pathOf(key(5)));
    const listed = await store.list();
    assert.equal(listed.length, 1);
    assert.equal(listed[0].stored.key.seed, 1);
    assert.equal(warnings.length, 2);
    assert.equal((await names(`${dir}/quarantine`)).length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: put refuses a payload failing the schema and writes nothing", async () => {
  const { store, dir } = await tempStore();
  try {
    await assert.rejects(
      () => store.put(key(1), { loss: "high", curve: [], who: "x" } as unknown as Payload),
      /refusing to store an invalid run/,
    );
    await assert.rejects(
      () => store.put(key(1), { loss: 1, curve: [] } as unknown as Payload),
      /refusing to store an invalid run/,
    );
    assert.deepEqual(await names(`${dir}/runs`), []);
    assert.equal(await store.get(key(1)), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: open on a directory holding foreign files is a RunStoreError naming it", async () => {
  await withTemp(async (dir) => {
    await Deno.writeTextFile(`${dir}/results.json`, "{}");
    await Deno.mkdir(`${dir}/reports`);
    const err = await RunStore.open(dir, Payload).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RunStoreError, String(err));
    assert.equal(err.path, dir);
    assert.ok(err.message.startsWith(`${dir}:`), err.message);
    assert.match(err.message, /results\.json|reports/);
    assert.match(err.message, /--runs/);
  });
  // A store's own entries (runs/, quarantine/, README) are fine.
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/quarantine`);
    await Deno.writeTextFile(`${dir}/README`, "claimbench run store");
    const store = await RunStore.open(dir, Payload);
    assert.equal(store.dir, dir);
  });
});

Deno.test("run store: open on an unwritable path (its parent is a regular file) is a RunStoreError", async () => {
  await withTemp(async (dir) => {
    const file = `${dir}/plain-file`;
    await Deno.writeTextFile(file, "not a directory");
    const target = `${file}/store`;
    const err = await RunStore.open(target, Payload).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RunStoreError, String(err));
    assert.equal(err.path, target);
    assert.ok(err.message.includes(target));
    assert.match(err.message, /writable directory/);
    // The path itself a regular file: also a RunStoreError.
    const err2 = await RunStore.open(file, Payload).then(() => null, (e: unknown) => e);
    assert.ok(err2 instanceof RunStoreError, String(err2));
  });
});

Deno.test("run store: puts leave no temp files; list() returns every run with its size", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    for (const seed of [3, 1, 2]) await store.put(key(seed), payload(seed / 10));
    await store.put(key(2), payload(0.2, "again"));
    const files = await names(`${dir}/runs`);
    assert.equal(files.length, 3);
    assert.ok(files.every((f) => f.endsWith(".json") && !f.includes(".tmp")), files.join(","));

    const listed = await store.list();
    assert.equal(listed.length, 3);
    assert.deepEqual(listed.map((x) => x.stored.key.seed).sort(), [1, 2, 3]);
    assert.deepEqual(listed.map((x) => x.path), [...listed.map((x) => x.path)].sort());
    for (const x of listed) {
      assert.equal(x.bytes, (await Deno.stat(x.path)).size);
      assert.equal(x.path, await store.pathOf(x.stored.key));
      assert.equal(x.stored.run.loss, x.stored.key.seed / 10);
    }
    assert.equal(await store.remove([listed[0].path]), 1);
    assert.equal((await store.list()).length, 2);
    await assert.rejects(() => store.remove([`${dir}/elsewhere.json`]), /is not in/);
    assert.deepEqual(warnings, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run store: sweepTemps removes only temp files older than its limit", async () => {
  const { store, dir } = await tempStore();
  try {
    await store.put(key(1), payload(0.5));
    const runs = `${dir}/runs`;
    const old = `${runs}/${await runKeyHash(key(2))}.json.999.deadbeef.tmp`;
    const fresh = `${runs}/${await runKeyHash(key(3))}.json.998.cafebabe.tmp`;
    await Deno.writeTextFile(old, '{"format":1,');
    await Deno.writeTextFile(fresh, '{"format":1,');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await Deno.utime(old, twoHoursAgo, twoHoursAgo);

    assert.equal(await store.sweepTemps(60), 1);
    const left = await names(runs);
    assert.ok(!left.includes(old.slice(runs.length + 1)));
    assert.ok(left.includes(fresh.slice(runs.length + 1)));
    assert.equal(left.length, 2, "the stored run and the fresh temp file");
    // With a zero-minute limit the fresh one goes too (after a moment).
    const past = new Date(Date.now() - 5_000);
    await Deno.utime(fresh, past, past);
    assert.equal(await store.sweepTemps(0), 1);
    assert.deepEqual((await names(runs)).filter((n) => n.endsWith(".tmp")), []);
    assert.equal((await store.get(key(1)))?.loss, 0.5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const WRITER_SCRIPT = `
import { z } from "zod";
import { RunStore } from ${JSON.stringify(new URL("./run_store.ts", import.meta.url).href)};
import { AnyNumber } from ${JSON.stringify(new URL("../util/json.ts", import.meta.url).href)};
const Payload = z.object({ loss: AnyNumber, curve: z.array(AnyNumber), who: z.string() });
const dir = Deno.env.get("STORE_DIR");
const writer = Number(Deno.env.get("WRITER"));
const base = JSON.parse(Deno.env.get("BASE_KEY"));
const warnings = [];
const store = await RunStore.open(dir, Payload, { warn: (m) => warnings.push(m) });
for (let i = 0; i < 20; i++) {
  await store.put({ ...base, seed: 0 }, { loss: NaN, curve: [i, Infinity], who: "w" + writer });
  await store.put({ ...base, seed: 1000 * writer + i }, { loss: i, curve: [], who: "w" + writer });
  const shared = await store.get({ ...base, seed: 0 });
  if (shared === null) throw new Error("shared run missing mid-write");
}
if (warnings.length > 0) throw new Error(warnings.join("; "));
`;

Deno.test("run store: concurrent writers (3 processes + this one) on the same and different keys", async () => {
  const { store, dir, warnings } = await tempStore();
  try {
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const children = [1, 2, 3].map((writer) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "--config", config, WRITER_SCRIPT],
        env: { STORE_DIR: dir, WRITER: String(writer), BASE_KEY: JSON.stringify(key(0)) },
        stdout: "piped",
        stderr: "piped",
      }).spawn()
    );
    // This process writes too, with its puts in flight together.
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from({ length: 5 }, (_, j) => {
          const i = round * 5 + j;
          return Promise.all([
            store.put(key(0), { loss: NaN, curve: [i], who: "w0" }),
            store.put(key(4000 + i), payload(i, "w0")),
          ]);
        }),
      );
    }
    const outputs = await Promise.all(children.map((c) => c.output()));
    for (const out of outputs) {
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
    }

    const files = await names(`${dir}/runs`);
    assert.deepEqual(files.filter((f) => f.endsWith(".tmp")), [], "no temp files remain");
    // Distinct keys: the shared one plus 20 per writer, 4 writers.
    assert.equal(files.length, 1 + 4 * 20);
    for (const f of files) {
      const raw = JSON.parse(await Deno.readTextFile(`${dir}/runs/${f}`));
      assert.equal(raw.format, STORED_RUN_FORMAT, f);
    }
    const listed = await store.list();
    assert.equal(listed.length, 1 + 4 * 20);
    const shared = await store.get(key(0));
    assert.ok(shared && Number.isNaN(shared.loss));
    assert.ok(["w0", "w1", "w2", "w3"].includes(shared.who));
    assert.deepEqual(warnings, []);
    assert.deepEqual(await names(`${dir}/quarantine`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runKeyHash: stable under key order, changes with seed, config, code, driver, dataset", async () => {
  const k = key(1);
  const reordered: RunKey = {
    dataset: k.dataset,
    adapter: {
      driver: k.adapter.driver,
      device: k.adapter.device,
      architecture: k.adapter.architecture,
      vendor: k.adapter.vendor,
      description: k.adapter.description,
    },
    code: k.code,
    seed: 1,
    config: { init: { leak: 0.1, kind: "kaiming" }, epochs: 3, lr: 0.1 },
  };
  assert.equal(canonicalJson(reordered), canonicalJson(k));
  const h = await runKeyHash(k);
  assert.match(h, /^[0-9a-f]{32}$/);
  assert.equal(await runKeyHash(reordered), h);
  assert.equal(await runKeyHash(structuredClone(k)), h);

  const variants: RunKey[] = [
    key(2),
    key(1, { config: { ...k.config, lr: 0.2 } }),
    key(1, { config: { ...k.config, init: { kind: "kaiming", leak: 0 } } }),
    key(1, { code: `sha256:${"e".repeat(64)}` }),
    key(1, { adapter: { ...k.adapter, driver: "mesa-vulkan-drivers 22.3.6" } }),
    key(1, { adapter: { ...k.adapter, description: "NVIDIA H200" } }),
    key(1, { dataset: "f".repeat(64) }),
  ];
  const hashes = await Promise.all(variants.map(runKeyHash));
  for (const [i, v] of hashes.entries()) assert.notEqual(v, h, `variant ${i}`);
  assert.equal(new Set(hashes).size, variants.length);
});

Deno.test("canonicalJson: sorts keys at every level, keeps array order, drops undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, 1], c: null } }),
    '{"a":{"c":null,"d":[2,1]},"b":1}',
  );
  assert.equal(canonicalJson({ a: 1, b: undefined }), canonicalJson({ a: 1 }));
  assert.equal(canonicalJson([{ y: 1, x: 2 }]), '[{"x":2,"y":1}]');
});

Deno.test("trainerCodeIdentity: sha256 over the trainer's sources, tests excluded", async () => {
  const id = await trainerCodeIdentity();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await trainerCodeIdentity(), id, "stable");
  const files = await trainerSourceFiles();
  assert.ok(files.includes("kernels/conv2d_forward.wgsl"));
  assert.ok(files.includes("bench/training.ts"));
  assert.ok(files.includes("bench/evidence.ts"));
  assert.ok(!files.some((f) => f.endsWith("_test.ts")), "no tests");
  assert.ok(!files.some((f) => f.startsWith("store/") || f.startsWith("report/")));
  assert.deepEqual(files, [...files].sort());
  assert.equal(new Set(files).size, files.length);
});

Deno.test("defaultRunStoreDir: $CLAIMBENCH_RUNS, then $XDG_CACHE_HOME, then HOME", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  assert.equal(
    defaultRunStoreDir(env({ CLAIMBENCH_RUNS: "/srv/runs", XDG_CACHE_HOME: "/x", HOME: "/h" })),
    "/srv/runs",
  );
  assert.equal(
    defaultRunStoreDir(env({ XDG_CACHE_HOME: "/x/cache", HOME: "/h" })),
    "/x/cache/claimbench/runs",
  );
  assert.equal(
    defaultRunStoreDir(env({ CLAIMBENCH_RUNS: "", XDG_CACHE_HOME: "/x" })),
    "/x/claimbench/runs",
    "an empty CLAIMBENCH_RUNS is unset",
  );
  if (Deno.build.os === "linux") {
    assert.equal(defaultRunStoreDir(env({ HOME: "/home/u" })), "/home/u/.cache/claimbench/runs");
    assert.equal(defaultRunStoreDir(env({})), null);
  }
});

// BUG (src/store/run_store.ts, RunStore.open: `Deno.mkdir(store.#runs, …)` runs before the
// foreign-entries check): opening a directory that is not a store (e.g. `--runs ~/Documents`)
// throws the RunStoreError as it should, but first creates an empty `runs/` inside it. Expected:
// the refused directory is left as it was; actual: it gains `runs/`.
Deno.test({
  name: "run store: open refuses a foreign directory without creating runs/ in it",

  async fn() {
    await withTemp(async (dir) => {
      await Deno.writeTextFile(`${dir}/thesis.tex`, "x");
      await assert.rejects(() => RunStore.open(dir, Payload), RunStoreError);
      assert.deepEqual(await names(dir), ["thesis.tex"]);
    });
  },
});
