// An axis from 0: ticks at 0 and two or three nice steps, the last over the largest value.
import { describe, expect, it } from 'vitest';
import { zeroTicks } from '../../../../src/renderer/src/lib/zeroTicks';

describe('zeroTicks', () => {
  it('steps of 1, 2, 2.5 or 5 times a power of ten, three at the most, past the largest value plus 5 %', () => {
    expect(zeroTicks(35_000)).toEqual([0, 20_000, 40_000]);
    expect(zeroTicks(30_000)).toEqual([0, 20_000, 40_000]); // 31.5k is over 3 × 10k
    expect(zeroTicks(28_000)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(zeroTicks(12_152)).toEqual([0, 5_000, 10_000, 15_000]);
    expect(zeroTicks(7)).toEqual([0, 2.5, 5, 7.5]);
    // Small values keep their decimals exact (no 0.30000000000000004).
    expect(zeroTicks(0.28)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('labels three or four heights for any positive maximum', () => {
    for (let max = 0.013; max < 1e7; max *= 1.37) {
      const ticks = zeroTicks(max);
      expect(ticks.length, `max ${max}: ${ticks}`).toBeGreaterThanOrEqual(3);
      expect(ticks.length, `max ${max}: ${ticks}`).toBeLessThanOrEqual(4);
      expect(ticks.at(-1)!, `max ${max}`).toBeGreaterThanOrEqual(max * 1.05);
      expect(ticks.at(-2)!, `max ${max}`).toBeLessThan(max * 1.05);
    }
  });

  it('gives the axis 0 to 1 without a positive finite maximum', () => {
    expect(zeroTicks(0)).toEqual([0, 1]);
    expect(zeroTicks(-3)).toEqual([0, 1]);
    expect(zeroTicks(Number.NaN)).toEqual([0, 1]);
  });
});
