// shared/editDistance.ts against textbook pairs worked by hand.
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/shared/editDistance';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions (textbook pairs)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
