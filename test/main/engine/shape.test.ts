import { describe, expect, it } from 'vitest';
import { elementCount, mostSlices } from '../../../src/main/engine/shape';

describe('elementCount', () => {
  it('multiplies the dimensions: 1 for a scalar, 0 when a dimension is 0', () => {
    expect(elementCount([])).toBe(1);
    expect(elementCount([7])).toBe(7);
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([512, 0, 8])).toBe(0);
    expect(elementCount([32128, 512])).toBe(16_449_536);
  });
});

describe('mostSlices', () => {
  it("is n's largest divisor up to the limit, checked against every divisor, and 1 below 1", () => {
    for (const n of [1, 7, 12, 114, 512, 32128]) {
      for (const limit of [0.5, 1, 2, 3.9, 7, 12, 64, 1e6]) {
        const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0 && d <= limit);
        expect(mostSlices(n, limit)).toBe(Math.max(1, ...divisors));
      }
    }
    expect([mostSlices(32128, 7), mostSlices(12, 5), mostSlices(7, 6)]).toEqual([4, 4, 1]);
  });
});
