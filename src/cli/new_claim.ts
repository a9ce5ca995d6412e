/**
 * `deno task new-claim ID`: starts a claim module. Writes `benches/<id_with_underscores>.ts`, a
 * skeleton that compiles and runs (one training config from `LESSON_CONFIGS`, one threshold
 * check, a lesson number and a headline, with TODO comments saying what to fill in), and its test
 * `benches/<id_with_underscores>_test.ts`, which checks the skeleton's subjects and judges it on
 * synthetic runs with `judgeClaimOnRuns` (it passes as generated). Both go through `deno fmt`
 * before they are written. The guide is `docs/writing-a-claim.md`.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { LESSON_CONFIGS } from "../../benches/_common.ts";
import { TrainConfigSchema } from "../bench/training.ts";
import { listClaimFiles } from "../bench/registry.ts";
import { parseFlags } from "./args.ts";
import { runMain, UsageError } from "./run_main.ts";

/** A lesson configuration's name (a key of `LESSON_CONFIGS`). */
export type LessonConfigName = keyof typeof LESSON_CONFIGS;

const CONFIG_NAMES = Object.keys(LESSON_CONFIGS) as LessonConfigName[];
const DEFAULT_CONFIG: LessonConfigName = "kaimingNorm";

/** `text` in lines of at most `width` characters, each indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l).join("\n");
}

const USAGE = `usage: deno task new-claim ID [--config NAME] [--claim N] [--dir DIR]

Writes DIR/<id>.ts (a claim module skeleton) and DIR/<id>_test.ts (its test), with "-" in the
id as "_" in the file names. Fill in the TODOs; docs/writing-a-claim.md is the guide.

  ID          the claim's id: kebab-case (a-z, 0-9, single hyphens, starting with a letter),
              not taken by a file in DIR
  --config    the lesson configuration the skeleton trains (default ${DEFAULT_CONFIG}):
${wrap(CONFIG_NAMES.join(", "), 14, 96)}
  --claim N   the lesson's claim number it judges (default: one past the highest in DIR)
  --dir DIR   where the claim modules are (default benches/); the files import ../mod.ts,
              ./_common.ts and ../src/ relative to it`;

/** kebab-case: lowercase words of letters and digits, the first starting with a letter. */
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Why `id` cannot be a claim id (null: it can). */
export function idProblem(id: string): string | null {
  if (!ID.test(id)) {
    return `"${id}" is not a kebab-case id (lowercase letters and digits in words joined by ` +
      `single hyphens, starting with a letter, e.g. "lr-finder")`;
  }
  if (id.endsWith("-test")) {
    return `"${id}" ends in "-test": its file would be taken for a test, not a claim`;
  }
  return null;
}

/** What the skeleton is made of. */
export interface SkeletonOptions {
  id: string;
  /** The lesson's claim number it judges. */
  claimNumber: number;
  /** The `LESSON_CONFIGS` entry it trains (also the config's name in the claim). */
  config: LessonConfigName;
}

/** The file name stem of claim `id`: "lr-finder" → "lr_finder". */
export function fileStem(id: string): string {
  return id.replaceAll("-", "_");
}

