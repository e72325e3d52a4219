// A number box's own check (lib/numberRange.ts), in the contract's words for the same value.

import { describe, expect, it } from 'vitest';
import { numberProblem } from '../../../../src/renderer/src/lib/numberRange';

describe('numberProblem', () => {
  it('says an empty, fractional, too small or too large value, and nothing for a good one', () => {
    const range = { min: 1, max: 512, isWhole: true };
    expect(numberProblem('Most new tokens', null, range)).toBe('Most new tokens needs a number');
    expect(numberProblem('Most new tokens', Number.NaN, range)).toBe('Most new tokens needs a number');
    expect(numberProblem('Most new tokens', 2.5, range)).toBe('Most new tokens must be a whole number');
    expect(numberProblem('Most new tokens', 0, range)).toBe('Most new tokens must be ≥ 1');
    expect(numberProblem('Most new tokens', -3, range)).toBe('Most new tokens must be ≥ 1');
    expect(numberProblem('Most new tokens', 100000, range)).toBe('Most new tokens must be ≤ 512');
    expect(numberProblem('Most new tokens', 32, range)).toBeUndefined();
    expect(numberProblem('Temperature', 0.5, { min: 0.0001, max: 100 })).toBeUndefined();
  });
});
