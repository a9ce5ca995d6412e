/**
 * A new claim end to end, as docs/writing-a-claim.md starts one: `deno task new-claim ID` writes
 * the skeleton into `benches/`, its generated test passes as written, and `deno task bench --only
 * ID` trains it and renders its page: `--quick` (seed 1, not judged), then `--seeds 2` on the same
 * run store (seed 1 reused, seed 2 trained), the cheapest run whose page shows the judged check
 * (one seed decides nothing, so a quick page lists no checks). Nothing is registered by hand: the
 * bench, the report and the browser bundle find the claim by listing `benches/`.
 *
 * It all happens in a temp copy of the working tree (the files git tracks, and untracked ones it
 * does not ignore), so the repository's `benches/` is never written, even when the test fails.
 * Needs a WebGPU adapter and the dataset: skipped without, except that CI sets
 * `CLAIMBENCH_REQUIRE_GPU=1` and a missing adapter fails there (`tests/gpu.ts`).
 */

import assert from "node:assert/strict";
import { parseHTML } from "linkedom";
import { type Run, runDeno, show } from "../../tests/subprocess.ts";
import { noGpu } from "../../tests/gpu.ts";
import { readResults, type Results } from "../bench/results.ts";
import { hasDataset } from "../../tests/dataset.ts";
import { fileStem } from "./new_claim.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const ID = "e2e-new-claim";
const STEM = fileStem(ID);

/** Copies the working tree's files (tracked, and untracked but not ignored) into `dest`. */
async function copyWorkingTree(dest: string): Promise<void> {
  const ls = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!ls.success) {
    throw new Error(`git ls-files failed in ${REPO}: ${new TextDecoder().decode(ls.stderr)}`);
  }
  const paths = new TextDecoder().decode(ls.stdout).split("\0").filter((p) => p !== "");
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(`${REPO}${path}`);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue; // tracked, deleted in the working tree
      throw err;
    }
    if (!info.isFile) continue;
    const to = `${dest}/${path}`;
    await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(`${REPO}${path}`, to);
  }
}

/** The children's environment: ours, no colour, and no CI step summary for bench to append to. */
function childEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.GITHUB_STEP_SUMMARY;
  env.NO_COLOR = "1";
  return env;
}

/** `deno <args>` in the copy. */
function deno(root: string, args: string[]): Promise<Run> {
  return runDeno(args, { cwd: root, env: childEnv() });
}

/** The page's HTML without its scripts (a script may say `undefined`; the page must not). */
function withoutScripts(html: string): string {
  return html.replace(/<script\b[\s\S]*?<\/script>/g, "");
}

/** What the test reads of a parsed element (linkedom). */
interface El {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El> & { length: number };
}

/** The claim's page: present, with the claim's title and id, and no NaN or undefined anywhere. */
async function readPage(out: string, title: string, verdict: string): Promise<El> {
  const html = await Deno.readTextFile(`${out}/${ID}.html`);
  assert.doesNotMatch(withoutScripts(html), /\bNaN\b|\bundefined\b/, `${ID}.html`);
  const { document } = parseHTML(html) as unknown as { document: El };
  assert.equal(document.querySelector("title")?.textContent, `${title} — claimbench`);
  const h1 = document.querySelector("h1");
  assert.ok(h1?.textContent?.includes(title), h1?.textContent ?? "no <h1>");
  assert.equal(h1?.querySelector(".badge")?.textContent, verdict);
  assert.ok(document.querySelector(`.verdict.verdict-${verdict.replaceAll(" ", "-")}`), verdict);
  assert.ok(document.querySelector(`[data-claim="${ID}"]`), `no re-run panel for ${ID}`);
  const index = await Deno.readTextFile(`${out}/index.html`);
  assert.ok(index.includes(`<a href="${ID}.html">${title}</a>`), "no index row links the page");
  assert.doesNotMatch(withoutScripts(index), /\bNaN\b|\bundefined\b/, "index.html");
  // The browser bundle's claim registry is generated from benches/: the new claim is in it.
  assert.match(await Deno.readTextFile(`${out}/claimbench-web.js`), new RegExp(`"${ID}"`));
  return document;
}

/** Results of a bench run that trained the claim's one config: seeds 1..n, each learned. */
function assertTrained(r: Results, seeds: number): void {
  assert.deepEqual(r.meta.claimSet, [ID]);
  assert.deepEqual(r.claims.map((c) => c.id), [ID]);
  const c = r.claims[0];
  assert.equal(c.error, null);
  assert.deepEqual(c.configs.map((x) => x.name), ["kaimingNorm"]);
  const runs = c.configs[0].runs;
  assert.deepEqual(runs.map((x) => x.seed), Array.from({ length: seeds }, (_, i) => i + 1));
  for (const x of runs) {
    assert.equal(x.outcome, "trained");
    assert.equal(x.run?.epochs.length, 3);
    // kaimingNorm reaches about 0.83 after 3 epochs; chance is 0.1.
    assert.ok(
      (x.run?.finalValidAccuracy ?? 0) > 0.5,
      `seed ${x.seed}: ${x.run?.finalValidAccuracy}`,
    );
  }
}

