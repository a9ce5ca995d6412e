import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

const TWO_POW_32 = 4294967296;

function take(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

function stdOf(xs: ArrayLike<number>): number {
  const m = meanOf(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Asserts |actual - expected| <= tol, with a readable message. */
function assertNear(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} ± ${tol}`,
  );
}

function assertIsPermutation(p: Uint32Array, n: number): void {
  assert.equal(p.length, n);
  const seen = new Uint8Array(n);
  for (const v of p) {
    assert.ok(v < n, `value ${v} out of range for n=${n}`);
    assert.equal(seen[v], 0, `value ${v} appears twice for n=${n}`);
    seen[v] = 1;
  }
}

// Expected values come from the reference C implementation of xoshiro128** (Blackman & Vigna,
// prng.di.unimi.it/xoshiro128starstar.c), compiled with gcc and run from these exact states.
Deno.test("known answers: xoshiro128** from state {1, 2, 3, 4}", () => {
  const rng = Rng.fromState([1, 2, 3, 4]);
  assert.deepEqual(take(10, () => rng.nextU32()), [
    11520,
    0,
    5927040,
    70819200,
    2031721883,
    1637235492,
    1287239034,
    3734860849,
    3729100597,
    4258142804,
  ]);
});

Deno.test("known answers: xoshiro128** from a state with high bits set", () => {
  const rng = Rng.fromState([0xdeadbeef, 0x01234567, 0x89abcdef, 0xcafebabe]);
  assert.deepEqual(take(10, () => rng.nextU32()), [
    2576977298,
    1162350735,
    608706887,
    3804210698,
    1709177330,
    2976567100,
    258929230,
    4106530232,
    4290431268,
    4253492277,
  ]);
});

Deno.test("seed getter: constructor seed, NaN for fromState", () => {
  assert.equal(new Rng(42).seed, 42);
  assert.equal(new Rng(0).seed, 0);
  assert.equal(new Rng(Number.MAX_SAFE_INTEGER).seed, Number.MAX_SAFE_INTEGER);
  assert.ok(Number.isNaN(Rng.fromState([1, 2, 3, 4]).seed));
});

Deno.test("determinism: same seed gives identical sequences", () => {
  const a = new Rng(12345);
  const b = new Rng(12345);
  assert.deepEqual(take(100, () => a.nextU32()), take(100, () => b.nextU32()));
  assert.deepEqual(take(100, () => a.uniform()), take(100, () => b.uniform()));
  assert.deepEqual(take(101, () => a.normal()), take(101, () => b.normal()));
  assert.deepEqual(take(100, () => a.int(1000)), take(100, () => b.int(1000)));
  assert.deepEqual(a.permutation(500), b.permutation(500));
  // Still in lockstep after all of the above.
  assert.equal(a.nextU32(), b.nextU32());
});

Deno.test("determinism: mixed call order is reproducible (normal's cached value included)", () => {
  const run = (rng: Rng) => [rng.normal(), rng.uniform(), rng.normal(), rng.int(7), rng.normal()];
  assert.deepEqual(run(new Rng(9)), run(new Rng(9)));
});

Deno.test("determinism: fillNormal consumes the same stream as repeated normal()", () => {
  const a = new Rng(77);
  const b = new Rng(77);
  a.normal(); // leave a cached second value in both, so fillNormal must start from it
  b.normal();
  const filled = a.fillNormal(new Float64Array(11), 2, 3);
  assert.deepEqual(Array.from(filled), take(11, () => b.normal(2, 3)));
});

Deno.test("different seeds give different streams, including seeds 2^32 apart", () => {
  const streams = [0, 1, 2, TWO_POW_32, TWO_POW_32 + 1, Number.MAX_SAFE_INTEGER].map((seed) => {
    const rng = new Rng(seed);
    return take(8, () => rng.nextU32()).join(",");
  });
  assert.equal(new Set(streams).size, streams.length, `collision among ${streams.join(" | ")}`);
  // Seeds differing only in the high half must differ from the very first output.
  assert.notEqual(new Rng(1).nextU32(), new Rng(TWO_POW_32 + 1).nextU32());
  // Adjacent seeds should share about half their bits, not be near-copies.
  let bitsDiffer = 0;
  const a = new Rng(1000);
  const b = new Rng(1001);
  for (let i = 0; i < 1000; i++) {
    let x = (a.nextU32() ^ b.nextU32()) >>> 0;
    for (; x; x &= x - 1) bitsDiffer++;
  }
  // 32000 fair coin flips: mean 16000, sd ~89; ±1000 is over 11 sd.
  assertNear(bitsDiffer, 16000, 1000, "differing bits between seeds 1000 and 1001");
});

Deno.test("derive: deterministic, independent of parent position, does not advance parent", () => {
  const parent = new Rng(42);
  const before = parent.derive("shuffle", 3);
  const control = new Rng(42);
  assert.equal(parent.nextU32(), control.nextU32(), "derive advanced the parent");
  for (let i = 0; i < 1000; i++) parent.nextU32();
  parent.normal(); // leaves a cached normal in the parent
  const after = parent.derive("shuffle", 3);
  const fresh = new Rng(42).derive("shuffle", 3);
  const expected = take(20, () => fresh.nextU32());
  assert.deepEqual(take(20, () => before.nextU32()), expected);
  assert.deepEqual(take(20, () => after.nextU32()), expected);
  // The child stream is not the parent's stream.
  const p = new Rng(42);
  const c = new Rng(42).derive("shuffle", 3);
  assert.notDeepEqual(take(20, () => p.nextU32()), take(20, () => c.nextU32()));
});

Deno.test("derive: different keys and seeds give different streams", () => {
  const rng = new Rng(42);
  const children: [string, Rng][] = [
    ["()", rng.derive()],
    ['("a", 1)', rng.derive("a", 1)],
    ['("a1")', rng.derive("a1")],
    ['(1, "a")', rng.derive(1, "a")],
    ['("a", "1")', rng.derive("a", "1")],
    ['("a")', rng.derive("a")],
    ['("", "a")', rng.derive("", "a")],
    ['("a", "")', rng.derive("a", "")],
    ['("ab")', rng.derive("ab")],
    ['("a", "b")', rng.derive("a", "b")],
    ['("shuffle", 0)', rng.derive("shuffle", 0)],
    ['("shuffle", 1)', rng.derive("shuffle", 1)],
    ['("init")', rng.derive("init")],
    ['("a") of seed 43', new Rng(43).derive("a")],
    ['("a", 1) then derive("x")', rng.derive("a", 1).derive("x")],
  ];
  const seeds = new Map<number, string>();
  for (const [name, child] of children) {
    assert.ok(Number.isSafeInteger(child.seed) && child.seed >= 0, `${name}: seed ${child.seed}`);
    const clash = seeds.get(child.seed);
    assert.equal(clash, undefined, `${name} and ${clash} derived the same seed`);
    seeds.set(child.seed, name);
  }
  // A derived child is an ordinary seeded generator.
  const child = rng.derive("a", 1);
  const again = new Rng(child.seed);
  assert.deepEqual(take(10, () => child.nextU32()), take(10, () => again.nextU32()));
  // -0 and 0 are the same number key.
  assert.equal(rng.derive(-0).seed, rng.derive(0).seed);
});

Deno.test("derive: many epoch keys give distinct, well-spread seeds", () => {
  const rng = new Rng(7);
  const seeds = new Set<number>();
  let highHalfSum = 0;
  const n = 10000;
  for (let epoch = 0; epoch < n; epoch++) {
    const s = rng.derive("shuffle", epoch).seed;
    seeds.add(s);
    highHalfSum += Math.floor(s / TWO_POW_32);
  }
  assert.equal(seeds.size, n);
  // The top 21 bits should be uniform on [0, 2^21): mean 2^20, sd of mean ~ 2^21/sqrt(12n) ~ 6054.
  assertNear(highHalfSum / n, 2 ** 20, 5 * 6054, "mean of derived seeds' high 21 bits");
});

Deno.test("derive: works for fromState generators, keyed on the initial state", () => {
  const a = Rng.fromState([1, 2, 3, 4]);
  const d1 = a.derive("x");
  a.nextU32();
  assert.equal(a.derive("x").seed, d1.seed);
  assert.notEqual(Rng.fromState([1, 2, 3, 5]).derive("x").seed, d1.seed);
});

// Statistical checks: n = 200k draws; each tolerance is >= 5 standard errors, so a correct
// generator fails with probability well under 1e-5 per check (and the seeds are fixed anyway).
const N = 200_000;

Deno.test("uniform(): in [0, 1), mean and variance of U(0,1), all 53 bits random", () => {
  const rng = new Rng(2024);
  const xs = new Float64Array(N);
  let lowBitSet = 0;
  for (let i = 0; i < N; i++) {
    const u = rng.uniform();
    assert.ok(u >= 0 && u < 1, `uniform() out of range: ${u}`);
    xs[i] = u;
    // u * 2^53 is an integer; its lowest bit should be a fair coin if all 53 bits are used.
    if ((u * 2 ** 53) % 2 === 1) lowBitSet++;
  }
  // Mean of U(0,1): 1/2, sd of the sample mean sqrt(1/12/n) ~ 6.5e-4.
  assertNear(meanOf(xs), 0.5, 5 * Math.sqrt(1 / 12 / N), "uniform mean");
  // Var of U(0,1) is 1/12; the sample variance has sd sqrt((1/80 - 1/144)/n) ~ 1.7e-4.
  assertNear(stdOf(xs) ** 2, 1 / 12, 5 * Math.sqrt((1 / 80 - 1 / 144) / N), "uniform variance");
  // Bernoulli(1/2) count: sd sqrt(n)/2 ~ 224.
  assertNear(lowBitSet, N / 2, 5 * Math.sqrt(N) / 2, "count of odd 53-bit mantissas");
});

Deno.test("uniform(lo, hi): in [lo, hi) with the right mean", () => {
  const rng = new Rng(5);
  const lo = -3;
  const hi = 7;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const x = rng.uniform(lo, hi);
    assert.ok(x >= lo && x < hi, `uniform(${lo}, ${hi}) out of range: ${x}`);
    sum += x;
  }
  // sd of the sample mean: (hi - lo) * sqrt(1/12/n).
  assertNear(sum / N, (lo + hi) / 2, 5 * (hi - lo) * Math.sqrt(1 / 12 / N), "uniform(lo,hi) mean");
  // Default arguments are the same stream as explicit (0, 1).
  const a = new Rng(8);
  const b = new Rng(8);
  assert.deepEqual(take(10, () => a.uniform()), take(10, () => b.uniform(0, 1)));
});

Deno.test("normal(): mean 0, std 1, Gaussian shape", () => {
  const rng = new Rng(31337);
  const xs = new Float64Array(N);
  let within1 = 0;
  for (let i = 0; i < N; i++) {
    const z = rng.normal();
    assert.ok(Number.isFinite(z), `normal() not finite: ${z}`);
    xs[i] = z;
    if (Math.abs(z) < 1) within1++;
  }
  // sd of the sample mean is 1/sqrt(n) ~ 2.2e-3.
  assertNear(meanOf(xs), 0, 5 / Math.sqrt(N), "normal mean");
  // sd of the sample std is ~1/sqrt(2n) ~ 1.6e-3; 0.01 is over 6 sd.
  assertNear(stdOf(xs), 1, 0.01, "normal std");
  // P(|Z| < 1) = 0.682689; Bernoulli sd sqrt(p(1-p)/n) ~ 1.04e-3. Catches non-Gaussian shapes
  // with the right first two moments (e.g. a scaled uniform gives 0.577).
  const p = 0.682689492;
  assertNear(within1 / N, p, 5 * Math.sqrt(p * (1 - p) / N), "P(|Z| < 1)");
});

Deno.test("normal(mean, std): shifts and scales", () => {
  const rng = new Rng(4);
  const xs = take(N, () => rng.normal(10, 0.5));
  assertNear(meanOf(xs), 10, 5 * 0.5 / Math.sqrt(N), "normal(10, 0.5) mean");
  assertNear(stdOf(xs), 0.5, 0.005, "normal(10, 0.5) std");
  assert.equal(new Rng(1).normal(3, 0), 3);
});

Deno.test("int(10): chi-square uniformity over buckets", () => {
  const rng = new Rng(99);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < N; i++) {
    const k = rng.int(10);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 10, `int(10) gave ${k}`);
    counts[k]++;
  }
  const expected = N / 10;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  // 9 degrees of freedom: mean 9, sd ~4.2; P(chi2 > 40) ~ 7e-6.
  assert.ok(chi2 < 40, `chi-square ${chi2} too large, counts ${counts}`);
});

Deno.test("int(n): unbiased where plain modulo would be biased; edge sizes", () => {
  // For n = 3 * 2^30, `nextU32() % n` would put half the mass below 2^30 instead of a third.
  const rng = new Rng(123);
  const n = 3 * 2 ** 30;
  const draws = 100_000;
  let low = 0;
  for (let i = 0; i < draws; i++) {
    const k = rng.int(n);
    assert.ok(k < n);
    if (k < 2 ** 30) low++;
  }
  // Bernoulli(1/3): sd sqrt(2/9/draws) ~ 1.5e-3.
  assertNear(low / draws, 1 / 3, 5 * Math.sqrt(2 / 9 / draws), "fraction of int(3*2^30) < 2^30");
  for (let i = 0; i < 100; i++) assert.equal(rng.int(1), 0);
  for (let i = 0; i < 1000; i++) {
    const big = rng.int(TWO_POW_32);
    assert.ok(Number.isInteger(big) && big >= 0 && big < TWO_POW_32);
    assert.ok(rng.int(TWO_POW_32 - 1) < TWO_POW_32 - 1);
    assert.ok(rng.int(2 ** 31 + 1) <= 2 ** 31);
  }
});

Deno.test("permutation(n): each index exactly once, deterministic per seed", () => {
  for (const n of [0, 1, 2, 7, 1000, 60000]) {
    const p = new Rng(n + 1).permutation(n);
    assertIsPermutation(p, n);
    assert.deepEqual(new Rng(n + 1).permutation(n), p, `permutation(${n}) not deterministic`);
  }
  const p = new Rng(42).permutation(1000);
  assert.ok(p.some((v, i) => v !== i), "permutation(1000) is the identity");
  assert.notDeepEqual(new Rng(43).permutation(1000), p);
  assert.notDeepEqual(new Rng(42).derive("shuffle", 1).permutation(1000), p);
});

Deno.test("permutation(3): all 6 orderings equally likely", () => {
  // Off-by-one Fisher–Yates variants (e.g. int(i) instead of int(i + 1)) miss orderings or skew
  // them; this catches both.
  const rng = new Rng(2718);
  const draws = 60_000;
  const counts = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const key = rng.permutation(3).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 6, `orderings seen: ${[...counts.keys()]}`);
  const expected = draws / 6;
  let chi2 = 0;
  for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
  // 5 degrees of freedom: mean 5, sd ~3.2; P(chi2 > 35) ~ 1.5e-6.
  assert.ok(chi2 < 35, `chi-square ${chi2} too large: ${[...counts.entries()]}`);
});

Deno.test("shuffle: in place, same elements, works on arrays and Uint32Array", () => {
  const words = ["a", "b", "c", "d", "e", "f", "g", "h"];
  const arr = [...words];
  const out = new Rng(3).shuffle(arr);
  assert.equal(out, arr, "shuffle must return its argument");
  assert.deepEqual([...arr].sort(), words);
  assert.deepEqual(new Rng(3).shuffle([...words]), arr, "shuffle not deterministic");
  assert.deepEqual(new Rng(3).shuffle([]), []);
  const u = Uint32Array.from({ length: 100 }, (_, i) => i);
  assert.equal(new Rng(3).shuffle(u), u);
  assertIsPermutation(u, 100);
  // permutation(n) is shuffle of the identity on the same stream.
  const id = Uint32Array.from({ length: 100 }, (_, i) => i);
  assert.deepEqual(new Rng(3).shuffle(id), new Rng(3).permutation(100));
});

Deno.test("bad inputs throw RangeError naming the value", () => {
  const bad: [() => unknown, RegExp][] = [
    [() => new Rng(-1), /seed.*-1/],
    [() => new Rng(NaN), /seed.*NaN/],
    [() => new Rng(1.5), /seed.*1\.5/],
    [() => new Rng(Infinity), /seed.*Infinity/],
    [() => new Rng(2 ** 53), /seed.*9007199254740992/],
    [() => new Rng(1).int(0), /int.*0/],
    [() => new Rng(1).int(-3), /int.*-3/],
    [() => new Rng(1).int(2.5), /int.*2\.5/],
    [() => new Rng(1).int(TWO_POW_32 + 1), /int.*4294967297/],
    [() => new Rng(1).uniform(1, 1), /lo=1, hi=1/],
    [() => new Rng(1).uniform(0, NaN), /hi.*NaN/],
    [() => new Rng(1).uniform(-Number.MAX_VALUE, Number.MAX_VALUE), /finite width/],
    [() => new Rng(1).normal(0, -1), /std.*-1/],
    [() => new Rng(1).normal(NaN), /mean.*NaN/],
    [() => new Rng(1).permutation(-1), /permutation.*-1/],
    [() => new Rng(1).permutation(0.5), /permutation.*0\.5/],
    [() => new Rng(1).derive("x", NaN), /derive key.*NaN/],
    [() => new Rng(1).fillUniform(new Float32Array(2), 2, 1), /lo=2, hi=1/],
    [() => new Rng(1).fillNormal(new Float32Array(2), 0, -2), /std.*-2/],
    [() => Rng.fromState([0, 0, 0, 0]), /all zero/],
    [() => Rng.fromState([1, 2, 3, TWO_POW_32]), /uint32.*4294967296/],
    [() => Rng.fromState([1, 2, -3, 4]), /uint32.*-3/],
  ];
  for (const [f, message] of bad) {
    assert.throws(f, (e: unknown) => {
      assert.ok(e instanceof RangeError, `expected RangeError, got ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("fillUniform: fills every element within [lo, hi), Float32Array and Float64Array", () => {
  for (const make of [(n: number) => new Float32Array(n), (n: number) => new Float64Array(n)]) {
    const out = make(N).fill(NaN);
    const lo = -0.25;
    const hi = 0.75;
    const ret = new Rng(11).fillUniform(out, lo, hi);
    assert.equal(ret, out, "fillUniform must return its argument");
    for (let i = 0; i < out.length; i++) {
      assert.ok(out[i] >= lo && out[i] < hi, `element ${i} = ${out[i]} outside [${lo}, ${hi})`);
    }
    assertNear(meanOf(out), (lo + hi) / 2, 5 * (hi - lo) * Math.sqrt(1 / 12 / N), "fill mean");
    // Default bounds are [0, 1), after float32 rounding too.
    const unit = new Rng(12).fillUniform(make(N).fill(NaN));
    assert.ok(unit.every((x) => x >= 0 && x < 1), "fillUniform default bounds");
  }
  assert.equal(new Rng(1).fillUniform(new Float32Array(0)).length, 0);
});

Deno.test("fillUniform on Float32Array: narrow intervals respect float32 rounding", () => {
  // [fround(0.1), fround(0.1) + 1e-12) holds exactly one float32; every draw rounds to it.
  const f = Math.fround(0.1);
  const out = new Rng(1).fillUniform(new Float32Array(100).fill(NaN), f, f + 1e-12);
  assert.ok(out.every((x) => x === f));
  // [0.1, 0.1 + 1e-12) holds no float32 at all: throw instead of looping forever.
  assert.throws(
    () => new Rng(1).fillUniform(new Float32Array(1), 0.1, 0.1 + 1e-12),
    (e: unknown) => e instanceof RangeError && /no float32/.test(e.message),
  );
  // Float64Array has no such problem with the same bounds.
  const out64 = new Rng(1).fillUniform(new Float64Array(100).fill(NaN), 0.1, 0.1 + 1e-12);
  assert.ok(out64.every((x) => x >= 0.1 && x < 0.1 + 1e-12));
});

Deno.test("fillNormal: fills every element with the requested mean and std", () => {
  for (const make of [(n: number) => new Float32Array(n), (n: number) => new Float64Array(n)]) {
    // Odd length so the cached Box–Muller value is exercised across the end.
    const n = N + 1;
    const out = make(n).fill(NaN);
    const ret = new Rng(13).fillNormal(out, -2, 0.1);
    assert.equal(ret, out, "fillNormal must return its argument");
    assert.ok(out.every(Number.isFinite), "fillNormal left a non-finite element");
    assertNear(meanOf(out), -2, 5 * 0.1 / Math.sqrt(n), "fillNormal mean");
    assertNear(stdOf(out), 0.1, 0.001, "fillNormal std");
    const std = new Rng(14).fillNormal(make(n).fill(NaN));
    assertNear(meanOf(std), 0, 5 / Math.sqrt(n), "fillNormal default mean");
    assertNear(stdOf(std), 1, 0.01, "fillNormal default std");
  }
});
