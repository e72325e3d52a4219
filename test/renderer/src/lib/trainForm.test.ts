// The Train form's starting values and checks: the provider and CPU threads come from the
// saved settings (the Settings screen) — the saved provider over a preset's, under 'auto' the
// preset's — and reach the run configuration the form starts; a bad thread count gets its
// message in place; the note beside the boxes says where they came from.

import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../../src/shared/contract/runs';
import type { AppSettings } from '../../../../src/shared/contract/system';
import {
  applyPreset,
  applySettings,
  followSettings,
  configOf,
  describeSavedSettings,
  estimateBlocker,
  formFromRun,
  initialForm,
  startingMasking,
  validate,
  type TrainForm,
} from '../../../../src/renderer/src/lib/trainForm';

const saved = (provider: AppSettings['provider'], cpuThreads = 0): AppSettings => ({ provider, cpuThreads });
const ready = (form: TrainForm): TrainForm => ({ ...form, datasetId: 'ds-1' });

describe('Train form: provider and CPU threads', () => {
  it('start from the saved settings and go into the configuration the form starts', () => {
    const form = initialForm(undefined, saved('cuda', 3));
    expect(form).toMatchObject({ preset: 'quick', provider: 'cuda', threads: 3 });
    expect(configOf(ready(form))).toMatchObject({ provider: 'cuda', threads: 3 });
    expect(validate(ready(form))).toEqual({});
  });

  it("under 'auto' follow the preset: the CPU for quick, WebGPU for standard", () => {
    const quick = initialForm(undefined, saved('auto', 0));
    expect(quick).toMatchObject({ provider: 'cpu', threads: 0 });
    expect(applyPreset(quick, 'standard', saved('auto'))).toMatchObject({ preset: 'standard', provider: 'webgpu' });
    // Without settings read yet, the defaults are the same as 'auto' with onnxruntime's threads.
    expect(initialForm(undefined)).toMatchObject({ provider: 'cpu', threads: 0 });
  });

  it('keep a saved provider when the preset changes, and take settings that arrive later', () => {
    const form = initialForm(undefined, saved('dml', 2));
    expect(applyPreset(form, 'standard', saved('dml', 2))).toMatchObject({ provider: 'dml', threads: 2 });
    const loaded = applySettings({ ...form, preset: 'standard', provider: 'cpu', threads: 7 }, saved('auto', 4));
    expect(loaded).toMatchObject({ provider: 'webgpu', threads: 4 });
    // Settings change the provider and threads only.
    expect({ ...loaded, provider: form.provider, threads: form.threads }).toEqual({ ...form, preset: 'standard' });
  });

  it('keep what was typed in the provider or threads box while the settings were loading', () => {
    const opened = initialForm(undefined);
    const asOpened = { provider: opened.provider, threads: opened.threads };
    const typed = applySettings({ ...opened, threads: 2 }, saved('dml', 4), undefined, asOpened);
    expect(typed).toMatchObject({ provider: 'dml', threads: 2 });
    const chose = applySettings({ ...opened, provider: 'webgpu' }, saved('dml', 4), undefined, asOpened);
    expect(chose).toMatchObject({ provider: 'webgpu', threads: 4 });
    expect(applySettings(opened, saved('dml', 4), undefined, asOpened)).toMatchObject({ provider: 'dml', threads: 4 });
  });

  it('follow settings saved again while open, except a box changed by hand since', () => {
    const opened = initialForm(undefined, saved('cpu', 4));
    const first = followSettings(opened, saved('dml', 2), undefined, { provider: 'cpu', threads: 4 });
    expect(first.form).toMatchObject({ provider: 'dml', threads: 2 });
    expect(first.fromSettings).toEqual({ provider: 'dml', threads: 2 });
    const typed = { ...first.form, threads: 5 };
    const second = followSettings(typed, saved('auto', 3), undefined, first.fromSettings);
    expect(second.form).toMatchObject({ provider: 'cpu', threads: 5 });
    expect(second.fromSettings).toEqual({ provider: 'cpu', threads: 3 });
    // The box typed into is the person's until they set it back to what the settings say.
    const third = followSettings({ ...second.form, threads: 3 }, saved('auto', 1), undefined, second.fromSettings);
    expect(third.form.threads).toBe(1);
  });

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

  it("under 'auto' take the standard preset's WebGPU only where the probe has it on a GPU, and say why not", () => {
    const software = [
      { name: 'cpu', available: true },
      { name: 'webgpu', available: true, isSoftware: true, reason: 'no GPU found (no /dev/dri render node)' },
    ];
    const gpu = [
      { name: 'cpu', available: true },
      { name: 'webgpu', available: true },
    ];
    const form = initialForm(undefined, saved('auto'));
    expect(applyPreset(form, 'standard', saved('auto'), software).provider).toBe('cpu');
    expect(applyPreset(form, 'standard', saved('auto'), gpu).provider).toBe('webgpu');
    expect(applySettings({ ...form, preset: 'standard' }, saved('auto'), software).provider).toBe('cpu');
    expect(describeSavedSettings(saved('auto'), 'standard', software)).toMatch(
      /CPU threads 0 \(0: onnxruntime picks, one per core\)\. Provider auto takes the CPU here, not webgpu: no GPU found \(no \/dev\/dri render node\)\. A change here/,
    );
    expect(describeSavedSettings(saved('auto'), 'standard', software)).toMatch(
      /provider auto \(takes cpu for the standard preset here\)/,
    );
    expect(describeSavedSettings(saved('auto'), 'standard', gpu)).not.toMatch(/takes the CPU here/);
    expect(describeSavedSettings(saved('auto'), 'standard', gpu)).toMatch(
      /auto \(takes webgpu for the standard preset here\)/,
    );
    expect(describeSavedSettings(saved('auto'), 'quick', software)).not.toMatch(/takes the CPU here/);
  });

  it('send the optimizer, clipping and dropout as the configuration takes them', () => {
    const form = ready(initialForm(undefined, saved('cpu')));
    // The schema's defaults: AdamW, clipping at 1, the model's dropout.
    expect(form).toMatchObject({ optimizer: 'adamw', clipNorm: 1, dropout: null });
    expect(configOf(form)).toMatchObject({ optimizer: { kind: 'adamw' }, clipNorm: 1, dropout: null });
    const changed = { ...form, optimizer: 'adafactor' as const, clipNorm: 0, dropout: 0.05 };
    expect(configOf(changed)).toMatchObject({ optimizer: { kind: 'adafactor' }, clipNorm: null, dropout: 0.05 });
    expect(validate(changed)).toEqual({});
    // An emptied dropout box (null, or NaN from a typed non-number) is the model's rate.
    expect(configOf({ ...form, dropout: Number.NaN }).dropout).toBeNull();
    expect(validate({ ...form, clipNorm: -1 }).clipNorm).toBe('Clip gradient norm must be > 0, or 0 for no clipping');
    expect(validate({ ...form, dropout: 1 }).dropout).toBe('Dropout must be < 1');
  });

  it('ask for a number in an emptied clipping box, as in every box but dropout, rather than turn clipping off', () => {
    const form = ready(initialForm(undefined, saved('cpu')));
    // An emptied number box binds null; a typed non-number, NaN.
    expect(validate({ ...form, clipNorm: null })).toEqual({ clipNorm: 'Clip gradient norm needs a number' });
    expect(validate({ ...form, clipNorm: Number.NaN })).toEqual({ clipNorm: 'Clip gradient norm needs a number' });
    expect(validate({ ...form, clipNorm: 0 })).toEqual({});
  });

  it("start a new run from an earlier run's settings: the batch it asked for, its steps, no name", () => {
    // Fields the form and the configuration spell alike.
    const same = {
      lr: 3e-4,
      schedule: 'cosine',
      warmupSteps: 7,
      dropout: 0.2,
      inputLength: 96,
      masking: 'per-document',
      provider: 'webgpu',
      threads: 3,
      seed: 5,
      dataSeed: 11,
      mask: 'fixed',
    } as const;
    const config = runConfigSchema.parse({
      ...same,
      name: 'first try',
      model: 'm-1a2b3c4d',
      datasetId: 'ds-9',
      epochs: 3,
      batchSize: 8,
      accumulation: 4,
      memorySplit: { askedBatchSize: 32, askedAccumulation: 1, neededBytes: 2, budgetBytes: 1, basis: 'x' },
      optimizer: { kind: 'adafactor' },
      clipNorm: null,
    });
    const form = formFromRun({ config, totalSteps: 120, datasetId: 'ds-9' }, initialForm(undefined, saved('cpu')));
    expect(form).toMatchObject({
      ...same,
      name: '',
      preset: null,
      datasetId: 'ds-9',
      modelChoice: 'm-1a2b3c4d',
      length: 'epochs',
      epochs: 3,
      maxSteps: 120,
      batchSize: 32,
      accumulation: 1,
      optimizer: 'adafactor',
      clipNorm: 0,
    });
    // Back through the form, the same configuration as asked (no split, no name).
    const again = runConfigSchema.parse(configOf(form));
    const { name: _name, memorySplit: _split, ...asked } = config;
    expect(again).toEqual({ ...asked, batchSize: 32, accumulation: 1 });
    // Trained for steps instead: the steps, no epochs.
    expect(configOf({ ...form, length: 'steps' })).toMatchObject({ maxSteps: 120 });
    expect(configOf({ ...form, length: 'steps' })).not.toHaveProperty('epochs');
    expect(configOf(form)).not.toHaveProperty('maxSteps');
    expect(validate({ ...form, epochs: 0 }).epochs).toBe('Passes over the data must be > 0');
    // A preset's steps switch the form back to steps.
    expect(applyPreset(form, 'quick', saved('cpu'))).toMatchObject({ length: 'steps', maxSteps: 200 });
    // A removed dataset leaves the dataset to pick.
    expect(formFromRun({ config, totalSteps: 120, datasetId: null }, form).datasetId).toBe('');
    // A from-scratch model's tokenizer goes along, and only while the model is one.
    const scratch = runConfigSchema.parse({ ...config, model: 'preset:t5-small', tokenizer: 'bytes' });
    const fromScratch = formFromRun({ config: scratch, totalSteps: 120, datasetId: 'ds-9' }, form);
    expect(configOf(fromScratch)).toMatchObject({ model: 'preset:t5-small', tokenizer: 'bytes' });
    expect(configOf({ ...fromScratch, modelChoice: 'builtin:byt5-tiny' })).not.toHaveProperty('tokenizer');
  });

  it('say where the provider and threads came from', () => {
    expect(describeSavedSettings(saved('cuda', 4))).toMatch(/provider cuda, CPU threads 4 \(0: onnxruntime picks/);
    expect(describeSavedSettings(saved('auto', 0))).toMatch(/provider auto \(the preset's.*CPU threads 0 /);
    expect(describeSavedSettings(undefined)).toMatch(/could not be read/);
  });
});

describe('Train form: the masking it starts with', () => {
  it("is the quick preset's input length and the run defaults' density, span and data seed, which a dataset's token estimate uses", () => {
    expect(startingMasking()).toEqual({ noiseDensity: 0.15, meanNoiseSpanLength: 3, inputLength: 64, seed: 0 });
    const form = initialForm(undefined);
    expect([form.noiseDensity, form.meanSpanLength, form.inputLength]).toEqual([0.15, 3, 64]);
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
