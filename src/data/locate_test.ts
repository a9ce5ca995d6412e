import assert from "node:assert/strict";
import { DataError } from "./errors.ts";
import {
  defaultCacheDir,
  FASHION_MNIST_FILES,
  type FileRole,
  locateFashionMnist,
  type LocateOptions,
  OFFICIAL_MIRROR,
  sha256Hex,
} from "./locate.ts";

// No test here reads the real environment, touches /usr/share/datasets or the network: every
// call passes `env`, `systemDir` and `cacheDir` pointing into a temp dir, and a fake `fetch`.

const ROLES = Object.keys(FASHION_MNIST_FILES) as FileRole[];
const NAMES = Object.values(FASHION_MNIST_FILES) as string[];

/** An environment lookup over a fixed table (never the real environment). */
function envOf(vars: Record<string, string> = {}): (name: string) => string | undefined {
  return (name) => vars[name];
}

/** Runs `fn` with a fresh temp dir holding `data`, `fmd`, `system`, `cache` subdirectories. */
async function withDirs(
  fn: (dirs: { root: string; data: string; fmd: string; system: string; cache: string }) => unknown,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "claimbench-locate-" });
  try {
    const dirs = {
      root,
      data: `${root}/data`,
      fmd: `${root}/fmd`,
      system: `${root}/system`,
      cache: `${root}/cache`,
    };
    for (const d of [dirs.data, dirs.fmd, dirs.system, dirs.cache]) await Deno.mkdir(d);
    await fn(dirs);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Writes tiny stand-ins for the four files (content is irrelevant to locate). */
async function fill(
  dir: string,
  { gz = true, raw = false, skip = [] as string[] } = {},
): Promise<void> {
  for (const name of NAMES) {
    if (skip.includes(name)) continue;
    if (gz) await Deno.writeTextFile(`${dir}/${name}.gz`, `gz ${name}`);
    if (raw) await Deno.writeTextFile(`${dir}/${name}`, `raw ${name}`);
  }
}

/** A fetch that must not be called. */
const noFetch = (() => {
  throw new Error("fetch must not be called");
}) as unknown as typeof fetch;

/** Base options: everything in temp dirs, no real env, no network, silent. */
function base(dirs: { system: string; cache: string }, extra: LocateOptions = {}): LocateOptions {
  return {
    env: envOf(),
    systemDir: dirs.system,
    cacheDir: dirs.cache,
    fetch: noFetch,
    log: () => {},
    ...extra,
  };
}

async function rejectsDataError(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DataError, `expected a DataError, got ${err}`);
    return err;
  }
  assert.fail("expected a DataError, got a result");
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

function assertFilesIn(files: Record<FileRole, string>, dir: string, suffix = ".gz") {
  assert.deepEqual(Object.keys(files).sort(), [...ROLES].sort());
  for (const role of ROLES) {
    assert.equal(files[role], `${dir}/${FASHION_MNIST_FILES[role]}${suffix}`);
  }
}

// --- lookup order -------------------------------------------------------------------------------

Deno.test("locate: --data-dir wins over $FASHION_MNIST_DIR, system and cache", async () => {
  await withDirs(async (d) => {
    for (const dir of [d.data, d.fmd, d.system, d.cache]) await fill(dir);
    const found = await locateFashionMnist(
      base(d, { dataDir: d.data, env: envOf({ FASHION_MNIST_DIR: d.fmd }) }),
    );
    assert.equal(found.origin, "--data-dir");
    assert.equal(found.dir, d.data);
    assertFilesIn(found.files, d.data);
  });
});

Deno.test("locate: $FASHION_MNIST_DIR wins over system and cache", async () => {
  await withDirs(async (d) => {
    for (const dir of [d.fmd, d.system, d.cache]) await fill(dir);
    const found = await locateFashionMnist(base(d, { env: envOf({ FASHION_MNIST_DIR: d.fmd }) }));
    assert.equal(found.origin, "$FASHION_MNIST_DIR");
    assert.equal(found.dir, d.fmd);
    assertFilesIn(found.files, d.fmd);
  });
});

