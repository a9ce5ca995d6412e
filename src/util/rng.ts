/**
 * The project's one seeded pseudo-random number generator.
 *
 * Every random draw in claimbench (data shuffles, weight init, synthetic inputs) goes through
 * {@link Rng}, so a run is a pure function of its seed. The core is xoshiro128** (Blackman &
 * Vigna, public domain): 32-bit state words keep it on fast `Math.imul` / `>>> 0` arithmetic
 * instead of BigInt.
 *
 * @module
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** Golden-ratio Weyl increment used by splitmix32. */
const GOLDEN = 0x9e3779b9;

/** murmur3's 32-bit finalizer: a bijection with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(
      `Rng seed must be a non-negative safe integer (0..${Number.MAX_SAFE_INTEGER}), got ${
        String(seed)
      }`,
    );
  }
}

function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Rng: ${name} must be a finite number, got ${String(value)}`);
  }
}

function checkRange(lo: number, hi: number): void {
  checkFinite("lo", lo);
  checkFinite("hi", hi);
  // hi - lo must also be finite, or lo + (hi - lo) * u is Infinity/NaN.
  if (!(lo < hi) || !Number.isFinite(hi - lo)) {
    throw new RangeError(`Rng: need lo < hi with a finite width, got lo=${lo}, hi=${hi}`);
  }
}

function checkNormal(mean: number, std: number): void {
  checkFinite("mean", mean);
  checkFinite("std", std);
  if (std < 0) throw new RangeError(`Rng: std must be >= 0, got ${std}`);
}

/** Where a generator came from; `derive` hashes this, never the current position. */
type Origin = { kind: "seed"; seed: number } | {
  kind: "state";
  state: readonly [number, number, number, number];
};

/** Appends a prefix-free encoding of a derive key (or origin) to `out`. */
function encodeKey(out: number[], key: string | number): void {
  const view = new DataView(new ArrayBuffer(8));
  if (typeof key === "string") {
    // Tag + byte length + UTF-8 bytes: length-prefixing keeps ("a", "b") apart from ("ab").
    const bytes = new TextEncoder().encode(key);
    view.setUint32(0, bytes.length);
    out.push(0x73, ...new Uint8Array(view.buffer, 0, 4), ...bytes);
  } else if (typeof key === "number") {
    checkFinite("derive key", key);
    // Tag + float64 bytes; `+ 0` maps -0 to 0 so numerically equal keys hash equally.
    view.setFloat64(0, key + 0);
    out.push(0x6e, ...new Uint8Array(view.buffer));
  } else {
    throw new TypeError(`Rng.derive: keys must be strings or numbers, got ${typeof key}`);
  }
}

/** FNV-1a over `bytes` from a given offset basis and prime. */
function fnv1a(bytes: readonly number[], basis: number, prime: number): number {
  let h = basis;
  for (const b of bytes) h = Math.imul(h ^ b, prime);
  return h >>> 0;
}

/**
 * Seeded xoshiro128** generator with float, integer, Gaussian and permutation helpers.
 *
 * Determinism contract: the sequence of values returned is a pure function of the seed (or
 * initial state) and the order of calls. Not cryptographically secure.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const order = rng.derive("shuffle", epoch).permutation(60000);
 * rng.derive("init").fillNormal(weights, 0, Math.sqrt(2 / fanIn));
 * ```
 */
export class Rng {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  // Box–Muller yields two normals per draw; the second is kept for the next call.
  #hasSpare = false;
  #spare = 0;
  #origin: Origin;

  /**
   * The integer seed this generator was built from (read-only). `NaN` for generators made by
   * {@link Rng.fromState}, which have no seed.
   */
  get seed(): number {
    return this.#origin.kind === "seed" ? this.#origin.seed : NaN;
  }

