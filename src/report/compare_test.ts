/**
 * `deno task report --compare A B`: the page of differences from run A to run B on the fixture
 * (A: the fixture baseline, B: the fixture results), and the CLI's handling of bad input.
 */
import assert from "node:assert/strict";
import { type Run, runDeno } from "../../tests/subprocess.ts";
import { parseHTML } from "linkedom";
import type { ClaimResult, Results } from "../bench/results.ts";
import { writeResults } from "../bench/results.ts";
import { EXIT } from "../cli/run_main.ts";
import {
  comparePage,
  compareRuns,
  environmentDifferences,
  headlineChange,
  pair,
  renderComparison,
} from "./compare.ts";
import { lessonOrdered } from "./index_page.ts";
import { fixtureBaseline, fixtureResults } from "./testdata/fixture.ts";

interface El {
  textContent: string;
  className: string;
  getAttribute(name: string): string | null;
  querySelectorAll(s: string): Iterable<El>;
  querySelector(s: string): El | null;
}

/** The page as a DOM (linkedom), for querying what it shows. */
function dom(html: string): { all(s: string): El[]; one(s: string): El } {
  const { document } = parseHTML(html) as unknown as {
    document: { querySelectorAll(s: string): Iterable<El>; querySelector(s: string): El | null };
  };
  return {
    all: (s) => [...document.querySelectorAll(s)],
    one: (s) => {
      const el = document.querySelector(s);
      if (!el) throw new Error(`no ${s}`);
      return el;
    },
  };
}

