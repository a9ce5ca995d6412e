/**
 * `deno task claims-doc [--check]`: keeps `docs/claims.md` true to the claim modules. The page's
 * statements are written by hand; between `<!-- claims-doc:NAME -->` and
 * `<!-- /claims-doc:NAME -->` it holds text generated from the modules of `benches/`: per claim
 * module its source, configs, the lesson's numbers, headline and every check with its threshold
 * or margin (the sentence the report uses), an index of the claim numbers, and for the
 * unit-tested claims (22–24) the tests that cover them, found by their names. A new claim module
 * gets a section appended with a TODO statement to write. `--check` only compares (exit 1 when the
 * page is stale); a test runs it, so the page cannot drift.
 *
 * @module
 */

import { z } from "zod";
import type { Claim, ClaimSubject, MetricInfo } from "../bench/contract.ts";
import { metricInfo } from "../bench/metrics.ts";
import type { TrainConfig } from "../bench/training.ts";
import type { CheckSpec } from "../verdict/check.ts";
import { checkStatement, type Vocabulary } from "../verdict/sentence.ts";
import { CLAIMS } from "../web/claims.ts";
import { parseCommandFlags } from "./args.ts";
import { denoFmt } from "./new_claim.ts";
import { runMain } from "./run_main.ts";

const ROOT = new URL("../../", import.meta.url);
/** The page, relative to the repository root. */
export const DOC_PATH = "docs/claims.md";

/** The lesson's claims that are exact semantics, tested by unit tests rather than over seeds. */
export const UNIT_TESTED = [22, 23, 24] as const;

/** A test that covers a unit-tested claim: its file (from the root) and its name. */
export interface SemanticsTest {
  claim: number;
  file: string;
  name: string;
}

/** Markdown table cell text: pipes escaped, no line breaks. */
function cell(text: string): string {
  return text.replaceAll("|", "\\|").replace(/\s+/g, " ").trim();
}

/** A number as written in the module (no float noise). */
function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/** The vocabulary of `claim`'s sentences: its configs' labels, built-in and own metrics. */
function vocabularyOf(claim: Claim, subjects: Record<string, ClaimSubject>): Vocabulary {
  const own: Record<string, MetricInfo> = { ...(claim.metrics ?? {}) };
  for (const s of Object.values(subjects)) if (s.kind === "probe") Object.assign(own, s.metrics);
  return {
    config: (name) => subjects[name]?.label ?? name,
    metric: (name) => metricInfo(name, own) ?? { label: name, unit: "value" },
  };
}

/** A training configuration in one line. */
function trainText(c: TrainConfig): string {
  const parts = [
    c.act,
    c.norm === "none" ? "no norm" : c.norm,
    `${c.init} init`,
    c.inputNorm ? "normalised input" : "raw input",
    `${c.learner} learner, ${c.opt}${c.wd !== undefined ? ` (wd ${num(c.wd)})` : ""} lr ${
      num(c.lr)
    }${c.sched === "none" ? "" : ` ${c.sched}`}`,
    `bs ${c.bs}`,
    `${c.epochs} epoch${c.epochs === 1 ? "" : "s"}${
      c.continueWith ? ` then ${c.continueWith.epochs} more at lr ${num(c.continueWith.lr)}` : ""
    }`,
  ];
  if (c.activationStats) parts.push("activation statistics");
  return parts.join(", ");
}

/** A probe's parameters in one line (flat objects of numbers and strings). */
function probeText(params: unknown): string {
  if (params === null || typeof params !== "object") return "a probe";
  const flat = Object.entries(params as Record<string, unknown>)
    .filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean")
    .map(([k, v]) => `${k} ${typeof v === "number" ? num(v) : v}`);
  return flat.length ? `a probe (${flat.join(", ")})` : "a probe";
}

/** The file of claim `id` from the root. */
function claimFile(id: string): string {
  return `benches/${id.replaceAll("-", "_")}.ts`;
}

/** A check's row cells (any-of: one row, its parts named). */
function checkRow(c: CheckSpec, vocab: Vocabulary): string {
  const kind = c.kind === "any-of"
    ? `any-of (${c.of.map((x) => `\`${x.id}\``).join(", ")})`
    : c.kind;
  return `| \`${c.id}\` | ${c.claim} | ${cell(kind)} | ${cell(checkStatement(c, vocab))} |`;
}

