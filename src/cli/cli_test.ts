/**
 * The CLIs as a user meets them: real `deno run` subprocesses on synthetic Fashion-MNIST-shaped
 * data in temp dirs (no GPU needed: `--no-gpu`, or a preloaded fake `navigator.gpu` with no
 * adapter), checking exit codes and that expected failures print one message, no stack trace.
 */

import assert from "node:assert/strict";
import { type Run, runDeno, show } from "../../tests/subprocess.ts";
import { DataError } from "../data/errors.ts";
import { pixelStats } from "../data/fashion_mnist.ts";
import { encodeIdx, gzip } from "../data/idx.ts";
import { FASHION_MNIST_FILES } from "../data/locate.ts";
import { Gpu } from "../gpu/device.ts";
import { GpuDeviceLostError, GpuKernelError, NoAdapterError } from "../gpu/errors.ts";
import { describeFailure, EXIT, UsageError } from "./run_main.ts";
import { readResults, writeResults } from "../bench/results.ts";
import { RunStoreError } from "../store/run_store.ts";
import { noGpu } from "../../tests/gpu.ts";
import { hasDataset } from "../../tests/dataset.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const DATA_CLI = "src/cli/data.ts";
const BENCH_CLI = "src/cli/bench.ts";
const STACK_LINE = /^\s+at /m;

const N_TRAIN = 32;
const N_VALID = 8;
const H = 28;
const W = 28;

/** The child's environment: ours minus anything that would steer the data lookup. */
function childEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.FASHION_MNIST_DIR;
  delete env.FASHION_MNIST_MIRROR;
  env.NO_COLOR = "1";
  return env;
}

/** `deno run -A [denoFlags] <script> ...args` from the repo root. */
function run(
  script: string,
  args: string[],
  { denoFlags = [] as string[], env = childEnv() } = {},
): Promise<Run> {
  return runDeno(["run", "-A", ...denoFlags, script, ...args], { env });
}

/** Asserts exit `code`, every pattern on stderr, and no stack-trace line anywhere. */
function assertFailure(r: Run, code: number, ...patterns: (RegExp | string)[]): void {
  assert.equal(r.code, code, show(r));
  for (const p of patterns) {
    if (typeof p === "string") assert.ok(r.stderr.includes(p), `${JSON.stringify(p)}\n${show(r)}`);
    else assert.match(r.stderr, p, show(r));
  }
  assert.doesNotMatch(r.stderr, STACK_LINE, show(r));
  assert.doesNotMatch(r.stdout, STACK_LINE, show(r));
}

// --- synthetic dataset --------------------------------------------------------------------------

/** Raw (un-gzipped) IDX contents of a small valid dataset, by file name (no extension). */
function rawDataset(): Record<string, Uint8Array> {
  const images = (n: number, seed: number) =>
    encodeIdx({
      dtype: "u8",
      dims: [n, H, W],
      data: new Uint8Array(n * H * W).map((_, i) => (i * 13 + seed * 7 + (i >> 5)) & 0xff),
    });
  const labels = (n: number, seed: number) =>
    encodeIdx({
      dtype: "u8",
      dims: [n],
      data: new Uint8Array(n).map((_, i) => (i + seed) % 10),
    });
  return {
    [FASHION_MNIST_FILES.trainImages]: images(N_TRAIN, 1),
    [FASHION_MNIST_FILES.trainLabels]: labels(N_TRAIN, 0),
    [FASHION_MNIST_FILES.validImages]: images(N_VALID, 2),
    [FASHION_MNIST_FILES.validLabels]: labels(N_VALID, 3),
  };
}

/** Writes the dataset gzipped (`<name>.gz`) into `dir`, with `replace` overriding raw contents. */
async function writeDataset(
  dir: string,
  raw: Record<string, Uint8Array>,
  { replace = {} as Record<string, Uint8Array>, gzipped = {} as Record<string, Uint8Array> } = {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(raw)) {
    const gz = gzipped[name] ?? await gzip(replace[name] ?? bytes);
    await Deno.writeFile(`${dir}/${name}.gz`, gz);
  }
  return dir;
}

