// The Train form's number boxes carry the bounds a new run is checked against (runs.start's
// schema, with MASKING_BOUNDS for the masking).

import { describe, expect, it } from 'vitest';
import { ALL_NUMBER_FIELDS as ALL, INTERVAL_FIELDS } from '../../../../../src/renderer/src/screens/train/fields';

describe('Train form number fields', () => {
  it("carry a new run's bounds: the masking's (MASKING_BOUNDS), not the stored runs' (0, 1) density", () => {
    const bounds = Object.fromEntries(ALL.map((f) => [f.key, [f.min, f.max]]));
    expect(bounds).toEqual({
      maxSteps: [1, 100_000_000],
      epochs: [0, 100_000],
      batchSize: [1, 4096],
      lr: [0, 10],
      warmupSteps: [0, 10_000_000],
      inputLength: [4, 65_536],
      noiseDensity: [0.001, 0.999],
      meanSpanLength: [1, 1000],
      evalEvery: [0, 100_000_000],
      checkpointEvery: [0, 100_000_000],
      threads: [0, 1024],
      accumulation: [1, 1024],
      stepsPerCall: [1, 100],
      weightDecay: [0, 10],
      // Clipping has no upper bound; its box's 0 is off.
      clipNorm: [0, undefined],
      keepLast: [1, 1000],
      seed: [0, 2 ** 32 - 1],
      dataSeed: [0, 2 ** 32 - 1],
      dropout: [0, 1],
    });
  });

  it('say what 0 means where 0 is taken and is not "none" (the trainer does it at the end then)', () => {
    expect(INTERVAL_FIELDS.map((f) => f.label)).toEqual([
      'Validate every (0: only at the end)',
      'Checkpoint every (0: only at the end)',
    ]);
  });

  it('each key once, each test id once', () => {
    expect(new Set(ALL.map((f) => f.key)).size).toBe(ALL.length);
    expect(new Set(ALL.map((f) => f.testid)).size).toBe(ALL.length);
  });
});
