// The charts' x axis (components/LineChart.svelte): steps and tokens are whole numbers, so its
// ticks are too (uPlot's own steps go down to 0.2 around a one-step run: 0, 0.2, … 2); and
// whether the person zoomed in, so that new points of a live run keep their zoom.

/** Tick increments for a whole-number axis: 1, 2 and 5 times a power of ten, up to 5e15. */
export const WHOLE_INCREMENTS: readonly number[] = Array.from({ length: 16 }, (_, exponent) =>
  [1, 2, 5].map((m) => m * 10 ** exponent),
).flat();

/**
 * Whether an x scale from `min` to `max` shows less than the data's x values `xs` (ascending)
 * span: the person dragged to zoom in. uPlot's own range spans them exactly (a single point
 * gets room either side, which is not a zoom).
 */
export function isZoomedIn(
  min: number | null | undefined,
  max: number | null | undefined,
  xs: ArrayLike<number>,
): boolean {
  if (min == null || max == null || xs.length < 2) return false;
  const [first, last] = [xs[0], xs[xs.length - 1]];
  const slack = (last - first) * 1e-9;
  return min > first + slack || max < last - slack;
}
