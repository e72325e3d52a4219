// A chart's legend (components/LineChart.svelte): keys drawn as the lines are, and the entries as
// controls. uPlot's legend hides or shows a line when its entry is clicked, which a keyboard
// could not do: each entry becomes a toggle button (pressed while its line shows) that Enter or
// Space presses as a click does (uPlot listens on the entry's <th>), the table a group named for
// the chart; the canvas is hidden from screen readers, which have the chart's description instead.

import { legendKey } from './chartMarks';
import { dashName, type SeriesStyle } from './seriesStyle';

/** A series as drawn: its style and its colours resolved for the canvas. */
export interface DrawnSeries {
  readonly style: SeriesStyle;
  readonly stroke: string;
  readonly markFill: string;
}

/**
 * The colour variable `name` as the canvas can draw it: the variables hold light-dark(…)
 * pairs (styles/theme.css), which only an element's computed colour resolves to one rgb().
 */
export function cssVar(name: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${name})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || '#888';
}

/**
 * The legend's keys as the lines are drawn: a short line in the series' colour and dash, with
 * a mark where the series has them (uPlot's own key is a square, which shows no dash), in
 * every series' shape when `hasMarksAlong`. Each entry says its colour, dash, marks and their
 * shape in data attributes, for the tests.
 */
export function drawLegendKeys(root: HTMLElement, drawn: readonly DrawnSeries[], hasMarksAlong: boolean): void {
  root.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, index) => {
    const series = drawn[index];
    const marker = row.querySelector<HTMLElement>('.u-marker');
    if (!series || !marker) return;
    const { style, stroke, markFill } = series;
    const shape = style.keyMark || hasMarksAlong ? style.shape : 'none';
    Object.assign(row.dataset, { colour: stroke, dash: dashName(style.dash), marks: style.marks, shape });
    marker.replaceChildren(legendKey(style, stroke, markFill, shape !== 'none'));
  });
}

/** Makes the legend under `root` (a uPlot's) keyboard controls named for the chart `title`. */
export function legendControls(root: HTMLElement, title: string): void {
  root.querySelector('.u-wrap')?.setAttribute('aria-hidden', 'true');
  const legend = root.querySelector<HTMLElement>('.u-legend');
  if (!legend) return;
  legend.setAttribute('role', 'group');
  legend.setAttribute('aria-label', `${title} lines: press one to hide or show it`);
  legend.querySelectorAll('tbody, tr').forEach((part) => part.setAttribute('role', 'none'));
  for (const entry of legendEntries(root)) {
    entry.tabIndex = 0;
    entry.setAttribute('role', 'button');
    entry.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      entry.click();
    });
  }
}

/**
 * Marks each legend entry pressed or not as `isShown(index)` says (index 0: the first y series)
 * and gives the indices of those hidden.
 */
export function showLegendState(root: HTMLElement, isShown: (index: number) => boolean): number[] {
  const hidden: number[] = [];
  legendEntries(root).forEach((entry, index) => {
    const shown = isShown(index);
    entry.setAttribute('aria-pressed', String(shown));
    if (!shown) hidden.push(index);
  });
  return hidden;
}

function legendEntries(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.u-legend .u-series th')];
}