Deno.test("locate: the system dir wins over the cache", async () => {
  await withDirs(async (d) => {
    for (const dir of [d.system, d.cache]) await fill(dir);
    const found = await locateFashionMnist(base(d));
    assert.equal(found.origin, "system");
    assert.equal(found.dir, d.system);
    assertFilesIn(found.files, d.system);
  });
});

Deno.test("locate: the cache is used when nothing else has the files", async () => {
  await withDirs(async (d) => {
    await fill(d.cache);
    const found = await locateFashionMnist(base(d));
    assert.equal(found.origin, "cache");
    assert.equal(found.dir, d.cache);
    assertFilesIn(found.files, d.cache);
  });
});

Deno.test("locate: an empty $FASHION_MNIST_DIR counts as unset", async () => {
  await withDirs(async (d) => {
    await fill(d.system);
    const found = await locateFashionMnist(base(d, { env: envOf({ FASHION_MNIST_DIR: "" }) }));
    assert.equal(found.origin, "system");
    assert.equal(found.dir, d.system);
  });
});

Deno.test("locate: raw (un-gzipped) files are accepted", async () => {
  await withDirs(async (d) => {
    await fill(d.data, { gz: false, raw: true });
    const found = await locateFashionMnist(base(d, { dataDir: d.data }));
    assert.equal(found.origin, "--data-dir");
    assertFilesIn(found.files, d.data, "");
  });
});

Deno.test("locate: .gz is preferred when both .gz and raw exist; mixing is fine", async () => {
  await withDirs(async (d) => {
    await fill(d.data, { gz: true, raw: true });
    const found = await locateFashionMnist(base(d, { dataDir: d.data }));
    assertFilesIn(found.files, d.data, ".gz");

    // One file only raw, the others gzipped: each file is found in whichever form exists.
    await fill(d.fmd, { gz: true, raw: false, skip: [FASHION_MNIST_FILES.validLabels] });
    await Deno.writeTextFile(`${d.fmd}/${FASHION_MNIST_FILES.validLabels}`, "raw");
    const mixed = await locateFashionMnist(base(d, { env: envOf({ FASHION_MNIST_DIR: d.fmd }) }));
    assert.equal(mixed.files.validLabels, `${d.fmd}/${FASHION_MNIST_FILES.validLabels}`);
    assert.equal(mixed.files.trainImages, `${d.fmd}/${FASHION_MNIST_FILES.trainImages}.gz`);
  });
});

Deno.test("locate: a directory named like a file does not count as the file", async () => {
  await withDirs(async (d) => {
    await fill(d.data, { skip: [FASHION_MNIST_FILES.trainLabels] });
    await Deno.mkdir(`${d.data}/${FASHION_MNIST_FILES.trainLabels}.gz`);
    await fill(d.system);
    const err = await rejectsDataError(locateFashionMnist(base(d, { dataDir: d.data })));
    assert.match(err.found, new RegExp(`${FASHION_MNIST_FILES.trainLabels} missing`));
  });
});

// --- explicit choices never fall through ---------------------------------------------------------

Deno.test("locate: a --data-dir missing a file is a DataError, even with a complete system dir", async () => {
  await withDirs(async (d) => {
    await fill(d.data, { skip: [FASHION_MNIST_FILES.validLabels] });
    await fill(d.system);
    await fill(d.cache);
    const err = await rejectsDataError(locateFashionMnist(base(d, { dataDir: d.data })));
    assert.match(err.message, /--data-dir/);
    assert.ok(err.message.includes(d.data), err.message);
    assert.ok(err.message.includes(FASHION_MNIST_FILES.validLabels), err.message);
    // `found` names exactly the missing file, not the present ones.
    assert.equal(err.found, `${FASHION_MNIST_FILES.validLabels} missing`);
    assert.ok(!err.message.includes(d.system), "must not mention (or use) the system dir");
  });
});

Deno.test("locate: a --data-dir that does not exist lists all four files as missing", async () => {
  await withDirs(async (d) => {
    await fill(d.system);
    const dir = `${d.root}/nowhere`;
    const err = await rejectsDataError(locateFashionMnist(base(d, { dataDir: dir })));
    assert.match(err.message, /--data-dir/);
    assert.ok(err.message.includes(dir), err.message);
    for (const name of NAMES) assert.ok(err.found.includes(name), `${name} in ${err.found}`);
  });
});