/** Whitespace collapsed, for matching text across tags. */
function flat(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function claim(r: Results, id: string): ClaimResult {
  const c = r.claims.find((x) => x.id === id);
  if (!c) throw new Error(`no claim ${id}`);
  return c;
}

/** B with a seed's outcome changed and a check's decision flipped in general-relu. */
function tampered(): Results {
  const b = fixtureResults();
  const gr = claim(b, "general-relu");
  const relu = gr.configs.find((c) => c.name === "relu")!;
  relu.runs[1] = {
    ...relu.runs[1],
    outcome: "diverged",
    divergedAt: { epoch: 1, step: 7 },
    values: Object.fromEntries(Object.keys(relu.runs[1].values).map((k) => [k, -Infinity])),
  };
  const means = gr.checks.find((c) => c.id === "25-means")!;
  means.judged = { ...means.judged, decision: "refuted" };
  return b;
}

Deno.test("compare: claims in both in lesson order, and the claims only in A or only in B", () => {
  const cmp = compareRuns(fixtureBaseline(), fixtureResults());
  assert.deepEqual(cmp.both, [
    "depth-survival",
    "moments",
    "input-normalization",
    "general-relu",
    "lsuv",
    "layernorm",
  ]);
  assert.deepEqual(cmp.onlyA, ["retired-claim"]);
  assert.deepEqual(cmp.onlyB, ["schedules"]);
  const d = dom(comparePage(cmp, { a: "a/results.json", b: "b/results.json" }));
  // The overview: every claim of either file once, with the gate's status of B against A.
  const rows = d.all("tr.claim-row");
  assert.deepEqual(
    rows.map((r) => r.getAttribute("data-claim")),
    [
      "depth-survival",
      "retired-claim",
      "moments",
      "input-normalization",
      "general-relu",
      "lsuv",
      "layernorm",
      "schedules",
    ],
  );
  const status = (id: string) =>
    flat(
      rows.find((r) => r.getAttribute("data-claim") === id)!.querySelector(".status")!
        .textContent,
    );
  assert.equal(status("lsuv"), "regressed");
  assert.equal(status("moments"), "errored");
  assert.equal(status("input-normalization"), "improved");
  assert.equal(status("depth-survival"), "unchanged");
  assert.equal(status("schedules"), "new");
  assert.equal(status("retired-claim"), "only in A");
  // Both paths are named; only the trainer's code differs between the two runs.
  const text = flat(d.one("main").textContent);
  assert.ok(text.includes("a/results.json") && text.includes("b/results.json"));
  assert.deepEqual(d.all("ul.env-notes li").map((li) => flat(li.textContent)), [
    "The trainer's code differs: A ran code 0ldc0de0123456789abcdef0123456789abcdef0, B " +
    "c0de1d0123; values may move.",
  ]);
  assert.match(text, /1 errored · 1 regressed · 1 improved · 3 unchanged · 2 verdicts changed/);
  assert.deepEqual(
    d.all("#only-in-a + ul li").map((li) => li.getAttribute("data-claim")),
    ["retired-claim"],
  );
  assert.deepEqual(
    d.all("#only-in-b + ul li").map((li) => li.getAttribute("data-claim")),
    ["schedules"],
  );
});

Deno.test("compare: the verdict, the headline with its change in its unit, every changed seed", () => {
  const a = fixtureBaseline();
  const b = fixtureResults();
  const d = dom(comparePage(compareRuns(a, b)));
  // lsuv: every trained seed of its headline config is 5 points lower in B.
  const lsuv = d.one("#claim-lsuv");
  assert.equal(lsuv.getAttribute("data-status"), "regressed");
  const headline = lsuv.querySelector(".headline-change")!;
  assert.equal(headline.getAttribute("data-direction"), "worse");
  const [ma, mb] = [claim(a, "lsuv").headline.median, claim(b, "lsuv").headline.median];
  assert.match(
    flat(headline.textContent),
    new RegExp(
      `^Headline, eval accuracy after epoch 3 of LSUV from the default init: ` +
        `${(ma * 100).toFixed(2)}% → ${(mb * 100).toFixed(2)}% −5\\.00 pts ` +
        `\\(worse by more than the gate's tolerance of 1\\.00 pts\\)$`,
    ),
  );
  assert.match(flat(lsuv.querySelector(".verdict-change")!.textContent), /reproduced → reproduced/);
  // Its LSUV config: the seeds that trained changed (their A and B cells highlighted); the
  // seed that failed has no value on either side and did not change.
  const config = [...lsuv.querySelectorAll("section.config-diff")]
    .find((s) => s.getAttribute("data-config") === "lsuv")!;
  const runs = claim(b, "lsuv").configs.find((c) => c.name === "lsuv")!.runs;
  const trained = runs.filter((r) => r.outcome === "trained").map((r) => String(r.seed));
  const changed = [...config.querySelectorAll("tr.changed-run")].map((r) =>
    r.getAttribute("data-seed")
  );
  assert.deepEqual(changed, trained);
  assert.equal([...config.querySelectorAll("td.changed")].length, 2 * trained.length);
  assert.match(
    flat(config.querySelector("p")!.textContent),
    new RegExp(`^${trained.length} of 10 seeds in both changed$`),
  );
  // The other config is the same in both: said in one line, its table folded away.
  const other = [...lsuv.querySelectorAll("section.config-diff")]
    .find((s) => s.getAttribute("data-config") === "generalRelu")!;
  assert.match(flat(other.textContent), /10 seeds in both: the same outcomes and values/);
  assert.ok(other.querySelector("details"));
  // The verdict moved on input-normalization; its checks' decisions did not.
  const inorm = d.one("#claim-input-normalization");
  assert.match(
    flat(inorm.querySelector(".verdict-change")!.textContent),
    /^Verdict: not reproduced → reproduced \(changed\)$/,
  );
  assert.equal([...inorm.querySelectorAll("tr.decision-changed")].length, 0);
  assert.equal(
    [...inorm.querySelectorAll("tr.check-diff")].length,
    3, // the any-of and its two parts
  );
  // Unchanged claims say so.
  const depth = d.one("#claim-depth-survival");
  assert.match(flat(depth.querySelector(".headline-change")!.textContent), /\(unchanged\)$/);
  assert.equal([...depth.querySelectorAll("td.changed")].length, 0);
});

Deno.test("compare: an outcome change and a check's decision change are called out", () => {
  const d = dom(comparePage(compareRuns(fixtureResults(), tampered())));
  const gr = d.one("#claim-general-relu");
  assert.equal(gr.getAttribute("data-status"), "regressed");
  const relu = [...gr.querySelectorAll("section.config-diff")]
    .find((s) => s.getAttribute("data-config") === "relu")!;
  const moved = [...relu.querySelectorAll("tr.outcome-changed")];
  assert.deepEqual(moved.map((r) => r.getAttribute("data-seed")), ["2"]);
  assert.match(
    flat(moved[0].textContent),
    /outcome changed: trained → diverged at epoch 1, step 7/,
  );
  assert.match(
    flat(relu.querySelector("p")!.textContent),
    /1 of 6 seeds in both changed, 1 of them in outcome/,
  );
  const flipped = [...gr.querySelectorAll("tr.decision-changed")];
  assert.deepEqual(flipped.map((r) => r.getAttribute("data-check")), ["25-means"]);
  assert.match(flat(flipped[0].textContent), /decision changed: supported → refuted/);
  // The gate's notes are on the page.
  assert.match(
    flat(gr.textContent),
    /ReLU \+ Kaiming \(claim 9\), seed 2: outcome changed trained → diverged/,
  );
});

Deno.test("compare: a run against itself changes nothing; other adapters, drivers, code are said", () => {
  const r = fixtureResults();
  const d = dom(comparePage(compareRuns(r, r)));
  // Every claim unchanged, but for the one that errs (an error is always the gate's error).
  assert.deepEqual(
    d.all("tr.claim-row .status").map((s) => flat(s.textContent)),
    lessonOrdered(r.claims).map((c) => c.verdict === "error" ? "errored" : "unchanged"),
  );
  assert.equal(d.all("td.changed").length, 0);
  assert.equal(d.all(".called-out").length, 0);
  assert.match(flat(d.one("p.env-same").textContent), /^Same adapter, driver, trainer code/);

  const other: Results = {
    ...r,
    meta: {
      ...r.meta,
      adapter: { ...r.meta.adapter, description: "NVIDIA H200" },
      driver: null,
      mode: "quick",
    },
  };
  const notes = environmentDifferences(r.meta, other.meta);
  assert.equal(notes.length, 3);
  assert.match(notes[0], /^The adapters differ: A ran on llvmpipe .*, B on NVIDIA H200\./);
  assert.match(
    notes[1],
    /^The drivers differ: A's is mesa-vulkan-drivers 25\.0\.7-2, B's not recorded\.$/,
  );
  assert.match(notes[2], /^The modes differ: A is a full run, B a quick run/);
});

Deno.test("compare: the headline's change in its unit, a lost run, another subject", () => {
  const base = claim(fixtureResults(), "lsuv");
  const at = (median: number): ClaimResult => ({ ...base, headline: { ...base.headline, median } });
  const up = headlineChange(at(0.85), at(0.8625));
  assert.deepEqual([up.a, up.b, up.delta, up.direction], [
    "85.00%",
    "86.25%",
    "+1.25 pts",
    "better",
  ]);
  const within = headlineChange(at(0.85), at(0.845));
  assert.equal(within.direction, "worse");
  assert.match(within.note, /within the gate's tolerance of 1\.00 pts/);
  // Values that format alike but differ get just enough more digits to tell them apart.
  const tiny = headlineChange(at(0.85), at(0.8500001));
  assert.deepEqual([tiny.a, tiny.b], ["85.00000%", "85.00001%"]);
  assert.deepEqual(pair(0.123456, 0.123457, "value"), ["0.123456", "0.123457"]);
  assert.deepEqual(pair(0.5, 0.5, "value"), ["0.5", "0.5"]);
  assert.deepEqual(pair(undefined, 0.5, "accuracy"), ["—", "50.00%"]);
  const lost = headlineChange(at(0.85), at(-Infinity));
  assert.equal(lost.delta, null);
  assert.equal(lost.direction, "worse");
  assert.equal(lost.b, "lost run (−∞)");
  const moved = headlineChange(at(0.85), {
    ...at(0.85),
    headline: { ...base.headline, subject: { ...base.headline.subject, epoch: 2 }, median: 0.8 },
  });
  assert.equal(moved.direction, "other");
  assert.match(
    moved.note,
    /A tracked eval accuracy after epoch 3 .*, B tracks eval accuracy after epoch 2/,
  );
});

Deno.test("compare: renderComparison writes one self-contained page", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = await renderComparison(
      `${dir}/out`,
      compareRuns(fixtureBaseline(), fixtureResults()),
    );
    assert.equal(path, `${dir}/out/index.html`);
    const html = await Deno.readTextFile(path);
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script|<link rel="stylesheet"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------------
// The CLI

function report(args: string[]): Promise<Run> {
  return runDeno(["run", "-A", "src/cli/report.ts", ...args]);
}

Deno.test("cli report --compare: renders DIR/index.html; bad input is a clear error", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "claimbench-compare-" });
  try {
    await writeResults(`${dir}/a.json`, fixtureBaseline());
    await writeResults(`${dir}/b.json`, fixtureResults());
    await Deno.writeTextFile(
      `${dir}/old.json`,
      JSON.stringify({ meta: { schema: 1 }, claims: [] }),
    );
    const show = (r: { code: number; stdout: string; stderr: string }) =>
      `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    const failure = (
      r: { code: number; stdout: string; stderr: string },
      code: number,
      ...patterns: RegExp[]
    ) => {
      assert.equal(r.code, code, show(r));
      for (const p of patterns) assert.match(r.stderr, p, show(r));
      assert.doesNotMatch(r.stderr, /^\s+at /m, `no stack trace\n${show(r)}`);
    };

    await t.step("two files: the page, and a line saying what changed", async () => {
      const r = await report([
        "--compare",
        `${dir}/a.json`,
        `${dir}/b.json`,
        "--out",
        `${dir}/cmp`,
      ]);
      assert.equal(r.code, EXIT.ok, show(r));
      assert.match(r.stdout, /note: The trainer's code differs/);
      assert.match(r.stdout, /6 claim\(s\) in both \(3 changed\), 1 only in A, 1 only in B/);
      assert.ok((await Deno.stat(`${dir}/cmp/index.html`)).isFile);
    });
    await t.step("a missing file: exit 4, naming it", async () => {
      const r = await report([
        "--compare",
        `${dir}/a.json`,
        `${dir}/nope.json`,
        "--out",
        `${dir}/x`,
      ]);
      failure(r, EXIT.data, /nope\.json/, /a results\.json written by `deno task bench`/);
    });
    await t.step("a schema-1 file: exit 4, saying so and what to do", async () => {
      const r = await report([
        "--compare",
        `${dir}/old.json`,
        `${dir}/b.json`,
        "--out",
        `${dir}/x`,
      ]);
      failure(r, EXIT.data, /old\.json/, /schema version 1/, /re-run `deno task bench`/);
    });
    for (const files of [["a.json"], ["a.json", "b.json", "b.json"], []]) {
      await t.step(`${files.length} file(s): exit 2 with the usage`, async () => {
        const r = await report(["--compare", ...files.map((f) => `${dir}/${f}`)]);
        failure(
          r,
          EXIT.usage,
          new RegExp(
            `--compare: expected exactly two results files \\(A, then B\\), found ${files.length}`,
          ),
          /usage: deno task report/,
        );
      });
    }
    await t.step("--compare with --merge: exit 2", async () => {
      const r = await report(["--compare", "--merge", `${dir}/a.json`, `${dir}/b.json`]);
      failure(r, EXIT.usage, /--merge and --compare exclude each other/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
