// The point marks of the charts' lines (components/LineChart.svelte) in each series' shape
// (lib/seriesStyle.ts), so that runs differ by more than colour: each shape's outline, and which
// of a dense line's points get a mark when marks run along it every so many pixels (as
// matplotlib's markevery does). lib/chartMarks.ts draws them on the canvas and in the legend.

import type uPlot from 'uplot';
import type { MarkShape } from './seriesStyle';

/** A mark's size across in CSS pixels, its outline included. */
export const MARK_SIZE = 7;
export const MARK_OUTLINE = 1.5;
/** CSS pixels between the marks along a dense line. */
export const MARKS_ALONG_PX = 56;

/** A shape around (0, 0) of about the area of the unit circle: 'circle', or its corners (y down). */
export function markOutline(shape: MarkShape): 'circle' | readonly (readonly [number, number])[] {
  switch (shape) {
    case 'circle':
      return 'circle';
    case 'square':
      return [
        [-0.9, -0.9],
        [0.9, -0.9],
        [0.9, 0.9],
        [-0.9, 0.9],
      ];
    case 'triangle':
      return [
        [0, -1.35],
        [1.2, 0.75],
        [-1.2, 0.75],
      ];
    case 'triangle-down':
      return [
        [0, 1.35],
        [1.2, -0.75],
        [-1.2, -0.75],
      ];
    case 'diamond':
      return [
        [0, -1.25],
        [1.25, 0],
        [0, 1.25],
        [-1.25, 0],
      ];
  }
}

/**
 * Which points of a line get a mark when marks run along it: the first with a position at or
 * after `offset`, then each next one `spacing` or more further on. `positions` are CSS pixels
 * from the plot's left, null where the line has no value or the point is out of view.
 */
export function spacedMarks(positions: readonly (number | null)[], spacing: number, offset = 0): number[] {
  const kept: number[] = [];
  let next = offset;
  positions.forEach((position, index) => {
    if (position === null || position < next) return;
    kept.push(index);
    next = position + spacing;
  });
  return kept;
}

/**
 * uPlot's points filter for marks along a line: where uPlot shows no marks (too many points for
 * the width), every MARKS_ALONG_PX, each series starting a little further in so that runs'
 * marks do not pile up at the left; where it shows them all, all (null).
 */
export function marksAlong(self: uPlot, series: number, isShown: boolean, pixelRatio: number): number[] | null {
  if (isShown) return null;
  const [xs, ys] = [self.data[0], self.data[series]];
  // (The plot's box is in canvas pixels, `pixelRatio` to a CSS pixel.)
  const width = self.bbox.width / pixelRatio;
  const positions = Array.from(xs, (x, index) => {
    if (ys[index] === null || ys[index] === undefined) return null;
    const position = self.valToPos(x, 'x');
    return position >= 0 && position <= width ? position : null;
  });
  return spacedMarks(positions, MARKS_ALONG_PX, ((series - 1) * 17) % MARKS_ALONG_PX);
}