/** The generated part of a claim module's section. */
export function moduleBlock(claim: Claim): string {
  const subjects = claim.subjects(claim.config.parse({}));
  const vocab = vocabularyOf(claim, subjects);
  const file = claimFile(claim.id);
  const lines = [
    `Module [\`${file}\`](../${file}), id \`${claim.id}\` (claim${
      claim.claimNumbers.length === 1 ? "" : "s"
    } ${claim.claimNumbers.join(", ")}): ${cell(claim.title)}.`,
    "",
    `- **Lesson source:** ${cell(claim.source)}`,
    `- **Configs:** ${
      Object.entries(subjects).map(([name, s]) =>
        `\`${name}\`, ${s.label}: ${s.kind === "train" ? trainText(s.config) : probeText(s.params)}`
      ).join("; ")
    }`,
  ];
  if (claim.lesson.length > 0) {
    lines.push(
      `- **The lesson's numbers:** ${
        claim.lesson.map((l) => `${num(l.value)} (claim ${l.claim}: ${l.label})`).join("; ")
      }`,
    );
  }
  if ((claim.lessonNotes ?? []).length > 0) {
    lines.push(`- **The lesson also says:** ${claim.lessonNotes!.join("; ")}`);
  }
  const h = claim.headline;
  const epoch = h.subject.epoch === undefined ? "" : ` after epoch ${h.subject.epoch}`;
  lines.push(
    `- **Headline:** ${vocab.metric(h.subject.metric).label}${epoch} of \`${h.subject.config}\`, ` +
      `${h.better} is better, tolerance ${num(h.tolerance)}`,
  );
  if ((claim.dependsOn ?? []).length > 0) {
    lines.push(`- **Depends on:** ${claim.dependsOn!.map((d) => `\`${d}\``).join(", ")}`);
  }
  lines.push(
    "",
    "| check | claim | kind | asserts |",
    "| --- | --- | --- | --- |",
    ...claim.checks.map((c) => checkRow(c, vocab)),
  );
  return lines.join("\n");
}

/** The claim numbers in order: each module's and the unit-tested ones. */
export function indexBlock(claims: readonly Claim[]): string {
  const rows = new Map<number, string>();
  for (const c of claims) {
    for (const n of c.claimNumbers) {
      const ids = c.checks.filter((x) => x.claim === n).map((x) => `\`${x.id}\``);
      rows.set(
        n,
        `| ${n} | [\`${c.id}\`](#${c.id}) | ${ids.join(", ")} |`,
      );
    }
  }
  for (const n of UNIT_TESTED) {
    if (!rows.has(n)) rows.set(n, `| ${n} | unit-tested semantics | [tests](#unit-tested) |`);
  }
  return [
    "| claim | module | checks |",
    "| --- | --- | --- |",
    ...[...rows.keys()].sort((a, b) => a - b).map((n) => rows.get(n)!),
  ].join("\n");
}

/** The tests whose names start with "claim N" (N unit-tested), in the repository's test files. */
export async function semanticsTests(root: URL = ROOT): Promise<SemanticsTest[]> {
  const found: SemanticsTest[] = [];
  const walk = async (rel: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(new URL(rel, root))];
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${rel}${e.name}`;
      if (e.isDirectory && e.name !== "node_modules") await walk(`${path}/`);
      else if (e.isFile && e.name.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(new URL(path, root));
        for (const name of testNames(text)) {
          const n = Number(/^claim (\d+)\b/i.exec(name)?.[1]);
          if ((UNIT_TESTED as readonly number[]).includes(n)) {
            found.push({ claim: n, file: path, name });
          }
        }
      }
    }
  };
  for (const dir of ["src/", "benches/", "tests/"]) await walk(dir);
  return found.sort((a, b) => a.claim - b.claim);
}

/**
 * The names of the tests in a test file's text: string literals that open `Deno.test(` or follow
 * `name:`, with `"…" + "…"` continuations joined.
 */
export function testNames(text: string): string[] {
  const names: string[] = [];
  const start = /(?:Deno\.test\(\s*|\bname:\s*)"((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(start)) {
    let name = m[1];
    const more = /^\s*\+\s*"((?:[^"\\]|\\.)*)"/;
    let rest = text.slice(m.index! + m[0].length);
    for (let next = more.exec(rest); next; next = more.exec(rest)) {
      name += next[1];
      rest = rest.slice(next[0].length);
    }
    names.push(name);
  }
  return names;
}

/** The generated part of the unit-tested claims' section. */
export function semanticsBlock(tests: readonly SemanticsTest[]): string {
  return [
    "| claim | test file | test |",
    "| --- | --- | --- |",
    ...tests.map((t) => `| ${t.claim} | [\`${t.file}\`](../${t.file}) | ${cell(t.name)} |`),
  ].join("\n");
}

