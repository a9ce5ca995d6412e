import assert from "node:assert/strict";
import { judgeClaimOnRuns } from "../src/bench/judge_claim.ts";
import { lookPlan } from "../src/verdict/plan.ts";
import { claim, LrFinderConfig, type LrFinderDetail, lrFinderMetrics } from "./lr_finder.ts";

/** A finder trace: lr from 0.01 × 1.1^i, loss flat, a dip at `minAt`, a blow-up `blowAfter` later. */
function trace(seed: number, minAt: number, stopAt: number): LrFinderDetail {
  const points = [];
  let lr = 0.01;
  for (;;) {
    const loss = lr < minAt ? 2.3 - 0.5 * (lr / minAt) : lr < stopAt ? 1.8 + (lr - minAt) : 9;
    points.push({ lr, loss });
    if (loss > 3 * 1.8) break;
    lr *= 1.1;
  }
  return { seed, points, stop: `loss ${points.at(-1)!.loss}` };
}

Deno.test("lrFinderMetrics: lr at the minimum, where it stopped, the first loss", () => {
  const d: LrFinderDetail = {
    seed: 1,
    points: [
      { lr: 0.01, loss: 2.31 },
      { lr: 0.011, loss: 2.2 },
      { lr: 0.0121, loss: NaN },
    ],
    stop: "loss NaN",
  };
  assert.deepEqual(lrFinderMetrics(d), {
    lrAtMinLoss: 0.011,
    minLoss: 2.2,
    stopLr: 0.0121,
    firstLoss: 2.31,
  });
  // A finder that ran out of epochs never stopped: stopLr is +∞ (fails "stops before 1.5").
  assert.equal(lrFinderMetrics({ ...d, stop: null }).stopLr, Infinity);
});

Deno.test("lr-finder checks: known answers at the first look (6 seeds)", () => {
  const seeds = (f: (s: number) => LrFinderDetail) =>
    Array.from({ length: 6 }, (_, i) => ({ seed: i + 1, probe: lrFinderMetrics(f(i + 1)) }));
  const lesson = judgeClaimOnRuns(claim, { finder: seeds((s) => trace(s, 0.45, 0.7)) }, lookPlan());
  assert.equal(lesson.verdict, "reproduced");
  assert.equal(lesson.lastLook, 6);
  // One seed whose minimum sits at lr 0.8 refutes "in [0.2, 0.7]".
  const late = judgeClaimOnRuns(
    claim,
    { finder: seeds((s) => trace(s, s === 4 ? 0.8 : 0.45, 1.2)) },
    lookPlan(),
  );
  assert.equal(late.verdict, "not reproduced");
  const minLr = late.checks.find((c) => c.id === "26-min-lr")!;
  assert.ok(minLr.kind === "every-seed" && minLr.judged.counterexamples.includes(4));
  // Stopping only at lr 2 refutes "stops before 1.5".
  const slow = judgeClaimOnRuns(claim, { finder: seeds((s) => trace(s, 0.45, 2)) }, lookPlan());
  assert.equal(slow.checks.find((c) => c.id === "26-stops")!.judged.decision, "refuted");
});

Deno.test("lr-finder: the checks and config are the lesson's", () => {
  assert.deepEqual(LrFinderConfig.parse({}), {
    gamma: 1.1,
    startLr: 1e-2,
    maxMult: 3,
    maxEpochs: 10,
    bs: 1024,
  });
  const [minLr, stops] = claim.checks;
  assert.ok(minLr.kind === "every-seed" && minLr.min === 0.2 && minLr.max === 0.7);
  assert.ok(stops.kind === "every-seed" && stops.max === 1.5);
  const subject = claim.subjects(LrFinderConfig.parse({})).finder;
  assert.ok(subject.kind === "probe" && subject.seeds === 6);
});
