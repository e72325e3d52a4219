// The Train form's checks: a value the schema refuses (a stored run's words, then a new run's
// tighter bound) gets its message in place, in the screen's words, an emptied box asks for a
// number, and the estimate says why it waits.

import { describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../../src/shared/contract/system';
import { initialForm, type TrainForm } from '../../../../src/renderer/src/lib/trainForm';
import { estimateBlocker, validate } from '../../../../src/renderer/src/lib/trainFormCheck';

const saved = (provider: AppSettings['provider'], cpuThreads = 0): AppSettings => ({ provider, cpuThreads });
const ready = (form: TrainForm): TrainForm => ({ ...form, datasetId: 'ds-1' });

describe('Train form: a field the schema refuses', () => {
  it('mark a thread count the schema refuses, in place, and an emptied box', () => {
    const form = ready(initialForm(undefined, saved('cpu')));
    expect(validate({ ...form, threads: -1 }).threads).toMatch(/^CPU threads must be ≥ 0/);
    expect(validate({ ...form, threads: 2000 }).threads).toBe('CPU threads must be ≤ 1,024');
    expect(validate({ ...form, threads: 1.5 }).threads).toBe('CPU threads must be a whole number');
    // An emptied number box binds null.
    expect(validate({ ...form, threads: null as unknown as number }).threads).toBe('CPU threads needs a number');
    expect(Object.keys(validate({ ...form, threads: 2000 }))).toEqual(['threads']);
  });

  it("say a fraction in a whole-number box is one, not that the box needs a number (zod's type error)", () => {
    const form = ready(initialForm(undefined, saved('cpu')));
    expect(validate({ ...form, batchSize: 2.5 }).batchSize).toBe('Batch size must be a whole number');
    expect(validate({ ...form, batchSize: Number.NaN }).batchSize).toBe('Batch size needs a number');
    // A bound with no message of its own in the schema, in the same words (contract/issues.ts).
    expect(validate({ ...form, batchSize: 0 }).batchSize).toBe('Batch size must be ≥ 1');
  });

  it("ask for a dataset in the screen's words, and let the estimate wait for one without calling it a fix", () => {
    const form = initialForm(undefined, saved('cpu'));
    const errors = validate(form);
    expect(errors).toEqual({ datasetId: expect.stringMatching(/^Pick the dataset to train on .*Datasets screen/) });
    expect(errors.datasetId).not.toMatch(/spanfill datasets list/);
    expect(estimateBlocker(errors)).toBe('Pick a dataset first: the estimate counts its examples.');
    expect(estimateBlocker(validate({ ...form, batchSize: 0 }))).toBe('Fix the settings marked above first.');
    expect(estimateBlocker(validate(ready({ ...form, batchSize: 0 })))).toBe('Fix the settings marked above first.');
  });

  it('let the estimate wait for the list of datasets, not for a pick, while that list is not in yet', () => {
    const form = initialForm(undefined, saved('cpu'));
    expect(estimateBlocker(validate(form), false)).toMatch(/^Waiting for the list of datasets/);
    expect(estimateBlocker(validate({ ...form, batchSize: 0 }), false)).toBe('Fix the settings marked above first.');
  });

  it("ask for a base model left blank, or a folder not typed, in the screen's words", () => {
    const form = ready(initialForm(undefined, saved('cpu')));
    expect(validate({ ...form, modelChoice: '' })).toEqual({ modelChoice: 'Pick a base model' });
    const folder = { ...form, modelChoice: 'folder' };
    for (const modelPath of ['', '   '])
      expect(validate({ ...folder, modelPath })).toEqual({
        modelPath: 'Type the path of a model folder (the folder that holds config.json)',
      });
    expect(validate({ ...folder, modelPath: '/m' })).toEqual({});
  });

  it('ask for a number in an emptied clipping box, as in every box but dropout, rather than turn clipping off', () => {
    const form = ready(initialForm(undefined, saved('cpu')));
    // An emptied number box binds null; a typed non-number, NaN.
    expect(validate({ ...form, clipNorm: null })).toEqual({ clipNorm: 'Clip gradient norm needs a number' });
    expect(validate({ ...form, clipNorm: Number.NaN })).toEqual({ clipNorm: 'Clip gradient norm needs a number' });
    expect(validate({ ...form, clipNorm: 0 })).toEqual({});
  });
});

describe('Train form: a number outside its bounds', () => {
  it("is said in the stored runs' words, then by a new run's tighter bound, as the box is typed", () => {
    const form = ready(initialForm(undefined));
    // The stored runs' schema takes any density in (0, 1); runs.start only MASKING_BOUNDS'.
    expect(validate({ ...form, noiseDensity: 0.9995 })).toEqual({ noiseDensity: 'Noise density must be ≤ 0.999' });
    expect(validate({ ...form, noiseDensity: 0.0005 })).toEqual({ noiseDensity: 'Noise density must be ≥ 0.001' });
    // Outside (0, 1) the stored runs' words come first, as they did.
    expect(validate({ ...form, noiseDensity: 1.5 })).toEqual({ noiseDensity: 'Noise density must be < 1' });
    expect(validate({ ...form, noiseDensity: 0 })).toEqual({ noiseDensity: 'Noise density must be > 0' });
    expect(validate({ ...form, noiseDensity: Number.NaN })).toEqual({ noiseDensity: 'Noise density needs a number' });
    expect(validate({ ...form, noiseDensity: 0.9995, batchSize: 5000 })).toEqual({
      noiseDensity: 'Noise density must be ≤ 0.999',
      batchSize: 'Batch size must be ≤ 4,096',
    });
    expect(validate({ ...form, lr: -1 })).toEqual({ lr: 'Learning rate must be > 0' });
  });

  it('refuses a warm-up longer than the run where the schedule decays to an end, as runs.start does', () => {
    const form = ready(initialForm(undefined));
    expect(form).toMatchObject({ length: 'steps', maxSteps: 200, schedule: 'linear', optimizer: 'adamw' });
    expect(validate({ ...form, warmupSteps: 500 })).toEqual({
      warmupSteps:
        "Warm-up steps (500) is more than the run's 200 steps: the learning rate would still be warming up " +
        'when training stops; lower warm-up steps or train longer',
    });
    expect(validate({ ...form, warmupSteps: 200 })).toEqual({});
    expect(validate({ ...form, warmupSteps: 500, schedule: 'cosine' })).toHaveProperty('warmupSteps');
    // No end to decay to, or Adafactor's own step sizes: not refused (the form notes it instead).
    expect(validate({ ...form, warmupSteps: 500, schedule: 'constant' })).toEqual({});
    expect(validate({ ...form, warmupSteps: 500, optimizer: 'adafactor' })).toEqual({});
    // Passes over the data: the steps are the estimate's, which refuses it then.
    expect(validate({ ...form, warmupSteps: 500, length: 'epochs' })).toEqual({});
    // Steps marked wrong already: that is the message.
    expect(validate({ ...form, warmupSteps: 500, maxSteps: 0 })).toEqual({ maxSteps: 'Steps must be ≥ 1' });
  });

  it('leaves an emptied dropout box alone, and the steps or the passes while the other is the length', () => {
    const form = ready(initialForm(undefined));
    expect(validate({ ...form, dropout: null })).toEqual({});
    expect(validate({ ...form, length: 'epochs', epochs: 3, maxSteps: 0 })).toEqual({});
    expect(validate({ ...form, length: 'steps', epochs: 1e9 })).toEqual({});
    expect(validate({ ...form, length: 'epochs', epochs: 1e9 })).toEqual({
      epochs: 'Passes over the data must be ≤ 100,000',
    });
    // Bounds written as the screens write counts (a seed, a name, as it is).
    expect(validate({ ...form, maxSteps: 1e9 })).toEqual({ maxSteps: 'Steps must be ≤ 100,000,000' });
    expect(validate({ ...form, dataSeed: 2 ** 33 }).dataSeed).toMatch(/ ≤ 4294967295$/);
  });
});
