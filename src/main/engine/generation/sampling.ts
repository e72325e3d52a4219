// Sampling with HF's logits warpers in HF's order: TemperatureLogitsWarper →
// TopKLogitsWarper → TopPLogitsWarper, then a multinomial draw from the seeded engine
// generator (Rng.fromSplitMix32(seed)), as GenerationMixin._sample does with do_sample.

import { Rng } from '../rng';
import { argmax, softmax } from './logits';

/**
 * Per-row sampling: scores = logits / temperature; top-k keeps scores ≥ the k-th largest
 * (ties kept); top-p sorts ascending and drops tokens whose cumulative probability is
 * ≤ 1 − topP, always keeping the most likely; then draws from softmax(scores).
 */
export function sampler(
  strategy: { readonly temperature?: number; readonly topK?: number; readonly topP?: number; readonly seed: number },
  vocabSize: number,
): (logits: Float32Array, row: number) => number {
  const rng = Rng.fromSplitMix32(strategy.seed);
  const { temperature = 1, topK = 0, topP = 1 } = strategy;
  return (logits, row) => {
    const scores = Float64Array.from(logits.subarray(row * vocabSize, (row + 1) * vocabSize), (x) => x / temperature);
    if (topK > 0 && topK < vocabSize) {
      const kth = [...scores].sort((a, b) => b - a)[topK - 1];
      for (let i = 0; i < vocabSize; i++) if (scores[i] < kth) scores[i] = -Infinity;
    }
    const probs = softmax(scores);
    if (topP < 1) {
      const order = [...probs.keys()].sort((a, b) => probs[a] - probs[b]);
      let cumulative = 0;
      for (let j = 0; j < order.length - 1; j++) {
        cumulative += probs[order[j]];
        if (cumulative <= 1 - topP) scores[order[j]] = -Infinity;
      }
      probs.set(softmax(scores));
    }
    let u = rng.uniform();
    for (let i = 0; i < vocabSize; i++) {
      u -= probs[i];
      if (u < 0) return i;
    }
    return argmax(Float32Array.from(probs), 0, vocabSize);
  };
}
