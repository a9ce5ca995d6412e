/**
 * The docs about claims cannot drift from the code: `docs/claims.md`'s generated regions (checks
 * with their thresholds, sources, configs, the index, the unit-tested claims' tests) equal what
 * the modules give now, and every claim number has its statement; the worked example of
 * `docs/writing-a-claim.md` shows its claim module as it is, and its test passes as printed.
 */

import assert from "node:assert/strict";
import type { Claim } from "../bench/contract.ts";
import { CLAIMS } from "../web/claims.ts";
import {
  appendMissingSections,
  DOC_PATH,
  fillRegions,
  moduleBlock,
  renderClaimsDoc,
  semanticsTests,
  testNames,
  UNIT_TESTED,
} from "./claims_doc.ts";

const REPO = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const DOC = new URL(`../../${DOC_PATH}`, import.meta.url);
const GUIDE = new URL("../../docs/writing-a-claim.md", import.meta.url);

Deno.test("docs/claims.md is up to date with the claim modules (deno task claims-doc)", async () => {
  const doc = await Deno.readTextFile(DOC);
  const fresh = await renderClaimsDoc(doc);
  if (fresh !== doc) {
    const a = doc.split("\n"), b = fresh.split("\n");
    const i = a.findIndex((line, k) => line !== b[k]);
    assert.fail(
      `${DOC_PATH} is out of date: run deno task claims-doc (first difference at line ${i + 1}:\n` +
        `  page:    ${a[i]}\n  modules: ${b[i]})`,
    );
  }
});

