// The micro-batch rule of a run's memory plan (runsMemory.ts): the largest micro-batch m that
// divides the effective batch E = batchSize·accumulation, keeps E/m within ACCUMULATION_MAX and
// fits; and, when none fits, the refusal, in run configuration fields (batchSize, inputLength:
// the CLI says them as flags, the Train screen by its labels). Accumulation stops at
// ACCUMULATION_MAX, so a batch over that many examples cannot be split into micro-batches of 1:
// where smaller ones would fit, the refusal says how far to lower batchSize.

import { ACCUMULATION_MAX } from '../../shared/contract/runs';
import { formatMemory } from '../../shared/format';

/** Whether a split into micro-batches of `microBatch` with `accumulation` fits the budget. */
export type SplitFits = (microBatch: number, accumulation: number) => boolean;

/**
 * The micro-batch to train: `batchSize` when it fits, else the largest m < batchSize that
 * divides the effective batch E = batchSize·accumulation, keeps E/m within ACCUMULATION_MAX
 * and fits; null when none does. `fits(m, accumulation)` says whether that split fits.
 */
export function pickMicroBatch(
  batchSize: number,
  accumulation: number,
  fits: SplitFits,
): { batchSize: number; accumulation: number } | null {
  const effective = batchSize * accumulation;
  for (let m = batchSize; m >= 1; m--) {
    if (isMicroBatchOf(effective, m) && fits(m, effective / m)) return { batchSize: m, accumulation: effective / m };
  }
  return null;
}

/** Whether micro-batches of m make up the effective batch within ACCUMULATION_MAX calls. */
function isMicroBatchOf(effective: number, m: number): boolean {
  return effective % m === 0 && effective / m <= ACCUMULATION_MAX;
}

/** The least micro-batch pickMicroBatch may pick: 1 unless E/1 is over ACCUMULATION_MAX. */
export function smallestMicroBatch(effective: number): number {
  let m = 1;
  while (!isMicroBatchOf(effective, m)) m++;
  return m;
}

/** The largest batchSize under `batchSize` that some split fits at `accumulation`; null when not even 1 does. */
function largestFittingBatch(batchSize: number, accumulation: number, fits: SplitFits): number | null {
  if (!fits(1, accumulation)) return null; // a smaller batch splits no further than micro-batches of 1
  for (let b = batchSize - 1; b > 1; b--) {
    const m = smallestMicroBatch(b * accumulation);
    if (fits(m, (b * accumulation) / m)) return b;
  }
  return 1;
}

/** What the run asked for and the budget it is planned against. */
export interface RefusedRun {
  readonly batchSize: number;
  readonly accumulation: number;
  readonly inputLength: number;
  readonly limit: number;
  readonly basis: string;
}

/**
 * Why no split of `run` fits (`need`: the bytes of a split), and what to lower: batchSize, to a
 * figure that fits, where accumulation at its most keeps micro-batches over 1.
 */
export function noSplitFits(run: RefusedRun, need: (microBatch: number, accumulation: number) => number): string {
  const { batchSize, accumulation, limit, basis } = run;
  const effective = batchSize * accumulation;
  const smallest = smallestMicroBatch(effective);
  const least = need(smallest, effective / smallest);
  const raise = basis === 'memoryBudgetMiB' ? 'raise memoryBudgetMiB' : 'set memoryBudgetMiB if more is free';
  const lower = smallest > 1 ? largestFittingBatch(batchSize, accumulation, (m, a) => need(m, a) <= limit) : null;
  // Said only where a smaller batch fits: else micro-batches of 1 would not fit either.
  const [why, first] =
    lower === null
      ? ['', '']
      : [
          `, the least that ${effective} examples per step split into with accumulation at its most (${ACCUMULATION_MAX})`,
          `lower batchSize to at most ${lower}, or `,
        ];
  return (
    `batchSize ${batchSize} at inputLength ${run.inputLength} does not fit the ${formatMemory(limit)} budget ` +
    `(${basis}): even micro-batches of ${smallest} need ~${formatMemory(least)}${why}; ` +
    `${first}lower inputLength, use a smaller model, free some memory or ${raise}`
  );
}
