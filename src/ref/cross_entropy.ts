/**
 * Float64 CPU reference of softmax cross-entropy (mean over the batch), written from the math in
 * the ops spec, for testing the WGSL kernels.
 *
 * @module
 */
import type { LogitsShape } from "../shapes.ts";

/**
 * For logits [N, K] and labels [N] in 0..K−1: losses[n] = logsumexp(z_n) − z_n[label_n] (stable:
 * the row max is subtracted first), loss = mean of losses, dlogits [N, K] = (softmax(z_n) −
 * onehot(label_n)) / N (the gradient of the MEAN loss), and correct = #{n : argmax z_n == label_n}
 * with the FIRST maximal index winning ties.
 */
export function softmaxCrossEntropyRef(
  logits: Float64Array, // [N, K]
  labels: ArrayLike<number>, // [N]
  s: LogitsShape,
): { loss: number; losses: Float64Array; dlogits: Float64Array; correct: number } {
  const { N, K } = s;
  for (const [name, v] of Object.entries(s)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`crossEntropy ref: shape ${name} = ${v}, expected a positive integer`);
    }
  }
  if (logits.length !== N * K) {
    throw new RangeError(
      `crossEntropy ref: logits has length ${logits.length}, expected ${N * K} [N, K]`,
    );
  }
  if (labels.length !== N) {
    throw new RangeError(`crossEntropy ref: labels has length ${labels.length}, expected ${N} [N]`);
  }
  const losses = new Float64Array(N); // [N]
  const dlogits = new Float64Array(N * K); // [N, K]
  let correct = 0, total = 0;
  for (let n = 0; n < N; n++) {
    const label = labels[n];
    if (!Number.isInteger(label) || label < 0 || label >= K) {
      throw new RangeError(
        `crossEntropy ref: labels[${n}] = ${label}, expected an integer 0..${K - 1}`,
      );
    }
    const row = n * K;
    let argmax = 0;
    for (let k = 1; k < K; k++) if (logits[row + k] > logits[row + argmax]) argmax = k; // first max wins
    const zmax = logits[row + argmax];
    let sumExp = 0;
    for (let k = 0; k < K; k++) sumExp += Math.exp(logits[row + k] - zmax);
    const lse = zmax + Math.log(sumExp);
    losses[n] = lse - logits[row + label];
    total += losses[n];
    for (let k = 0; k < K; k++) {
      const p = Math.exp(logits[row + k] - zmax) / sumExp;
      dlogits[row + k] = (p - (k === label ? 1 : 0)) / N;
    }
    if (argmax === label) correct++;
  }
  return { loss: total / N, losses, dlogits, correct };
}