Deno.test("locate: a $FASHION_MNIST_DIR missing files is a DataError, even with a complete system dir", async () => {
  await withDirs(async (d) => {
    await fill(d.fmd, {
      skip: [FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.validImages],
    });
    await fill(d.system);
    await fill(d.cache);
    const err = await rejectsDataError(
      locateFashionMnist(base(d, { env: envOf({ FASHION_MNIST_DIR: d.fmd }) })),
    );
    assert.match(err.message, /\$FASHION_MNIST_DIR/);
    assert.ok(err.message.includes(d.fmd), err.message);
    assert.equal(
      err.found,
      `${FASHION_MNIST_FILES.trainImages}, ${FASHION_MNIST_FILES.validImages} missing`,
    );
  });
});

Deno.test("locate: an incomplete --data-dir is reported even when $FASHION_MNIST_DIR is complete", async () => {
  await withDirs(async (d) => {
    await fill(d.data, { skip: [FASHION_MNIST_FILES.trainLabels] });
    await fill(d.fmd);
    const err = await rejectsDataError(
      locateFashionMnist(
        base(d, { dataDir: d.data, env: envOf({ FASHION_MNIST_DIR: d.fmd }) }),
      ),
    );
    assert.match(err.message, /--data-dir/);
    assert.ok(err.message.includes(d.data), err.message);
  });
});

Deno.test("locate: an incomplete system dir falls through to the cache", async () => {
  await withDirs(async (d) => {
    await fill(d.system, { skip: [FASHION_MNIST_FILES.trainImages] });
    await fill(d.cache);
    const found = await locateFashionMnist(base(d));
    assert.equal(found.origin, "cache");
    assert.equal(found.dir, d.cache);
    assertFilesIn(found.files, d.cache);
  });
});

// --- download -----------------------------------------------------------------------------------

const MIRROR = "https://mirror.invalid/fashion/";

/** Distinct synthetic bytes per file and their SHA-256. */
async function synthetic(): Promise<{
  bytes: Record<string, Uint8Array>;
  sha256: Record<FileRole, string>;
}> {
  const bytes: Record<string, Uint8Array> = {};
  const sha256 = {} as Record<FileRole, string>;
  for (const [i, role] of ROLES.entries()) {
    const data = new Uint8Array(64 + i).map((_, j) => (j * 31 + i * 7) & 0xff);
    bytes[`${FASHION_MNIST_FILES[role]}.gz`] = data;
    sha256[role] = await sha256Hex(data);
  }
  return { bytes, sha256 };
}

/** A fetch serving `bytes` by file name under `mirror`; 404 for anything else. */
function fakeFetch(mirror: string, bytes: Record<string, Uint8Array>, calls: string[]) {
  return ((input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push(url);
    const name = url.startsWith(mirror) ? url.slice(mirror.length) : "";
    const body = bytes[name];
    if (body === undefined) return Promise.resolve(new Response("not found", { status: 404 }));
    return Promise.resolve(new Response(body.slice()));
  }) as typeof fetch;
}

Deno.test("locate: downloads into the cache, verified, then finds the cache without fetching", async () => {
  await withDirs(async (d) => {
    const { bytes, sha256 } = await synthetic();
    const calls: string[] = [];
    const logs: string[] = [];
    const cache = `${d.cache}/nested/fashion-mnist`; // created on demand
    const found = await locateFashionMnist(
      base(d, {
        cacheDir: cache,
        mirror: MIRROR,
        sha256,
        fetch: fakeFetch(MIRROR, bytes, calls),
        log: (m) => logs.push(m),
      }),
    );
    assert.equal(found.origin, "download");
    assert.equal(found.dir, cache);
    assertFilesIn(found.files, cache);
    assert.deepEqual(calls, NAMES.map((n) => `${MIRROR}${n}.gz`));
    assert.equal(logs.length, 4);
    for (const n of NAMES) assert.ok(logs.some((m) => m.includes(`${MIRROR}${n}.gz`)));
    assert.deepEqual(await listDir(cache), NAMES.map((n) => `${n}.gz`).sort());
    for (const [name, data] of Object.entries(bytes)) {
      assert.deepEqual(await Deno.readFile(`${cache}/${name}`), data);
    }

    const again: string[] = [];
    const second = await locateFashionMnist(
      base(d, { cacheDir: cache, mirror: MIRROR, sha256, fetch: fakeFetch(MIRROR, bytes, again) }),
    );
    assert.equal(second.origin, "cache");
    assert.equal(second.dir, cache);
    assert.deepEqual(again, []);
  });
});

