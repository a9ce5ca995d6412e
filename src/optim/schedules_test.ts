import assert from "node:assert/strict";
import { cosineAnnealingLr, exponentialLr, oneCycle } from "./schedules.ts";

/** Claim 24's criterion: relative error ≤ 1e-5. */
const REL = 1e-5;

function assertRel(actual: number, expected: number, what: string, rel = REL): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= rel, `${what}: got ${actual}, expected ${expected} (relative error ${err})`);
}

Deno.test("claim 24: OneCycle(max 0.06, 295 steps) has the lesson's lr and β1 shape", () => {
  const o = { maxLr: 0.06, totalSteps: 295 };
  const at = (step: number) => oneCycle(step, o);
  // Start: max/25 and max momentum.
  assertRel(at(0).lr, 0.0024, "lr(0)");
  assertRel(at(0).beta1, 0.95, "β1(0)");
  // torch's phase 1 ends at the float step 0.3·295 − 1 = 87.5, so no integer step is the exact
  // peak: step 88 (phase 2, pct = 0.5/206.5) is the largest lr, 0.0599991, i.e. 1.4e-5 below
  // 0.06, with step 87 (phase 1, pct = 87/87.5) at 0.0599954 next.
  const lrs = Array.from({ length: 295 }, (_, t) => at(t).lr);
  const peak = lrs.indexOf(Math.max(...lrs));
  assert.equal(peak, 88);
  const span = 0.06 - 0.0024 / 1e4;
  assertRel(at(88).lr, 0.06 - span / 2 * (1 - Math.cos(Math.PI * 0.5 / 206.5)), "lr(88)", 1e-12);
  assertRel(at(87).lr, 0.06 - (0.06 - 0.0024) / 2 * (1 + Math.cos(Math.PI * 87 / 87.5)), "lr(87)");
  assertRel(at(88).lr, 0.06, "lr(88) vs the nominal peak", 2e-5);
  assertRel(at(88).beta1, 0.85, "β1 at the peak");
  // End (step 294 = totalSteps − 1, pct exactly 1): max/25/1e4 and max momentum.
  assertRel(at(294).lr, 2.4e-7, "lr(294)");
  assertRel(at(294).beta1, 0.95, "β1(294)");
  // Monotone up to the peak and down after it; β1 mirrors the lr.
  for (let t = 1; t < 295; t++) {
    const [a, b] = [at(t - 1), at(t)];
    if (t <= 88) assert.ok(b.lr > a.lr && b.beta1 < a.beta1, `rising at ${t}`);
    else assert.ok(b.lr < a.lr && b.beta1 > a.beta1, `falling at ${t}`);
  }
});

Deno.test("OneCycle edges: step totalSteps extrapolates like torch, later steps throw", () => {
  const o = { maxLr: 0.06, totalSteps: 295 };
  // torch evaluates step 295 (pct = 207.5/206.5 > 1): the cosine turns back up slightly.
  const pct = 207.5 / 206.5;
  const min = 2.4e-7;
  assertRel(oneCycle(295, o).lr, min + (0.06 - min) / 2 * (Math.cos(Math.PI * pct) + 1), "lr(295)");
  assert.ok(oneCycle(295, o).lr > oneCycle(294, o).lr);
  assert.throws(() => oneCycle(296, o), { name: "RangeError", message: /step = 296/ });
  assert.throws(() => oneCycle(-1, o), { name: "RangeError", message: /step = -1/ });
  assert.throws(() => oneCycle(1.5, o), { name: "RangeError", message: /step = 1.5/ });
  assert.throws(() => oneCycle(0, { ...o, totalSteps: 0 }), /totalSteps = 0/);
  assert.throws(() => oneCycle(0, { ...o, pctStart: 1.5 }), /pctStart = 1.5/);
  assert.throws(() => oneCycle(0, { ...o, maxLr: -1 }), /maxLr = -1/);
  assert.throws(() => oneCycle(0, { ...o, divFactor: 0 }), /divFactor = 0/);
  // Other settings: the phase boundary on an integer (pct 0.5 of 10 steps ends phase 1 at 4).
  const short = { maxLr: 1, totalSteps: 10, pctStart: 0.5, divFactor: 10, finalDivFactor: 100 };
  assert.equal(oneCycle(4, short).lr, 1);
  assert.equal(oneCycle(4, short).beta1, 0.85);
  assertRel(oneCycle(0, short).lr, 0.1, "short lr(0)");
  assertRel(oneCycle(9, short).lr, 0.001, "short lr(9)");
});