Deno.test({
  name: "new-claim → bench --only → report: a skeleton trains, is judged and gets its page",
  ignore: noGpu || !(await hasDataset()),
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "claimbench-new-claim-e2e-" });
    try {
      const root = `${tmp}/repo`;
      await copyWorkingTree(root);

      // 1. Start the claim, as the guide says, and run the test it comes with.
      const made = await deno(root, ["task", "new-claim", ID]);
      assert.equal(made.code, 0, show(made));
      const number = Number(/claim (\d+), training kaimingNorm/.exec(made.stdout)?.[1]);
      assert.ok(number > 0, show(made));
      const source = await Deno.readTextFile(`${root}/benches/${STEM}.ts`);
      const title = /^ {2}title: "(.*)",$/m.exec(source)?.[1];
      const label = /train\("([^"]*)"/.exec(source)?.[1];
      assert.ok(title && label, "no title or config label in the skeleton");
      const tested = await deno(root, ["test", "-A", `benches/${STEM}_test.ts`]);
      assert.equal(tested.code, 0, show(tested));
      assert.match(tested.stdout, /ok \| 2 passed \| 0 failed/, show(tested));

      // 2. --quick: seed 1, not judged; the page has the claim but no checks to show.
      const store = `${tmp}/runs`;
      const quick = await deno(root, [
        "task",
        "bench",
        "--only",
        ID,
        "--quick",
        "--runs",
        store,
        "--out",
        `${tmp}/quick/out`,
        "--quiet",
      ]);
      assert.equal(quick.code, 0, show(quick));
      assert.match(quick.stdout, new RegExp(`${ID}\\s+${number}\\s+not judged`), show(quick));
      const q = await readResults(`${tmp}/quick/out/results.json`);
      assert.equal(q.meta.mode, "quick");
      assert.equal(q.claims[0].verdict, "not judged");
      assert.deepEqual(q.claims[0].claimNumbers, [number]);
      assert.equal(q.claims[0].title, title);
      assert.deepEqual([q.meta.runsTrained, q.meta.runsReused], [1, 0]);
      assertTrained(q, 1);
      const quickPage = await readPage(`${tmp}/quick/out`, title, "not judged");
      assert.equal(quickPage.querySelectorAll("tr.check").length, 0);

      // 3. --seeds 2 on the same store: seed 1 is reused, seed 2 trained, the check judged (two
      // seeds give no finite bound at 95%: inconclusive, whatever the accuracy).
      const two = await deno(root, [
        "task",
        "bench",
        "--only",
        ID,
        "--seeds",
        "2",
        "--runs",
        store,
        "--out",
        `${tmp}/seeds2/out`,
        "--quiet",
      ]);
      assert.equal(two.code, 0, show(two));
      assert.match(two.stdout, new RegExp(`${ID}\\s+${number}\\s+inconclusive`), show(two));
      const s = await readResults(`${tmp}/seeds2/out/results.json`);
      assert.equal(s.meta.mode, "full");
      assert.equal(s.claims[0].verdict, "inconclusive");
      assert.deepEqual([s.meta.runsTrained, s.meta.runsReused], [1, 1]);
      assertTrained(s, 2);
      const [check] = s.claims[0].checks;
      assert.equal(s.claims[0].checks.length, 1);
      assert.equal(check.id, `${number}-threshold`);
      assert.equal(check.kind, "threshold");
      assert.equal(check.judged.decision, "inconclusive");
      assert.equal(check.judged.n, 2);
      const page = await readPage(`${tmp}/seeds2/out`, title, "inconclusive");
      const rows = [...page.querySelectorAll("tr.check")];
      assert.equal(rows.length, 1);
      assert.equal(rows[0].getAttribute("data-decision"), "inconclusive");
      const threshold = check.kind === "threshold" ? check.threshold : NaN;
      const statement = `median eval accuracy after epoch 3 of ${label} ≥ ` +
        `${(threshold * 100).toFixed(2)}%`;
      const text = rows[0].textContent?.replace(/\s+/g, " ") ?? "";
      assert.ok(text.includes(`#${number}`), text);
      assert.ok(text.includes(statement), `${statement}\nnot in\n${text}`);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
    // The repository's benches/ never had the claim.
    await assert.rejects(Deno.lstat(`${REPO}benches/${STEM}.ts`), Deno.errors.NotFound);
  },
});
