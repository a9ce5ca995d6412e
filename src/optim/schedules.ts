/**
 * Learning-rate (and β1) schedules as pure functions of the step, evaluating PyTorch's formulas
 * (`torch.optim.lr_scheduler`) in float64. "Step" is the scheduler's `last_epoch`: 0 for the
 * value in force before the first `scheduler.step()`, i.e. for the first batch (or epoch).
 *
 * @module
 */

/**
 * CosineAnnealingLR's closed form: etaMin + (baseLr − etaMin)·(1 + cos(π·step/tMax))/2.
 *
 * PyTorch steps it recursively (each lr from the previous one); in exact arithmetic that recursion
 * equals this closed form at EVERY step, including after tMax, where the lr climbs back up along
 * the same cosine (period 2·tMax: baseLr again at 2·tMax), as in the lesson's demo stepped 110
 * times with T_max 100. Only float rounding (≈1e-16 relative per step) separates the two.
 */
export function cosineAnnealingLr(
  step: number,
  o: { baseLr: number; tMax: number; etaMin?: number },
): number {
  checkStep("cosineAnnealingLr", step);
  const baseLr = finite("cosineAnnealingLr", "baseLr", o.baseLr, 0);
  const etaMin = finite("cosineAnnealingLr", "etaMin", o.etaMin ?? 0, 0);
  const tMax = o.tMax;
  if (!Number.isFinite(tMax) || tMax <= 0) {
    throw new RangeError(`cosineAnnealingLr: tMax = ${tMax}, expected a finite number > 0`);
  }
  return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
}

/** Options of {@link oneCycle}, with PyTorch's OneCycleLR defaults. */
export interface OneCycleOptions {
  /** Peak learning rate. */
  maxLr: number;
  /** Steps in the cycle (PyTorch's total_steps). */
  totalSteps: number;
  /** Fraction of the cycle spent warming up; default 0.3. */
  pctStart?: number;
  /** Initial lr = maxLr / divFactor; default 25. */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor; default 1e4. */
  finalDivFactor?: number;
  /** β1 (momentum) at the peak; default 0.85. */
  baseMomentum?: number;
  /** β1 (momentum) at the start and the end; default 0.95. */
  maxMomentum?: number;
}

/**
 * PyTorch's OneCycleLR with anneal_strategy "cos", three_phase false, cycle_momentum true: the
 * lr and β1 (momentum) for `step`.
 *
 * Exactly as torch computes it: phase 1 ends at the FLOAT step pctStart·totalSteps − 1 and phase
 * 2 at totalSteps − 1; within a phase pct = (step − start)/(end − start) and the value is
 * end + (start − end)/2·(cos(π·pct) + 1), lr going initial → max → min and β1 max → base → max.
 * For max 0.06 over 295 steps phase 1 ends at 87.5, so no integer step hits 0.06 exactly: step 87
 * gives 0.0599954 and step 88 (in phase 2, pct 0.5/206.5) the largest value, 0.0599991. Step
 * totalSteps − 1 gives min lr and max β1 exactly; step totalSteps is still allowed (torch's
 * scheduler reaches it after the last batch) and extrapolates phase 2 past pct 1, so the lr rises
 * again slightly; larger steps throw a RangeError, as torch raises a ValueError.
 */
export function oneCycle(step: number, o: OneCycleOptions): { lr: number; beta1: number } {
  const what = "oneCycle";
  checkStep(what, step);
  const maxLr = finite(what, "maxLr", o.maxLr, 0);
  const total = o.totalSteps;
  if (!Number.isInteger(total) || total <= 0) {
    throw new RangeError(`${what}: totalSteps = ${total}, expected a positive integer`);
  }
  if (step > total) {
    throw new RangeError(`${what}: step = ${step}, expected at most totalSteps = ${total}`);
  }
  const pctStart = o.pctStart ?? 0.3;
  if (!(pctStart >= 0 && pctStart <= 1)) {
    throw new RangeError(`${what}: pctStart = ${pctStart}, expected a number in [0, 1]`);
  }
  const divFactor = positive(what, "divFactor", o.divFactor ?? 25);
  const finalDivFactor = positive(what, "finalDivFactor", o.finalDivFactor ?? 1e4);
  const baseMomentum = finite(what, "baseMomentum", o.baseMomentum ?? 0.85, 0);
  const maxMomentum = finite(what, "maxMomentum", o.maxMomentum ?? 0.95, 0);
  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  const phases = [
    { end: pctStart * total - 1, lr: [initialLr, maxLr], mom: [maxMomentum, baseMomentum] },
    { end: total - 1, lr: [maxLr, minLr], mom: [baseMomentum, maxMomentum] },
  ];
  let start = 0;
  for (let i = 0; i < phases.length; i++) {
    const { end, lr, mom } = phases[i];
    if (step <= end || i === phases.length - 1) {
      const pct = (step - start) / (end - start);
      return { lr: annealCos(lr[0], lr[1], pct), beta1: annealCos(mom[0], mom[1], pct) };
    }
    start = end;
  }
  throw new Error("unreachable");
}

/** ExponentialLR (and the LR finder): startLr·gamma^step. */
export function exponentialLr(step: number, o: { startLr: number; gamma: number }): number {
  checkStep("exponentialLr", step);
  const startLr = finite("exponentialLr", "startLr", o.startLr, 0);
  const gamma = positive("exponentialLr", "gamma", o.gamma);
  return startLr * gamma ** step;
}

/** torch's `_annealing_cos`: from `start` (pct 0) to `end` (pct 1). */
function annealCos(start: number, end: number, pct: number): number {
  return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
}

function checkStep(what: string, step: number): void {
  if (!Number.isInteger(step) || step < 0) {
    throw new RangeError(`${what}: step = ${step}, expected an integer ≥ 0`);
  }
}

function finite(what: string, field: string, v: number, min: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    throw new RangeError(`${what}: ${field} = ${String(v)}, expected a finite number ≥ ${min}`);
  }
  return v;
}

function positive(what: string, field: string, v: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${what}: ${field} = ${String(v)}, expected a finite number > 0`);
  }
  return v;
}
