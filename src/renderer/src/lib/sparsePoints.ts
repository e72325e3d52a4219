// Whether a chart line also marks its points: when its measured values are few and far apart
// on the visible stretch. A validation loss measured every 500 steps is a handful of values
// among thousands of steps (null elsewhere); drawn as a bare line it reads as a measurement at
// every step. uPlot's own rule counts x positions, not a series' values, so it never marks it.

/** Marks need about this many CSS pixels between values on average to stay apart. */
export const MARK_SPACING_PX = 12;

/** True when `values[first..last]` holds at least one value, and no more than fit `widthPx` at MARK_SPACING_PX apart. */
export function marksPoints(
  values: readonly (number | null | undefined)[],
  first: number,
  last: number,
  widthPx: number,
): boolean {
  const room = Math.floor(widthPx / MARK_SPACING_PX);
  let count = 0;
  for (let index = Math.max(0, first); index <= Math.min(last, values.length - 1); index++) {
    if (values[index] !== null && values[index] !== undefined && ++count > room) return false;
  }
  return count > 0;
}