/** Runs `fn` with a temp root holding a valid dataset in `<root>/valid`; removed afterwards. */
async function withDataset(
  fn: (root: string, raw: Record<string, Uint8Array>, valid: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "claimbench-cli-" });
  try {
    const raw = rawDataset();
    const valid = await writeDataset(`${root}/valid`, raw);
    await fn(root, raw, valid);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const TRAIN_IMAGES = `${FASHION_MNIST_FILES.trainImages}.gz`;
const TRAIN_LABELS = `${FASHION_MNIST_FILES.trainLabels}.gz`;
const VALID_LABELS = `${FASHION_MNIST_FILES.validLabels}.gz`;

/** A copy of `bytes` with `patch(copy)` applied. */
function patched(bytes: Uint8Array, patch: (b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  patch(copy);
  return copy;
}

// --- deno task data -----------------------------------------------------------------------------

Deno.test("cli data: valid synthetic data loads (exit 0) and is flagged as not the official release", async () => {
  await withDataset(async (_root, _raw, valid) => {
    const r = await run(DATA_CLI, ["--data-dir", valid, "--no-gpu"]);
    assert.equal(r.code, 0, show(r));
    assert.ok(r.stdout.includes(valid), show(r));
    assert.match(r.stdout, /--data-dir/);
    assert.match(r.stdout, new RegExp(`train ${N_TRAIN} × ${H}×${W}`), show(r));
    assert.match(r.stdout, new RegExp(`valid ${N_VALID}\\b`), show(r));
    assert.match(r.stdout, /SHA-256 DOES NOT match the official release/, show(r));
    assert.match(r.stderr, /warning: .*differ from the official Fashion-MNIST release/, show(r));
    assert.doesNotMatch(r.stdout, /GPU/, "--no-gpu must skip the GPU");
  });
});

Deno.test("cli data: --json reports counts, origin, content hashes and pixel stats", async () => {
  await withDataset(async (_root, raw, valid) => {
    const r = await run(DATA_CLI, ["--data-dir", valid, "--no-gpu", "--json"]);
    assert.equal(r.code, 0, show(r));
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.dataset.origin, "--data-dir");
    assert.equal(summary.dataset.dir, valid);
    assert.equal(summary.dataset.canonical, false);
    assert.equal(summary.dataset.files.trainImages.path, `${valid}/${TRAIN_IMAGES}`);
    assert.match(summary.dataset.files.trainImages.contentSha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      [summary.train.count, summary.train.height, summary.train.width, summary.valid.count],
      [N_TRAIN, H, W, N_VALID],
    );
    const pixels = raw[FASHION_MNIST_FILES.trainImages].subarray(4 + 4 * 3);
    const want = pixelStats({ images: pixels });
    assert.ok(Math.abs(summary.train.mean - want.mean) < 1e-12, `${summary.train.mean}`);
    assert.ok(Math.abs(summary.train.std - want.std) < 1e-12, `${summary.train.std}`);
    assert.equal(summary.gpu, undefined);
  });
});

Deno.test("cli data: $FASHION_MNIST_DIR is honoured, raw files too", async () => {
  await withDataset(async (root, raw) => {
    const dir = `${root}/raw`;
    await Deno.mkdir(dir);
    for (const [name, bytes] of Object.entries(raw)) await Deno.writeFile(`${dir}/${name}`, bytes);
    const r = await run(DATA_CLI, ["--no-gpu", "--json"], {
      env: { ...childEnv(), FASHION_MNIST_DIR: dir },
    });
    assert.equal(r.code, 0, show(r));
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.dataset.origin, "$FASHION_MNIST_DIR");
    assert.equal(
      summary.dataset.files.validLabels.path,
      `${dir}/${FASHION_MNIST_FILES.validLabels}`,
    );
    assert.equal(summary.train.count, N_TRAIN);
  });
});

