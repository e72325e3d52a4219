// A log axis's ticks: 1-2-5 per decade when that gives three or more in range, else 1…9, else
// (a range zoomed inside a decade) even steps as a linear axis takes; and which of them it labels.
import { describe, expect, it } from 'vitest';
import { formatTicks } from '../../../../src/renderer/src/lib/format';
import { logTickLabels, logTicks } from '../../../../src/renderer/src/lib/logTicks';

describe('logTicks', () => {
  it('takes powers of ten, then 1-2-5, then every whole multiple, the first with three ticks in range', () => {
    expect(logTicks(0.5, 2000)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(1.5, 60)).toEqual([2, 5, 10, 20, 50]);
    expect(logTicks(1.7, 6.9)).toEqual([2, 3, 4, 5, 6]);
    // Small values keep their decimals exact (no 0.30000000000000004).
    expect(logTicks(0.15, 0.65)).toEqual([0.2, 0.3, 0.4, 0.5, 0.6]);
  });

  it('steps evenly inside a range too narrow for three whole multiples (a zoom), as a linear axis would', () => {
    // (These gave no tick and two: a zoom into losses of 2.2 to 2.6 left the axis without a label.)
    expect(logTicks(2.1, 2.9)).toEqual([2.2, 2.4, 2.6, 2.8]);
    expect(logTicks(1.9, 3.1)).toEqual([2, 2.5, 3]);
    // Across a power of ten, and far below one.
    expect(logTicks(0.95, 1.08)).toEqual([0.95, 1, 1.05]);
    expect(logTicks(0.004_31, 0.004_36)).toEqual([0.004_32, 0.004_34, 0.004_36]);
  });

  it('keeps even steps to the ticks a short chart has room for, but never under two', () => {
    // Losses of 6.4 to 7.1 on a chart with room for five: 6.2, 6.4 … 7.4 would be seven.
    expect(logTicks(6.1, 7.43)).toEqual([6.2, 6.4, 6.6, 6.8, 7, 7.2, 7.4]);
    expect(logTicks(6.1, 7.43, 5)).toEqual([6.5, 7]);
    expect(logTicks(6.1, 7.43, 7)).toEqual([6.2, 6.4, 6.6, 6.8, 7, 7.2, 7.4]);
    // Room for one: still two; where no step gives two (one tick, then four), the four.
    expect(logTicks(6.1, 7.43, 1)).toEqual([6.5, 7]);
    expect(logTicks(2.1, 2.9, 1)).toEqual([2.2, 2.4, 2.6, 2.8]);
  });

  it('gives nothing for a bad range', () => {
    expect(logTicks(0, 10)).toEqual([]);
    expect(logTicks(5, 4)).toEqual([]);
    expect(logTicks(Number.NaN, 4)).toEqual([]);
  });

  it('gives any range a chart zooms to (the visible losses, 5 % out) three ticks or more, each label its own', () => {
    for (const low of [0.0123, 0.9, 1, 1.04, 2.3, 4.1, 6.66, 9.9, 31]) {
      for (const ratio of [1, 1.001, 1.01, 1.05, 1.3, 2, 3.2]) {
        const [min, max] = [low / 1.05, low * ratio * 1.05];
        const ticks = logTicks(min, max);
        const where = `${min}…${max}: ${ticks.join(' ')}`;
        expect(ticks.length, where).toBeGreaterThanOrEqual(3);
        expect(ticks.length, where).toBeLessThanOrEqual(12);
        for (const [i, tick] of ticks.entries()) {
          expect(tick, where).toBeGreaterThanOrEqual(min);
          expect(tick, where).toBeLessThanOrEqual(max);
          if (i > 0) expect(tick, where).toBeGreaterThan(ticks[i - 1]);
        }
        expect(new Set(formatTicks(ticks)).size, where).toBe(ticks.length);
      }
    }
  });
});

describe('logTickLabels', () => {
  it('labels every tick where the decade is tall, then 1-2-3-5-7, then 1-2-5, then powers of ten', () => {
    const ticks = [2, 3, 4, 5, 6, 7, 8, 9, 10, 20];
    // 20 px between labels at the least: 9→10 is 4.6 % of a decade, 7→10 15.5 %, 5→10 30.1 %.
    expect(logTickLabels(ticks, 500, 20)).toEqual(ticks);
    expect(logTickLabels(ticks, 200, 20)).toEqual([2, 3, null, 5, null, 7, null, null, 10, 20]);
    expect(logTickLabels(ticks, 100, 20)).toEqual([2, null, null, 5, null, null, null, null, 10, 20]);
    expect(logTickLabels([1, 10, 100, 1000], 30, 20)).toEqual([1, 10, 100, 1000]);
  });

  it('labels every other power of ten (counting down from the top) when decades are closer than the space', () => {
    expect(logTickLabels([0.01, 0.1, 1, 10, 100], 12, 20)).toEqual([0.01, null, 1, null, 100]);
  });

  it('labels every tick rather than fewer than two', () => {
    // Steps inside one decade on a short chart, where 1-2-3-5-7 would label one of them, or none.
    expect(logTickLabels([3.5, 4, 4.5], 300, 20)).toEqual([3.5, 4, 4.5]);
    expect(logTickLabels([4.2, 4.4, 4.6, 4.8], 300, 20)).toEqual([4.2, 4.4, 4.6, 4.8]);
    expect(logTickLabels([], 300, 20)).toEqual([]);
  });
});