/**
 * torch's CosineAnnealingLR as it actually runs: the recursive (chainable) `get_lr`, including
 * the special case one step after each minimum, for steps 0..n−1.
 */
function torchCosineRecursive(baseLr: number, tMax: number, n: number, etaMin = 0): number[] {
  const out = [baseLr];
  for (let e = 1; e < n; e++) {
    const lr = out[e - 1];
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      out.push(lr + (baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
    } else {
      out.push(
        (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) *
            (lr - etaMin) + etaMin,
      );
    }
  }
  return out;
}

Deno.test("claim 24: per-batch cosine 0.02·(1 + cos(πt/177))/2 and per-epoch 0.02, 0.015, 0.005", () => {
  const o = { baseLr: 0.02, tMax: 177 };
  for (const t of [0, 59, 88, 176]) {
    assertRel(cosineAnnealingLr(t, o), 0.02 * (1 + Math.cos(Math.PI * t / 177)) / 2, `lr(${t})`);
  }
  assertRel(cosineAnnealingLr(0, o), 0.02, "lr(0)");
  assertRel(cosineAnnealingLr(59, o), 0.015, "lr(59) = 0.02·(1 + cos(π/3))/2");
  // t = tMax: π·177/177 is exactly Math.PI and cos of it exactly −1, so the lr is exactly 0 (a
  // relative error against 0 is undefined).
  assert.equal(cosineAnnealingLr(177, o), 0);
  const epochs = [0, 1, 2].map((e) => cosineAnnealingLr(e, { baseLr: 0.02, tMax: 3 }));
  [0.02, 0.015, 0.005].forEach((v, e) => assertRel(epochs[e], v, `epoch ${e}`));
});

Deno.test("cosine closed form equals torch's recursive CosineAnnealingLR, also after tMax", () => {
  for (const [baseLr, tMax, etaMin] of [[0.02, 177, 0], [0.006, 100, 0], [0.1, 7, 0.01]]) {
    const torch = torchCosineRecursive(baseLr, tMax, 3 * tMax + 5, etaMin);
    torch.forEach((expected, t) => {
      const got = cosineAnnealingLr(t, { baseLr, tMax, etaMin });
      // Near the minima both are ≈ etaMin (0 here): compare absolutely against baseLr there.
      const err = Math.abs(got - expected);
      assert.ok(err <= 1e-12 * baseLr, `T_max ${tMax}, step ${t}: ${got} vs ${expected}`);
    });
  }
  // The lesson's demo: T_max 100 stepped 110 times reaches 0 at 100, then rises again.
  const o = { baseLr: 0.006, tMax: 100 };
  assert.ok(cosineAnnealingLr(110, o) > cosineAnnealingLr(105, o));
  assertRel(cosineAnnealingLr(200, o), 0.006, "back at baseLr after 2·tMax");
  assert.throws(() => cosineAnnealingLr(0, { baseLr: 0.1, tMax: 0 }), /tMax = 0/);
  assert.throws(() => cosineAnnealingLr(-1, o), /step = -1/);
});

Deno.test("exponentialLr equals ExponentialLR's repeated lr *= gamma", () => {
  let lr = 1e-5;
  for (let t = 0; t <= 80; t++) {
    assertRel(exponentialLr(t, { startLr: 1e-5, gamma: 1.3 }), lr, `lr(${t})`, 1e-13);
    lr *= 1.3;
  }
  assert.throws(() => exponentialLr(0, { startLr: 1e-5, gamma: 0 }), /gamma = 0/);
});
