/**
 * `deno task new-claim` as a user meets it: bad ids exit 2 with one message and the usage, and a
 * generated claim and its test pass `deno fmt --check`, `deno lint`, `deno check` and
 * `deno test` as written, in a temp copy of the layout (`benches/` beside `mod.ts` and `src/`).
 */

import assert from "node:assert/strict";
import { type Run, runDeno, show } from "../../tests/subprocess.ts";
import { claimSource, fileStem, idProblem, testSource } from "./new_claim.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const CONFIG = `${REPO}deno.json`;
const CLI = "src/cli/new_claim.ts";
const STACK_LINE = /^\s+at /m;

/** `deno <args>` in `cwd`, without colour. */
function deno(args: string[], cwd = REPO): Promise<Run> {
  return runDeno(args, { cwd });
}

/** A temp root with `benches/_common.ts` (a copy) beside links to the repo's `mod.ts` and `src`. */
async function layout(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "claimbench-new-claim-" });
  await Deno.mkdir(`${root}/benches`);
  await Deno.symlink(`${REPO}mod.ts`, `${root}/mod.ts`);
  await Deno.symlink(`${REPO}src`, `${root}/src`);
  await Deno.copyFile(`${REPO}benches/_common.ts`, `${root}/benches/_common.ts`);
  return root;
}

Deno.test("new-claim: ids are kebab-case and not test names; files use underscores", () => {
  for (const ok of ["lr-finder", "a", "towards-90", "x2-y3"]) assert.equal(idProblem(ok), null);
  for (const bad of ["", "LR-finder", "lr_finder", "1cycle", "a--b", "-a", "a-", "a b", "é"]) {
    assert.match(idProblem(bad) ?? "", /not a kebab-case id/, bad);
  }
  assert.match(idProblem("depth-test") ?? "", /taken for a test/);
  assert.equal(fileStem("lr-finder"), "lr_finder");
});

Deno.test("new-claim: the skeleton names its config, claim number and last epoch", () => {
  const text = claimSource({ id: "my-claim", claimNumber: 31, config: "towards90" });
  assert.match(text, /id: "my-claim"/);
  assert.match(text, /claimNumbers: \[31\]/);
  assert.match(text, /lessonConfig\(LESSON_CONFIGS\.towards90\)/);
  // towards90 trains 3 epochs and continues for 2: the check reads epoch 5.
  assert.match(text, /subject: evalAt\("towards90", 5\)/);
  assert.match(text, /id: "31-threshold"/);
  assert.match(
    testSource({ id: "my-claim", claimNumber: 31, config: "towards90" }),
    /my_claim\.ts/,
  );
});

Deno.test("new-claim: bad command lines exit 2 with one message and the usage, writing nothing", async () => {
  const root = await layout();
  try {
    const dir = `${root}/benches`;
    const cases: [string[], RegExp][] = [
      [[], /give the new claim's id/],
      [["Bad_Id", "--dir", dir], /"Bad_Id" is not a kebab-case id/],
      [["1cycle", "--dir", dir], /not a kebab-case id/],
      [["a--b", "--dir", dir], /not a kebab-case id/],
      [["old-test", "--dir", dir], /taken for a test/],
      [["two", "ids", "--dir", dir], /unexpected ids/],
      [["fine", "--config", "nope", "--dir", dir], /--config: /],
      [["fine", "--claim", "0", "--dir", dir], /--claim: /],
      [["fine", "--bogus"], /bogus/],
      [["fine", "--dir", `${root}/missing`], /--dir: .*missing is no directory/],
      // Taken in the repository's benches/ (the default --dir).
      [["layernorm"], /layernorm\.ts exists: "layernorm" is taken/],
    ];
    for (const [args, message] of cases) {
      const r = await deno(["run", "-A", CLI, ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${show(r)}`);
      assert.match(r.stderr, message, `${args.join(" ")}: ${show(r)}`);
      assert.match(r.stderr, /usage: deno task new-claim ID/);
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(left, ["_common.ts"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "new-claim: generated claims and tests pass fmt, lint, check and test as written",
  async fn() {
    const root = await layout();
    try {
      const dir = `${root}/benches`;
      // An existing claim (12): the default number is one past the highest.
      await Deno.copyFile(`${REPO}benches/layernorm.ts`, `${dir}/layernorm.ts`);
      const made: [string[], number, string][] = [
        [["alpha-claim"], 13, "kaimingNorm"],
        [["b", "--claim", "40", "--config", "towards90"], 40, "towards90"],
        [
          ["a-rather-long-claim-id-that-pushes-generated-lines-past-the-width", "--config", "sgd"],
          41,
          "sgd",
        ],
        [["one-epoch", "--config", "defaultInit"], 42, "defaultInit"],
      ];
      for (const [args, number, config] of made) {
        const r = await deno(["run", "-A", CLI, ...args, "--dir", dir]);
        assert.equal(r.code, 0, show(r));
        assert.match(r.stdout, new RegExp(`claim ${number}, training ${config}`), show(r));
        const text = await Deno.readTextFile(`${dir}/${fileStem(args[0])}.ts`);
        assert.match(text, new RegExp(`claimNumbers: \\[${number}\\]`));
      }
      // Taken now: a second run with the same id is refused, the files are kept.
      const again = await deno(["run", "-A", CLI, "b", "--dir", dir]);
      assert.equal(again.code, 2, show(again));
      assert.match(again.stderr, /b\.ts exists: "b" is taken/);

      const files = made.flatMap(([args]) => {
        const stem = fileStem(args[0]);
        return [`benches/${stem}.ts`, `benches/${stem}_test.ts`];
      });
      for (
        const args of [
          ["fmt", "--config", CONFIG, "--check", ...files],
          ["lint", "--config", CONFIG, ...files],
          ["check", "--config", CONFIG, ...files],
          ["test", "-A", "--config", CONFIG, ...files.filter((f) => f.endsWith("_test.ts"))],
        ]
      ) {
        const r = await deno(args, root);
        assert.equal(r.code, 0, `deno ${args[0]}: ${show(r)}`);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
