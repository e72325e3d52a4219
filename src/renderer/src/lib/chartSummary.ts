// A chart's data in words, for those who cannot see its canvas (components/LineChart.svelte
// describes its <figure> with it): per series its first and last point and, for a loss (lower
// is better), its lowest —
// "Loss: training loss 6.64 at step 1 to 1.69 at step 20, lowest 1.53 at step 18; validation
// loss 2.1 at step 10 to 1.53 at step 20, lowest 1.53 at step 20."
// — and for a learning rate its highest where that is above both ends, which first to last would
// hide: its peak after a warm-up ("0.00045 at step 10 to 0.00045 at step 120,
// highest 0.001 at step 40").
// The same words for the steps a zoomed plot shows (windowSummary), said as its keys zoom and move:
// "Steps 120–200: training loss 2.91 at step 120 to 2.58 at step 200, lowest 2.37 at step 188."

/** The chart as uPlot draws it: its x values, and per series a value or a gap at each. */
export interface ChartSeries {
  readonly title: string;
  /** The x axis's name: "step", "input tokens seen". */
  readonly xLabel: string;
  /** One per series, in `ys` order. */
  readonly labels: readonly string[];
  readonly xs: ArrayLike<number>;
  readonly ys: readonly ArrayLike<number | null | undefined>[];
  /** The series hidden in the legend (by index): left out and named at the end. */
  readonly hidden?: ReadonlySet<number>;
}

/** A loss (its chart's title or its label says so): its lowest point is its best and is said too. */
const isLoss = (title: string, label: string): boolean => /\bloss\b/i.test(`${title} ${label}`);

/** A value short, as it would be read out: 3 significant digits ("6.64", "0.0003"), whole from 1,000 ("21,992"). */
export function spokenNumber(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en');
  return String(+value.toPrecision(3));
}

/** Where on the x axis: "step 20" for a one-word axis, "40,960 input tokens seen" for a phrase. */
function at(xLabel: string, x: number): string {
  return xLabel.includes(' ') ? `${amount(x)} ${xLabel}` : `${xLabel} ${amount(x)}`;
}

/** An x value as said: whole, grouped ("40,960"). */
const amount = (x: number): string => Math.round(x).toLocaleString('en');

interface Extremes {
  first: number;
  last: number;
  lowest: number;
  highest: number;
}

/** The indices of a series' first, last, lowest and highest values (the first of equals); undefined when it has none. */
function extremes(ys: ArrayLike<number | null | undefined>): Extremes | undefined {
  let found: Extremes | undefined;
  for (let index = 0; index < ys.length; index++) {
    const value = ys[index];
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    if (!found) found = { first: index, last: index, lowest: index, highest: index };
    found.last = index;
    if (value < (ys[found.lowest] as number)) found.lowest = index;
    if (value > (ys[found.highest] as number)) found.highest = index;
  }
  return found;
}

/**
 * A learning rate (its chart's title or its label says so): its highest is the rate set, which
 * a warm-up then a decay leaves at neither end.
 */
const isRate = (title: string, label: string): boolean => /\blearning rate\b/i.test(`${title} ${label}`);

/** The extreme said besides the ends: a loss's lowest (always), a learning rate's highest where it is above both ends. */
function extremeSaid(
  chart: ChartSeries,
  label: string,
  ys: ArrayLike<number | null | undefined>,
  found: Extremes,
): { word: 'lowest' | 'highest'; index: number } | undefined {
  if (isLoss(chart.title, label)) return { word: 'lowest', index: found.lowest };
  const top = ys[found.highest] as number;
  const isPeak = top > (ys[found.first] as number) && top > (ys[found.last] as number);
  return isRate(chart.title, label) && isPeak ? { word: 'highest', index: found.highest } : undefined;
}

/** One series in words: "training loss 6.64 at step 1 to 1.69 at step 20, lowest 1.53 at step 18"; a learning rate's peak as "highest". */
function seriesSummary(chart: ChartSeries, series: number, none = 'no points yet'): string {
  const label = chart.labels[series];
  const ys = chart.ys[series] ?? [];
  const found = extremes(ys);
  if (!found) return `${label}: ${none}`;
  const point = (index: number) => `${spokenNumber(ys[index] as number)} at ${at(chart.xLabel, chart.xs[index])}`;
  if (found.first === found.last) return `${label} ${point(found.first)}`;
  const extreme = extremeSaid(chart, label ?? '', ys, found);
  const said = extreme === undefined ? '' : `, ${extreme.word} ${point(extreme.index)}`;
  return `${label} ${point(found.first)} to ${point(found.last)}${said}`;
}

/**
 * The whole chart in words: its title, then each series shown, and which are hidden; "no points
 * yet" before the first.
 */
export function chartSummary(chart: ChartSeries): string {
  if (chart.xs.length === 0) return `${chart.title}: no points yet.`;
  return linesSummary(chart, chart.title);
}

/** `heading`, then each series shown in words (`none` for one without a point), and which are hidden. */
function linesSummary(chart: ChartSeries, heading: string, none?: string): string {
  const indices = chart.labels.map((_, series) => series);
  const shown = indices.filter((series) => !chart.hidden?.has(series));
  const hidden = indices.filter((series) => chart.hidden?.has(series)).map((series) => chart.labels[series]);
  if (shown.length === 0) return `${heading}: every line hidden (${hidden.join(', ')}).`;
  const said = `${heading}: ${shown.map((series) => seriesSummary(chart, series, none)).join('; ')}.`;
  return hidden.length === 0 ? said : `${said} Hidden: ${hidden.join(', ')}.`;
}

/**
 * Where along the x axis, from `from` to `to`: "Steps 120–200" for a one-word axis, "4,096–8,192
 * input tokens seen" for a phrase; "All steps, 1–200" when that is every point.
 */
function stretch(xLabel: string, from: string, to: string, isAll = false): string {
  const span = `${from}–${to}`;
  const name = xLabel.includes(' ') ? xLabel : `${xLabel}s`;
  if (isAll) return `All ${name}, ${span}`;
  return xLabel.includes(' ') ? `${span} ${xLabel}` : `${name.charAt(0).toUpperCase()}${name.slice(1)} ${span}`;
}

/**
 * The steps a plot shows (`view`, an x range of the chart's) in the words of chartSummary: the
 * first and last x inside it, then each series within it; "All steps, 1–200" when it holds every
 * point, and "no points in view" between two.
 */
export function windowSummary(chart: ChartSeries, view: { readonly min: number; readonly max: number }): string {
  const inside = Array.from(chart.xs, (_, index) => index).filter(
    (index) => chart.xs[index] >= view.min && chart.xs[index] <= view.max,
  );
  if (inside.length === 0)
    return `${stretch(chart.xLabel, spokenNumber(view.min), spokenNumber(view.max))}: no points in view.`;
  const xs = inside.map((index) => chart.xs[index]);
  const ys = chart.ys.map((values) => inside.map((index) => values[index]));
  const heading = stretch(chart.xLabel, amount(xs[0]), amount(xs[xs.length - 1]), inside.length === chart.xs.length);
  return linesSummary({ ...chart, xs, ys }, heading, 'no points in view');
}
