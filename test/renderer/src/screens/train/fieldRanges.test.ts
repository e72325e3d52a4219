// A Train form box outside a new run's bounds is said as it is typed, in the Masking screen's words.

import { describe, expect, it } from 'vitest';
import { rangeErrors } from '../../../../../src/renderer/src/screens/train/fieldRanges';
import { initialForm } from '../../../../../src/renderer/src/lib/trainForm';

describe('rangeErrors', () => {
  it('says a value outside its bounds as the box would, and leaves empty boxes and hidden ones alone', () => {
    const form = initialForm(undefined);
    expect(rangeErrors(form)).toEqual({});
    expect(rangeErrors({ ...form, noiseDensity: 0.9995, batchSize: 5000 })).toEqual({
      noiseDensity: 'Noise density must be ≤ 0.999',
      batchSize: 'Batch size must be ≤ 4096',
    });
    expect(rangeErrors({ ...form, noiseDensity: 0.0005 })).toEqual({ noiseDensity: 'Noise density must be ≥ 0.001' });
    expect(rangeErrors({ ...form, dropout: null, threads: Number.NaN })).toEqual({});
    // Steps are not the length while training for passes over the data, nor passes while for steps.
    expect(rangeErrors({ ...form, length: 'epochs', maxSteps: 0 })).toEqual({});
    expect(rangeErrors({ ...form, length: 'steps', epochs: 1e9 })).toEqual({});
    expect(rangeErrors({ ...form, length: 'epochs', epochs: 1e9 })).toEqual({
      epochs: 'Passes over the data must be ≤ 100000',
    });
  });
});
