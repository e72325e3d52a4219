// The Train form's starting values: the provider and CPU threads come from the saved settings
// (the Settings screen) — the saved provider over a preset's, under 'auto' the preset's — and
// reach the run configuration the form starts, as do the optimizer, clipping and dropout, and
// an earlier run's settings. The checks are trainFormCheck.test.ts's; the saved settings
// followed while the form is open, trainFormSettings.test.ts's.

import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../../src/shared/contract/runs';
import type { AppSettings } from '../../../../src/shared/contract/system';
import {
  applyPreset,
  configOf,
  formFromRun,
  initialForm,
  startingMasking,
  type TrainForm,
} from '../../../../src/renderer/src/lib/trainForm';
import { validate } from '../../../../src/renderer/src/lib/trainFormCheck';

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
});

describe('Train form: the masking it starts with', () => {
  it("is the quick preset's input length and the run defaults' density, span and data seed, which a dataset's token estimate uses", () => {
    expect(startingMasking()).toEqual({ noiseDensity: 0.15, meanNoiseSpanLength: 3, inputLength: 64, seed: 0 });
    const form = initialForm(undefined);
    expect([form.noiseDensity, form.meanSpanLength, form.inputLength]).toEqual([0.15, 3, 64]);
  });
});
