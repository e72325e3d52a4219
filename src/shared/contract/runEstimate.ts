// A run estimate in words, the same on the Train screen and from `spanfill train --estimate`:
// how many times the run goes over its training examples, and a caution when that many passes
// over a small dataset would have the model learn it by heart rather than its language; and the
// micro-batch split an estimate picks to fit memory, as the run view and `runs show` say it.

import { formatMemory } from '../format';
import type { MemorySplit, RunEstimate } from './runs';

/** More passes than this over the training examples get the caution. */
export const MANY_PASSES = 20;

export interface Passes {
  /**
   * "about 2.4 passes over the 678 training examples" (one decimal under 10, else whole; under
   * a tenth of a pass, "about 1 % of one pass").
   */
  readonly text: string;
  /** Set when the passes exceed MANY_PASSES. */
  readonly caution?: string;
}

/** Steps × examples per step (micro-batch × accumulation) over the training examples. */
export function describePasses(estimate: RunEstimate): Passes {
  const examples = estimate.trainingExamples;
  const passes = (estimate.totalSteps * estimate.batchSize * estimate.accumulation) / examples;
  const count = passes < 10 ? passes.toFixed(1) : Math.round(passes).toLocaleString('en');
  // Under a tenth of a pass (a large dataset, a short run), "0.0 passes" would say nothing.
  const howMuch =
    passes < 0.1
      ? `${Number((passes * 100).toPrecision(2))} % of one pass`
      : `${count} ${count === '1.0' ? 'pass' : 'passes'}`;
  const text = `about ${howMuch} over the ${examples.toLocaleString('en')} training ${examples === 1 ? 'example' : 'examples'}`;
  if (passes <= MANY_PASSES) return { text };
  return {
    text,
    caution:
      'A dataset seen this often tends to be learned by heart: the validation loss shows when it stops improving. ' +
      'Fewer steps, or more text, may serve better.',
  };
}

/**
 * The line that says a run was split to fit memory, e.g. "batch 32 does not fit the 6.0 GiB
 * budget (free memory less a margin; needs ~9.1 GiB); training micro-batches of 8 with
 * accumulation 4, same 32 examples per step". `trains`: the split it trains with.
 */
export function describeMemorySplit(
  split: MemorySplit,
  trains: { readonly batchSize: number; readonly accumulation: number },
): string {
  const asked =
    split.askedAccumulation > 1
      ? `batch ${split.askedBatchSize} with accumulation ${split.askedAccumulation}`
      : `batch ${split.askedBatchSize}`;
  return (
    `${asked} does not fit the ${formatMemory(split.budgetBytes)} budget (${split.basis}; needs ~${formatMemory(split.neededBytes)}); ` +
    `training micro-batches of ${trains.batchSize} with accumulation ${trains.accumulation}, ` +
    `same ${trains.batchSize * trains.accumulation} examples per step`
  );
}
