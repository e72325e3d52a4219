// The charts' y axis: a log scale over the data's span, split as the space allows; one from 0
// split at its own ticks; or one fitted to the data, split at ticks past it both ways.

import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { logRange, yAxis, Y_TICK_SPACE } from '../../../../src/renderer/src/lib/chartYAxis';

/** A plot whose y axis draws 1 to 10 over `decade` CSS pixels (a log axis: equal space a decade). */
const plotWith = (decade: number) => ({ valToPos: (v: number) => -Math.log10(v) * decade }) as unknown as uPlot;
const noPlot = {} as uPlot;

type Splits = (self: uPlot, axis: number, min: number, max: number) => number[];
type Filter = (self: uPlot, ticks: number[]) => (number | null)[];
type Range = (self: uPlot, min: number | null, max: number | null) => uPlot.Range.MinMax;

describe('chart y axis', () => {
  it('fits a linear axis to ticks that reach past the data both ways (a tick at or under the lowest)', () => {
    const { yScale, ySplits } = yAxis({ logY: false, fromZero: false });
    const range = yScale.y.range as Range;
    const splits = ySplits.splits as Splits;
    // A finished 80-step run's loss, 6.5 down to 2.7: before, ticks 6 and 4 only, the curve ending under them.
    expect(range(noPlot, 2.7, 6.5)).toEqual([2, 8]);
    expect(splits(noPlot, 1, 2, 8)).toEqual([2, 4, 6, 8]);
    // Small values and a narrow stretch alike; one value gets an axis around it.
    expect(range(noPlot, 0.0004, 0.00098)).toEqual([0.0004, 0.001]);
    expect(splits(noPlot, 1, 0.0004, 0.001)).toEqual([0.0004, 0.0006, 0.0008, 0.001]);
    const [low, high] = range(noPlot, 3, 3);
    expect([Number(low) < 3, Number(high) > 3]).toEqual([true, true]);
    expect(range(noPlot, null, null)).toEqual([0, 1]);
  });

  it('spans the data 5 % out on a log scale, or 1 to 10 without positive data', () => {
    expect(logRange(noPlot, 2, 7)).toEqual([2 / 1.05, 7 * 1.05]);
    expect(logRange(noPlot, null, null)).toEqual([1, 10]);
    expect(logRange(noPlot, 0, 5)).toEqual([1, 10]);
    const { yScale } = yAxis({ logY: true, fromZero: true });
    expect(yScale.y).toMatchObject({ distr: 3, log: 10, range: logRange });
  });

  it('splits a log axis at decades, or 1, 2 and 5 a decade, evenly in a narrow range only as many as keep 20 px apart', () => {
    const { ySplits } = yAxis({ logY: true, fromZero: false });
    const splits = ySplits.splits as Splits;
    expect(Y_TICK_SPACE).toBe(20);
    expect(splits(plotWith(200), 1, 1, 100)).toEqual([1, 10, 100]);
    expect(splits(plotWith(200), 1, 1, 10)).toEqual([1, 2, 5, 10]);
    // 2 to 2.6 spans log10(2.6 / 2) ≈ 0.11 of a decade: 23 px at 200 px a decade, room for two
    // ticks 20 px apart; 230 px at 2000, room for every 0.2.
    expect(splits(plotWith(200), 1, 2, 2.6)).toEqual([2, 2.5]);
    expect(splits(plotWith(2000), 1, 2, 2.6)).toEqual([2, 2.2, 2.4, 2.6]);
    const filter = ySplits.filter as Filter;
    // Labels 20 px apart: 1, 2, 5 and 10 at 200 px a decade; at 40 px only the powers of ten.
    expect(filter(plotWith(200), [1, 2, 5, 10])).toEqual([1, 2, 5, 10]);
    expect(filter(plotWith(40), [1, 2, 5, 10])).toEqual([1, null, null, 10]);
  });

  it('runs an axis from 0 to the last of its ticks, and splits at them', () => {
    const { yScale, ySplits } = yAxis({ logY: false, fromZero: true });
    const range = yScale.y.range as Range;
    // 7 plus 5 % is over 3 × 2.5: ticks 0, 2.5, 5, 7.5 (zeroTicks).
    expect(range(noPlot, 3, 7)).toEqual([0, 7.5]);
    expect((ySplits.splits as () => number[])()).toEqual([0, 2.5, 5, 7.5]);
    expect(range(noPlot, null, null)).toEqual([0, 1]);
    expect((ySplits.splits as () => number[])()).toEqual([0, 1]);
  });
});
