/**
 * The simulation of verdicts.md §6: per-seed values drawn from distributions whose truth is known
 * exactly, judged through the whole default look plan (6 → 10 → 20 seeds, α = 0.05 per check,
 * Bonferroni per look). With the truth exactly at the threshold or margin, "supported" (and
 * "refuted", where the truth is on the passing side) must come out in at most 5% of claims; with a
 * clear effect the plan must decide in most. Seeded and deterministic; the rates are printed.
 *
 * The order-statistic bounds are discrete, so the measured errors sit well below 5% (at 6 seeds
 * the one-sided error is 1/64, at 10 it is 11/1024, at 20 it is 6196/2^20): that is expected.
 */

import assert from "node:assert/strict";
import type { CheckSpec, Subject } from "./check.ts";
import type { Sample, SampleSource } from "./judge.ts";
import { lookPlan } from "./plan.ts";
import { judgeSequentially } from "./sequential.ts";

// ---------------------------------------------------------------------------------------------
// A seeded generator (Math.random is not reproducible)

/** mulberry32: a small 32-bit PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  #u: () => number;
  #spare: number | null = null;
  constructor(seed: number) {
    this.#u = mulberry32(seed);
  }
  uniform(): number {
    return this.#u();
  }
  /** Standard normal by Box–Muller (the second value of each pair kept for the next call). */
  normal(): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.#u())); // 1 − u in (0, 1]: no log(0)
    const th = 2 * Math.PI * this.#u();
    this.#spare = r * Math.sin(th);
    return r * Math.cos(th);
  }
  /** Exponential(1); its median is ln 2. */
  exponential(): number {
    return -Math.log(1 - this.#u());
  }
}

/** Φ(z) by its Taylor series (exact to float precision for |z| < 2): checks the constant below. */
function normalCdf(z: number): number {
  let term = z, sum = z;
  for (let k = 1; k < 100; k++) {
    term *= (z * z) / (2 * k + 1);
    sum += term;
  }
  return 0.5 + (Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI)) * sum;
}

/** z₀.₆₂₅, the standard normal's 0.625 quantile. */
const Z0625 = 0.31863936396437514;

// ---------------------------------------------------------------------------------------------
// The distributions (true median known exactly)

const T = 0.85; // a threshold, an accuracy
const SD = 0.01; // seed-to-seed spread of an accuracy
const SEEDS = 20;

/** Normal with the given median. */
const normalAt = (g: Gen, median: number, sd: number) => median + sd * g.normal();
/** Right-skewed with the given median: median + (Exp(1) − ln 2)·scale (sign −1: left-skewed). */
const skewedAt = (g: Gen, median: number, scale: number, sign = 1) =>
  median + sign * (g.exponential() - Math.LN2) * scale;

/**
 * A run diverges with probability `pLost`; otherwise it trains to a normal value placed so that
 * the overall median is exactly `median`. The lost mass sits at −∞, so the trained distribution's
 * CDF at the median must be (½ − pLost)/(1 − pLost): for pLost = 0.2 that is 0.375, i.e. the
 * median sits 0.625 of the trained mass from the top, and the trained mean is median + σ·z₀.₆₂₅.
 */
function withDivergences(g: Gen, median: number, sd: number): { lost: boolean; value: number } {
  if (g.uniform() < 0.2) return { lost: true, value: NaN };
  return { lost: false, value: median + sd * Z0625 + sd * g.normal() };
}

