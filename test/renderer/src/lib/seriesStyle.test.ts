// seriesStyle.ts and the theme's --series-N colours: one colour per run for both its curves, a
// look of its own for every run the comparison takes, colours that read in both themes.
import { describe, expect, it } from 'vitest';
import { MAX_COMPARED_RUNS, runCalls } from '../../../../src/shared/contract/runs';
import { dashName, MARK_SHAPES, runSeriesStyle, SERIES_COLOURS } from '../../../../src/renderer/src/lib/seriesStyle';
import { contrast, deltaE, themeColour } from '../styles/themeColours';

describe('series styles', () => {
  it("draws a run's training and validation loss in one colour, the validation dashed with marks", () => {
    for (let run = 0; run < MAX_COMPARED_RUNS; run++) {
      const [training, validation] = [runSeriesStyle(run, 'training'), runSeriesStyle(run, 'validation')];
      expect(validation.colour, `run ${run}`).toBe(training.colour);
      expect(validation.dash.length, `run ${run}`).toBeGreaterThan(0);
      expect(dashName(validation.dash)).not.toBe(dashName(training.dash));
      expect([training.keyMark, validation.keyMark]).toEqual([false, true]);
    }
    // The first run as the charts drew it before: a solid line in the accent colour.
    expect(runSeriesStyle(0, 'training')).toMatchObject({ colour: '--series-1', dash: [] });
  });

  it('gives every run the comparison takes a look of its own, colours first, then dashes', () => {
    // runs.compare's own limit.
    const ids = (count: number) => ({ ids: Array.from({ length: count }, (_, i) => `run-${i}`) });
    expect(runCalls.compare.args.safeParse(ids(MAX_COMPARED_RUNS)).success).toBe(true);
    expect(runCalls.compare.args.safeParse(ids(MAX_COMPARED_RUNS + 1)).success).toBe(false);
    const looks = Array.from({ length: MAX_COMPARED_RUNS }, (_, run) =>
      (['training', 'validation'] as const)
        .map((kind) => runSeriesStyle(run, kind))
        .map((s) => `${s.colour} ${dashName(s.dash)} ${s.marks}`)
        .join(' / '),
    );
    expect(new Set(looks).size).toBe(MAX_COMPARED_RUNS);
    // As many runs as there are colours take a colour each.
    const first = Array.from({ length: SERIES_COLOURS.length }, (_, run) => runSeriesStyle(run, 'training').colour);
    expect(new Set(first).size).toBe(SERIES_COLOURS.length);
    expect(SERIES_COLOURS.length).toBeGreaterThanOrEqual(8);
  });

  it('tells every run the comparison takes apart without its colour: marks of its shape and fill, dashes', () => {
    // (Runs 1 to 10 differed by colour alone: --series-3's green and --series-4's red are close in lightness.)
    const looks = Array.from({ length: MAX_COMPARED_RUNS }, (_, run) =>
      (['training', 'validation'] as const)
        .map((kind) => runSeriesStyle(run, kind))
        .map((s) => `${s.shape} ${s.marks} ${dashName(s.dash)}`)
        .join(' / '),
    );
    expect(new Set(looks).size).toBe(MAX_COMPARED_RUNS);
    // Neighbours in the palette take other shapes; a run's two curves take its one shape.
    for (let run = 0; run + 1 < MAX_COMPARED_RUNS; run++) {
      expect(runSeriesStyle(run, 'training').shape).not.toBe(runSeriesStyle(run + 1, 'training').shape);
      expect(runSeriesStyle(run, 'validation').shape).toBe(runSeriesStyle(run, 'training').shape);
    }
    expect(new Set(MARK_SHAPES).size).toBe(MARK_SHAPES.length);
    // The first run (the run view's one) as before: round marks, filled.
    expect(runSeriesStyle(0, 'validation')).toMatchObject({ shape: 'circle', marks: 'filled' });
  });

  it('takes colours that read against the chart in both themes and stand apart from each other and the grid', () => {
    const accent = themeColour('--accent');
    expect(themeColour(SERIES_COLOURS[0])).toEqual(accent);
    for (const theme of ['light', 'dark'] as const) {
      const colours = SERIES_COLOURS.map((name) => themeColour(name)[theme]);
      const [surface, page, grid] = ['--surface', '--bg', '--border'].map((name) => themeColour(name)[theme]);
      colours.forEach((colour, i) => {
        const name = `${SERIES_COLOURS[i]} (${theme})`;
        // WCAG's 3:1 for graphics, against the panel and the page.
        expect(contrast(colour, surface), name).toBeGreaterThanOrEqual(3);
        expect(contrast(colour, page), name).toBeGreaterThanOrEqual(3);
        expect(deltaE(colour, grid), `${name} against the grid`).toBeGreaterThan(40);
        for (const [j, other] of colours.entries())
          if (j > i) expect(deltaE(colour, other), `${name} and ${SERIES_COLOURS[j]}`).toBeGreaterThan(25);
      });
    }
  });
});
