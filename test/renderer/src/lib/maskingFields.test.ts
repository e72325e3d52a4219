// The masking number boxes: the browser refuses to submit a form whose number is off the box's
// steps counted from its minimum, so every default must sit on a step (density 0.15 did not,
// with a minimum of 0.001 and steps of 0.01, and Preview did nothing).
import { describe, expect, it } from 'vitest';
import { MASKING_BOUNDS, MASKING_DEFAULTS } from '../../../../src/shared/contract/masking';
import { MASKING_FIELDS } from '../../../../src/renderer/src/lib/maskingFields';

const onStep = (value: number, { min, step }: { min: number; step: number }): boolean => {
  const steps = (value - min) / step;
  return Math.abs(steps - Math.round(steps)) < 1e-9;
};

describe('masking fields', () => {
  it("take the contract's bounds, and its defaults lie on their steps", () => {
    const defaults = {
      noiseDensity: MASKING_DEFAULTS.noiseDensity,
      meanSpanLength: MASKING_DEFAULTS.meanSpanLength,
      inputLength: MASKING_DEFAULTS.inputLength,
      seed: MASKING_DEFAULTS.seed,
    };
    for (const [name, value] of Object.entries(defaults) as [keyof typeof defaults, number][]) {
      const field = MASKING_FIELDS[name];
      expect([field.min, field.max], name).toEqual([MASKING_BOUNDS[name].min, MASKING_BOUNDS[name].max]);
      expect(onStep(value, field), name).toBe(true);
    }
    // And values people type: a density in hundredths or thousandths, a half span.
    for (const density of [0.005, 0.3, 0.999]) expect(onStep(density, MASKING_FIELDS.noiseDensity)).toBe(true);
    expect(onStep(2.5, MASKING_FIELDS.meanSpanLength)).toBe(true);
  });
});