function sample(seed: number, value: number, lost = false): Sample {
  return lost ? { seed, outcome: "diverged", value: NaN } : { seed, outcome: "trained", value };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const subject = (config: string): Subject => ({ config, metric: "evalAccuracy", epoch: 3 });

interface Scenario {
  name: string;
  /** Simulated claims. */
  m: number;
  spec: CheckSpec;
  /** One seed's samples, per config the spec reads. */
  draw: (g: Gen, seed: number) => Record<string, Sample>;
  /** Bounds on the measured rates: error rates (max) and power (min). */
  maxSupported?: number;
  maxRefuted?: number;
  minSupported?: number;
  minRefuted?: number;
}

const M_NULL = 4000;
const M_POWER = 1000;

/** The nominal error plus three Monte-Carlo standard errors at m claims. */
const allowance = (m: number) => 0.05 + 3 * Math.sqrt((0.05 * 0.95) / m);

function threshold(direction: ">=" | "<=", t: number): CheckSpec {
  return { id: "sim", claim: 0, kind: "threshold", subject: subject("x"), direction, threshold: t };
}
function superiority(margin: number): CheckSpec {
  return { id: "sim", claim: 0, kind: "superiority", a: subject("a"), b: subject("b"), margin };
}
function equivalence(margin: number): CheckSpec {
  return { id: "sim", claim: 0, kind: "equivalence", a: subject("a"), b: subject("b"), margin };
}
function rate(direction: ">=" | "<=", p0: number): CheckSpec {
  return { id: "sim", claim: 0, kind: "rate", subject: subject("x"), direction, p0 };
}

/** A pair (A, B) whose difference is `diff` plus B's own noise cancelled: paired seeds. */
function pair(g: Gen, seed: number, diff: number): Record<string, Sample> {
  const b = normalAt(g, T, SD);
  return { a: sample(seed, b + diff), b: sample(seed, b) };
}

const MARGIN = 0.005; // +0.5 points
const DELTA = 0.01; // ±1 point
const SD_DIFF = 0.004; // paired noise is smaller than a config's own spread

const both = (m: number) => ({ maxSupported: allowance(m), maxRefuted: allowance(m) });

const SCENARIOS: Scenario[] = [
  // Truth exactly at the threshold: neither decision may exceed 5%.
  {
    name: "threshold ≥ t, normal, median = t",
    m: M_NULL,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, normalAt(g, T, SD)) }),
    ...both(M_NULL),
  },
  {
    name: "threshold ≥ t, right-skewed, median = t",
    m: M_NULL,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, skewedAt(g, T, SD)) }),
    ...both(M_NULL),
  },
  {
    name: "threshold ≥ t, left-skewed, median = t",
    m: M_NULL,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, skewedAt(g, T, SD, -1)) }),
    ...both(M_NULL),
  },
  {
    name: "threshold ≥ t, 20% diverged, median = t",
    m: M_NULL,
    spec: threshold(">=", T),
    draw: (g, s) => {
      const r = withDivergences(g, T, SD);
      return { x: sample(s, r.value, r.lost) };
    },
    ...both(M_NULL),
  },
  {
    name: "threshold ≤ t, normal, median = t",
    m: M_NULL,
    spec: threshold("<=", T),
    draw: (g, s) => ({ x: sample(s, normalAt(g, T, SD)) }),
    ...both(M_NULL),
  },
  // Truth just on the passing side: "refuted" is the error.
  {
    name: "threshold ≥ t, normal, median = t + σ/4",
    m: M_NULL,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, normalAt(g, T + SD / 4, SD)) }),
    maxRefuted: allowance(M_NULL),
  },
  {
    name: "threshold ≤ t, skewed, median = t − σ/4",
    m: M_NULL,
    spec: threshold("<=", T),
    draw: (g, s) => ({ x: sample(s, skewedAt(g, T - SD / 4, SD)) }),
    maxRefuted: allowance(M_NULL),
  },
  // Comparisons: the median paired difference exactly at the margin.
  {
    name: "superiority, normal d, median d = margin",
    m: M_NULL,
    spec: superiority(MARGIN),
    draw: (g, s) => pair(g, s, normalAt(g, MARGIN, SD_DIFF)),
    ...both(M_NULL),
  },
  {
    name: "superiority, skewed d, median d = margin",
    m: M_NULL,
    spec: superiority(MARGIN),
    draw: (g, s) => pair(g, s, skewedAt(g, MARGIN, SD_DIFF)),
    ...both(M_NULL),
  },
  {
    name: "non-inferiority (−2 pts), normal d = margin",
    m: M_NULL,
    spec: superiority(-0.02),
    draw: (g, s) => pair(g, s, normalAt(g, -0.02, SD_DIFF)),
    ...both(M_NULL),
  },
  {
    // Each side diverges in 10% of runs: d = ±∞ with equal chance (both lost: 0), so with equal
    // trained distributions the median difference is exactly 0, the margin.
    name: "superiority, margin 0, 10% diverged per side",
    m: M_NULL,
    spec: superiority(0),
    draw: (g, s) => {
      const la = g.uniform() < 0.1, lb = g.uniform() < 0.1;
      return { a: sample(s, normalAt(g, T, SD), la), b: sample(s, normalAt(g, T, SD), lb) };
    },
    ...both(M_NULL),
  },
  {
    name: "equivalence ±δ, normal d, median d = +δ",
    m: M_NULL,
    spec: equivalence(DELTA),
    draw: (g, s) => pair(g, s, normalAt(g, DELTA, SD_DIFF)),
    ...both(M_NULL),
  },
  {
    name: "equivalence ±δ, skewed d, median d = −δ",
    m: M_NULL,
    spec: equivalence(DELTA),
    draw: (g, s) => pair(g, s, skewedAt(g, -DELTA, SD_DIFF, -1)),
    ...both(M_NULL),
  },
  // Rates exactly at p0.
  {
    name: "rate ≥ 0.1, true rate 0.1",
    m: M_NULL,
    spec: rate(">=", 0.1),
    draw: (g, s) => ({ x: sample(s, g.uniform() < 0.1 ? 1 : 0) }),
    ...both(M_NULL),
  },
  {
    name: "rate ≥ 0.3, true rate 0.3",
    m: M_NULL,
    spec: rate(">=", 0.3),
    draw: (g, s) => ({ x: sample(s, g.uniform() < 0.3 ? 1 : 0) }),
    ...both(M_NULL),
  },
  {
    name: "rate ≤ 0.3, true rate 0.3",
    m: M_NULL,
    spec: rate("<=", 0.3),
    draw: (g, s) => ({ x: sample(s, g.uniform() < 0.3 ? 1 : 0) }),
    ...both(M_NULL),
  },
  // Power: a clear effect is decided, in few seeds.
  {
    name: "power: threshold ≥ t, median t + 1.5σ",
    m: M_POWER,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, normalAt(g, T + 1.5 * SD, SD)) }),
    minSupported: 0.8,
    maxRefuted: 0.01,
  },
  {
    name: "power: threshold ≥ t, median t − 1.5σ",
    m: M_POWER,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, normalAt(g, T - 1.5 * SD, SD)) }),
    minRefuted: 0.8,
    maxSupported: 0.01,
  },
  {
    name: "power: threshold ≥ t, t + 3σ, 10% diverged",
    m: M_POWER,
    spec: threshold(">=", T),
    draw: (g, s) => ({ x: sample(s, normalAt(g, T + 3 * SD, SD), g.uniform() < 0.1) }),
    minSupported: 0.8,
    maxRefuted: 0.01,
  },
  {
    name: "power: superiority, d = margin + 1.5σ_d",
    m: M_POWER,
    spec: superiority(MARGIN),
    draw: (g, s) => pair(g, s, normalAt(g, MARGIN + 1.5 * SD_DIFF, SD_DIFF)),
    minSupported: 0.8,
    maxRefuted: 0.01,
  },
  {
    name: "power: equivalence ±δ, d ~ N(0, (δ/3)²)",
    m: M_POWER,
    spec: equivalence(DELTA),
    draw: (g, s) => pair(g, s, normalAt(g, 0, DELTA / 3)),
    minSupported: 0.8,
    maxRefuted: 0.01,
  },
  {
    name: "power: rate ≥ 0.1, true rate 0.6",
    m: M_POWER,
    spec: rate(">=", 0.1),
    draw: (g, s) => ({ x: sample(s, g.uniform() < 0.6 ? 1 : 0) }),
    minSupported: 0.8,
    maxRefuted: 0.01,
  },
];

