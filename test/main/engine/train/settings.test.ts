// Trainer settings are refused before anything runs, with messages that name the field.
import { describe, expect, it } from 'vitest';
import type { TrainerSettings } from '../../../../src/main/engine/train/settings';
import { TrainerSettingsError, validateSettings } from '../../../../src/main/engine/train/settings';

const GOOD: TrainerSettings = {
  batchSize: 4,
  stepsPerCall: 5,
  mask: 'dynamic',
  optimizer: { kind: 'adamw' },
  schedule: { kind: 'constant', peakLr: 1e-3 },
  seed: 0,
  maxSteps: 100,
  evalEvery: 50,
};

describe('validateSettings', () => {
  it('accepts good settings', () => {
    expect(() => validateSettings(GOOD, 10)).not.toThrow();
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize must be an integer ≥ 1, got 0'],
    [{ maxSteps: 12 }, 'maxSteps (12) must be a multiple of stepsPerCall (5): steps run 5 at a time; use 10'],
    [{ evalEvery: 7 }, 'evalEvery (7) must be a multiple of stepsPerCall (5)'],
    [{ checkpointEvery: -1 }, 'checkpointEvery must be an integer ≥ 0, got -1'],
    [{ keepLast: 0 }, 'keepLast must be an integer ≥ 1, got 0'],
    [{ seed: 1.5 }, 'seed must be an integer ≥ 0, got 1.5'],
    [{ dropoutRate: 1 }, 'dropoutRate must be in [0, 1), got 1'],
    [{ clipNorm: 0 }, 'clipNorm must be > 0, got 0'],
    [{ mask: 'always' as 'fixed' }, "mask must be one of dynamic, fixed, got 'always'"],
    [{ schedule: { kind: 'linear', peakLr: 1e-3 } as const }, "schedule 'linear' needs totalSteps"],
  ])('refuses %j', (change, message) => {
    expect(() => validateSettings({ ...GOOD, ...change }, 10)).toThrow(message);
  });

  it('refuses data without examples', () => {
    expect(() => validateSettings(GOOD, 0)).toThrow(TrainerSettingsError);
  });
});