Deno.test("cli data: each corrupt dataset exits 4 with one clear message, no stack trace", async (t) => {
  await withDataset(async (root, raw) => {
    const ti = raw[FASHION_MNIST_FILES.trainImages];
    const tl = raw[FASHION_MNIST_FILES.trainLabels];
    const vl = raw[FASHION_MNIST_FILES.validLabels];

    const cases: {
      name: string;
      dir: () => Promise<string>;
      expect: (dir: string) => (RegExp | string)[];
    }[] = [
      {
        name: "train images 1 byte short (re-gzipped) → truncated",
        dir: () =>
          writeDataset(`${root}/truncated`, raw, {
            replace: { [FASHION_MNIST_FILES.trainImages]: ti.subarray(0, ti.length - 1) },
          }),
        expect: () => [TRAIN_IMAGES, /truncated/, /1 byte missing/],
      },
      {
        name: "gzip stream cut in half → gzip",
        dir: async () => {
          const gz = await gzip(ti);
          return writeDataset(`${root}/halfgz`, raw, {
            gzipped: { [FASHION_MNIST_FILES.trainImages]: gz.subarray(0, gz.length >> 1) },
          });
        },
        expect: () => [TRAIN_IMAGES, /gzip/],
      },
      {
        name: "wrong magic → magic",
        dir: () =>
          writeDataset(`${root}/magic`, raw, {
            replace: { [FASHION_MNIST_FILES.trainImages]: patched(ti, (b) => (b[1] = 0x42)) },
          }),
        expect: () => [TRAIN_IMAGES, /magic 0x0042/],
      },
      {
        name: "unknown dtype byte → dtype",
        dir: () =>
          writeDataset(`${root}/dtype`, raw, {
            replace: { [FASHION_MNIST_FILES.trainImages]: patched(ti, (b) => (b[2] = 0x07)) },
          }),
        expect: () => [TRAIN_IMAGES, /unknown dtype 0x07/],
      },
      {
        name: "fewer labels than images → labels, naming both files",
        dir: () =>
          writeDataset(`${root}/counts`, raw, {
            replace: {
              [FASHION_MNIST_FILES.trainLabels]: encodeIdx({
                dtype: "u8",
                dims: [N_TRAIN - 1],
                data: tl.subarray(8, 8 + N_TRAIN - 1),
              }),
            },
          }),
        expect: () => [
          TRAIN_IMAGES,
          TRAIN_LABELS,
          /labels/,
          new RegExp(`${N_TRAIN} images .* ${N_TRAIN - 1} labels`),
        ],
      },
      {
        name: "a label 10 → label 10",
        dir: () =>
          writeDataset(`${root}/label10`, raw, {
            replace: { [FASHION_MNIST_FILES.validLabels]: patched(vl, (b) => (b[8 + 5] = 10)) },
          }),
        expect: () => [VALID_LABELS, /labels in 0\.\.9/, /label 10 at index 5/],
      },
      {
        name: "a missing file → names it and --data-dir",
        dir: async () => {
          const dir = await writeDataset(`${root}/missing`, raw);
          await Deno.remove(`${dir}/${VALID_LABELS}`);
          return dir;
        },
        expect: (dir) => [
          "--data-dir",
          dir,
          `${FASHION_MNIST_FILES.validLabels} missing`,
        ],
      },
    ];

    for (const c of cases) {
      await t.step(c.name, async () => {
        const dir = await c.dir();
        const r = await run(DATA_CLI, ["--data-dir", dir, "--no-gpu"]);
        assertFailure(r, EXIT.data, /^claimbench data: /, ...c.expect(dir));
        assert.equal(r.stdout, "", show(r));
      });
    }
  });
});

Deno.test("cli data: bad command lines exit 2 with the usage", async (t) => {
  const usage = /usage: deno task data/;
  await t.step("unknown flag --bogus", async () => {
    const r = await run(DATA_CLI, ["--bogus"]);
    assertFailure(r, EXIT.usage, /--bogus/, usage);
  });
  await t.step("--data-dir without a value", async () => {
    const r = await run(DATA_CLI, ["--data-dir"]);
    assertFailure(r, EXIT.usage, /--data-dir/, usage);
  });
  await t.step("--data-dir followed by another flag", async () => {
    const r = await run(DATA_CLI, ["--data-dir", "--no-gpu"]);
    assertFailure(r, EXIT.usage, /--data-dir/, usage);
  });
  await t.step("--data-dir= (empty value)", async () => {
    const r = await run(DATA_CLI, ["--data-dir="]);
    assertFailure(r, EXIT.usage, /--data-dir: expected a directory/, usage);
  });
  await t.step("a positional argument", async () => {
    const r = await run(DATA_CLI, ["somewhere"]);
    assertFailure(r, EXIT.usage, /unexpected argument somewhere/, usage);
  });
  await t.step("--help prints the usage and exits 0", async () => {
    const r = await run(DATA_CLI, ["--help"]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, usage);
  });
});

// --- no WebGPU adapter --------------------------------------------------------------------------

/**
 * Preloaded before `src/cli/data.ts` (`deno run --preload`): the real CLI runs as the main
 * module (`import.meta.main`), but `navigator.gpu` is replaced first.
 */
