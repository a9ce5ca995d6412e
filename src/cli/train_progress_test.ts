/**
 * `deno task train` as a user sees it: on a terminal (a pseudo-terminal from `script`) the batch
 * counter advances within seconds and the loss changes, the epoch summary starts on its own line;
 * off a terminal there is not one control character.
 */
import assert from "node:assert/strict";
import { noGpu } from "../../tests/gpu.ts";
import { REPO, runDeno, show } from "../../tests/subprocess.ts";

const ESC = String.fromCharCode(27);
const TRAIN = ["run", "-A", "src/cli/train.ts", "--epochs", "1"];

/** What arrived on the terminal, and when (ms since the process started). */
interface Chunk {
  at: number;
  text: string;
}

async function underPty(args: string[]): Promise<{ code: number; chunks: Chunk[] }> {
  const command = [Deno.execPath(), ...args].map((a) => `'${a}'`).join(" ");
  const started = performance.now();
  const child = new Deno.Command("script", {
    // -q quiet, -f flush as it comes, -e the child's exit code, output only to our pipe.
    args: ["-qfec", command, "/dev/null"],
    cwd: REPO,
    env: { ...Deno.env.toObject(), NO_COLOR: "1", COLUMNS: "120", LINES: "40" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const chunks: Chunk[] = [];
  const decoder = new TextDecoder();
  for await (const bytes of child.stdout) {
    chunks.push({ at: performance.now() - started, text: decoder.decode(bytes, { stream: true }) });
  }
  const { code } = await child.status;
  await child.stderr.cancel();
  return { code, chunks };
}

Deno.test({
  name: "train on a terminal: the batch counter advances within 10 s of training, the loss changes",
  ignore: noGpu,
  async fn() {
    const { code, chunks } = await underPty(TRAIN);
    const all = chunks.map((c) => c.text).join("");
    assert.equal(code, 0, all);
    // When training began: the header line is printed once the run is built.
    let seen = "";
    let trainingAt = NaN;
    const counters: { at: number; batch: number; loss: number | null }[] = [];
    for (const c of chunks) {
      seen += c.text;
      if (Number.isNaN(trainingAt) && seen.includes("training act=")) trainingAt = c.at;
      for (const m of c.text.matchAll(/epoch 1\/1 train \S+ (\d+)\/59(?: · loss (\d+\.\d+))?/g)) {
        counters.push({ at: c.at, batch: Number(m[1]), loss: m[2] ? Number(m[2]) : null });
      }
    }
    assert.ok(Number.isFinite(trainingAt), all);
    const early = counters.filter((c) => c.at - trainingAt <= 10_000);
    const batches = new Set(early.map((c) => c.batch));
    assert.ok(batches.size >= 2, `the counter advanced in the first 10 s: ${[...batches]}`);
    const losses = new Set(counters.map((c) => c.loss).filter((l) => l !== null));
    assert.ok(losses.size >= 2, `the loss changed: ${[...losses]}`);
    // Redraws are throttled (4 a second), so the very last batch may not be drawn; late ones are.
    assert.ok(Math.max(...counters.map((c) => c.batch)) >= 50, "the counter went on to the end");
    // The bar is redrawn in place, and the epoch summary starts on its own (cleared) line.
    assert.ok(all.includes(`\r${ESC}[Jepoch 1  train acc/loss `), JSON.stringify(all.slice(-400)));
    assert.match(all, /final valid accuracy 0\.\d{4}/);
  },
});

Deno.test({
  name: "train off a terminal: one line per epoch, no control characters",
  ignore: noGpu,
  async fn() {
    const r = await runDeno(TRAIN);
    assert.equal(r.code, 0, show(r));
    const text = r.stdout + r.stderr;
    assert.ok(!text.includes(ESC) && !text.includes("\r"), show(r));
    assert.match(r.stdout, /^training act=relu .*\nepoch 1 {2}train acc\/loss .*\nfinal valid/m);
  },
});