  /**
   * Creates a generator from a seed.
   *
   * @param seed Any non-negative safe integer (0..2^53-1). Both 32-bit halves feed the state,
   *   so e.g. seeds 1 and 2^32+1 give different streams.
   * @throws {RangeError} If `seed` is negative, fractional, NaN or above `MAX_SAFE_INTEGER`.
   */
  constructor(seed: number) {
    checkSeed(seed);
    this.#origin = { kind: "seed", seed };
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // splitmix32 (Weyl counter + murmur3 finalizer) started at the low half. The high half is
    // xored into the counter after the first word: word 0 pins `lo` and word 1 then pins `hi`,
    // so distinct seeds give distinct states; fmix32(0) = 0 leaves seeds < 2^32 on the plain
    // splitmix32 stream.
    let z = lo;
    z = (z + GOLDEN) | 0;
    this.#s0 = fmix32(z);
    z ^= fmix32(hi);
    z = (z + GOLDEN) | 0;
    this.#s1 = fmix32(z);
    z = (z + GOLDEN) | 0;
    this.#s2 = fmix32(z);
    z = (z + GOLDEN) | 0;
    this.#s3 = fmix32(z);
    // An all-zero state would emit zeros forever; practically unreachable, but cheap to rule out.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = GOLDEN;
  }

