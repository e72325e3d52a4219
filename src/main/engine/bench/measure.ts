// What every `spanfill bench` measurement shares: the clock, this process's peak RSS, random
// token ids for a model of a given vocabulary, and mean/min/max of a list of timings.
// Numbers only; what is measured lives in train.ts and generate.ts.

import type { Rng } from '../rng';

export const now = (): number => performance.now();

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss is in KiB on Linux). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** `n` random ids in [2, V): never pad (0) or EOS (1), so nothing is masked or stops early. */
export function randomTokenIds(vocabSize: number, rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => 2 + rng.below(vocabSize - 2));
}

export interface TimingStats {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export function timingStats(values: readonly number[]): TimingStats {
  if (values.length === 0) throw new Error('timingStats: no timings to summarise');
  return {
    mean: values.reduce((a, t) => a + t, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
