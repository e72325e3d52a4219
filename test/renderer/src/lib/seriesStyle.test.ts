// seriesStyle.ts and the theme's --series-N colours: one colour per run for both its curves, a
// look of its own for every run the comparison takes, colours that read in both themes.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_COMPARED_RUNS, runCalls } from '../../../../src/shared/contract/runs';
import { dashName, runSeriesStyle, SERIES_COLOURS } from '../../../../src/renderer/src/lib/seriesStyle';

const themeCss = fs.readFileSync('src/renderer/src/styles/theme.css', 'utf8');

/** A colour variable's light and dark values in styles/theme.css, as [r, g, b]. */
function themeColour(name: string): { light: number[]; dark: number[] } {
  const match = new RegExp(`${name}: light-dark\\((#[0-9a-f]{6}), (#[0-9a-f]{6})\\);`).exec(themeCss);
  if (!match) throw new Error(`${name} is not a light-dark(#rrggbb, #rrggbb) pair in theme.css`);
  const rgb = (hex: string) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return { light: rgb(match[1]), dark: rgb(match[2]) };
}

const linear = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const luminance = (c: number[]) => 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);
/** WCAG's contrast ratio. */
const contrast = (a: number[], b: number[]) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
/** CIE76 ΔE between two colours (about 2.3: just noticeable; over 25: clearly different). */
function deltaE(a: number[], b: number[]): number {
  const lab = (c: number[]) => {
    const [r, g, bl] = c.map(linear);
    const xyz = [
      (r * 0.4124 + g * 0.3576 + bl * 0.1805) / 0.95047,
      r * 0.2126 + g * 0.7152 + bl * 0.0722,
      (r * 0.0193 + g * 0.1192 + bl * 0.9505) / 1.08883,
    ].map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116));
    return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

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
