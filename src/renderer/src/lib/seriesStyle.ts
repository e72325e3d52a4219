// How the charts draw each run's curves (components/LineChart.svelte): one colour per run from
// the theme's --series-N variables (styles/theme.css), its training loss a line and its
// validation loss a dashed line with marks in the same colour. Colour is not all that tells
// runs apart: each run's marks take a shape of their own (the comparison also marks its
// training lines every so often, lib/chartMarks.ts), filled for the first five runs and hollow
// for the next five; past the palette the colours come round again with other dashes, so that
// every run the comparison takes (runs.compare's MAX_COMPARED_RUNS) looks different from every
// other without its colour.

/** The theme's chart colours, as CSS variable names, in the order runs take them. */
export const SERIES_COLOURS = Array.from({ length: 10 }, (_, i) => `--series-${i + 1}`);

/** The marks' shapes, in the order runs take them. */
export const MARK_SHAPES = ['circle', 'square', 'triangle', 'diamond', 'triangle-down'] as const;
export type MarkShape = (typeof MARK_SHAPES)[number];

export type CurveKind = 'training' | 'validation';

export interface SeriesStyle {
  /** A CSS variable (SERIES_COLOURS) holding the colour. */
  readonly colour: string;
  /** The canvas's line dash in CSS pixels: dash, gap, …; [] for a solid line. */
  readonly dash: readonly number[];
  /** The line's width in CSS pixels. */
  readonly width: number;
  /** Its point marks' shape. */
  readonly shape: MarkShape;
  /** Its point marks: filled in the line's colour, or hollow (the chart's background inside). */
  readonly marks: 'filled' | 'hollow';
  /** Whether the legend's key shows a mark on its line (validation: its points are what it has). */
  readonly keyMark: boolean;
}

/**
 * The dashes of a run's training and validation lines on each round through the colours:
 * first a solid line and a dashed one, then a long dash and a dotted one.
 */
const ROUNDS: readonly { training: readonly number[]; validation: readonly number[] }[] = [
  { training: [], validation: [5, 4] },
  { training: [12, 5], validation: [1.5, 3.5] },
];

/** The style of run `run`'s (0-based) training or validation curve. */
export function runSeriesStyle(run: number, kind: CurveKind): SeriesStyle {
  const round = ROUNDS[Math.floor(run / SERIES_COLOURS.length) % ROUNDS.length];
  const isHollow = Math.floor(run / MARK_SHAPES.length) % 2 === 1;
  return {
    colour: SERIES_COLOURS[run % SERIES_COLOURS.length],
    dash: round[kind],
    width: kind === 'training' ? 2 : 1.5,
    shape: MARK_SHAPES[run % MARK_SHAPES.length],
    marks: isHollow ? 'hollow' : 'filled',
    keyMark: kind === 'validation',
  };
}

/** A dash as the legend's data-dash says it: "solid", or the lengths ("5 4"). */
export const dashName = (dash: readonly number[]): string => (dash.length === 0 ? 'solid' : dash.join(' '));
