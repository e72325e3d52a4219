// A number box's own check (lib/numberRange.ts), in the contract's words for the same value.

import { describe, expect, it } from 'vitest';
import { numberProblem, withShownBounds } from '../../../../src/renderer/src/lib/numberRange';

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

  it('writes a bound from 1,000 on with thousands separators, as the screens write counts, but not a seed', () => {
    expect(numberProblem('Steps', 1e9, { min: 1, max: 100_000_000, isWhole: true })).toBe(
      'Steps must be ≤ 100,000,000',
    );
    expect(numberProblem('Offset', -5000, { min: -1000 })).toBe('Offset must be ≥ -1,000');
    expect(numberProblem('Temperature', 0.00001, { min: 0.0001 })).toBe('Temperature must be ≥ 0.0001');
    // A seed is a name, not an amount (formatSetting writes it so).
    expect(numberProblem('Data seed', 2 ** 33, { min: 0, max: 2 ** 32 - 1, isWhole: true })).toBe(
      'Data seed must be ≤ 4294967295',
    );
  });

  it("writes the bounds of a field's refusal (the contract's words) as the boxes do", () => {
    expect(withShownBounds('Steps must be ≤ 100000000', 'maxSteps')).toBe('Steps must be ≤ 100,000,000');
    expect(withShownBounds('CPU threads must be ≥ 0 (0: onnxruntime picks one per core)', 'threads')).toBe(
      'CPU threads must be ≥ 0 (0: onnxruntime picks one per core)',
    );
    expect(withShownBounds('Noise density must be < 1', 'noiseDensity')).toBe('Noise density must be < 1');
    expect(withShownBounds('Seed must be ≤ 4294967295', 'seed')).toBe('Seed must be ≤ 4294967295');
  });

  // The browser gives a page no value for text it cannot read as a finite number (1e400, which
  // overflows, or a lone "e"), only that the box holds some: that is not an empty box.
  it('says the bounds for text the browser cannot read as a number, not that the box needs one', () => {
    const range = { min: 4, max: 65536, isWhole: true };
    expect(numberProblem('Input length', null, range, true)).toBe('Input length must be a number from 4 to 65,536');
    expect(numberProblem('Example number', null, { min: 1, isWhole: true }, true)).toBe(
      'Example number must be a number ≥ 1',
    );
    expect(numberProblem('Offset', null, { max: 9 }, true)).toBe('Offset must be a number ≤ 9');
    expect(numberProblem('Anything', null, {}, true)).toBe('Anything needs a number');
    // An empty box still needs a number.
    expect(numberProblem('Input length', null, range, false)).toBe('Input length needs a number');
  });

  // The browser reads 1e3 in a number box as 1000; a whole-number flag on the CLI takes digits only
  // (--keep-last 1e3 is refused), so a whole-number box given its text does too.
  it('refuses a whole number not written in digits, where the text typed is given', () => {
    const range = { min: 1, max: 1000, isWhole: true };
    for (const typed of ['1e3', '1E3', '10e1', '1.0', '+5'])
      expect(numberProblem('Checkpoints kept', Number(typed), range, false, typed), typed).toBe(
        'Checkpoints kept must be a whole number',
      );
    expect(numberProblem('Checkpoints kept', 1000, range, false, '1000')).toBeUndefined();
    expect(numberProblem('Checkpoints kept', 0, range, false, '0')).toBe('Checkpoints kept must be ≥ 1');
    expect(numberProblem('Offset', -3, { isWhole: true }, false, '-3')).toBeUndefined();
    // A box for any number takes the exponent.
    expect(numberProblem('Temperature', 0.001, { min: 0.0001 }, false, '1e-3')).toBeUndefined();
  });

  it('takes an empty box that may be left empty, but not unreadable text in it', () => {
    const range = { min: 1, isWhole: true, isOptional: true };
    expect(numberProblem('Example number', null, range)).toBeUndefined();
    expect(numberProblem('Example number', undefined, range)).toBeUndefined();
    expect(numberProblem('Example number', 0, range)).toBe('Example number must be ≥ 1');
    expect(numberProblem('Example number', 2.5, range)).toBe('Example number must be a whole number');
    expect(numberProblem('Example number', null, range, true)).toBe('Example number must be a number ≥ 1');
  });
});
