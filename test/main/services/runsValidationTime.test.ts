// The validation part of an estimate (services/runsValidationTime.ts): the passes the trainer
// makes (every evalEvery steps and at the last step; none without validation examples), the
// batches and decoding groups of one pass, and a pass's time from its timed parts.
import { describe, expect, it } from 'vitest';
import {
  passMs,
  passParts,
  validationPasses,
  validationTime,
  validationWords,
} from '../../../src/main/services/runsValidationTime';

const cost = { evalBatchMs: 10, firstGroupMs: 300, groupMs: 100 };

describe('validationPasses', () => {
  it('counts one pass at the last step with evalEvery 0', () => {
    expect(validationPasses({ totalSteps: 200, evalEvery: 0, validationExamples: 30 })).toBe(1);
  });

  it('counts each multiple of evalEvery, the last step among them when it divides the steps', () => {
    expect(validationPasses({ totalSteps: 200, evalEvery: 50, validationExamples: 30 })).toBe(4);
    expect(validationPasses({ totalSteps: 50, evalEvery: 50, validationExamples: 30 })).toBe(1);
  });

  it("adds the last step's pass when evalEvery does not divide the steps", () => {
    // Steps 50, 100, 150, 200 and 230.
    expect(validationPasses({ totalSteps: 230, evalEvery: 50, validationExamples: 30 })).toBe(5);
    // evalEvery past the end: the last step's alone.
    expect(validationPasses({ totalSteps: 30, evalEvery: 50, validationExamples: 30 })).toBe(1);
  });

  it('counts none without validation examples', () => {
    expect(validationPasses({ totalSteps: 200, evalEvery: 50, validationExamples: 0 })).toBe(0);
    expect(validationPasses({ totalSteps: 200, evalEvery: 0, validationExamples: 0 })).toBe(0);
  });
});

describe('passParts and passMs', () => {
  const shape = { totalSteps: 200, evalEvery: 50, batchSize: 8 };

  it('covers at most evalExamples in micro-batches and decodes at most spanSample in groups of 4', () => {
    // 256 of 1,000 examples in 32 batches of 8; 16 decoded in 4 groups.
    expect(passParts({ ...shape, validationExamples: 1000 })).toEqual({ batches: 32, groups: 4 });
    // 30 examples: 4 batches (the last padded); 16 decoded.
    expect(passParts({ ...shape, validationExamples: 30 })).toEqual({ batches: 4, groups: 4 });
    // 6 examples: one batch; 6 decoded in 2 groups.
    expect(passParts({ ...shape, validationExamples: 6 })).toEqual({ batches: 1, groups: 2 });
    expect(passParts({ ...shape, validationExamples: 1000, evalExamples: 20, spanSample: 0 })).toEqual({
      batches: 3,
      groups: 0,
    });
  });

  it('times a pass as its batches plus a first group that builds the decoder and the further groups', () => {
    // 4 × 10 + 300 + 3 × 100.
    expect(passMs({ ...shape, validationExamples: 30 }, cost)).toBe(640);
    // No decoding: the batches alone.
    expect(passMs({ ...shape, validationExamples: 30, spanSample: 0 }, cost)).toBe(40);
  });

  it('multiplies a pass by the passes', () => {
    expect(validationTime({ ...shape, totalSteps: 230, validationExamples: 30 }, cost)).toEqual({
      passes: 5,
      passMs: 640,
      totalMs: 3200,
    });
    expect(validationTime({ ...shape, validationExamples: 0 }, cost)).toEqual({ passes: 0, passMs: 0, totalMs: 0 });
  });
});

describe('validationWords', () => {
  it('says the passes, the time of each and that the decoding is an upper bound', () => {
    expect(validationWords({ passes: 5, passMs: 3456 })).toBe(
      'with 5 validation passes of about 3.5 s each (its decoding timed to full length: an upper bound)',
    );
    expect(validationWords({ passes: 1, passMs: 640 })).toBe(
      'with 1 validation pass of about 640 ms (its decoding timed to full length: an upper bound)',
    );
  });
});
