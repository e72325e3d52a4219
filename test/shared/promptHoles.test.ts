// A prompt with nothing like an <extra_id_N> hole is told apart from one the engine must judge.
import { describe, expect, it } from 'vitest';
import { hasNoHole } from '../../src/shared/promptHoles';

describe('hasNoHole', () => {
  it('is true only when nothing in the prompt looks like a sentinel', () => {
    expect(hasNoHole('A prompt without any hole.')).toBe(true);
    expect(hasNoHole('')).toBe(true);
    expect(hasNoHole('extra_id_0 and <extra id_0> and <extra_id_0 >')).toBe(true);
    expect(hasNoHole('The <extra_id_0> walks')).toBe(false);
    // Malformed or out-of-range ones are the engine's to refuse, per tokenizer.
    expect(hasNoHole('The <extra_id_x> walks')).toBe(false);
    expect(hasNoHole('The <extra_id_99999> walks')).toBe(false);
  });

  it('gives the same answer when asked twice (the pattern is global, the test keeps no state)', () => {
    const prompt = 'The <extra_id_0> walks';
    expect([hasNoHole(prompt), hasNoHole(prompt)]).toEqual([false, false]);
  });
});
