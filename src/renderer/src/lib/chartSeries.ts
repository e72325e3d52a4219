// A line chart's series as uPlot draws them (components/LineChart.svelte): each style with the
// theme's colours resolved (the canvas cannot read CSS variables), and each series' options —
// its line, dash and marks: a validation loss (a legend key with a mark) marked where its visible
// values are few (one every N steps); a training line not marked at each point, only when it has
// one value (or it would not show), and along it when asked; marks in the series' shape.

import type uPlot from 'uplot';
import { cssVar, type DrawnSeries } from './chartLegend';
import { markPaths, marksAlongFilter } from './chartMarks';
import { MARK_OUTLINE, MARK_SIZE } from './markShapes';
import { runSeriesStyle, SERIES_COLOURS, type SeriesStyle } from './seriesStyle';
import { MARK_SPACING_PX, marksPoints } from './sparsePoints';

/** `count` series' styles (by default series i is run i's training curve), colours resolved now. */
export function drawnSeries(count: number, styles: readonly SeriesStyle[] | undefined): DrawnSeries[] {
  const surface = cssVar('--surface');
  return Array.from({ length: count }, (_, index) => {
    const style = styles?.[index] ?? runSeriesStyle(index, 'training');
    const stroke = cssVar(style.colour);
    return { style, stroke, markFill: style.marks === 'filled' ? stroke : surface };
  });
}

/**
 * The run view's loss chart (screens/train/RunCharts.svelte): one run, its validation loss in
 * the palette's next colour (not its training loss's, as in the comparison, where a colour is a
 * run), still dashed with marks so that the two are told apart without colour.
 */
export function runLossStyles(): readonly [SeriesStyle, SeriesStyle] {
  return [runSeriesStyle(0, 'training'), { ...runSeriesStyle(0, 'validation'), colour: SERIES_COLOURS[1] }];
}

/**
 * uPlot asks per series and redraw whether to mark its points: a validation loss's when its
 * visible values are few; a training line's only when it has one value in view (a line of 20
 * steps with a mark at each hid the validation marks among them).
 */
const showPoints =
  (style: SeriesStyle) =>
  (self: uPlot, series: number, first: number, last: number): boolean => {
    const values = self.data[series] as (number | null | undefined)[];
    // (A training line is given room for one mark: marked only when it has a lone value.)
    const widthPx = style.keyMark ? self.bbox.width / devicePixelRatio : MARK_SPACING_PX;
    return marksPoints(values, first, last, widthPx);
  };

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
      show: showPoints(style),
      filter: hasMarksAlong ? marksAlongFilter : undefined,
      paths: markPaths(style.shape),
      size: MARK_SIZE,
      width: MARK_OUTLINE,
      stroke,
      fill: markFill,
    },
  };
}
