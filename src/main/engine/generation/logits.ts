// Small float64 helpers over rows of logits (argmax, softmax, log-softmax) shared by the
// generators. Plain loops; rows are slices of a row-major (N, V) Float32Array.

/** Index of the largest value in logits[offset, offset+length) (first on ties, as torch.argmax). */
export function argmax(logits: Float32Array, offset: number, length: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const value = logits[offset + i];
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}

export function softmax(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    out[i] = Math.exp(scores[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** log-softmax of one row of logits, in float64. */
export function logSoftmaxRow(logits: Float32Array, offset: number, length: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(logits[offset + i] - max);
  const logSum = max + Math.log(sum);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = logits[offset + i] - logSum;
  return out;
}
