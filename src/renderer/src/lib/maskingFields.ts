// The number boxes of span corruption's settings, as the Masking screen and the Playground's
// "Mask a text for me" show them: each one's label, the contract's bounds (MASKING_BOUNDS, which
// `spanfill mask` takes too) and its step. Spread into a NumberField.

import { MASKING_BOUNDS } from '../../../shared/contract/masking';

const { noiseDensity, meanSpanLength, inputLength, seed } = MASKING_BOUNDS;

export const MASKING_FIELDS = {
  /** Steps of the least density: the browser refuses a value off its steps from the minimum. */
  noiseDensity: { label: 'Noise density', min: noiseDensity.min, max: noiseDensity.max, step: noiseDensity.min },
  meanSpanLength: { label: 'Mean span', min: meanSpanLength.min, max: meanSpanLength.max, step: 0.5 },
  inputLength: { label: 'Input length', min: inputLength.min, max: inputLength.max, step: 1 },
  seed: { label: 'Seed', min: seed.min, max: seed.max, step: 1, wide: true },
} as const;
