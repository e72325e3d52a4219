// The charts' x range from the keyboard (components/LineChart.svelte), for people who cannot
// drag across the plot: + zooms in on the middle half, − out to twice the width, ← and → move by
// a quarter of it, Home and End go to the first or last steps, 0 shows every step. The range
// never leaves the data's; one as wide as the data's is "all" (no zoom).

/** An x range: what the plot shows, or what the data spans. */
export interface XRange {
  readonly min: number;
  readonly max: number;
}

/** Every key the plot takes, with what it does (the plot's instructions in words). */
export const CHART_KEYS_HELP =
  '+ and − zoom in and out, ← and → move along, Home and End go to either end, 0 shows all';

/**
 * The range `key` asks for from the range shown (`view`) over the data's (`data`): a range, 'all'
 * for every step, or undefined when the key is not one of the chart's (or the data has no width).
 */
export function keyedRange(key: string, view: XRange, data: XRange): XRange | 'all' | undefined {
  const full = data.max - data.min;
  if (!(full > 0)) return undefined;
  const width = Math.min(view.max - view.min, full);
  const middle = (view.min + view.max) / 2;
  switch (key) {
    case '+':
    case '=':
      return within({ min: middle - width / 4, max: middle + width / 4 }, data);
    case '-':
    case '_':
      return within({ min: middle - width, max: middle + width }, data);
    case 'ArrowLeft':
      return within({ min: view.min - width / 4, max: view.max - width / 4 }, data);
    case 'ArrowRight':
      return within({ min: view.min + width / 4, max: view.max + width / 4 }, data);
    case 'Home':
      return within({ min: data.min, max: data.min + width }, data);
    case 'End':
      return within({ min: data.max - width, max: data.max }, data);
    case '0':
      return 'all';
    default:
      return undefined;
  }
}

/** `range` moved (not shrunk) to lie within `data`, or 'all' once it is as wide. */
function within(range: XRange, data: XRange): XRange | 'all' {
  const width = range.max - range.min;
  if (width >= data.max - data.min) return 'all';
  const min = Math.min(Math.max(range.min, data.min), data.max - width);
  return { min, max: min + width };
}
