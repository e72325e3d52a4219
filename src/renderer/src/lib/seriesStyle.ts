// How the charts draw each run's curves (components/LineChart.svelte): one colour per run from
// the theme's --series-N variables (styles/theme.css), its training loss a line and its
// validation loss a dashed line with marks in the same colour. Past the palette the colours
// come round again with other dashes and hollow marks, so that every run the comparison takes
// (runs.compare's MAX_COMPARED_RUNS) looks different from every other.

/** The theme's chart colours, as CSS variable names, in the order runs take them. */
export const SERIES_COLOURS = Array.from({ length: 10 }, (_, i) => `--series-${i + 1}`);

export type CurveKind = 'training' | 'validation';

export interface SeriesStyle {
  /** A CSS variable (SERIES_COLOURS) holding the colour. */
  readonly colour: string;
  /** The canvas's line dash in CSS pixels: dash, gap, …; [] for a solid line. */
  readonly dash: readonly number[];
  /** The line's width in CSS pixels. */
  readonly width: number;
  /** Its point marks: filled in the line's colour, or hollow (the chart's background inside). */
  readonly marks: 'filled' | 'hollow';
  /** Whether the legend's key shows a mark on its line (validation: its points are what it has). */
  readonly keyMark: boolean;
}

/**
 * The dashes of a run's training and validation lines on each round through the colours:
 * first a solid line and a dashed one, then a long dash and a dotted one.
 */
const ROUNDS: readonly { training: readonly number[]; validation: readonly number[]; marks: SeriesStyle['marks'] }[] = [
  { training: [], validation: [5, 4], marks: 'filled' },
  { training: [12, 5], validation: [1.5, 3.5], marks: 'hollow' },
];

/** The style of run `run`'s (0-based) training or validation curve. */
export function runSeriesStyle(run: number, kind: CurveKind): SeriesStyle {
  const round = ROUNDS[Math.floor(run / SERIES_COLOURS.length) % ROUNDS.length];
  return {
    colour: SERIES_COLOURS[run % SERIES_COLOURS.length],
    dash: round[kind],
    width: kind === 'training' ? 2 : 1.5,
    marks: round.marks,
    keyMark: kind === 'validation',
  };
}

/** A dash as the legend's data-dash says it: "solid", or the lengths ("5 4"). */
export const dashName = (dash: readonly number[]): string => (dash.length === 0 ? 'solid' : dash.join(' '));
