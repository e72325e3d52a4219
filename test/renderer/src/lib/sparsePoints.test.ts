// A chart line marks its points when its values on the visible stretch are few for its width.
import { describe, expect, it } from 'vitest';
import { MARK_SPACING_PX, marksPoints } from '../../../../src/renderer/src/lib/sparsePoints';

/** A series of `length` steps with values only at the steps in `at` (null elsewhere). */
const measuredAt = (length: number, at: number[]): (number | null)[] =>
  Array.from({ length }, (_, step) => (at.includes(step) ? 0.6 : null));

describe('marksPoints', () => {
  it('marks a validation loss measured twice in 2,000 steps and not a training loss measured at each', () => {
    expect(marksPoints(measuredAt(2000, [999, 1999]), 0, 1999, 900)).toBe(true);
    expect(
      marksPoints(
        Array.from({ length: 2000 }, () => 1),
        0,
        1999,
        900,
      ),
    ).toBe(false);
  });

  it('counts values, not steps, and only those on the visible stretch', () => {
    const width = 10 * MARK_SPACING_PX; // room for 10 marks
    const every10th = measuredAt(
      200,
      Array.from({ length: 20 }, (_, i) => i * 10),
    );
    expect(marksPoints(every10th, 0, 199, width)).toBe(false); // 20 values
    expect(marksPoints(every10th, 0, 99, width)).toBe(true); // zoomed in: 10
    expect(marksPoints(every10th, 0, 100, width)).toBe(false); // 11
    expect(marksPoints(every10th, 150, 1000, width)).toBe(true); // past the end: 5
  });

  it('marks nothing where there is no value to mark', () => {
    expect(marksPoints(measuredAt(100, []), 0, 99, 900)).toBe(false);
    expect(marksPoints([undefined, null], 0, 1, 900)).toBe(false);
    expect(marksPoints([1, 2], 0, 1, 0)).toBe(false);
  });
});