function preloadScript(gpu: string): string {
  return `Object.defineProperty(Navigator.prototype, "gpu", {
  get: () => (${gpu}),
  configurable: true,
});
`;
}

Deno.test("cli data: no WebGPU adapter exits 3 with install advice, no stack trace", async (t) => {
  await withDataset(async (root, _raw, valid) => {
    const cases = [
      {
        name: "requestAdapter() resolves null",
        gpu: "{ requestAdapter: async () => null }",
        expect: /found no Vulkan\/Metal\/D3D12 driver/,
      },
      {
        name: "requestAdapter() rejects",
        gpu: '{ requestAdapter: async () => { throw new Error("vkCreateInstance failed"); } }',
        expect: /requestAdapter\(\) failed: vkCreateInstance failed/,
      },
      {
        name: "navigator.gpu is undefined",
        gpu: "undefined",
        expect: /this runtime has no navigator\.gpu/,
      },
    ];
    for (const [i, c] of cases.entries()) {
      await t.step(c.name, async () => {
        const preload = `${root}/no_adapter_${i}.ts`;
        await Deno.writeTextFile(preload, preloadScript(c.gpu));
        const r = await run(DATA_CLI, ["--data-dir", valid], { denoFlags: ["--preload", preload] });
        assertFailure(
          r,
          EXIT.noAdapter,
          /^claimbench data: no WebGPU adapter/m,
          "mesa-vulkan-drivers",
          c.expect,
        );
      });
    }
  });
});

Deno.test("Gpu.create: no navigator.gpu, or no adapter, rejects with NoAdapterError", async () => {
  await assert.rejects(
    Gpu.create({ navigatorGpu: undefined }),
    (err: unknown) =>
      err instanceof NoAdapterError && /no navigator\.gpu/.test(err.message) &&
      err.message.includes("mesa-vulkan-drivers"),
  );
  const fake = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
  await assert.rejects(
    Gpu.create({ navigatorGpu: fake }),
    (err: unknown) => err instanceof NoAdapterError && /found no Vulkan/.test(err.message),
  );
  assert.equal(NoAdapterError.exitCode, 3);
  assert.equal(EXIT.noAdapter, 3);
});

// --- describeFailure (in-process) ---------------------------------------------------------------

Deno.test("describeFailure: exit codes and messages per error kind", () => {
  const usage = "usage: x";
  assert.deepEqual(describeFailure(new UsageError("--foo: bad"), usage), {
    code: 2,
    message: "--foo: bad\n\nusage: x",
  });
  const noAdapter = new NoAdapterError("none");
  assert.deepEqual(describeFailure(noAdapter, usage), { code: 3, message: noAdapter.message });
  const data = new DataError("f.gz", "a", "b");
  assert.deepEqual(describeFailure(data, usage), { code: 4, message: "f.gz: expected a, found b" });
  const kernel = new GpuKernelError("validation", "bad bind group", ["gather"]);
  assert.deepEqual(describeFailure(kernel, usage), { code: 1, message: kernel.message });
  const lost = new GpuDeviceLostError("unknown", "gone");
  assert.deepEqual(describeFailure(lost, usage), { code: 1, message: lost.message });
  // Unexpected errors keep their stack: those are bugs to report.
  const bug = new TypeError("oops");
  const described = describeFailure(bug, usage);
  assert.equal(described.code, 1);
  assert.match(described.message, /TypeError: oops/);
  assert.match(described.message, STACK_LINE);
  assert.deepEqual(describeFailure("a string", usage), { code: 1, message: "a string" });
  const store = new RunStoreError("/x", "a run store", "found thesis.tex");
  assert.deepEqual(describeFailure(store, usage), { code: 6, message: store.message });
  assert.deepEqual(EXIT, {
    ok: 0,
    error: 1,
    usage: 2,
    noAdapter: 3,
    data: 4,
    regressed: 5,
    store: 6,
    incomplete: 7,
    interrupted: 130,
  });
});

// --- deno task bench ----------------------------------------------------------------------------

