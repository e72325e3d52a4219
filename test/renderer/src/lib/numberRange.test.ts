// A number box's own check (lib/numberRange.ts), in the contract's words for the same value.

import { describe, expect, it } from 'vitest';
import { boxNumber, inBoxWords, numberProblem, withShownBounds } from '../../../../src/renderer/src/lib/numberRange';

describe('numberProblem', () => {
  it('says an empty, fractional, too small or too large value, and nothing for a good one', () => {
    const range = { min: 1, max: 512, isWhole: true };
    expect(numberProblem('Most new tokens', null, range)).toBe('Most new tokens needs a number');
    expect(numberProblem('Temperature', Number.NaN, { min: 0.1 })).toBe('Temperature needs a number');
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
  // (--keep-last 1e3 is refused), so a whole-number box gives no number for it (NaN), which every
  // form's check refuses, and says why.
  it('reads a whole-number box written other than in digits as no number, and says why', () => {
    const range = { min: 1, max: 1000, isWhole: true };
    for (const typed of ['1e3', '1E3', '10e1', '1.0', '+5', '0x10']) {
      expect(boxNumber(typed, true), typed).toBeNaN();
      expect(numberProblem('Checkpoints kept', boxNumber(typed, true), range), typed).toBe(
        'Checkpoints kept must be a whole number',
      );
    }
    expect(boxNumber('1000', true)).toBe(1000);
    expect(boxNumber(' 7 ', true)).toBe(7);
    expect(boxNumber('-3', true)).toBe(-3);
    expect(boxNumber('007', true)).toBe(7);
    expect(numberProblem('Checkpoints kept', boxNumber('1000', true), range)).toBeUndefined();
    expect(numberProblem('Checkpoints kept', boxNumber('0', true), range)).toBe('Checkpoints kept must be ≥ 1');
    // An empty box (or text the browser cannot read, which it gives the page as empty) is no value.
    expect(boxNumber('', true)).toBeNull();
    expect(boxNumber('', false)).toBeNull();
    // A box for any number takes the exponent.
    expect(boxNumber('1e-3', false)).toBe(0.001);
    expect(boxNumber('2.50', false)).toBe(2.5);
  });
});

describe('inBoxWords', () => {
  // A form's own check (the Train form's schema, Settings' saving rule) sees the box's value only:
  // NaN or null, "needs a number". The box says what is wrong with what it holds.
  it('says a form\'s "needs a number" as the box that holds text makes it', () => {
    const range = { min: 1, max: 100_000, isWhole: true };
    expect(inBoxWords('Steps needs a number', Number.NaN, range)).toBe('Steps must be a whole number');
    expect(inBoxWords('Steps needs a number', null, range, true)).toBe('Steps must be a number from 1 to 100,000');
    expect(inBoxWords('Steps needs a number', null, range)).toBe('Steps needs a number');
    expect(inBoxWords('Steps must be ≥ 1', 0, range)).toBe('Steps must be ≥ 1');
    expect(inBoxWords(undefined, 5, range)).toBeUndefined();
    expect(inBoxWords('Dropout needs a number', Number.NaN, { min: 0, max: 1 })).toBe('Dropout needs a number');
  });
});

describe('numberProblem, an optional box', () => {
  it('takes an empty box that may be left empty, but not unreadable text in it', () => {
    const range = { min: 1, isWhole: true, isOptional: true };
    expect(numberProblem('Example number', null, range)).toBeUndefined();
    expect(numberProblem('Example number', undefined, range)).toBeUndefined();
    expect(numberProblem('Example number', 0, range)).toBe('Example number must be ≥ 1');
    expect(numberProblem('Example number', 2.5, range)).toBe('Example number must be a whole number');
    expect(numberProblem('Example number', null, range, true)).toBe('Example number must be a number ≥ 1');
  });
});
