// Where a logarithmic chart axis puts its ticks: at 1, 2 and 5 times a power of ten when that
// gives three or more inside the range, else at every whole multiple (1…9) of one, so that a
// loss between 1.7 and 6.9 reads 2, 3, 4, 5, 6 rather than one tick at an edge value; a range
// too narrow even for that (a zoom into a flat stretch of loss: 2.2 to 2.6) steps evenly, as a
// linear axis does, since a log scale is all but linear there. And which ticks get a label
// (uPlot's own choice for log axes, made here so that no range is left with fewer than two).

const MANTISSAS = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] as const;

/** A tick value without the float noise of a product (0.30000000000000004 → 0.3). */
const exact = (value: number): number => Number(value.toPrecision(12));

/**
 * Tick values in [min, max] (both > 0), ascending: three or more for any range wider than a
 * point; steps inside a narrow range keep to `maxCount` ticks where two or more still fit it.
 */
export function logTicks(min: number, max: number, maxCount = Infinity): number[] {
  if (!(min > 0 && max >= min)) return [];
  let ticks: number[] = [];
  for (const mantissas of MANTISSAS) {
    ticks = [];
    for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) {
      for (const mantissa of mantissas) {
        const value = exact(mantissa * 10 ** exponent);
        if (value >= min && value <= max) ticks.push(value);
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  return max > min ? evenTicks(min, max, maxCount) : ticks;
}

/**
 * Multiples of the largest step of 1, 2 or 5 times a power of ten that puts three or more in
 * [min, max] (min < max): at most eight, since the step before it (at most 2.5 times this one)
 * put two. Those two where three or more would pass `maxCount` (a short chart, as a linear axis
 * keeps its labels apart).
 */
function evenTicks(min: number, max: number, maxCount: number): number[] {
  const top = Math.floor(Math.log10(max - min));
  let two: number[] = [];
  // A step of 10^(top - 1) fits ten or more: the search ends there.
  for (let exponent = top; exponent >= top - 1; exponent--) {
    for (const mantissa of [5, 2, 1]) {
      const step = mantissa * 10 ** exponent;
      const ticks: number[] = [];
      for (let k = Math.ceil(min / step) - 1; k <= Math.floor(max / step) + 1; k++) {
        const value = exact(k * step);
        if (value >= min && value <= max) ticks.push(value);
      }
      if (ticks.length > maxCount && two.length === 2) return two;
      if (ticks.length >= 3) return ticks;
      if (ticks.length === 2) two = ticks;
    }
  }
  return two;
}

/**
 * The leading digits a log axis labels, densest first, each with its closest pair of labels in
 * decades (9 and 10; 7 and 10; 5 and 10; a power of ten and the next), as uPlot's log10AxisValsFilt.
 */
const LABEL_CLASSES = [
  { digits: '123456789', gap: Math.log10(10 / 9) },
  { digits: '12357', gap: Math.log10(10 / 7) },
  { digits: '125', gap: Math.log10(10 / 5) },
] as const;

/**
 * Which of `ticks` (ascending) get a label on an axis `pxPerDecade` tall per power of ten, with
 * labels `minSpacePx` apart: the densest class of leading digits whose labels keep that space, else
 * powers of ten (every n-th from the top where even those crowd); the others are null (a tick, no
 * label). Where that labels fewer than two, every tick is labelled: one label cannot give a scale.
 */
export function logTickLabels(ticks: readonly number[], pxPerDecade: number, minSpacePx: number): (number | null)[] {
  const leading = (value: number): string => value.toExponential()[0];
  const fitting = LABEL_CLASSES.find(({ gap }) => gap * pxPerDecade >= minSpacePx);
  const keepEvery = fitting ? 1 : Math.max(1, Math.ceil(minSpacePx / pxPerDecade));
  const digits = fitting?.digits ?? '1';
  const fromTop = [...ticks]
    .reverse()
    .map((value, index) => (index % keepEvery === 0 && digits.includes(leading(value)) ? value : null));
  const labels = fromTop.reverse();
  return labels.filter((value) => value !== null).length >= 2 ? labels : [...ticks];
}
