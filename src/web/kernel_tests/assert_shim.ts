/**
 * `node:assert/strict` for the browser kernel test page (the bundle aliases the specifier here):
 * the subset the tests use, with Node's strict semantics. `equal` is `Object.is`; `deepEqual`
 * is `deepStrictEqual`: same prototypes, own enumerable keys, typed arrays and buffers compared
 * byte for byte (so NaN equals the same NaN and 0 differs from -0, as in Node's strict mode).
 *
 * @module
 */

/** Thrown by every failed assertion (the tests also construct it directly). */
export class AssertionError extends Error {
  actual: unknown;
  expected: unknown;
  operator: string | undefined;
  generatedMessage: boolean;
  code = "ERR_ASSERTION";

  constructor(
    options: { message?: string; actual?: unknown; expected?: unknown; operator?: string },
  ) {
    super(
      options.message ?? `${show(options.actual)} ${options.operator} ${show(options.expected)}`,
    );
    this.name = "AssertionError";
    this.actual = options.actual;
    this.expected = options.expected;
    this.operator = options.operator;
    this.generatedMessage = options.message === undefined;
  }
}

type Message = string | Error | undefined;

function fail_(message: Message, generated: string, extra: Partial<AssertionError> = {}): never {
  if (message instanceof Error) throw message;
  const err = new AssertionError({
    message: message === undefined ? generated : `${message}\n${generated}`,
    actual: extra.actual,
    expected: extra.expected,
    operator: extra.operator,
  });
  err.generatedMessage = message === undefined;
  throw err;
}

