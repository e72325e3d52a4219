// The Train screen's form as plain data: its starting values (a preset, then the masking
// carried from the Masking screen), the run configuration it makes, and the contract's own
// validation (runConfigSchema) turned into one message per field for inline display.

import { runConfigSchema, runPresets, type RunConfigInput, type RunPresetName } from '../../../shared/contract/runs';
import type { CarriedMasking } from './trainSettings.svelte';

export interface TrainForm {
  name: string;
  datasetId: string;
  /** 'folder' means: use `modelPath`. */
  modelChoice: string;
  modelPath: string;
  preset: RunPresetName;
  maxSteps: number;
  batchSize: number;
  accumulation: number;
  stepsPerCall: number;
  lr: number;
  schedule: 'constant' | 'linear' | 'cosine' | 'inverseSqrt';
  warmupSteps: number;
  weightDecay: number;
  inputLength: number;
  noiseDensity: number;
  meanSpanLength: number;
  masking: 'packed' | 'per-document';
  evalEvery: number;
  checkpointEvery: number;
  keepLast: number;
  seed: number;
  provider: 'cpu' | 'cuda' | 'webgpu' | 'dml';
}

export const PRESET_LABELS: Readonly<Record<RunPresetName, string>> = {
  quick: 'quick (CPU)',
  standard: 'standard (GPU)',
};

/** The preset's values over the schema's defaults; fields a preset leaves out keep `base`'s. */
export function applyPreset(base: TrainForm, preset: RunPresetName): TrainForm {
  const p = runPresets[preset];
  return {
    ...base,
    preset,
    maxSteps: p.maxSteps ?? base.maxSteps,
    batchSize: p.batchSize ?? base.batchSize,
    stepsPerCall: p.stepsPerCall ?? base.stepsPerCall,
    lr: p.lr ?? base.lr,
    schedule: p.schedule ?? base.schedule,
    warmupSteps: p.warmupSteps ?? base.warmupSteps,
    inputLength: p.inputLength ?? base.inputLength,
    evalEvery: p.evalEvery ?? base.evalEvery,
    checkpointEvery: p.checkpointEvery ?? base.checkpointEvery,
    provider: p.provider ?? base.provider,
  };
}

/** The Masking screen's choice wins over a preset's input length ("auto" trains packed). */
export function applyMasking(form: TrainForm, carried: CarriedMasking | undefined): TrainForm {
  if (!carried) return form;
  return {
    ...form,
    noiseDensity: carried.noiseDensity,
    meanSpanLength: carried.meanNoiseSpanLength,
    inputLength: carried.inputLength,
    masking: carried.mode === 'per-document' ? 'per-document' : 'packed',
  };
}

export function initialForm(carried: CarriedMasking | undefined): TrainForm {
  const defaults = runConfigSchema.parse({ model: 'builtin:byt5-tiny', datasetId: '-' });
  const base: TrainForm = {
    name: '',
    datasetId: '',
    modelChoice: 'builtin:byt5-tiny',
    modelPath: '',
    preset: 'quick',
    maxSteps: 200,
    batchSize: defaults.batchSize,
    accumulation: defaults.accumulation,
    stepsPerCall: defaults.stepsPerCall,
    lr: defaults.lr,
    schedule: defaults.schedule,
    warmupSteps: defaults.warmupSteps,
    weightDecay: defaults.weightDecay,
    inputLength: defaults.inputLength,
    noiseDensity: defaults.noiseDensity,
    meanSpanLength: defaults.meanSpanLength,
    masking: defaults.masking,
    evalEvery: defaults.evalEvery,
    checkpointEvery: defaults.checkpointEvery,
    keepLast: defaults.keepLast,
    seed: defaults.seed,
    provider: defaults.provider,
  };
  return applyMasking(applyPreset(base, 'quick'), carried);
}

export function configOf(form: TrainForm): RunConfigInput {
  const { name, modelChoice, modelPath, preset: _preset, ...rest } = form;
  return {
    ...rest,
    ...(name.trim() ? { name: name.trim() } : {}),
    model: modelChoice === 'folder' ? modelPath.trim() : modelChoice,
  };
}

export type FieldErrors = Partial<Record<keyof TrainForm, string>>;

/** The schema's messages by form field; an emptied number box says so instead of zod's type error. */
export function validate(form: TrainForm): FieldErrors {
  const parsed = runConfigSchema.safeParse(configOf(form));
  if (parsed.success) return {};
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '');
    const field = (
      key === 'model' ? (form.modelChoice === 'folder' ? 'modelPath' : 'modelChoice') : key
    ) as keyof TrainForm;
    const isEmpty = issue.code === 'invalid_type';
    errors[field] ??= isEmpty ? `${key} needs a number` : issue.message;
  }
  return errors;
}
