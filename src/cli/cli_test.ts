/**
 * The CLIs as a user meets them: real `deno run` subprocesses on synthetic Fashion-MNIST-shaped
 * data in temp dirs (no GPU needed: `--no-gpu`, or a preloaded fake `navigator.gpu` with no
 * adapter), checking exit codes and that expected failures print one message, no stack trace.
 */

import assert from "node:assert/strict";
import { listClaimFiles } from "../bench/registry.ts";
import { DataError } from "../data/errors.ts";
import { pixelStats } from "../data/fashion_mnist.ts";
import { encodeIdx, gzip } from "../data/idx.ts";
import { FASHION_MNIST_FILES } from "../data/locate.ts";
import { Gpu } from "../gpu/device.ts";
import { GpuDeviceLostError, GpuKernelError, NoAdapterError } from "../gpu/errors.ts";
import { describeFailure, EXIT, UsageError } from "./run_main.ts";

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

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `deno run -A [denoFlags] <script> ...args` from the repo root. */
async function run(
  script: string,
  args: string[],
  { denoFlags = [] as string[], env = childEnv() } = {},
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...denoFlags, script, ...args],
    cwd: REPO,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function show(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
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
  assert.deepEqual(EXIT, { ok: 0, error: 1, usage: 2, noAdapter: 3, data: 4 });
});

// --- deno task bench ----------------------------------------------------------------------------

Deno.test("cli bench: runs a cheap claim end to end and writes a valid results.json", async () => {
  const claims = await listClaimFiles(new URL("../../benches/", import.meta.url));
  if (claims.length === 0) {
    const r = await run(BENCH_CLI, []);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /no claims/, show(r));
    return;
  }
  // One signal-propagation claim, one seed: seconds, not the 40-minute suite.
  const out = await Deno.makeTempDir();
  try {
    const r = await run(BENCH_CLI, ["--only", "moments", "--seeds", "1", "--out", out, "--quiet"]);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /moments\s+6\s+.*pass/, show(r));
    const { readResults } = await import("../bench/results.ts");
    const results = await readResults(`${out}/results.json`);
    assert.deepEqual(results.claims.map((c) => [c.id, c.verdict, c.seeds]), [["moments", "pass", [
      1,
    ]]]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("cli bench: bad flags exit 2 with the usage", async (t) => {
  const usage = /usage: deno task bench/;
  await t.step("--seeds abc", async () => {
    const r = await run(BENCH_CLI, ["--seeds", "abc"]);
    assertFailure(r, EXIT.usage, /--seeds/, usage);
  });
  await t.step("--seeds 0", async () => {
    const r = await run(BENCH_CLI, ["--seeds", "0"]);
    assertFailure(r, EXIT.usage, /--seeds/, usage);
  });
  await t.step("--only with an unknown claim", async () => {
    const r = await run(BENCH_CLI, ["--only", "no-such-claim"]);
    assertFailure(r, EXIT.usage, /--only: unknown claim no-such-claim/, usage);
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
