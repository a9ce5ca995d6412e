import assert from "node:assert/strict";
import { DATA_PREFIX, serveDir } from "./serve.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname);

async function withServer(
  fn: (url: string, dirs: { report: string; data: string }) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "claimbench-serve-" });
  const report = `${root}/report`, data = `${root}/data`;
  await Deno.mkdir(report);
  await Deno.mkdir(data);
  await Deno.writeTextFile(`${report}/index.html`, "<h1>report</h1>");
  await Deno.writeTextFile(`${data}/t10k-labels-idx1-ubyte.gz`, "labels");
  await Deno.writeTextFile(`${root}/secret.txt`, "outside");
  let port = 0;
  const server = serveDir(report, 0, (a) => (port = a.port), { dataDir: data });
  while (port === 0) await new Promise((r) => setTimeout(r, 10));
  try {
    await fn(`http://127.0.0.1:${port}`, { report, data });
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("serve: the report, and the dataset under /fashion-mnist/ where the re-run panel looks", async () => {
  await withServer(async (url) => {
    const index = await fetch(`${url}/`);
    assert.equal(await index.text(), "<h1>report</h1>");
    const labels = await fetch(`${url}${DATA_PREFIX}t10k-labels-idx1-ubyte.gz`);
    assert.equal(labels.status, 200);
    assert.equal(labels.headers.get("content-type"), "application/gzip");
    assert.equal(await labels.text(), "labels");
    for (const path of ["/../secret.txt", `${DATA_PREFIX}../secret.txt`, "/%2e%2e/secret.txt"]) {
      const r = await fetch(`${url}${path}`);
      assert.equal(r.status, 404, path);
      await r.body?.cancel();
    }
  });
});

Deno.test("serve: a busy port is a usage error in the project's words, no stack trace", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const dir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "src/cli/serve.ts", dir, "--port", String(port)],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, stderr);
    assert.match(stderr, new RegExp(`port ${port} is in use, try --port ${port + 1}`));
    assert.doesNotMatch(stderr, /^\s+at /m);
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});