Deno.test("locate: a partial cache only downloads the missing files", async () => {
  await withDirs(async (d) => {
    const { bytes, sha256 } = await synthetic();
    const keep = `${FASHION_MNIST_FILES.trainImages}.gz`;
    await Deno.writeFile(`${d.cache}/${keep}`, bytes[keep]);
    const calls: string[] = [];
    const found = await locateFashionMnist(
      base(d, { mirror: MIRROR, sha256, fetch: fakeFetch(MIRROR, bytes, calls) }),
    );
    assert.equal(found.origin, "download");
    assert.deepEqual(calls, NAMES.slice(1).map((n) => `${MIRROR}${n}.gz`));
  });
});

Deno.test("locate: a mirror without a trailing slash, or from $FASHION_MNIST_MIRROR, gets one", async () => {
  await withDirs(async (d) => {
    const { bytes, sha256 } = await synthetic();
    const calls: string[] = [];
    await locateFashionMnist(
      base(d, {
        mirror: MIRROR.slice(0, -1),
        sha256,
        fetch: fakeFetch(MIRROR, bytes, calls),
      }),
    );
    assert.deepEqual(calls, NAMES.map((n) => `${MIRROR}${n}.gz`));

    const other = "https://other.invalid/fm/";
    const calls2: string[] = [];
    const cache2 = `${d.root}/cache2`;
    await locateFashionMnist(
      base(d, {
        cacheDir: cache2,
        env: envOf({ FASHION_MNIST_MIRROR: other.slice(0, -1) }),
        sha256,
        fetch: fakeFetch(other, bytes, calls2),
      }),
    );
    assert.deepEqual(calls2, NAMES.map((n) => `${other}${n}.gz`));
  });
});

// An empty variable counts as unset, like an empty $FASHION_MNIST_DIR (it once made the mirror "/").
Deno.test("locate: an empty $FASHION_MNIST_MIRROR counts as unset (official mirror)", async () => {
  await withDirs(async (d) => {
    const calls: string[] = [];
    const offline = ((input: RequestInfo | URL) => {
      calls.push(String(input));
      return Promise.reject(new TypeError("network unreachable"));
    }) as typeof fetch;
    await rejectsDataError(
      locateFashionMnist(base(d, { env: envOf({ FASHION_MNIST_MIRROR: "" }), fetch: offline })),
    );
    assert.deepEqual(calls, [`${OFFICIAL_MIRROR}${FASHION_MNIST_FILES.trainImages}.gz`]);
  });
});

Deno.test("locate: a SHA-256 mismatch is a DataError and leaves no file in the cache", async () => {
  await withDirs(async (d) => {
    const { bytes, sha256 } = await synthetic();
    const wrong = "0".repeat(64);
    const calls: string[] = [];
    const err = await rejectsDataError(
      locateFashionMnist(
        base(d, {
          mirror: MIRROR,
          sha256: { ...sha256, trainImages: wrong },
          fetch: fakeFetch(MIRROR, bytes, calls),
        }),
      ),
    );
    assert.match(err.message, /SHA-256/);
    assert.ok(err.message.includes(wrong), err.message);
    assert.ok(err.message.includes(sha256.trainImages), err.message);
    assert.ok(err.message.includes(`${FASHION_MNIST_FILES.trainImages}.gz`), err.message);
    assert.deepEqual(await listDir(d.cache), []);
    assert.equal(calls.length, 1, "stops at the first bad file");
  });
});