/** A temp directory for one test, removed afterwards. */
async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "claimbench-bench-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "cli bench: a probe claim under the plan: table, verdict, results v2, summary",
  ignore: noGpu,
  fn: () =>
    withTemp(async (dir) => {
      const r = await run(BENCH_CLI, [
        "--only",
        "depth-survival",
        "--max-seeds",
        "6",
        "--runs",
        `${dir}/runs`,
        "--out",
        `${dir}/out`,
        "--summary",
        `${dir}/summary.md`,
        "--quiet",
      ]);
      assert.equal(r.code, EXIT.ok, show(r));
      assert.match(r.stdout, /plan: 6 seeds, α = 0\.05 per check/, show(r));
      assert.match(r.stdout, /depth-survival\s+1,2,3,4,5\s+reproduced/, show(r));
      const results = await readResults(`${dir}/out/results.json`);
      assert.equal(results.meta.schema, 2);
      assert.deepEqual(results.meta.claimSet, ["depth-survival"]);
      const c = results.claims[0];
      assert.equal(c.verdict, "reproduced");
      assert.equal(c.seedsUsed, 20); // probes run 20 seeds at the first look
      assert.equal(c.decidedAt, 20);
      assert.ok(c.checks.every((x) => x.judged.decision === "supported"));
      const md = await Deno.readTextFile(`${dir}/summary.md`);
      assert.match(md, /\| depth-survival \| 1,2,3,4,5 \| reproduced \|/);
    }),
});

Deno.test({
  name: "cli bench --check: exit 5 when a seed-1 headline regresses, 1 never, 0 when equal",
  ignore: noGpu,
  fn: () =>
    withTemp(async (dir) => {
      const args = ["--only", "depth-survival", "--quick", "--runs", `${dir}/runs`, "--quiet"];
      const first = await run(BENCH_CLI, [...args, "--out", `${dir}/a`]);
      assert.equal(first.code, EXIT.ok, show(first));
      const results = await readResults(`${dir}/a/results.json`);
      assert.equal(results.claims[0].verdict, "not judged");
      // The same run as its own baseline passes; a baseline whose seed-1 Kaiming std was far
      // higher (beyond the 0.5 tolerance) makes this run a regression.
      await writeResults(`${dir}/same.json`, results);
      const same = await run(BENCH_CLI, [
        ...args,
        "--out",
        `${dir}/b`,
        "--check",
        "--baseline",
        `${dir}/same.json`,
      ]);
      assert.equal(same.code, EXIT.ok, show(same));
      assert.match(same.stderr, /check passed/, show(same));
      const better = structuredClone(results);
      for (const run of better.claims[0].configs[0].runs) run.values.kaimingStd += 1;
      await writeResults(`${dir}/better.json`, better);
      const worse = await run(BENCH_CLI, [
        ...args,
        "--out",
        `${dir}/c`,
        "--check",
        "--baseline",
        `${dir}/better.json`,
      ]);
      assert.equal(worse.code, EXIT.regressed, show(worse));
      assert.match(worse.stderr, /check failed: depth-survival regressed/, show(worse));
    }),
});

Deno.test({
  name: "cli bench --only merges into a finished results dir: the other claims stay",
  ignore: noGpu,
  fn: () =>
    withTemp(async (dir) => {
      const base = ["--quick", "--runs", `${dir}/runs`, "--out", `${dir}/out`, "--quiet"];
      const a = await run(BENCH_CLI, ["--only", "depth-survival", ...base]);
      assert.equal(a.code, EXIT.ok, show(a));
      const b = await run(BENCH_CLI, ["--only", "moments", ...base]);
      assert.equal(b.code, EXIT.ok, show(b));
      const results = await readResults(`${dir}/out/results.json`);
      assert.deepEqual(results.claims.map((c) => c.id), ["depth-survival", "moments"]);
      assert.deepEqual(results.meta.claimSet, ["depth-survival", "moments"]);
      await Deno.stat(`${dir}/out/depth-survival.html`);
      await Deno.stat(`${dir}/out/moments.html`);
    }),
});

