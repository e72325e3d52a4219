// What the Runs screen's live region says as runs are ticked to compare: the comparison below the
// table as it starts and each time its number of runs changes, and its end; nothing while fewer
// than two runs are ticked, nor when the number stays.

import { describe, expect, it } from 'vitest';
import { comparedCountWords } from '../../../../src/renderer/src/lib/runsCompareWords';

describe('comparedCountWords', () => {
  it('says the comparison below the table as the second run is ticked, and each change of its runs', () => {
    expect(comparedCountWords(1, 2)).toBe('Comparing 2 runs — below the table.');
    expect(comparedCountWords(2, 3)).toBe('Comparing 3 runs — below the table.');
    expect(comparedCountWords(4, 3)).toBe('Comparing 3 runs — below the table.');
    // (two runs ticked elsewhere at once: another window's delete of the only one ticked here aside)
    expect(comparedCountWords(0, 2)).toBe('Comparing 2 runs — below the table.');
  });

  it('says the comparison ended when fewer than two runs are left ticked, and what brings it back', () => {
    expect(comparedCountWords(2, 1)).toBe('Comparison ended: tick one more run to compare.');
    expect(comparedCountWords(2, 0)).toBe('Comparison ended: tick two or more runs to compare.');
  });

  it('says nothing while fewer than two runs are ticked, or when their number stays', () => {
    expect(comparedCountWords(0, 1)).toBeUndefined();
    expect(comparedCountWords(1, 0)).toBeUndefined();
    expect(comparedCountWords(2, 2)).toBeUndefined();
    expect(comparedCountWords(0, 0)).toBeUndefined();
  });
});
