// A line chart's series as uPlot draws them (components/LineChart.svelte): each style with the
// theme's colours resolved (the canvas cannot read CSS variables), and each series' options —
// its line, dash and marks: marks where its visible values are few (a validation loss every N
// steps), lines alone elsewhere but for marks along them when asked, in the series' shape.

import type uPlot from 'uplot';
import { cssVar, type DrawnSeries } from './chartLegend';
import { markPaths, marksAlongFilter } from './chartMarks';
import { MARK_OUTLINE, MARK_SIZE } from './markShapes';
import { runSeriesStyle, type SeriesStyle } from './seriesStyle';
import { marksPoints } from './sparsePoints';

/** `count` series' styles (by default series i is run i's training curve), colours resolved now. */
export function drawnSeries(count: number, styles: readonly SeriesStyle[] | undefined): DrawnSeries[] {
  const surface = cssVar('--surface');
  return Array.from({ length: count }, (_, index) => {
    const style = styles?.[index] ?? runSeriesStyle(index, 'training');
    const stroke = cssVar(style.colour);
    return { style, stroke, markFill: style.marks === 'filled' ? stroke : surface };
  });
}

/** uPlot asks per series and redraw: mark its points when its visible values are few. */
function showPoints(self: uPlot, series: number, first: number, last: number): boolean {
  return marksPoints(
    self.data[series] as (number | null | undefined)[],
    first,
    last,
    self.bbox.width / devicePixelRatio,
  );
}

/** One series' uPlot options: `drawn`'s line and marks, shown or hidden (its legend entry). */
export function seriesOptions(
  label: string,
  { style, stroke, markFill }: DrawnSeries,
  { show, hasMarksAlong }: { show: boolean; hasMarksAlong: boolean },
): uPlot.Series {
  return {
    label,
    show,
    stroke,
    width: style.width,
    spanGaps: true,
    dash: style.dash.length > 0 ? [...style.dash] : undefined,
    points: {
      show: showPoints,
      filter: hasMarksAlong ? marksAlongFilter : undefined,
      paths: markPaths(style.shape),
      size: MARK_SIZE,
      width: MARK_OUTLINE,
      stroke,
      fill: markFill,
    },
  };
}
