// Counting a dataset's tokens, in words: only that dataset's tokenizing events count.

import { describe, expect, it } from 'vitest';
import { describeTokenizing, tokenizingOf } from '../../../../src/renderer/src/lib/tokenizing';

describe('tokenizing progress', () => {
  it('takes the tokenizing phase of the dataset asked about, nothing else', () => {
    const event = { datasetId: 'ds-1', phase: 'tokenizing' as const, done: 1200, total: 28019 };
    expect(tokenizingOf(event, 'ds-1')).toEqual({ done: 1200, total: 28019 });
    expect(tokenizingOf(event, 'ds-2')).toBeUndefined();
    expect(tokenizingOf({ ...event, phase: 'reading' }, 'ds-1')).toBeUndefined();
  });

  it('says how far it is, with the total once known', () => {
    expect(describeTokenizing({ done: 1200, total: 28019 })).toBe(
      'Tokenizing the dataset for this tokenizer (once; later previews and training reuse it): 1,200 of 28,019 documents…',
    );
    expect(describeTokenizing({ done: 0, total: null })).toMatch(/: 0 documents…$/);
  });
});
