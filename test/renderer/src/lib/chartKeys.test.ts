// The charts' x range from the keyboard (lib/chartKeys.ts): each key's range worked out by hand
// for data over steps 0–100, kept within the data, and "all" once it spans it.
import { describe, expect, it } from 'vitest';
import { keyedRange } from '../../../../src/renderer/src/lib/chartKeys';

const data = { min: 0, max: 100 };

describe('keyedRange', () => {
  it('zooms in on the middle half and out to twice the width, back to all', () => {
    expect(keyedRange('+', data, data)).toEqual({ min: 25, max: 75 });
    expect(keyedRange('=', { min: 25, max: 75 }, data)).toEqual({ min: 37.5, max: 62.5 });
    expect(keyedRange('-', { min: 37.5, max: 62.5 }, data)).toEqual({ min: 25, max: 75 });
    expect(keyedRange('_', { min: 25, max: 75 }, data)).toBe('all');
    expect(keyedRange('-', data, data)).toBe('all');
  });

  it('moves by a quarter of the width, stopping at either end of the data', () => {
    const view = { min: 20, max: 40 };
    expect(keyedRange('ArrowRight', view, data)).toEqual({ min: 25, max: 45 });
    expect(keyedRange('ArrowLeft', view, data)).toEqual({ min: 15, max: 35 });
    expect(keyedRange('ArrowLeft', { min: 2, max: 22 }, data)).toEqual({ min: 0, max: 20 });
    expect(keyedRange('ArrowRight', { min: 78, max: 98 }, data)).toEqual({ min: 80, max: 100 });
    expect(keyedRange('Home', view, data)).toEqual({ min: 0, max: 20 });
    expect(keyedRange('End', view, data)).toEqual({ min: 80, max: 100 });
    // Zoomed in near an end: the middle half stays within the data.
    expect(keyedRange('+', { min: 90, max: 100 }, data)).toEqual({ min: 92.5, max: 97.5 });
  });

  it('takes a view wider than the data (uPlot pads a lone point) as the data, and 0 as all', () => {
    expect(keyedRange('+', { min: -10, max: 110 }, data)).toEqual({ min: 25, max: 75 });
    expect(keyedRange('0', { min: 20, max: 40 }, data)).toBe('all');
    expect(keyedRange('ArrowRight', data, data)).toBe('all');
  });

  it('leaves other keys and data without width alone', () => {
    expect(keyedRange('a', data, data)).toBeUndefined();
    expect(keyedRange('Enter', data, data)).toBeUndefined();
    expect(keyedRange('+', { min: 5, max: 5 }, { min: 5, max: 5 })).toBeUndefined();
  });
});
