// The charts' marks: shapes of about one size that differ from each other, and marks spaced
// along a dense line.
import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { markOutline, marksAlong, MARKS_ALONG_PX, spacedMarks } from '../../../../src/renderer/src/lib/markShapes';
import { MARK_SHAPES } from '../../../../src/renderer/src/lib/seriesStyle';

/** A polygon's area (the shoelace formula). */
const area = (corners: readonly (readonly [number, number])[]): number =>
  Math.abs(
    corners.reduce(
      (sum, [x, y], i) => sum + x * corners[(i + 1) % corners.length][1] - corners[(i + 1) % corners.length][0] * y,
      0,
    ),
  ) / 2;

describe('markOutline', () => {
  it('draws each shape about as large as the circle (area π ± a third), no two alike', () => {
    const outlines = MARK_SHAPES.map(markOutline);
    expect(new Set(outlines.map((outline) => JSON.stringify(outline))).size).toBe(MARK_SHAPES.length);
    for (const [index, outline] of outlines.entries()) {
      if (outline === 'circle') continue;
      expect(area(outline), MARK_SHAPES[index]).toBeGreaterThan((Math.PI * 2) / 3);
      expect(area(outline), MARK_SHAPES[index]).toBeLessThan((Math.PI * 4) / 3);
      // Around the centre: no corner further out than 1.5 radii.
      for (const [x, y] of outline) expect(Math.hypot(x, y)).toBeLessThanOrEqual(1.5);
    }
    expect(markOutline('circle')).toBe('circle');
  });
});

describe('spacedMarks', () => {
  it('keeps a point, then the next one at least the spacing further on, skipping gaps and points out of view', () => {
    // Points 10 px apart; every fourth has no value.
    const positions = Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? null : i * 10));
    expect(spacedMarks(positions, 35)).toEqual([0, 4, 8, 12, 16]);
    expect(spacedMarks(positions, 35, 25)).toEqual([4, 8, 12, 16]);
    expect(spacedMarks(positions, 5)).toEqual(positions.flatMap((p, i) => (p === null ? [] : [i])));
    expect(spacedMarks([null, null], 10)).toEqual([]);
  });
});

describe('marksAlong', () => {
  /** A plot 400 CSS px wide over steps 0–999 (x px = step × 0.4), with two series `ys`. */
  const plot = (ys: (number | null)[]) =>
    ({
      data: [Array.from({ length: 1000 }, (_, i) => i), ys, ys],
      bbox: { width: 800 },
      valToPos: (value: number) => value * 0.4,
    }) as unknown as uPlot;

  it('marks a dense line every MARKS_ALONG_PX where uPlot would mark none, and leaves all to uPlot where it marks all', () => {
    const dense = plot(Array.from({ length: 1000 }, () => 1));
    const kept = marksAlong(dense, 1, false, 2) ?? [];
    expect(kept.length).toBe(Math.floor(400 / MARKS_ALONG_PX) + 1);
    const gaps = kept.slice(1).map((index, i) => (index - kept[i]) * 0.4);
    for (const gap of gaps) expect(gap).toBeCloseTo(MARKS_ALONG_PX, 0);
    // The next series starts further in.
    expect((marksAlong(dense, 2, false, 2) ?? [])[0]).toBeGreaterThan(kept[0]);
    expect(marksAlong(dense, 1, true, 2)).toBeNull();
  });
});
