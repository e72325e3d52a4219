// chartSeries.ts: the run view's loss chart tells training from validation by colour as well as
// by dash and marks, and a training line is not dotted at every point (only its validation is).
import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { runLossStyles, seriesOptions } from '../../../../src/renderer/src/lib/chartSeries';
import { dashName, SERIES_COLOURS } from '../../../../src/renderer/src/lib/seriesStyle';
import { contrast, deltaE, themeColour } from '../styles/themeColours';

/** A plot 900 CSS pixels wide holding `ys` at steps 1… (what showPoints reads of uPlot). */
const plotOf = (ys: (number | null)[]): uPlot =>
  ({ data: [ys.map((_, i) => i + 1), ys], bbox: { width: 900 } }) as unknown as uPlot;

/** Whether a series drawn in `style` marks its points on a plot of `ys`. */
function marksShown(kind: 0 | 1, ys: (number | null)[]): boolean {
  const style = runLossStyles()[kind];
  const options = seriesOptions(
    'loss',
    { style, stroke: 'blue', markFill: 'blue' },
    { show: true, hasMarksAlong: false },
  );
  const show = options.points?.show;
  if (typeof show !== 'function') throw new Error('points.show is not a function');
  return Boolean(show(plotOf(ys), 1, 0, ys.length - 1));
}

describe('the run view loss styles', () => {
  it('draws the validation loss in a colour of its own from the runs palette, read in both themes', () => {
    const [training, validation] = runLossStyles();
    expect(validation.colour).not.toBe(training.colour);
    expect(SERIES_COLOURS).toContain(validation.colour);
    for (const theme of ['light', 'dark'] as const) {
      const [line, other] = [themeColour(validation.colour)[theme], themeColour(training.colour)[theme]];
      for (const background of ['--surface', '--bg']) {
        expect(contrast(line, themeColour(background)[theme]), `${theme} ${background}`).toBeGreaterThanOrEqual(3);
      }
      expect(deltaE(line, other), theme).toBeGreaterThan(25);
    }
    // Still told apart without colour: a dash of its own and marks in its legend key.
    expect(dashName(validation.dash)).not.toBe(dashName(training.dash));
    expect([training.keyMark, validation.keyMark]).toEqual([false, true]);
  });

  it('marks the few validation points but not every point of a short training line', () => {
    globalThis.devicePixelRatio = 1;
    const training = Array.from({ length: 20 }, (_, i) => 6 - i * 0.1);
    const validation = training.map((loss, i) => (i === 9 || i === 19 ? loss : null));
    expect(marksShown(1, validation)).toBe(true);
    expect(marksShown(0, training)).toBe(false);
    // A lone training point is a mark, or it would not show at all.
    expect(marksShown(0, [6.4])).toBe(true);
  });
});
