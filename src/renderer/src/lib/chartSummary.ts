// A chart's data in words, for those who cannot see its canvas (components/LineChart.svelte
// describes its <figure> with it): per series its first and last point and, for a loss (lower
// is better), its lowest —
// "Loss: training loss 6.64 at step 1 to 1.69 at step 20, lowest 1.53 at step 18; validation
// loss 2.1 at step 10 to 1.53 at step 20, lowest 1.53 at step 20."
// — and for a learning rate its highest where that is above both ends, which first to last would
// hide: its peak after a warm-up ("0.00045 at step 10 to 0.00045 at step 120,
// highest 0.001 at step 40").

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
  const amount = Math.round(x).toLocaleString('en');
  return xLabel.includes(' ') ? `${amount} ${xLabel}` : `${xLabel} ${amount}`;
}

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
function seriesSummary(chart: ChartSeries, series: number): string {
  const label = chart.labels[series];
  const ys = chart.ys[series] ?? [];
  const found = extremes(ys);
  if (!found) return `${label}: no points yet`;
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
  const indices = chart.labels.map((_, series) => series);
  const shown = indices.filter((series) => !chart.hidden?.has(series));
  const hidden = indices.filter((series) => chart.hidden?.has(series)).map((series) => chart.labels[series]);
  if (shown.length === 0) return `${chart.title}: every line hidden (${hidden.join(', ')}).`;
  const said = `${chart.title}: ${shown.map((series) => seriesSummary(chart, series)).join('; ')}.`;
  return hidden.length === 0 ? said : `${said} Hidden: ${hidden.join(', ')}.`;
}