  /**
   * Creates a generator with an exact xoshiro128** state, bypassing seed expansion. Meant for
   * known-answer tests against the reference C implementation. The result has `seed === NaN`;
   * its {@link Rng.derive} streams hash the initial state instead.
   *
   * @param state Four unsigned 32-bit integers, not all zero.
   * @throws {RangeError} If a word is not a uint32 or all words are zero.
   */
  static fromState(state: readonly [number, number, number, number]): Rng {
    if (state.length !== 4) {
      throw new RangeError(`Rng.fromState: need 4 state words, got ${state.length}`);
    }
    for (const w of state) {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) {
        throw new RangeError(`Rng.fromState: state words must be uint32, got ${String(w)}`);
      }
    }
    if (state.every((w) => w === 0)) {
      throw new RangeError("Rng.fromState: state must not be all zero");
    }
    const rng = new Rng(0);
    rng.#origin = { kind: "state", state: [state[0], state[1], state[2], state[3]] };
    rng.#s0 = state[0];
    rng.#s1 = state[1];
    rng.#s2 = state[2];
    rng.#s3 = state[3];
    return rng;
  }

  /** Returns the next raw xoshiro128** output, an unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /**
   * Returns a uniform float64 in `[lo, hi)`; with no arguments, in `[0, 1)` with 53 random bits
   * (two 32-bit draws).
   *
   * @param lo Inclusive lower bound (default 0).
   * @param hi Exclusive upper bound (default 1); must be greater than `lo`.
   * @throws {RangeError} If the bounds are not finite or `lo >= hi`.
   */
  uniform(lo = 0, hi = 1): number {
    if (lo === 0 && hi === 1) return this.#unit();
    checkRange(lo, hi);
    return this.#scaled(lo, hi);
  }

  /**
   * Returns an unbiased integer in `[0, n)`, by rejection sampling on 32-bit draws.
   *
   * @param n Exclusive upper bound, an integer in 1..2^32.
   * @throws {RangeError} If `n` is not an integer in 1..2^32.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${String(n)}`);
    }
    if (n === TWO_POW_32) return this.nextU32();
    // Accept only below the largest multiple of n, so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextU32();
    while (x >= limit) x = this.nextU32();
    return x % n;
  }

  /**
   * Returns a Gaussian sample (Box–Muller). Each pair of uniform draws yields two normals; the
   * second is cached and returned by the next `normal`/`fillNormal` draw, so the sequence stays a
   * pure function of the seed and call order.
   *
   * @param mean Mean of the distribution (default 0).
   * @param std Standard deviation, >= 0 (default 1).
   * @throws {RangeError} If `mean` or `std` is not finite, or `std < 0`.
   */
  normal(mean = 0, std = 1): number {
    checkNormal(mean, std);
    return mean + std * this.#standardNormal();
  }

  /**
   * Fills `out` in place with uniform values in `[lo, hi)`. The bounds hold for the stored values
   * too: a draw that float32 rounding pushes onto `hi` (or below `lo`) is redrawn.
   *
   * @param out Array to overwrite, every element.
   * @param lo Inclusive lower bound (default 0).
   * @param hi Exclusive upper bound (default 1).
   * @returns `out`.
   * @throws {RangeError} If the bounds are not finite, `lo >= hi`, or (for a `Float32Array`)
   *   `[lo, hi)` holds no float32 that draws can round to.
   */
  fillUniform<A extends Float32Array | Float64Array>(out: A, lo = 0, hi = 1): A {
    checkRange(lo, hi);
    for (let i = 0; i < out.length; i++) {
      out[i] = this.#scaled(lo, hi);
      // Only float32 rounding gets here (e.g. 1 - 2^-30 rounds to 1), about 2^-25 of draws for
      // [0, 1). Bounded so an interval without a float32 in it throws instead of hanging.
      for (let tries = 0; out[i] < lo || out[i] >= hi; tries++) {
        if (tries === 64) {
          throw new RangeError(`Rng.fillUniform: no float32 in [${lo}, ${hi})`);
        }
        out[i] = this.#scaled(lo, hi);
      }
    }
    return out;
  }

  /**
   * Fills `out` in place with Gaussian values, consuming the same stream as {@link Rng.normal}.
   *
   * @param out Array to overwrite, every element.
   * @param mean Mean of the distribution (default 0).
   * @param std Standard deviation, >= 0 (default 1).
   * @returns `out`.
   * @throws {RangeError} If `mean` or `std` is not finite, or `std < 0`.
   */
  fillNormal<A extends Float32Array | Float64Array>(out: A, mean = 0, std = 1): A {
    checkNormal(mean, std);
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.#standardNormal();
    return out;
  }

  /**
   * Returns a uniformly random permutation of `0..n-1` (Fisher–Yates with {@link Rng.int}).
   *
   * @param n Length, a non-negative integer no larger than 2^32.
   * @throws {RangeError} If `n` is negative, fractional or above 2^32.
   */
  permutation(n: number): Uint32Array {
    if (!Number.isInteger(n) || n < 0 || n > TWO_POW_32) {
      throw new RangeError(
        `Rng.permutation: n must be an integer in 0..2^32, got ${String(n)}`,
      );
    }
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * Shuffles `arr` in place (Fisher–Yates), uniformly over all orderings.
   *
   * @param arr Array or `Uint32Array` to permute.
   * @returns `arr`.
   */
  shuffle<A extends unknown[] | Uint32Array>(arr: A): A {
    const a = arr as { [i: number]: unknown; length: number };
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return arr;
  }

  /**
   * Returns a new, independent generator derived from this generator's seed (not its current
   * position) and `keys`; the parent is not advanced. E.g. `rng.derive("shuffle", epoch)` is the
   * per-epoch shuffle stream and `rng.derive("init")` the weight-init stream.
   *
   * Keys are hashed with their type and length, so `("a", 1)`, `("a1")` and `(1, "a")` all give
   * different streams. The child's `seed` is a 53-bit hash, so it can be logged and derived from.
   *
   * @param keys Strings and finite numbers (`-0` is treated as `0`).
   * @throws {RangeError} If a numeric key is not finite.
   */
  derive(...keys: (string | number)[]): Rng {
    const bytes: number[] = [];
    const origin = this.#origin;
    if (origin.kind === "seed") {
      bytes.push(0x01);
      encodeKey(bytes, origin.seed);
    } else {
      bytes.push(0x02);
      for (const w of origin.state) encodeKey(bytes, w);
    }
    for (const key of keys) encodeKey(bytes, key);
    // Two FNV-1a lanes (different basis and prime) give ~64 bits before finalizing, so distinct
    // key lists practically never collide; fmix32 supplies the avalanche FNV lacks.
    const h1 = fnv1a(bytes, 0x811c9dc5, 0x01000193);
    const h2 = fnv1a(bytes, 0x050c5d1f, 0x5bd1e995);
    const a = fmix32(h1 ^ Math.imul(h2, GOLDEN));
    const b = fmix32(h2 ^ a);
    return new Rng((b & 0x1fffff) * TWO_POW_32 + a);
  }

  /** Uniform float64 in [0, 1): 27 + 26 bits -> 53-bit mantissa, exact. */
  #unit(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** Uniform in [lo, hi) for already validated bounds. */
  #scaled(lo: number, hi: number): number {
    // lo + w * u can round up to hi when u is near 1; redraw instead of clamping.
    for (;;) {
      const x = lo + (hi - lo) * this.#unit();
      if (x < hi) return x;
    }
  }

  #standardNormal(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.#unit()));
    const theta = 2 * Math.PI * this.#unit();
    this.#spare = r * Math.sin(theta);
    this.#hasSpare = true;
    return r * Math.cos(theta);
  }
}