Deno.test({
  name: "cli bench: killed (SIGKILL) at two points and re-run, results equal an uninterrupted run",
  ignore: noGpu || !(await hasDataset()),
  fn: () =>
    withTemp(async (dir) => {
      // default-init: 1 epoch per run, seconds each; 4 seeds so both kills land mid-run: once
      // after the first stored run (during the second), once during the third, while it trains.
      // One run at a time (--jobs 1), so that the kills land between stored runs as planned.
      const args = ["--only", "default-init", "--seeds", "4", "--jobs", "1", "--quiet"];
      const runsDir = `${dir}/k/runs`;
      const stored = async () => {
        try {
          const names: string[] = [];
          for await (const e of Deno.readDir(runsDir)) names.push(e.name);
          return names.filter((n) => n.endsWith(".json")).length;
        } catch {
          return 0;
        }
      };
      const killAfter = async (runs: number) => {
        const bench = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", BENCH_CLI, ...args, "--runs", `${dir}/k`, "--out", `${dir}/k-out`],
          cwd: REPO,
          env: childEnv(),
          clearEnv: true,
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).spawn();
        const deadline = Date.now() + 120_000;
        while ((await stored()) < runs && Date.now() < deadline) await delay(100);
        await delay(1500); // into the next run's training
        bench.kill("SIGKILL");
        await bench.status;
      };
      await killAfter(1);
      const first = await stored();
      assert.ok(first >= 1 && first < 4, `${first} runs stored before the first kill`);
      await killAfter(first + 1);
      const kept = await stored();
      assert.ok(kept > first && kept < 4, `${kept} runs stored before the second kill`);
      const resumed = await run(BENCH_CLI, [
        ...args,
        "--runs",
        `${dir}/k`,
        "--out",
        `${dir}/k-out`,
      ]);
      assert.equal(resumed.code, EXIT.ok, show(resumed));
      const whole = await run(BENCH_CLI, [...args, "--runs", `${dir}/w`, "--out", `${dir}/w-out`]);
      assert.equal(whole.code, EXIT.ok, show(whole));
      const a = await readResults(`${dir}/k-out/results.json`);
      const b = await readResults(`${dir}/w-out/results.json`);
      assert.equal(a.meta.runsReused, kept);
      assert.equal(a.meta.runsTrained + a.meta.runsReused, 4);
      const strip = (r: typeof a) =>
        r.claims.map((c) =>
          c.configs.map((x) =>
            x.runs.map((e) => ({
              ...e,
              run: {
                ...e.run,
                seconds: 0,
                epochs: e.run?.epochs.map((p) => ({ ...p, seconds: 0 })),
              },
            }))
          )
        );
      assert.deepEqual(strip(a), strip(b));
      assert.deepEqual(a.claims[0].checks, b.claims[0].checks);
      const leftovers = [...Deno.readDirSync(runsDir)].filter((e) => e.name.endsWith(".tmp"));
      assert.deepEqual(leftovers, []);
    }),
});