/** A short printable form of a value (typed arrays: type, length and the first elements). */
function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object" || v === null) return String(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number>;
    const head = Array.from({ length: Math.min(a.length, 8) }, (_, i) => show(a[i]));
    return `${v.constructor.name}(${a.length}) [${head.join(", ")}${a.length > 8 ? ", …" : ""}]`;
  }
  try {
    const s = JSON.stringify(v);
    return s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function bytesOf(v: ArrayBufferView | ArrayBuffer): Uint8Array {
  return v instanceof ArrayBuffer
    ? new Uint8Array(v)
    : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * The first difference between `a` and `b` under deep strict equality as a path and the two
 * values there, or null when they are equal.
 */
export function deepDifference(
  a: unknown,
  b: unknown,
  path = "",
  seen: Map<object, object> = new Map(),
): string | null {
  if (Object.is(a, b)) return null;
  const here = path === "" ? "value" : path;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return `${here}: ${show(a)} !== ${show(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return `${here}: prototypes differ (${a.constructor?.name} vs ${b.constructor?.name})`;
  }
  if (seen.get(a) === b) return null;
  seen.set(a, b);
  const tag = Object.prototype.toString.call(a);
  if (tag !== Object.prototype.toString.call(b)) return `${here}: ${tag} vs another type`;
  if (a instanceof ArrayBuffer || (ArrayBuffer.isView(a) && ArrayBuffer.isView(b))) {
    const x = bytesOf(a as ArrayBuffer), y = bytesOf(b as ArrayBuffer);
    const la = (a as { length?: number }).length, lb = (b as { length?: number }).length;
    if (x.length !== y.length) return `${here}: length ${la ?? x.length} vs ${lb ?? y.length}`;
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) {
        if (ArrayBuffer.isView(a) && !(a instanceof DataView)) {
          const size = (a as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
          const k = Math.floor(i / size);
          const ea = (a as unknown as ArrayLike<number>)[k];
          const eb = (b as unknown as ArrayLike<number>)[k];
          return `${here}[${k}]: ${show(ea)} vs ${show(eb)} (bytes differ)`;
        }
        return `${here}: byte ${i}: ${x[i]} vs ${y[i]}`;
      }
    }
  } else if (a instanceof Date) {
    if (a.getTime() !== (b as Date).getTime()) return `${here}: ${a} vs ${b}`;
  } else if (a instanceof RegExp) {
    if (String(a) !== String(b)) return `${here}: ${a} vs ${b}`;
  } else if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return `${here}: Map size ${a.size} vs ${m.size}`;
    for (const [k, v] of a) {
      if (!m.has(k)) return `${here}: key ${show(k)} missing`;
      const d = deepDifference(v, m.get(k), `${here}.get(${show(k)})`, seen);
      if (d) return d;
    }
  } else if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return `${here}: Set size ${a.size} vs ${s.size}`;
    for (const v of a) {
      if (!s.has(v) && ![...s].some((w) => deepDifference(v, w) === null)) {
        return `${here}: ${show(v)} missing`;
      }
    }
  } else if (Array.isArray(a) && a.length !== (b as unknown[]).length) {
    return `${here}: length ${a.length} vs ${(b as unknown[]).length}`;
  } else if (a instanceof Error) {
    if (a.message !== (b as Error).message) return `${here}.message differs`;
  }
  if (ArrayBuffer.isView(a) || a instanceof ArrayBuffer) return null;
  const ka = ownKeys(a), kb = ownKeys(b);
  if (ka.length !== kb.length) {
    return `${here}: keys [${ka.map(String)}] vs [${kb.map(String)}]`;
  }
  const rec = b as Record<PropertyKey, unknown>;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) {
      return `${here}: key ${String(k)} missing`;
    }
    const sub = Array.isArray(a) ? `${here}[${String(k)}]` : `${here}.${String(k)}`;
    const d = deepDifference((a as Record<PropertyKey, unknown>)[k], rec[k], sub, seen);
    if (d) return d;
  }
  return null;
}

function ownKeys(o: object): PropertyKey[] {
  return Reflect.ownKeys(o).filter((k) => Object.prototype.propertyIsEnumerable.call(o, k));
}

/** Fails unless `value` is truthy. */
export function ok(value: unknown, message?: Message): asserts value {
  if (!value) {
    fail_(message, `The expression evaluated to a falsy value: ${show(value)}`, {
      actual: value,
      expected: true,
      operator: "==",
    });
  }
}

/** `Object.is(actual, expected)`. */
export function strictEqual<T>(
  actual: unknown,
  expected: T,
  message?: Message,
): asserts actual is T {
  if (!Object.is(actual, expected)) {
    fail_(message, `Expected values to be strictly equal: ${show(actual)} !== ${show(expected)}`, {
      actual,
      expected,
      operator: "strictEqual",
    });
  }
}

/** `!Object.is(actual, expected)`. */
export function notStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (Object.is(actual, expected)) {
    fail_(message, `Expected "actual" to be strictly unequal to: ${show(expected)}`, {
      actual,
      expected,
      operator: "notStrictEqual",
    });
  }
}

/** Deep strict equality (see the module doc). */
export function deepStrictEqual<T>(
  actual: unknown,
  expected: T,
  message?: Message,
): asserts actual is T {
  const d = deepDifference(actual, expected);
  if (d !== null) {
    fail_(message, `Expected values to be strictly deep-equal: ${d}`, {
      actual,
      expected,
      operator: "deepStrictEqual",
    });
  }
}

/** The negation of {@link deepStrictEqual}. */
export function notDeepStrictEqual(actual: unknown, expected: unknown, message?: Message): void {
  if (deepDifference(actual, expected) === null) {
    fail_(message, `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`, {
      actual,
      expected,
      operator: "notDeepStrictEqual",
    });
  }
}

/** Always fails. */
export function fail(message: Message = "Failed"): never {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message, operator: "fail" });
}

/** `regexp` matches `string`. */
export function match(string: string, regexp: RegExp, message?: Message): void {
  if (typeof string !== "string" || !regexp.test(string)) {
    fail_(message, `The input did not match the regular expression ${regexp}: ${show(string)}`, {
      actual: string,
      expected: regexp,
      operator: "match",
    });
  }
}

/** `regexp` does not match `string`. */
export function doesNotMatch(string: string, regexp: RegExp, message?: Message): void {
  if (typeof string !== "string" || regexp.test(string)) {
    fail_(message, `The input was expected to not match ${regexp}: ${show(string)}`, {
      actual: string,
      expected: regexp,
      operator: "doesNotMatch",
    });
  }
}

type Expected =
  | RegExp
  | (new (...args: never[]) => unknown)
  | ((err: unknown) => boolean)
  | Record<string, unknown>
  | Error;

/** Checks a thrown value against `throws`/`rejects`'s `expected` (as Node does). */
function checkThrown(err: unknown, expected: Expected | undefined, message: Message, op: string) {
  if (expected === undefined) return;
  if (expected instanceof RegExp) {
    const text = String(err);
    if (!expected.test(text)) {
      fail_(message, `The error did not match ${expected}: ${show(text)}`, {
        actual: err,
        expected,
        operator: op,
      });
    }
    return;
  }
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && err instanceof (expected as new () => unknown)) return;
    if (expected === Error || Object.prototype.isPrototypeOf.call(Error, expected)) {
      fail_(message, `The error is not an instance of ${expected.name}: ${String(err)}`, {
        actual: err,
        expected,
        operator: op,
      });
    }
    if ((expected as (e: unknown) => boolean).call({}, err) !== true) {
      fail_(message, `The validation function did not return true for ${String(err)}`, {
        actual: err,
        expected,
        operator: op,
      });
    }
    return;
  }
  for (const key of Object.keys(expected)) {
    const want = (expected as Record<string, unknown>)[key];
    const got = (err as Record<string, unknown>)?.[key];
    if (want instanceof RegExp && typeof got === "string") {
      if (!want.test(got)) fail_(message, `error.${key} ${show(got)} does not match ${want}`);
    } else {
      const d = deepDifference(got, want, `error.${key}`);
      if (d) fail_(message, `The error differs: ${d}`, { actual: err, expected, operator: op });
    }
  }
}

/** `fn()` throws, matching `expected` when given. */
export function throws(fn: () => unknown, expected?: Expected | string, message?: Message): void {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  try {
    fn();
  } catch (err) {
    checkThrown(err, expected, message, "throws");
    return;
  }
  fail_(message, "Missing expected exception.", { operator: "throws", expected });
}

/** `fn()` does not throw. */
export function doesNotThrow(fn: () => unknown, message?: Message): void {
  try {
    fn();
  } catch (err) {
    fail_(message, `Got unwanted exception: ${String(err)}`, { actual: err });
  }
}

/** The promise (or `fn()`'s promise) rejects, matching `expected` when given. */
export async function rejects(
  promiseOrFn: Promise<unknown> | (() => Promise<unknown>),
  expected?: Expected | string,
  message?: Message,
): Promise<void> {
  if (typeof expected === "string") [message, expected] = [expected, undefined];
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    checkThrown(err, expected, message, "rejects");
    return;
  }
  fail_(message, "Missing expected rejection.", { operator: "rejects", expected });
}

/** The promise (or `fn()`'s promise) resolves. */
export async function doesNotReject(
  promiseOrFn: Promise<unknown> | (() => Promise<unknown>),
  message?: Message,
): Promise<void> {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (err) {
    fail_(message, `Got unwanted rejection: ${String(err)}`, { actual: err });
  }
}

/** Fails when `value` is neither null nor undefined (throws it if it is an Error). */
export function ifError(value: unknown): void {
  if (value === null || value === undefined) return;
  if (value instanceof Error) throw value;
  fail_(undefined, `ifError got unwanted value: ${show(value)}`, { actual: value });
}

/** `node:assert/strict`'s default export: `assert(value)` plus every method above. */
const assert = Object.assign(
  function assert(value: unknown, message?: Message): asserts value {
    ok(value, message);
  },
  {
    AssertionError,
    ok,
    equal: strictEqual,
    strictEqual,
    notEqual: notStrictEqual,
    notStrictEqual,
    deepEqual: deepStrictEqual,
    deepStrictEqual,
    notDeepEqual: notDeepStrictEqual,
    notDeepStrictEqual,
    fail,
    match,
    doesNotMatch,
    throws,
    doesNotThrow,
    rejects,
    doesNotReject,
    ifError,
  },
);
(assert as unknown as { strict: unknown }).strict = assert;

export {
  deepStrictEqual as deepEqual,
  notDeepStrictEqual as notDeepEqual,
  notStrictEqual as notEqual,
  strictEqual as equal,
};
export { assert as strict };
export default assert;
