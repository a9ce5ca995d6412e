/**
 * The part of `Deno` the kernel tests touch, for running the same test files in a browser page:
 * `Deno.test` (every overload, `ignore`/`only`, `t.step` sub-tests) registers into
 * {@link registered} instead of running; `Deno.env.get` answers only CLAIMBENCH_REQUIRE_GPU="1"
 * (a page without an adapter fails rather than skips); `Deno.build.os` is "browser" so device
 * acquisition leaves the driver environment alone. Must be evaluated before any test module: the
 * generated bundle entry imports it first (see `build.ts`).
 *
 * @module
 */

/** A test's body: `t` offers `step` (sub-tests run in order, inside the parent). */
export type TestFn = (t: TestContext) => void | Promise<void>;

/** What a test body gets as `t`. */
export interface TestContext {
  name: string;
  origin: string;
  step(nameOrDef: string | StepDef | TestFn, fn?: TestFn): Promise<boolean>;
}

/** A sub-test definition as `t.step` accepts it. */
export interface StepDef {
  name?: string;
  fn: TestFn;
  ignore?: boolean;
}

/** One registered test. */
export interface RegisteredTest {
  name: string;
  /** The test file that registered it (repo-relative), as the bundle entry announced it. */
  file: string;
  fn: TestFn;
  ignore: boolean;
  only: boolean;
}

/** The outcome of one sub-test. */
export interface StepResult {
  name: string;
  status: "passed" | "failed" | "ignored";
  ms: number;
  message?: string;
}

/** Every test registered so far, in registration order. */
export const registered: RegisteredTest[] = [];

let currentFile = "";

/** Tests registered from now on belong to `file` (called by the bundle entry's markers). */
export function setCurrentFile(file: string): void {
  currentFile = file;
}

type TestDef = {
  name?: string;
  fn?: TestFn;
  ignore?: boolean;
  only?: boolean;
  [other: string]: unknown;
};

/** Normalises Deno.test's overloads: (name, fn), (fn), (def), (name, opts, fn), (opts, fn). */
function normalise(a: unknown, b?: unknown, c?: unknown): TestDef {
  if (typeof a === "string") {
    if (typeof b === "function") return { name: a, fn: b as TestFn };
    return { ...(b as TestDef), name: a, fn: c as TestFn };
  }
  if (typeof a === "function") return { name: a.name, fn: a as TestFn };
  const def = a as TestDef;
  if (typeof b === "function") return { ...def, name: def.name ?? b.name, fn: b as TestFn };
  return def;
}

function register(def: TestDef, extra: Partial<TestDef> = {}): void {
  const d = { ...def, ...extra };
  if (typeof d.fn !== "function") throw new TypeError(`Deno.test "${d.name}": missing fn`);
  if (!d.name) throw new TypeError("Deno.test: the test needs a name");
  registered.push({
    name: d.name,
    file: currentFile,
    fn: d.fn,
    ignore: d.ignore === true,
    only: d.only === true,
  });
}

/**
 * Runs `fn` as the body of `name`, with a `t` whose steps are recorded into `steps`; a failed
 * step fails the parent after the body finishes (as in Deno).
 */
export async function runBody(name: string, fn: TestFn, steps: StepResult[]): Promise<void> {
  let failedSteps = 0;
  const t: TestContext = {
    name,
    origin: "browser",
    async step(nameOrDef, maybeFn) {
      let def: StepDef;
      if (typeof nameOrDef === "string") def = { name: nameOrDef, fn: maybeFn! };
      else if (typeof nameOrDef === "function") def = { name: nameOrDef.name, fn: nameOrDef };
      else def = nameOrDef;
      const stepName = def.name ?? "(unnamed step)";
      if (def.ignore) {
        steps.push({ name: stepName, status: "ignored", ms: 0 });
        return false;
      }
      const start = performance.now();
      const inner: StepResult[] = [];
      try {
        await runBody(`${name} ... ${stepName}`, def.fn, inner);
        steps.push({ name: stepName, status: "passed", ms: performance.now() - start });
        steps.push(...inner.map((s) => ({ ...s, name: `${stepName} ... ${s.name}` })));
        return true;
      } catch (err) {
        failedSteps++;
        steps.push({
          name: stepName,
          status: "failed",
          ms: performance.now() - start,
          message: describeError(err),
        });
        steps.push(...inner.map((s) => ({ ...s, name: `${stepName} ... ${s.name}` })));
        return false;
      }
    },
  };
  await fn(t);
  if (failedSteps > 0) throw new Error(`${failedSteps} step(s) of "${name}" failed`);
}

/** An error as one readable string: message (with the stack's first frames when there is one). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const stack = err.stack ?? "";
    const head = `${err.name}: ${err.message}`;
    return stack.includes(err.message) ? stack.split("\n").slice(0, 6).join("\n") : head;
  }
  return String(err);
}

const env = new Map<string, string>([["CLAIMBENCH_REQUIRE_GPU", "1"]]);

function test(a: unknown, b?: unknown, c?: unknown): void {
  register(normalise(a, b, c));
}
test.ignore = (a: unknown, b?: unknown, c?: unknown) =>
  register(normalise(a, b, c), { ignore: true });
test.only = (a: unknown, b?: unknown, c?: unknown) => register(normalise(a, b, c), { only: true });

const unsupported = (what: string) => () => {
  throw new Error(`Deno.${what} is not available in the browser kernel test page`);
};

/** The shim object installed as `globalThis.Deno`. */
export const denoShim = {
  test,
  bench: () => {},
  env: {
    get: (key: string) => env.get(key),
    set: (key: string, value: string) => void env.set(key, value),
    delete: (key: string) => void env.delete(key),
    has: (key: string) => env.has(key),
    toObject: () => Object.fromEntries(env),
  },
  build: { os: "browser", arch: "unknown", target: "browser" },
  version: { deno: "browser-shim", v8: "", typescript: "" },
  args: [] as string[],
  noColor: true,
  uid: () => null,
  cwd: unsupported("cwd"),
  readFile: unsupported("readFile"),
  readTextFile: unsupported("readTextFile"),
  writeFile: unsupported("writeFile"),
  writeTextFile: unsupported("writeTextFile"),
  makeTempDir: unsupported("makeTempDir"),
  mkdirSync: unsupported("mkdirSync"),
  chmodSync: unsupported("chmodSync"),
  exit: unsupported("exit"),
};

const g = globalThis as unknown as { Deno?: unknown };
if (g.Deno === undefined) g.Deno = denoShim;