// ---------------------------------------------------------------------------------------------
// Running a scenario

interface Row {
  name: string;
  m: number;
  supported: number;
  refuted: number;
  inconclusive: number;
  meanSeeds: number;
}

/** FNV-1a of the name: each scenario's stream is fixed, whatever the order they run in. */
function seedOf(name: string): number {
  let h = 0x811C9DC5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function simulate(sc: Scenario): Row {
  const g = new Gen(seedOf(sc.name));
  const plan = lookPlan();
  let supported = 0, refuted = 0, seeds = 0;
  for (let c = 0; c < sc.m; c++) {
    // Every seed's values are drawn up front; the plan reads as many as its looks need.
    const table: Record<string, Sample[]> = {};
    for (let s = 1; s <= SEEDS; s++) {
      for (const [config, x] of Object.entries(sc.draw(g, s))) (table[config] ??= []).push(x);
    }
    const source: SampleSource = (subj) => table[subj.config] ?? [];
    const r = judgeSequentially([sc.spec], source, plan);
    const d = r.checks[0].judged.decision;
    if (d === "supported") supported++;
    if (d === "refuted") refuted++;
    seeds += r.lastLook;
  }
  return {
    name: sc.name,
    m: sc.m,
    supported: supported / sc.m,
    refuted: refuted / sc.m,
    inconclusive: (sc.m - supported - refuted) / sc.m,
    meanSeeds: seeds / sc.m,
  };
}

function table(rows: readonly Row[]): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`.padStart(8);
  const w = Math.max(...rows.map((r) => r.name.length));
  const head = `${"scenario".padEnd(w)}  ${"M".padStart(5)}  supported   refuted  inconcl.  ` +
    `mean seeds`;
  const lines = rows.map((r) =>
    `${r.name.padEnd(w)}  ${String(r.m).padStart(5)}  ${pct(r.supported)}  ${pct(r.refuted)}` +
    `  ${pct(r.inconclusive)}  ${r.meanSeeds.toFixed(2).padStart(10)}`
  );
  return [head, "-".repeat(head.length), ...lines].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Tests

Deno.test("simulation setup: the generators' medians sit exactly where the scenarios say", () => {
  // The constant: Φ(z₀.₆₂₅) = 0.625.
  assert.ok(Math.abs(normalCdf(Z0625) - 0.625) < 1e-12, `Φ(${Z0625}) = ${normalCdf(Z0625)}`);
  // Empirical share below the stated median: ½ within 4 standard errors.
  const n = 200_000;
  const tol = 4 * Math.sqrt(0.25 / n);
  const g = new Gen(12345);
  const below = (f: () => number, median: number) => {
    let k = 0;
    for (let i = 0; i < n; i++) if (f() < median) k++;
    return k / n;
  };
  const shares: [string, number][] = [
    ["normal", below(() => normalAt(g, T, SD), T)],
    ["right-skewed", below(() => skewedAt(g, T, SD), T)],
    ["left-skewed", below(() => skewedAt(g, T, SD, -1), T)],
    [
      "20% diverged",
      below(() => {
        const r = withDivergences(g, T, SD);
        return r.lost ? -Infinity : r.value;
      }, T),
    ],
  ];
  for (const [what, share] of shares) {
    assert.ok(Math.abs(share - 0.5) <= tol, `${what}: P(X < median) = ${share}`);
  }
  // Deterministic: the same seed gives the same stream.
  const [p, q] = [new Gen(7), new Gen(7)];
  for (let i = 0; i < 10; i++) assert.equal(p.normal(), q.normal());
});

Deno.test("simulation (verdicts.md §6): error rates ≤ 5% across the look plan, clear effects decided", async (t) => {
  const rows: Row[] = [];
  for (const sc of SCENARIOS) {
    await t.step(sc.name, () => {
      const r = simulate(sc);
      rows.push(r);
      const at = (v: number) => `${(100 * v).toFixed(2)}%`;
      if (sc.maxSupported !== undefined) {
        assert.ok(
          r.supported <= sc.maxSupported,
          `supported ${at(r.supported)} > ${at(sc.maxSupported)}`,
        );
      }
      if (sc.maxRefuted !== undefined) {
        assert.ok(r.refuted <= sc.maxRefuted, `refuted ${at(r.refuted)} > ${at(sc.maxRefuted)}`);
      }
      if (sc.minSupported !== undefined) {
        assert.ok(
          r.supported > sc.minSupported,
          `supported ${at(r.supported)} ≤ ${at(sc.minSupported)}`,
        );
      }
      if (sc.minRefuted !== undefined) {
        assert.ok(r.refuted > sc.minRefuted, `refuted ${at(r.refuted)} ≤ ${at(sc.minRefuted)}`);
      }
    });
  }
  // One table for the whole plan (printed even when a step failed).
  console.log(
    `\nlook plan 6 → 10 → 20, α = 0.05 per check (Bonferroni ${(0.05 / 3).toFixed(4)} per look); ` +
      `error allowance at M = ${M_NULL}: ${(100 * allowance(M_NULL)).toFixed(2)}%\n${table(rows)}`,
  );
});
