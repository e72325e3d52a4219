// chartAxes.ts: whole-number ticks on the steps axis, and what counts as a zoom.
import { describe, expect, it } from 'vitest';
import { isZoomedIn, WHOLE_INCREMENTS } from '../../../../src/renderer/src/lib/chartAxes';

describe('chart axes', () => {
  it('steps the x axis by whole numbers only, 1, 2 and 5 times a power of ten, far enough for tokens seen', () => {
    expect(WHOLE_INCREMENTS.slice(0, 7)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    for (const increment of WHOLE_INCREMENTS) expect(Number.isInteger(increment), String(increment)).toBe(true);
    expect([...WHOLE_INCREMENTS].sort((a, b) => a - b)).toEqual(WHOLE_INCREMENTS);
    expect(WHOLE_INCREMENTS.at(-1)).toBeGreaterThanOrEqual(1e12);
  });

  it('calls an x range short of the data a zoom, and the data’s own range (or one point’s room) not', () => {
    const steps = [1, 2, 3, 4, 5, 6];
    expect(isZoomedIn(1, 6, steps)).toBe(false);
    expect(isZoomedIn(2.5, 4, steps)).toBe(true);
    expect(isZoomedIn(1, 5, steps)).toBe(true);
    expect(isZoomedIn(3, 6, steps)).toBe(true);
    // One point: uPlot gives it room either side.
    expect(isZoomedIn(0, 2, [1])).toBe(false);
    expect(isZoomedIn(null, null, steps)).toBe(false);
    expect(isZoomedIn(1, 6, [])).toBe(false);
    // Tokens seen: large x values, rounding in the last digit is not a zoom.
    expect(isZoomedIn(1_024 * (1 + 1e-12), 61_440, [1_024, 30_720, 61_440])).toBe(false);
  });
});
