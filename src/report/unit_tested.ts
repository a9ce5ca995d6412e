/**
 * The lesson's claims 22–24 (lesson-claims.md §8 D, "deterministic semantics"): exact
 * equivalences and formulas with no seed noise, checked by unit tests rather than by training
 * seeds. The index lists them in lesson order with a neutral "unit-tested" badge and the tests
 * that cover them (`report_test.ts` checks that every named test exists).
 *
 * @module
 */

import { badge, esc } from "./html.ts";

/** A unit test that covers a claim: its file (from the repository root), name and short label. */
export interface CoveringTest {
  file: string;
  /** The test's name as `Deno.test` gives it. */
  name: string;
  /** What it checks, in a few words (the page shows the full name on hover). */
  label: string;
}

/** A claim checked by unit tests, not by seeds. */
export interface UnitTestedClaim {
  claim: number;
  title: string;
  /** What the lesson claims, as lesson-claims.md §8 states it. */
  statement: string;
  tests: CoveringTest[];
}

/** Claims 22–24, in lesson order. */
export const UNIT_TESTED_CLAIMS: readonly UnitTestedClaim[] = [
  {
    claim: 22,
    title: "MomentumLearner equivalence",
    statement: "Scaling the grads by 0.85 instead of zeroing them, then plain SGD at lr η, " +
      "matches SGD with undampened momentum 0.85 at lr η step for step (max parameter " +
      "difference < 1e-6 relative after 10 steps on a fixed batch stream).",
    tests: [
      {
        file: "src/optim/momentum_test.ts",
        name: "claim 22 (float64): MomentumLearner (grads ×0.85 instead of zeroed, then SGD) ≡ " +
          "PyTorch SGD momentum 0.85, dampening 0",
        label: "float64 reference",
      },
      {
        file: "src/optim/momentum_test.ts",
        name: "claim 22 on the GPU: recordScaleGrads(0.85) + SGD step ≡ float64 heavy-ball, " +
          "10 steps",
        label: "the GPU kernels",
      },
    ],
  },
  {
    claim: 23,
    title: "EMA momentum equivalence",
    statement: "Momentum(lr 1.5, mom 0.9) in lerp form matches undampened heavy-ball momentum " +
      "at lr 0.15 step for step.",
    tests: [
      {
        file: "src/optim/momentum_test.ts",
        name: "claim 23 (float64): Momentum(lr 1.5, mom 0.9) lerp form ≡ heavy-ball at lr 0.15",
        label: "float64 reference",
      },
      {
        file: "src/optim/optimizer_test.ts",
        name: "claim 23 on the GPU: Momentum(lr 1.5, mom 0.9) lerp form ≡ heavy-ball at lr 0.15 " +
          "(float64 ref), 10 steps on the same gradients",
        label: "the GPU optimizer",
      },
    ],
  },
  {
    claim: 24,
    title: "Schedule shapes",
    statement: "OneCycle: lr 0.0024 at step 0, the maximum 0.06 at step ≈87–88, ≈2.4e-7 at " +
      "the last step; β1 0.95 at step 0, 0.85 at the peak, 0.95 at the end. Per-batch cosine: " +
      "0.02·(1 + cos(πt/177))/2. Per-epoch cosine: 0.02, 0.015, 0.005. Relative error ≤ 1e-5 " +
      "against the PyTorch formulas.",
    tests: [
      {
        file: "src/optim/schedules_test.ts",
        name: "claim 24: OneCycle(max 0.06, 295 steps) has the lesson's lr and β1 shape",
        label: "OneCycle lr and β1",
      },
      {
        file: "src/optim/schedules_test.ts",
        name: "claim 24: per-batch cosine 0.02·(1 + cos(πt/177))/2 and per-epoch 0.02, 0.015, " +
          "0.005",
        label: "per-batch and per-epoch cosine",
      },
    ],
  },
];

/** The verdict-like badge of a unit-tested claim (neutral: no seeds were judged). */
export const UNIT_TESTED = "unit-tested";

/** The tests of a claim grouped by file: "src/optim/momentum_test.ts (float64 reference, …)". */
export function testsText(tests: readonly CoveringTest[]): string {
  const files = [...new Set(tests.map((t) => t.file))];
  return files.map((file) => {
    const names = tests.filter((t) => t.file === file)
      .map((t) => `<span class="test" title="${esc(t.name)}">${esc(t.label)}</span>`);
    return `<code>${esc(file)}</code> (${names.join(", ")})`;
  }).join("; ");
}

/** A row of the index's claims table for a unit-tested claim (`columns`: cells after "why"). */
export function unitTestedRow(c: UnitTestedClaim, extraCells = 0): string {
  return `<tr class="unit-row" id="claim-${c.claim}">
<td class="claim"><b class="nums">#${c.claim}</b> ${esc(c.title)}</td>
<td class="statement small" data-label="the lesson">${esc(c.statement)}</td>
<td class="estimate card-hide"><span class="muted small">unit-tested semantics (no seeds)</span></td>
<td class="n card-hide"><span class="muted">—</span></td>
<td class="verdict-cell">${badge(UNIT_TESTED)}<div class="reason">covered by ${
    testsText(c.tests)
  }</div></td>
${`<td class="card-hide"><span class="muted">—</span></td>\n`.repeat(extraCells)}</tr>`;
}
