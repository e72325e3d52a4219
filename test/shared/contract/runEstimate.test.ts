// The estimate's passes over the training examples: steps × micro-batch × accumulation over
// the examples, in words, and the caution past MANY_PASSES.

import { describe, expect, it } from 'vitest';
import type { RunEstimate } from '../../../src/shared/contract/runs';
import { describePasses, MANY_PASSES } from '../../../src/shared/contract/runEstimate';

const estimate = (fields: Partial<RunEstimate>): RunEstimate => ({
  totalSteps: 200,
  trainingExamples: 678,
  tokensPerStep: 624,
  memoryBytes: 1,
  memoryBudget: { bytes: null, basis: '' },
  batchSize: 8,
  accumulation: 1,
  memoryNotice: null,
  seconds: null,
  timeBasis: '',
  isTimed: false,
  ...fields,
});

describe('describePasses', () => {
  it('counts steps times examples per step over the training examples', () => {
    // 200 × 8 / 678 = 2.36
    expect(describePasses(estimate({}))).toEqual({ text: 'about 2.4 passes over the 678 training examples' });
    // A split batch trains the same examples per step: 200 × 2 × 4 / 678.
    expect(describePasses(estimate({ batchSize: 2, accumulation: 4 })).text).toBe(
      'about 2.4 passes over the 678 training examples',
    );
    expect(describePasses(estimate({ totalSteps: 10, batchSize: 1, trainingExamples: 10 })).text).toBe(
      'about 1.0 pass over the 10 training examples',
    );
    expect(describePasses(estimate({ totalSteps: 1, batchSize: 1, trainingExamples: 1 })).text).toBe(
      'about 1.0 pass over the 1 training example',
    );
  });

  it('says a share of one pass under a tenth of a pass, and passes from a tenth on', () => {
    // 200 × 8 / 154,127 = 0.0104: "0.0 passes" before.
    expect(describePasses(estimate({ trainingExamples: 154_127 })).text).toBe(
      'about 1 % of one pass over the 154,127 training examples',
    );
    // 10 × 8 / 1,000,000 = 0.00008.
    expect(describePasses(estimate({ totalSteps: 10, trainingExamples: 1_000_000 })).text).toBe(
      'about 0.008 % of one pass over the 1,000,000 training examples',
    );
    expect(describePasses(estimate({ totalSteps: 10, batchSize: 1, trainingExamples: 100 })).text).toBe(
      'about 0.1 passes over the 100 training examples',
    );
  });

  it('cautions past MANY_PASSES, not at it', () => {
    // The standard preset on the sample: 10,000 × 32 / 83 = 3,855.4.
    const many = describePasses(estimate({ totalSteps: 10_000, batchSize: 32, trainingExamples: 83 }));
    expect(many.text).toBe('about 3,855 passes over the 83 training examples');
    expect(many.caution).toMatch(/^A dataset seen this often tends to be learned by heart/);
    const at = describePasses(estimate({ totalSteps: MANY_PASSES, batchSize: 1, trainingExamples: 1 }));
    expect(at).toEqual({ text: `about ${MANY_PASSES} passes over the 1 training example` });
    expect(
      describePasses(estimate({ totalSteps: MANY_PASSES + 1, batchSize: 1, trainingExamples: 1 })).caution,
    ).toBeDefined();
  });
});
