// The charts' y axis (components/LineChart.svelte): its scale and where it splits, for uPlot.
// Logarithmic (base 10) over the data's own span, with ticks from logTicks as many as keep their
// space; from 0 to the last of zeroTicks (rates); or fitted to the data between ticks at or past
// its ends (fittedTicks: uPlot's own left a loss of 6.5 down to 2.7 ticked at 6 and 4 only).

import type uPlot from 'uplot';
import { logTickLabels, logTicks } from './logTicks';
import { zeroTicks } from './zeroTicks';

/**
 * The y axis's ticks are 20 px apart at the least (uPlot's 30 left a 140 px chart with two: 0
 * and 0.02 around a learning rate of 0.01, no label near the line).
 */
export const Y_TICK_SPACE = 20;

export interface YAxis {
  readonly yScale: uPlot.Scales;
  readonly ySplits: Pick<uPlot.Axis, 'splits' | 'filter'>;
}

/** The data's span on a log axis, 5 % out on either side; uPlot's own range without data. */
export function logRange(_: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  return min === null || max === null || !(min > 0) ? [1, 10] : [min / 1.05, max * 1.05];
}

/** A fitted axis's steps: 1, 2, 2.5 or 5 times a power of ten, at most this many between its ends. */
const FITTED_STEPS = [1, 2, 2.5, 5] as const;
const MOST_FITTED_STEPS = 3;

/**
 * Ticks for values from `min` to `max`: equal steps (the smallest of FITTED_STEPS that needs no
 * more than MOST_FITTED_STEPS), the first at or under `min` and the last at or over `max`, so the
 * axis is labelled below and above the data however it lies; around a single value, a step
 * either side.
 */
export function fittedTicks(min: number, max: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const span = max - min > 0 ? max - min : Math.abs(min) || 1;
  const round = (value: number) => Number(value.toPrecision(12));
  for (let exponent = Math.floor(Math.log10(span / MOST_FITTED_STEPS)); ; exponent++) {
    for (const multiple of FITTED_STEPS) {
      const step = round(multiple * 10 ** exponent);
      let [first, last] = [Math.floor(round(min / step)), Math.ceil(round(max / step))];
      if (first === last) [first, last] = [first - 1, last + 1];
      if (last - first > MOST_FITTED_STEPS) continue;
      return Array.from({ length: last - first + 1 }, (_, i) => round((first + i) * step));
    }
  }
}

/** The y scale and where its axis splits: logarithmic, from 0, or fitted to the data. */
export function yAxis({ logY, fromZero }: { readonly logY: boolean; readonly fromZero: boolean }): YAxis {
  if (logY) {
    // CSS pixels between two values on the y axis as drawn now.
    const apart = (self: uPlot, a: number, b: number): number =>
      Math.abs(self.valToPos(a, 'y') - self.valToPos(b, 'y'));
    // Even steps in a narrow range (a zoom into a flat stretch) only as many as keep the space.
    const splits = (self: uPlot, _axis: number, min: number, max: number) =>
      logTicks(min, max, Math.floor(apart(self, min, max) / Y_TICK_SPACE) + 1);
    // Which ticks get a label: uPlot's own rule, but never fewer than two.
    const filter = (self: uPlot, ticks: number[]) => logTickLabels(ticks, apart(self, 1, 10), Y_TICK_SPACE);
    return { yScale: { y: { distr: 3, log: 10, range: logRange } }, ySplits: { splits, filter } };
  }
  if (!fromZero) {
    // The scale runs between the outer ticks, and the axis splits at them.
    const range = (_: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax => {
      if (min === null || max === null) return [0, 1];
      const ticks = fittedTicks(min, max);
      return [ticks[0], ticks[ticks.length - 1]];
    };
    const splits = (_: uPlot, _axis: number, min: number, max: number) => fittedTicks(min, max);
    return { yScale: { y: { range } }, ySplits: { splits } };
  }
  // The scale ends at the last of zeroTicks, and the axis splits at them.
  let ticks = zeroTicks(0);
  const range = (_: uPlot, _min: number | null, max: number | null): uPlot.Range.MinMax => {
    ticks = zeroTicks(max ?? 0);
    return [0, ticks[ticks.length - 1]];
  };
  return { yScale: { y: { range } }, ySplits: { splits: () => ticks } };
}