/** camelCase of a kebab-case id: "lr-finder" → "lrFinder". */
function camel(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** All epochs of a lesson configuration (a continuation's included). */
function epochsOf(name: LessonConfigName): number {
  const c = TrainConfigSchema.parse(LESSON_CONFIGS[name]);
  return c.epochs + (c.continueWith?.epochs ?? 0);
}

/** The claim module's text (formatted as `deno fmt` writes it for the usual ids). */
export function claimSource(o: SkeletonOptions): string {
  const n = o.claimNumber;
  const epoch = epochsOf(o.config);
  const at = `evalAt(${JSON.stringify(o.config)}, ${epoch})`;
  return `/**
 * Claim ${n}: TODO what the lesson claims, in a sentence or two of our own words, and the check
 * that decides it (e.g. "… trains to 0.86: median epoch-${epoch} eval accuracy ≥ 0.85").
 *
 * Written by \`deno task new-claim\`: every TODO says what to fill in. The contract, the check
 * kinds and a worked example are in docs/writing-a-claim.md.
 *
 * @module
 */
import { z } from "zod";
import type { Claim } from "../mod.ts";
import { evalAt, LESSON_CONFIGS, lessonConfig, train } from "./_common.ts";

// TODO: the configs the claim trains, by name. An entry of LESSON_CONFIGS as it is shares its
// runs seed by seed with every claim that uses it; a changed field makes a new configuration:
// lessonConfig({ ...LESSON_CONFIGS.${o.config}, lr: 0.4 }).
const Config = z.object({ ${o.config}: lessonConfig(LESSON_CONFIGS.${o.config}) });
type Config = z.infer<typeof Config>;

/** Claim ${n}. */
export const claim: Claim<Config> = {
  id: ${JSON.stringify(o.id)},
  // TODO: the claim in one line, as its page and the index show it.
  title: "TODO: the claim in one line",
  // TODO: where in the lesson: notebook cell (experiment) and video chapter.
  source: "TODO: nb NN cell NN; video chapter MM:SS (chapter title)",
  // TODO: the lesson's own words, exactly (passages joined with " … ").
  quote: "TODO: the lesson's words",
  claimNumbers: [${n}],
  // TODO: the numbers the lesson reported, each with the subject (config, metric, epoch) it is a
  // value of (null: context only).
  lesson: [
    { claim: ${n}, label: "TODO: nb NN cell NN", value: 0.85, subject: ${at} },
  ],
  config: Config,
  subjects: (c) => ({ ${o.config}: train("TODO: a label for the config", c.${o.config}) }),
  // TODO: the checks, fixed in advance from the lesson (docs/verdicts.md), never loosened after a
  // run. This one: the median eval accuracy after epoch ${epoch} reaches a threshold set about a
  // point below the lesson's number.
  checks: [{
    id: "${n}-threshold",
    claim: ${n},
    kind: "threshold",
    subject: ${at},
    direction: ">=",
    threshold: 0.84,
  }],
  // TODO: the number the claim is tracked by in history and the CI gate, and how far it may move
  // in its worse direction before the gate fails (say why in a comment: the lesson's re-runs).
  headline: {
    label: "epoch-${epoch} eval accuracy",
    subject: ${at},
    better: "higher",
    tolerance: 0.01,
  },
};
`;
}

/** The generated test's helpers: synthetic runs for every config, and a subject's problem. */
const TEST_HELPERS = `/** All epochs of training config \`name\` (a continuation's included). */
function epochsOf(name: string): number {
  const s = subjects[name];
  if (s?.kind !== "train") throw new RangeError(\`"\${name}" is not a training config\`);
  return s.config.epochs + (s.config.continueWith?.epochs ?? 0);
}

/** A trained run of \`seed\`: eval and train accuracy \`acc\` after each of \`epochs\`. */
function run(seed: number, acc: number, epochs: number): TrainRun {
  return TrainRunSchema.parse({
    seed,
    epochs: Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      trainLoss: 0.4,
      trainAccuracy: acc,
      validLoss: 0.4,
      validAccuracy: acc,
      seconds: 1,
    })),
    batchLosses: [0.4],
    diverged: false,
    finalValidAccuracy: acc,
    lsuv: null,
    activationStats: null,
    hyper: { lr: [0.2], beta1: [0.9] },
    seconds: 1,
  });
}

/** Seeds 1..values.length of every training config, seed s at values[s − 1]. */
function runsAt(values: readonly number[]): Record<string, SeedRun[]> {
  return Object.fromEntries(
    Object.keys(subjects).map((name) => [
      name,
      values.map((v, i) => ({ seed: i + 1, run: run(i + 1, v, epochsOf(name)) })),
    ]),
  );
}

/** Why \`s\` is not a subject of the claim (null: it is). */
function subjectProblem(s: Subject): string | null {
  const config = subjects[s.config];
  if (!config) return \`no config "\${s.config}"\`;
  if (config.kind !== "train") return null; // a probe's metrics are its own
  if (EPOCH_METRICS[s.metric]) {
    const epochs = epochsOf(s.config);
    return s.epoch !== undefined && s.epoch >= 1 && s.epoch <= epochs
      ? null
      : \`\${s.metric} at epoch \${s.epoch} (\${s.config} trains 1..\${epochs})\`;
  }
  if (RUN_METRICS[s.metric] || claim.metrics?.[s.metric]) return null;
  return \`unknown metric "\${s.metric}"\`;
}

`;

/** The test module's text (formatted as `deno fmt` writes it for the usual ids). */
export function testSource(o: SkeletonOptions): string {
  const stem = fileStem(o.id);
  const name = camel(o.id);
  return `/**
 * Tests of the claim module without training: its checks, lesson numbers and headline name
 * configs and metrics it has, and its checks give known answers on synthetic runs under the look
 * plan (\`judgeClaimOnRuns\`). Written by \`deno task new-claim\`.
 */
import assert from "node:assert/strict";
import { type Claim, type Subject, type TrainRun, TrainRunSchema } from "../mod.ts";
import { judgeClaimOnRuns, type SeedRun } from "../src/bench/judge_claim.ts";
import { EPOCH_METRICS, RUN_METRICS } from "../src/bench/metrics.ts";
import { subjectsOf } from "../src/verdict/check.ts";
import { lookPlan } from "../src/verdict/plan.ts";
import { claim as ${name} } from "./${stem}.ts";

const claim = ${name} as unknown as Claim;
const subjects = claim.subjects(claim.config.parse({}));
const PLAN = lookPlan();

${TEST_HELPERS}Deno.test("${o.id}: checks, lesson numbers and headline name configs and metrics it has", () => {
  assert.equal(claim.id, "${o.id}");
  const named = [
    ...claim.checks.flatMap((c) => subjectsOf(c)),
    ...claim.lesson.flatMap((l) => l.subject ? [l.subject] : []),
    claim.headline.subject,
  ];
  assert.deepEqual(named.map(subjectProblem).filter((p) => p !== null), []);
  for (const c of claim.checks) assert.ok(claim.claimNumbers.includes(c.claim), c.id);
  assert.ok(claim.headline.tolerance > 0);
});

// TODO: known answers for every check: runs that clearly pass, runs that clearly fail, and the
// edges (a diverged seed ranks lowest, a value exactly at the threshold supports it).
Deno.test("${o.id}: 6 seeds clearly above the threshold reproduce it; clearly below do not", () => {
  const above = judgeClaimOnRuns(claim, runsAt(Array(6).fill(0.9)), PLAN);
  assert.equal(above.verdict, "reproduced");
  assert.equal(above.lastLook, 6);
  const below = judgeClaimOnRuns(claim, runsAt(Array(6).fill(0.5)), PLAN);
  assert.equal(below.verdict, "not reproduced");
});
`;
}

const CONFIG_FILE = new URL("../../deno.json", import.meta.url);

/** `text` as `deno fmt` with the repository's settings writes a file of type `ext`. */
export async function denoFmt(text: string, ext: "ts" | "md"): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--config", decodeURIComponent(CONFIG_FILE.pathname), "--ext", ext, "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Whether `path` exists. */
async function exists(path: URL): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** One past the highest claim number of the claim modules in `dir` (1 when there are none). */
export async function nextClaimNumber(dir: URL): Promise<number> {
  let highest = 0;
  for (const f of await listClaimFiles(dir)) {
    let numbers: unknown;
    try {
      const mod = await import(new URL(f.path, "file://").href);
      numbers = mod.claim?.claimNumbers;
    } catch (err) {
      throw new UsageError(
        `cannot read the claim numbers of ${f.path} (${(err as Error).message.split("\n")[0]}); ` +
          "give the number with --claim N",
      );
    }
    if (Array.isArray(numbers)) highest = Math.max(highest, ...numbers.map(Number));
  }
  return highest + 1;
}

/** Writes the two files into `dir` (which must exist); returns their paths. */
export async function writeSkeleton(dir: URL, o: SkeletonOptions): Promise<[string, string]> {
  const problem = idProblem(o.id);
  if (problem) throw new UsageError(problem);
  const stem = fileStem(o.id);
  const module = new URL(`${stem}.ts`, dir);
  const test = new URL(`${stem}_test.ts`, dir);
  for (const f of [module, test]) {
    if (await exists(f)) {
      throw new UsageError(`${decodeURIComponent(f.pathname)} exists: "${o.id}" is taken`);
    }
  }
  // createNew: never overwrite a file that appeared in between.
  const [moduleText, testText] = await Promise.all([
    denoFmt(claimSource(o), "ts"),
    denoFmt(testSource(o), "ts"),
  ]);
  await Deno.writeTextFile(module, moduleText, { createNew: true });
  await Deno.writeTextFile(test, testText, { createNew: true });
  return [decodeURIComponent(module.pathname), decodeURIComponent(test.pathname)];
}

const Flags = z.object({
  config: z.enum(CONFIG_NAMES as [LessonConfigName, ...LessonConfigName[]]).default(
    DEFAULT_CONFIG,
  ),
  claim: z.coerce.number().int().min(1).optional(),
  dir: z.string().min(1).optional(),
  help: z.boolean().default(false),
});

async function main(args: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(args, {
    config: { type: "string" },
    claim: { type: "string" },
    dir: { type: "string" },
    help: { type: "boolean", short: "h" },
  }, Flags);
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? "give the new claim's id" : `unexpected ${positionals[1]}`,
    );
  }
  const id = positionals[0];
  const problem = idProblem(id);
  if (problem) throw new UsageError(problem);
  const dir = flags.dir === undefined
    ? new URL("../../benches/", import.meta.url)
    // A task runs in the repository root; INIT_CWD is where it was started.
    : pathToFileURL(`${resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), flags.dir)}/`);
  let isDir = false;
  try {
    isDir = (await Deno.stat(dir)).isDirectory;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (!isDir) {
    throw new UsageError(`--dir: ${decodeURIComponent(dir.pathname).slice(0, -1)} is no directory`);
  }
  const taken = (await listClaimFiles(dir)).find((f) => f.id === id);
  if (taken) throw new UsageError(`${taken.path} exists: "${id}" is taken`);
  const claimNumber = flags.claim ?? await nextClaimNumber(dir);
  const [module, test] = await writeSkeleton(dir, { id, claimNumber, config: flags.config });
  console.log(
    `wrote ${module}\n  and ${test}\n` +
      `claim ${claimNumber}, training ${flags.config}; next: fill in the TODOs ` +
      `(docs/writing-a-claim.md), then\n` +
      `  deno test -A ${test}\n` +
      `  deno task bench --only ${id} --seeds 1\n` +
      `  deno task claims-doc    (adds it to docs/claims.md; write its statement there)`,
  );
  return 0;
}

if (import.meta.main) await runMain("claimbench new-claim", USAGE, main);
