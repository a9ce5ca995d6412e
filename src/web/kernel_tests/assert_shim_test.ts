import * as node from "node:assert/strict";
import * as shim from "./assert_shim.ts";

type Case = [string, unknown, unknown];

const nan2 = new Float32Array(new Uint32Array([0x7fc00001]).buffer)[0];
const CASES: Case[] = [
  ["equal numbers", 1, 1],
  ["NaN", NaN, NaN],
  ["0 vs -0", 0, -0],
  ["arrays", [1, 2, [3]], [1, 2, [3]]],
  ["array lengths", [1, 2], [1, 2, 3]],
  ["array vs object", [1], { 0: 1 }],
  ["objects", { a: 1, b: [2] }, { b: [2], a: 1 }],
  ["object key missing", { a: 1 }, { b: 1 }],
  ["undefined key", { a: undefined }, {}],
  ["typed arrays", new Float32Array([1, NaN]), new Float32Array([1, NaN])],
  ["typed array -0", new Float32Array([0]), new Float32Array([-0])],
  ["typed array types", new Float32Array([1]), new Float64Array([1])],
  ["typed array values", new Uint32Array([1, 2]), new Uint32Array([1, 3])],
  ["typed array lengths", new Uint8Array(2), new Uint8Array(3)],
  ["subarray", new Float32Array([5, 1, 2]).subarray(1), new Float32Array([1, 2])],
  ["number vs string", 1, "1"],
  ["nested typed", { x: new Int32Array([1]) }, { x: new Int32Array([1]) }],
  ["maps", new Map([[1, "a"]]), new Map([[1, "a"]])],
  ["sets", new Set([1, 2]), new Set([2, 1])],
  ["NaN payload", nan2, NaN],
];

Deno.test("assert shim: deepStrictEqual and strictEqual agree with node:assert/strict", () => {
  for (const [what, a, b] of CASES) {
    for (const op of ["deepStrictEqual", "strictEqual", "notDeepStrictEqual"] as const) {
      let want = true, got = true;
      try {
        node[op](a, b);
      } catch {
        want = false;
      }
      try {
        shim[op](a, b);
      } catch (err) {
        if (!(err instanceof shim.AssertionError)) throw err;
        got = false;
      }
      node.equal(got, want, `${op}: ${what}`);
    }
  }
});

Deno.test("assert shim: throws/rejects match messages, classes and validators; messages", async () => {
  const boom = () => {
    throw new RangeError("row 4, expected [0, 4)");
  };
  shim.throws(boom, /row 4, expected .*\[0, 4\)/);
  shim.throws(boom, RangeError);
  shim.throws(boom, { name: "RangeError", message: /row 4/ });
  node.throws(() => shim.throws(boom, /row 5/), shim.AssertionError);
  node.throws(() => shim.throws(boom, TypeError), shim.AssertionError);
  node.throws(() => shim.throws(() => {}), /Missing expected exception/);
  await shim.rejects(() => Promise.reject(new Error("fanIn = 1")), /fanIn = 1/);
  await shim.rejects(Promise.reject(new Error("quads must be 1")), /quads/);
  await node.rejects(shim.rejects(Promise.resolve(1)), /Missing expected rejection/);
  node.throws(() => shim.default.fail("nope"), /nope/);
  node.throws(() => shim.default(0, "falsy"), /falsy/);
  node.throws(() => shim.default.equal(1, 2, "my message"), /my message/);
  node.throws(
    () => shim.default.deepEqual(new Float32Array([1, 2]), new Float32Array([1, 3])),
    /value\[1\]: 2 vs 3/,
  );
  shim.default.match("abc", /b/);
  node.throws(() => shim.default.match("abc", /d/), shim.AssertionError);
  shim.default.notEqual(1, 2);
  shim.ok(true);
});
