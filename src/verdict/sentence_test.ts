import assert from "node:assert/strict";
import type { JudgedCheck, Judgement } from "./check.ts";
import { checkStatement, judgementText, type Vocabulary } from "./sentence.ts";

const vocab: Vocabulary = {
  config: (name) => ({ gr: "GeneralReLU", relu: "ReLU" })[name] ?? name,
  metric: () => ({ label: "eval accuracy", unit: "accuracy" }),
};

function judged(j: Partial<Judgement>): Judgement {
  return {
    n: 6,
    trained: 6,
    estimate: 0.871,
    interval: [0.864, 0.875],
    confidence: 0.975,
    decision: "supported",
    decidedAt: 6,
    counterexamples: [],
    ...j,
  };
}

const threshold = (j: Partial<Judgement>): JudgedCheck => ({
  id: "10-threshold",
  claim: 10,
  kind: "threshold",
  subject: { config: "gr", metric: "evalAccuracy", epoch: 3 },
  direction: ">=",
  threshold: 0.86,
  judged: judged(j),
});

Deno.test("checkStatement and judgementText: a threshold check, known answers", () => {
  const c = threshold({});
  assert.equal(
    checkStatement(c, vocab),
    "median eval accuracy after epoch 3 of GeneralReLU ≥ 86.00%",
  );
  assert.equal(
    judgementText(c, vocab),
    "87.10% (bounds 86.40% to 87.50% at 97.5% each), 6 seeds: supported at 6 seeds",
  );
});

Deno.test("judgementText: an infinite bound is no bound (too few seeds), not a lost run", () => {
  const c = threshold({
    n: 2,
    interval: [-Infinity, Infinity],
    decision: "inconclusive",
    decidedAt: null,
  });
  const text = judgementText(c, vocab);
  assert.equal(text, "87.10% (bounds −∞ to +∞ at 97.5% each), 2 seeds: inconclusive at 2 seeds");
  assert.doesNotMatch(text, /Infinity|lost run/);
  // The estimate itself −∞ is a lost run (the median seed diverged).
  assert.match(judgementText(threshold({ estimate: -Infinity }), vocab), /^lost run \(−∞\) /);
});

Deno.test("judgementText: a superiority check's bounds are differences in points", () => {
  const c: JudgedCheck = {
    id: "10-beats",
    claim: 10,
    kind: "superiority",
    a: { config: "gr", metric: "evalAccuracy", epoch: 3 },
    b: { config: "relu", metric: "evalAccuracy", epoch: 3 },
    margin: 0.005,
    judged: judged({ estimate: 0.0062, interval: [0.001, Infinity], decision: "inconclusive" }),
  };
  assert.equal(
    judgementText(c, vocab),
    "+0.62 pts (bounds +0.10 pts to +∞ at 97.5% each), 6 seeds: inconclusive at 6 seeds",
  );
});