/** The region markers of `name`. */
function markers(name: string): [string, string] {
  return [`<!-- claims-doc:${name} -->`, `<!-- /claims-doc:${name} -->`];
}

/** `doc` with the generated regions filled from `claims` and `tests` (not yet formatted). */
export function fillRegions(
  doc: string,
  claims: readonly Claim[],
  tests: readonly SemanticsTest[],
): string {
  const blocks = new Map<string, string>([
    ["index", indexBlock(claims)],
    ["unit-tested", semanticsBlock(tests)],
    ...claims.map((c) => [c.id, moduleBlock(c)] as [string, string]),
  ]);
  const problems: string[] = [];
  const found = new Set<string>();
  const region = /<!-- claims-doc:([a-z0-9-]+) -->[\s\S]*?<!-- \/claims-doc:\1 -->/g;
  const out = doc.replace(region, (whole, name: string) => {
    const block = blocks.get(name);
    if (block === undefined) {
      problems.push(`a region "${name}" names no claim module (benches/) and no generated part`);
      return whole;
    }
    found.add(name);
    const [open, close] = markers(name);
    return `${open}\n\n${block}\n\n${close}`;
  });
  for (const name of blocks.keys()) {
    if (!found.has(name)) {
      const [open, close] = markers(name);
      problems.push(
        `${DOC_PATH} has no region for "${name}": add a section with the statement of its ` +
          `claims, then the lines ${open} and ${close}`,
      );
    }
  }
  // The index links to each module's section and to the unit-tested one.
  for (const name of [...claims.map((c) => c.id), "unit-tested"]) {
    if (!doc.includes(`<a id="${name}"></a>`)) {
      problems.push(
        `${DOC_PATH} has no anchor <a id="${name}"></a> (before its section's heading)`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return out;
}

/**
 * `doc` with a section appended for every claim module it has no region for: an anchor, a
 * heading, a TODO statement per claim number (the test rejects a page with a TODO) and the
 * region, which {@link fillRegions} fills.
 */
export function appendMissingSections(doc: string, claims: readonly Claim[]): string {
  const missing = claims.filter((c) => !doc.includes(markers(c.id)[0]));
  const sections = missing.map((c) => {
    const [open, close] = markers(c.id);
    const n = c.claimNumbers;
    return [
      `<a id="${c.id}"></a>`,
      `## ${c.title} (claim${n.length === 1 ? "" : "s"} ${n.join(", ")})`,
      ...n.map((k) => `**${k}. TODO: the claim in the project's words.**`),
      open,
      close,
    ].join("\n\n");
  });
  return sections.length ? `${doc.trimEnd()}\n\n${sections.join("\n\n")}\n` : doc;
}

/**
 * The page as it should read: `doc` with every region regenerated (and, with `append`, a section
 * for each new claim module), then formatted.
 */
export async function renderClaimsDoc(doc: string, o: { append?: boolean } = {}): Promise<string> {
  const claims = [...CLAIMS.values()];
  const page = o.append ? appendMissingSections(doc, claims) : doc;
  return await denoFmt(fillRegions(page, claims, await semanticsTests()), "md");
}

const USAGE = `usage: deno task claims-doc [--check]

Regenerates the generated regions of ${DOC_PATH} from the claim modules of benches/ (--check:
only compare, exit 1 when the page is out of date).`;

const Flags = z.object({
  check: z.boolean().default(false),
  help: z.boolean().default(false),
});

async function main(args: string[]): Promise<number> {
  const flags = parseCommandFlags(
    args,
    {
      check: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    Flags,
    USAGE,
  );
  if (!flags) return 0;
  const path = new URL(DOC_PATH, ROOT);
  const doc = await Deno.readTextFile(path);
  const fresh = await renderClaimsDoc(doc, { append: !flags.check });
  if (fresh === doc) {
    console.log(`${DOC_PATH} is up to date`);
    return 0;
  }
  if (flags.check) {
    console.error(`${DOC_PATH} is out of date: run deno task claims-doc`);
    return 1;
  }
  await Deno.writeTextFile(path, fresh);
  const todo = fresh.split("\n").filter((l) => l.includes("TODO")).length;
  console.log(
    `${DOC_PATH} regenerated` +
      (todo ? `; write the ${todo} statement(s) marked TODO (new claim modules)` : ""),
  );
  return 0;
}

if (import.meta.main) await runMain("claimbench claims-doc", USAGE, main);
