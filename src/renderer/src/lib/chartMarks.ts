// The charts' point marks as drawn (components/LineChart.svelte), in each series' shape
// (lib/markShapes.ts): a uPlot points builder that draws them on the canvas (uPlot's own draws
// circles only), its points filter for marks along a dense line, and the legend's key drawn in
// SVG the same way.

import type uPlot from 'uplot';
import { markOutline, marksAlong, MARK_OUTLINE, MARK_SIZE } from './markShapes';
import type { MarkShape, SeriesStyle } from './seriesStyle';

/** Adds a mark of `shape` and radius `radius` centred on (x, y) to a canvas path. */
function traceMark(path: Path2D, shape: MarkShape, x: number, y: number, radius: number): void {
  const outline = markOutline(shape);
  if (outline === 'circle') {
    path.moveTo(x + radius, y);
    path.arc(x, y, radius, 0, 2 * Math.PI);
    return;
  }
  outline.forEach(([dx, dy], corner) =>
    corner === 0 ? path.moveTo(x + dx * radius, y + dy * radius) : path.lineTo(x + dx * radius, y + dy * radius),
  );
  path.closePath();
}

/**
 * uPlot's points builder for marks of `shape` (its own draws circles only): the points it asks
 * for (`filtered`, else `first` to `last`), clipped to the plot and a mark's size around it.
 */
export function markPaths(shape: MarkShape): uPlot.Series.Points.PathBuilder {
  return (self, series, first, last, filtered) => {
    const ratio = devicePixelRatio;
    const radius = ((MARK_SIZE - MARK_OUTLINE) / 2) * ratio;
    const [xs, ys, scale] = [self.data[0], self.data[series], self.series[series].scale ?? 'y'];
    const marks = new Path2D();
    const add = (index: number): void => {
      const value = ys[index];
      if (value === null || value === undefined) return;
      traceMark(marks, shape, self.valToPos(xs[index], 'x', true), self.valToPos(value, scale, true), radius);
    };
    if (filtered) filtered.forEach(add);
    else for (let index = first; index <= last; index++) add(index);
    const { left, top, width, height } = self.bbox;
    const clip = new Path2D();
    clip.rect(left - 2 * radius, top - 2 * radius, width + 4 * radius, height + 4 * radius);
    // (Flags 1 | 2: the clip applies to the fill and the outline, as for uPlot's own points.)
    return { stroke: marks, fill: marks, clip, flags: 3 };
  };
}

/** uPlot's points filter for marks along a dense line (markShapes.ts's marksAlong at this screen's pixel ratio). */
export const marksAlongFilter = (self: uPlot, series: number, isShown: boolean): number[] | null =>
  marksAlong(self, series, isShown, devicePixelRatio);

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element named `name` with these attributes. */
function svgElement(name: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/**
 * A legend's key as the series is drawn: a short line in its colour and dash, with a mark of
 * its shape in the middle where `withMark` (the canvas's colours, `stroke` and `markFill`).
 */
export function legendKey(style: SeriesStyle, stroke: string, markFill: string, withMark: boolean): SVGElement {
  // (a picture of the line inside the legend's button, which has the run's name: nothing to say of its own)
  const key = svgElement('svg', { viewBox: '0 0 28 10', width: 28, height: 10, 'aria-hidden': 'true' });
  const line = svgElement('line', { x1: 1, y1: 5, x2: 27, y2: 5, 'stroke-width': style.width, stroke });
  if (style.dash.length > 0) line.setAttribute('stroke-dasharray', style.dash.join(' '));
  key.append(line);
  if (!withMark) return key;
  const radius = (MARK_SIZE - MARK_OUTLINE) / 2;
  const outline = markOutline(style.shape);
  const paint = { stroke, fill: markFill, 'stroke-width': MARK_OUTLINE, 'data-shape': style.shape };
  key.append(
    outline === 'circle'
      ? svgElement('circle', { cx: 14, cy: 5, r: radius, ...paint })
      : svgElement('polygon', {
          points: outline.map(([dx, dy]) => `${14 + dx * radius},${5 + dy * radius}`).join(' '),
          ...paint,
        }),
  );
  return key;
}
