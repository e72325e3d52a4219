// runsSchedule.ts: a run's steps from maxSteps or epochs (whole calls), and the settings refused
// before it starts — a warm-up longer than the run on a schedule with an end, intervals that
// never meet — with Adafactor's relative steps exempt from the schedule.
import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../src/shared/contract/runs';
import {
  checkIntervals,
  checkWarmup,
  settingsNotice,
  stepsOf,
  trainerSettings,
} from '../../../src/main/services/runsSchedule';

const run = (fields: Partial<RunConfigInput> = {}) =>
  runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 10, ...fields });

describe('runsSchedule', () => {
  it('counts steps: maxSteps as given; epochs over batch × accumulation, rounded up to whole calls', () => {
    expect(stepsOf(run({ maxSteps: 7 }), 1000)).toBe(7);
    // 2.5 passes of 100 examples at 8 × 2 a step: 250 / 16 = 15.6 → 16 steps, then calls of 5 → 20.
    const epochs = run({ maxSteps: undefined, epochs: 2.5, batchSize: 8, accumulation: 2, stepsPerCall: 5 });
    expect(stepsOf(epochs, 100)).toBe(20);
    expect(stepsOf(run({ maxSteps: undefined, epochs: 0.001 }), 3)).toBe(1);
    expect(() => stepsOf(run({ maxSteps: undefined }), 10)).toThrow(/exactly one of maxSteps and epochs/);
    expect(() => stepsOf(run({ epochs: 1 }), 10)).toThrow(/exactly one of maxSteps and epochs/);
  });

  it('refuses a warm-up longer than a schedule that ends, not for constant or Adafactor', () => {
    expect(() => checkWarmup(run({ schedule: 'linear', warmupSteps: 11 }), 10)).toThrow(
      /warmupSteps \(11\) is more than the run's 10 steps/,
    );
    expect(() => checkWarmup(run({ schedule: 'cosine', warmupSteps: 10 }), 10)).not.toThrow();
    expect(() => checkWarmup(run({ schedule: 'constant', warmupSteps: 50 }), 10)).not.toThrow();
    expect(() => checkWarmup(run({ optimizer: { kind: 'adafactor' }, warmupSteps: 50 }), 10)).not.toThrow();
  });

  it('refuses intervals that meet only at their least common multiple; multiples and 0 pass', () => {
    expect(() => checkIntervals(run({ evalEvery: 4, checkpointEvery: 6 }))).toThrow(/meet only every 12 steps/);
    for (const [evalEvery, checkpointEvery] of [
      [5, 10],
      [10, 5],
      [0, 7],
      [7, 0],
    ])
      expect(() => checkIntervals(run({ evalEvery, checkpointEvery }))).not.toThrow();
  });

  it("gives Adafactor a constant schedule and a notice; AdamW's linear schedule its end", () => {
    const adafactor = run({ optimizer: { kind: 'adafactor' }, lr: 0.3, schedule: 'cosine', warmupSteps: 4 });
    expect(trainerSettings(adafactor, 10).schedule).toEqual({ kind: 'constant', peakLr: 0.3, warmupSteps: 0 });
    expect(settingsNotice(adafactor)).toMatch(/lr \(0\.3\), schedule \(cosine\) and warmupSteps \(4\) do not apply/);
    const adamw = run({ schedule: 'linear', warmupSteps: 2, lr: 0.01, threads: 0 });
    expect(trainerSettings(adamw, 10)).toMatchObject({
      schedule: { kind: 'linear', peakLr: 0.01, warmupSteps: 2, totalSteps: 10 },
      maxSteps: 10,
      intraOpThreads: undefined,
    });
    expect(settingsNotice(adamw)).toBeNull();
  });
});
