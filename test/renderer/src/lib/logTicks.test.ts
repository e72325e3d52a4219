// A log axis's ticks: 1-2-5 per decade when that gives three or more in range, else 1…9.
import { describe, expect, it } from 'vitest';
import { logTicks } from '../../../../src/renderer/src/lib/logTicks';

describe('logTicks', () => {
  it('takes powers of ten, then 1-2-5, then every whole multiple, the first with three ticks in range', () => {
    expect(logTicks(0.5, 2000)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(1.5, 60)).toEqual([2, 5, 10, 20, 50]);
    expect(logTicks(1.7, 6.9)).toEqual([2, 3, 4, 5, 6]);
    // Small values keep their decimals exact (no 0.30000000000000004).
    expect(logTicks(0.15, 0.65)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6]);
  });

  it('gives what there is when even whole multiples give fewer than three, and nothing for a bad range', () => {
    expect(logTicks(2.1, 2.9)).toEqual([]);
    expect(logTicks(1.9, 3.1)).toEqual([2, 3]);
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(5, 4)).toEqual([]);
  });
});