Deno.test("locate: a SHA-256 mismatch on a later file keeps only the verified ones", async () => {
  await withDirs(async (d) => {
    const { bytes, sha256 } = await synthetic();
    const wrong = "f".repeat(64);
    const err = await rejectsDataError(
      locateFashionMnist(
        base(d, {
          mirror: MIRROR,
          sha256: { ...sha256, validImages: wrong },
          fetch: fakeFetch(MIRROR, bytes, []),
        }),
      ),
    );
    assert.match(err.message, /SHA-256/);
    assert.ok(err.message.includes(sha256.validImages), err.message);
    const left = await listDir(d.cache);
    assert.ok(!left.includes(`${FASHION_MNIST_FILES.validImages}.gz`), left.join(", "));
    assert.ok(!left.some((n) => n.endsWith(".tmp")), left.join(", "));
  });
});

Deno.test("locate: an HTTP error is a DataError naming the URL and status", async () => {
  await withDirs(async (d) => {
    const { sha256 } = await synthetic();
    const err = await rejectsDataError(
      locateFashionMnist(base(d, { mirror: MIRROR, sha256, fetch: fakeFetch(MIRROR, {}, []) })),
    );
    assert.match(err.message, /HTTP 404/);
    assert.ok(err.message.includes(`${MIRROR}${FASHION_MNIST_FILES.trainImages}.gz`));
    assert.deepEqual(await listDir(d.cache), []);
  });
});

Deno.test("locate: offline gives one DataError listing every place looked and the download failure", async () => {
  await withDirs(async (d) => {
    await fill(d.system, { skip: [FASHION_MNIST_FILES.validLabels] }); // incomplete
    const offline = (() => Promise.reject(new TypeError("network unreachable"))) as typeof fetch;
    const err = await rejectsDataError(
      locateFashionMnist(base(d, { mirror: MIRROR, fetch: offline })),
    );
    assert.ok(err.message.includes(d.system), err.message);
    assert.ok(err.message.includes(d.cache), err.message);
    assert.match(err.message, /system: incomplete/);
    assert.match(err.message, /cache: no files/);
    assert.match(err.message, /download failed/);
    assert.match(err.message, /network unreachable/);
  });
});

Deno.test("locate: download: false with nothing found says download disabled", async () => {
  await withDirs(async (d) => {
    const err = await rejectsDataError(locateFashionMnist(base(d, { download: false })));
    assert.match(err.message, /download disabled/);
    assert.ok(err.message.includes(d.system), err.message);
    assert.ok(err.message.includes(d.cache), err.message);
    assert.deepEqual(await listDir(d.cache), []);
  });
});

Deno.test("locate: no cache dir (HOME unset) and nothing found is a DataError, no fetch", async () => {
  await withDirs(async (d) => {
    const err = await rejectsDataError(
      locateFashionMnist({
        env: envOf(),
        systemDir: d.system,
        fetch: noFetch,
        log: () => {},
      }),
    );
    assert.match(err.message, /no cache directory/);
    assert.ok(err.message.includes(d.system), err.message);
  });
});

// --- defaultCacheDir ----------------------------------------------------------------------------

Deno.test("defaultCacheDir: $XDG_CACHE_HOME wins", () => {
  assert.equal(
    defaultCacheDir(envOf({ XDG_CACHE_HOME: "/xdg", HOME: "/home/u", LOCALAPPDATA: "C:\\L" })),
    "/xdg/claimbench/fashion-mnist",
  );
});

Deno.test({
  name: "defaultCacheDir: ~/.cache/claimbench/fashion-mnist on Linux; undefined without HOME",
  ignore: Deno.build.os !== "linux",
  fn() {
    assert.equal(
      defaultCacheDir(envOf({ HOME: "/home/u" })),
      "/home/u/.cache/claimbench/fashion-mnist",
    );
    assert.equal(
      defaultCacheDir(envOf({ HOME: "/home/u", XDG_CACHE_HOME: "" })),
      "/home/u/.cache/claimbench/fashion-mnist",
    );
    assert.equal(defaultCacheDir(envOf()), undefined);
    assert.equal(defaultCacheDir(envOf({ HOME: "" })), undefined);
  },
});

Deno.test("locate: an empty --data-dir is rejected instead of searching the file-system root", async () => {
  await assert.rejects(
    () => locateFashionMnist({ dataDir: "", env: () => undefined, download: false }),
    /--data-dir: expected a directory, found an empty value/,
  );
});