Deno.test("cli bench --list: claims in lesson order, configs, checks, cost from the store", async () => {
  await withTemp(async (dir) => {
    const r = await run(BENCH_CLI, ["--list", "--runs", dir]);
    assert.equal(r.code, EXIT.ok, show(r));
    assert.match(r.stdout, /^#1, #2, #3, #4, #5 {2}depth-survival:/, show(r));
    assert.match(
      r.stdout,
      /kaimingNorm: Kaiming, normalised input \(3 epochs, bs 1024; not measured/,
    );
    assert.match(r.stdout, /towards90: .*\(5 epochs, bs 256/);
    assert.ok(r.stdout.indexOf("#7 ") < r.stdout.indexOf("#10, #25"), show(r));
  });
});

Deno.test({
  name: "cli bench --shard: runs partitioned over shards, trained once, merged and judged",
  ignore: noGpu || !(await hasDataset()),
  fn: () =>
    withTemp(async (dir) => {
      // default-init (1 epoch per run), 3 seeds over 2 shards, each shard its own store; the
      // runs train in two worker processes, which the results and the summary line record.
      const args = ["--only", "default-init", "--seeds", "3", "--jobs", "2", "--quiet"];
      const trained: number[] = [];
      for (const i of [1, 2]) {
        const r = await run(BENCH_CLI, [
          ...args,
          "--shard",
          `${i}/2`,
          "--runs",
          `${dir}/s${i}`,
          "--out",
          `${dir}/o${i}`,
        ]);
        assert.equal(r.code, EXIT.ok, show(r));
        const part = await readResults(`${dir}/o${i}/results.json`);
        trained.push(part.meta.runsTrained);
        assert.deepEqual(part.meta.shard, { index: i, count: 2 });
        assert.equal(part.meta.jobs, 2);
        const sideBySide = part.meta.runsTrained > 1;
        assert.equal(
          r.stdout.includes(`${part.meta.runsTrained} runs trained (2 at once)`),
          sideBySide,
          show(r),
        );
        assert.equal(r.stdout.includes("\ntime: the training time"), sideBySide, show(r));
      }
      assert.equal(trained[0] + trained[1], 3, `each run trained once: ${trained}`);
      // Judging before the merge: the look lacks runs, exit 7, nothing judged.
      const early = await run(BENCH_CLI, [
        ...args,
        "--no-train",
        "--runs",
        `${dir}/s1`,
        "--out",
        `${dir}/x`,
      ]);
      assert.equal(early.code, EXIT.incomplete, show(early));
      assert.match(early.stderr, /run\(s\) a look needs are not in the store/, show(early));
      const imp = await run("src/cli/runs.ts", [
        "import",
        `${dir}/s1`,
        `${dir}/s2`,
        "--runs",
        `${dir}/m`,
      ]);
      assert.equal(imp.code, EXIT.ok, show(imp));
      assert.match(imp.stdout, /imported 3 run\(s\)/, show(imp));
      const merged = await run(BENCH_CLI, [
        ...args,
        "--no-train",
        "--runs",
        `${dir}/m`,
        "--out",
        `${dir}/mo`,
      ]);
      assert.equal(merged.code, EXIT.ok, show(merged));
      const m = await readResults(`${dir}/mo/results.json`);
      assert.equal(m.meta.runsTrained, 0);
      assert.equal(m.meta.runsReused, 3);
      assert.equal(m.meta.jobs, 1, "--no-train trains nothing side by side");
      assert.equal(m.claims[0].verdict !== "incomplete", true);
      assert.deepEqual(m.claims[0].configs[0].runs.map((r) => r.seed), [1, 2, 3]);
    }),
});

Deno.test("cli bench: bad flags exit 2 with the usage", async (t) => {
  const usage = /usage: deno task bench/;
  const cases: [string[], RegExp][] = [
    [["--seeds", "abc"], /--seeds/],
    [["--seeds", "0"], /--seeds/],
    [["--max-seeds", "4"], /--max-seeds 4: expected a whole number ≥ 6/],
    [["--seeds", "3", "--max-seeds", "10"], /exclude each other/],
    [["--quick", "--update-baseline"], /--update-baseline: refused for --quick/],
    [["--quick", "--seeds", "3"], /--quick runs seed 1/],
    [["--only", "no-such-claim"], /--only: unknown claim no-such-claim/],
    [["--jobs", "0"], /--jobs: expected auto or a whole number 1–64/],
    [["--jobs", "two"], /--jobs: expected auto or a whole number 1–64/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const r = await run(BENCH_CLI, args);
      assertFailure(r, EXIT.usage, message, usage);
    });
  }
});

Deno.test("cli report: a schema-1 results file says so and what to do, exit 4", async () => {
  await withTemp(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/results.json`,
      JSON.stringify({ meta: { schema: 1 }, claims: [] }),
    );
    const r = await run("src/cli/report.ts", [dir]);
    assertFailure(r, EXIT.data, /schema version 1/, /re-run `deno task bench`/);
  });
});

Deno.test("cli runs: lists, verifies and prunes a store; a corrupt file is moved aside", async () => {
  await withTemp(async (dir) => {
    await Deno.mkdir(`${dir}/runs`, { recursive: true });
    await Deno.writeTextFile(`${dir}/runs/0123456789abcdef0123456789abcdef.json`, "{ trunc");
    const list = await run("src/cli/runs.ts", ["--runs", dir]);
    assert.equal(list.code, EXIT.ok, show(list));
    assert.match(list.stdout, /0 run\(s\)/, show(list));
    assert.match(list.stderr, /moved to .*quarantine/, show(list));
    const verify = await run("src/cli/runs.ts", ["verify", "--runs", dir]);
    assert.equal(verify.code, EXIT.ok, show(verify));
    const prune = await run("src/cli/runs.ts", ["prune", "--runs", dir]);
    assertFailure(prune, EXIT.usage, /--older-than DAYS and\/or --other-code/);
    await Deno.writeTextFile(`${dir}/stray.txt`, "");
    const foreign = await run("src/cli/runs.ts", ["--runs", dir]);
    assertFailure(foreign, EXIT.store, /expected a run store/, dir);
  });
});

Deno.test("train.ts: bad flag values print the usage and exit 2", async () => {
  for (const args of [["--act", "tanh"], ["--lr", "-1"], ["--bs", "1.5"], ["--opt", "lamb"]]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./train.ts", import.meta.url).pathname, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, /usage: deno task train/);
    assert.match(stderr, new RegExp(`--${args[0].slice(2)}`));
  }
});