Deno.test("docs/claims.md states every claim, 1 to the highest, and names its module", async () => {
  const doc = await Deno.readTextFile(DOC);
  const numbers = [...CLAIMS.values()].flatMap((c) => c.claimNumbers);
  const highest = Math.max(...numbers, ...UNIT_TESTED);
  for (let n = 1; n <= highest; n++) {
    assert.match(doc, new RegExp(`^\\*\\*${n}\\. `, "m"), `claim ${n} has no statement`);
    assert.ok(
      numbers.includes(n) || (UNIT_TESTED as readonly number[]).includes(n),
      `claim ${n} is judged by no module and not unit-tested`,
    );
  }
  assert.doesNotMatch(doc, /TODO/, "a statement is still to be written");
  // No references outside the repository.
  assert.doesNotMatch(doc, /\.\.\/\.\.\/|shared\//);
});

Deno.test("claims doc: each module's thresholds and margins appear in its block", () => {
  const layernorm = CLAIMS.get("layernorm")!;
  const block = moduleBlock(layernorm);
  assert.match(
    block,
    /\| `12-threshold` \| 12 \| threshold \| median eval accuracy after epoch 3 .* ≥ 86\.00% \|/,
  );
  assert.match(block, /nb 11 cell 116/);
  assert.match(moduleBlock(CLAIMS.get("schedules")!), /\| ≤ 1\.00 pts \|/);
  assert.match(moduleBlock(CLAIMS.get("lsuv")!), /≥ −2\.00 pts/);
  assert.match(moduleBlock(CLAIMS.get("depth-survival")!), /≤ 1\.00e-5/);
});

Deno.test("claims doc: regions are replaced; a missing or unknown region is an error", () => {
  const claims = [CLAIMS.get("layernorm")!] as Claim[];
  const page = (...names: string[]) =>
    [
      `<a id="layernorm"></a>`,
      `<a id="unit-tested"></a>`,
      ...names.map((n) => `<!-- claims-doc:${n} -->\nstale\n<!-- /claims-doc:${n} -->`),
    ].join("\n\n");
  const filled = fillRegions(page("index", "unit-tested", "layernorm"), claims, []);
  assert.doesNotMatch(filled, /stale/);
  assert.match(filled, /\| 12 \| \[`layernorm`\]\(#layernorm\) \| `12-threshold` \|/);
  assert.throws(
    () => fillRegions(page("index", "unit-tested"), claims, []),
    /has no region for "layernorm"/,
  );
  assert.throws(
    () => fillRegions(page("index", "unit-tested", "layernorm", "gone"), claims, []),
    /region "gone" names no claim module/,
  );
  assert.throws(
    () => fillRegions(page("index", "unit-tested", "layernorm").slice(22), claims, []),
    /no anchor <a id="layernorm"><\/a>/,
  );
});

Deno.test("claims doc: a new claim module gets a section with a TODO statement and its region", () => {
  const claims = [CLAIMS.get("layernorm")!, CLAIMS.get("optimizers")!] as Claim[];
  const doc =
    `<a id="layernorm"></a>\n\n<!-- claims-doc:layernorm -->\n<!-- /claims-doc:layernorm -->\n`;
  const page = appendMissingSections(doc, claims);
  assert.equal(appendMissingSections(page, claims), page);
  assert.match(page, /<a id="optimizers"><\/a>\n\n## .* \(claims 15, 16, 17, 18\)/);
  for (const n of [15, 16, 17, 18]) assert.match(page, new RegExp(`\\*\\*${n}\\. TODO`));
  const rest = ["index", "unit-tested"].map((n) =>
    `<!-- claims-doc:${n} -->\n<!-- /claims-doc:${n} -->`
  );
  const whole = `<a id="unit-tested"></a>\n${rest.join("\n")}\n${page}`;
  assert.match(fillRegions(whole, claims, []), /`16-momentum-vs-sgd`/);
});

Deno.test("claims doc: claims 22–24 are covered by tests named after them", async () => {
  const tests = await semanticsTests();
  for (const n of UNIT_TESTED) {
    assert.ok(tests.some((t) => t.claim === n), `no test named "claim ${n} …"`);
  }
  // Written so that this file's own source holds no test named "claim 22".
  const test = "Deno" + ".test(";
  assert.deepEqual(
    testNames(`${test}"claim ${22} (a) " +\n  "and (b)", () => {});\n${test}{ name: "x" });`),
    ["claim 22 (a) and (b)", "x"],
  );
});

/** The ```ts block after `<!-- KIND: PATH -->` in `doc`: its path and code. */
function markedBlock(doc: string, kind: string): { path: string; code: string } {
  const m = new RegExp(`<!-- ${kind}: (\\S+) -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(doc);
  assert.ok(m, `docs/writing-a-claim.md has no <!-- ${kind}: PATH --> before a ts block`);
  return { path: m[1], code: m[2] };
}

Deno.test("writing-a-claim.md: the worked example's module is the file as it is", async () => {
  const { path, code } = markedBlock(await Deno.readTextFile(GUIDE), "worked-example");
  assert.equal(code, await Deno.readTextFile(`${REPO}${path}`), `the guide's ${path} differs`);
});

Deno.test("writing-a-claim.md: the worked example's test passes fmt, lint, check and test as printed", async () => {
  const guide = await Deno.readTextFile(GUIDE);
  const module = markedBlock(guide, "worked-example");
  const test = markedBlock(guide, "worked-example-test");
  // A temp copy of the layout: benches/ (the module, its helpers, the test) beside mod.ts and src.
  const root = await Deno.makeTempDir({ prefix: "claimbench-guide-" });
  try {
    await Deno.mkdir(`${root}/benches`);
    await Deno.symlink(`${REPO}mod.ts`, `${root}/mod.ts`);
    await Deno.symlink(`${REPO}src`, `${root}/src`);
    for (const e of Deno.readDirSync(`${REPO}benches`)) {
      if (e.isFile && e.name.startsWith("_")) {
        await Deno.copyFile(`${REPO}benches/${e.name}`, `${root}/benches/${e.name}`);
      }
    }
    await Deno.writeTextFile(`${root}/${module.path}`, module.code);
    await Deno.writeTextFile(`${root}/${test.path}`, test.code);
    const config = `${REPO}deno.json`;
    for (
      const args of [
        ["fmt", "--config", config, "--check", test.path],
        ["lint", "--config", config, test.path],
        ["test", "-A", "--config", config, test.path],
      ]
    ) {
      const out = await new Deno.Command(Deno.execPath(), {
        args,
        cwd: root,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      assert.ok(
        out.success,
        `deno ${args[0]} ${test.path}:\n${dec.decode(out.stdout)}\n${dec.decode(out.stderr)}`,
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
