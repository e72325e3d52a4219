// The Train screen's form as plain data: its starting values (a preset, the masking carried
// from the Masking screen, and the provider and CPU threads saved on the Settings screen), an
// earlier run's settings, and the run configuration it makes. The form's checks are
// trainFormCheck.ts's; the saved settings followed while it is open, trainFormSettings.ts's.

import {
  defaultRunProvider,
  isPresetModelName,
  runConfigSchema,
  runPresets,
  type RunConfigInput,
  type RunDetail,
  type RunPresetName,
  type RunProviderName,
} from '../../../shared/contract/runs';
import { defaultAppSettings, type AppSettings, type ProviderStatus } from '../../../shared/contract/system';
import { BYTE_TOKENIZER_NAME } from '../../../shared/contract/datasets';
import type { CarriedMasking, MaskingNumbers } from './trainSettings.svelte';

export interface TrainForm {
  name: string;
  datasetId: string;
  /** 'folder' means: use `modelPath`. */
  modelChoice: string;
  modelPath: string;
  /** null: none chosen (a form started from an earlier run's settings). */
  preset: RunPresetName | null;
  /** How long to train: `maxSteps` optimizer steps, or `epochs` passes over the training examples. */
  length: 'steps' | 'epochs';
  maxSteps: number;
  epochs: number;
  batchSize: number;
  accumulation: number;
  stepsPerCall: number;
  lr: number;
  /** The optimizer's kind, with its default hyperparameters (AdamW; Adafactor, T5's own). */
  optimizer: 'adamw' | 'adafactor';
  schedule: 'constant' | 'linear' | 'cosine' | 'inverseSqrt';
  warmupSteps: number;
  weightDecay: number;
  /** Global gradient-norm clipping; 0: off (the configuration's null); null, an emptied box: needs a number. */
  clipNorm: number | null;
  /** null (an empty box): the model's own dropout_rate. */
  dropout: number | null;
  inputLength: number;
  noiseDensity: number;
  meanSpanLength: number;
  masking: 'packed' | 'per-document';
  /** New span masks each pass over the data, or the same every pass. */
  mask: 'dynamic' | 'fixed';
  /** The span masks' and the shuffle's seed (`seed` is dropout's and new weights'). */
  dataSeed: number;
  evalEvery: number;
  checkpointEvery: number;
  keepLast: number;
  seed: number;
  provider: RunProviderName;
  /** onnxruntime's CPU threads; 0: one per core. */
  threads: number;
  /** A from-scratch model's (preset:NAME) tokenizer: bytes, a model id, or a folder carried from an earlier run. */
  tokenizer?: string;
}

/** The built-in model, the form's first base model (its tokenizer is the byte-level one). */
export const BUILTIN_MODEL = 'builtin:byt5-tiny';

export const PRESET_LABELS: Readonly<Record<RunPresetName, string>> = {
  quick: 'quick (CPU)',
  standard: 'standard (GPU)',
};

/**
 * The preset's values over the schema's defaults; fields a preset leaves out keep `base`'s.
 * The provider is the saved one, or under 'auto' the preset's where `providers` (the machine's
 * probe, once known) has it on a GPU, as the runs service picks it.
 */
export function applyPreset(
  base: TrainForm,
  preset: RunPresetName,
  settings: AppSettings,
  providers?: readonly ProviderStatus[],
): TrainForm {
  const p = runPresets[preset];
  return {
    ...base,
    preset,
    ...(p.maxSteps === undefined ? {} : { length: 'steps' as const, maxSteps: p.maxSteps }),
    batchSize: p.batchSize ?? base.batchSize,
    stepsPerCall: p.stepsPerCall ?? base.stepsPerCall,
    lr: p.lr ?? base.lr,
    schedule: p.schedule ?? base.schedule,
    warmupSteps: p.warmupSteps ?? base.warmupSteps,
    inputLength: p.inputLength ?? base.inputLength,
    evalEvery: p.evalEvery ?? base.evalEvery,
    checkpointEvery: p.checkpointEvery ?? base.checkpointEvery,
    provider: defaultRunProvider(settings.provider, preset, providers),
  };
}

/**
 * The masking the Masking screen carried, and what its preview was made from, so the example
 * previewed is masked in training as it was shown: its dataset (a preview of typed text leaves
 * the form's) and a base model that tokenizes as the preview did (withTokenizer).
 */
export function applyMasking(form: TrainForm, carried: CarriedMasking | undefined): TrainForm {
  if (!carried) return form;
  const source = carried.dataset ? { ...form, datasetId: carried.dataset.id } : form;
  return applyMaskingSettings(withTokenizer(source, carried.tokenizer), carried);
}

/** The Masking screen's numbers only, which win over a preset's input length ("auto" trains packed). */
export function applyMaskingSettings(form: TrainForm, carried: CarriedMasking | undefined): TrainForm {
  if (!carried) return form;
  return {
    ...form,
    noiseDensity: carried.noiseDensity,
    meanSpanLength: carried.meanNoiseSpanLength,
    inputLength: carried.inputLength,
    masking: carried.mode === 'per-document' ? 'per-document' : 'packed',
    dataSeed: carried.seed,
  };
}

/**
 * The form with a base model that tokenizes as `tokenizer` (the Masking screen's pick) does: a
 * from-scratch shape keeps its shape and takes it as its tokenizer; the byte-level tokenizer is
 * builtin:byt5-tiny's (the list has no model named bytes); a registered model or a folder is that
 * model (BaseModelField shows a choice its lists do not offer as that folder, as formFromRun's).
 */
function withTokenizer(form: TrainForm, tokenizer: string): TrainForm {
  const isBytes = tokenizer === BYTE_TOKENIZER_NAME || tokenizer === BUILTIN_MODEL;
  if (isPresetModelName(form.modelChoice)) return { ...form, tokenizer: isBytes ? BYTE_TOKENIZER_NAME : tokenizer };
  return isBytes ? { ...form, modelChoice: BUILTIN_MODEL } : { ...form, modelChoice: tokenizer, modelPath: tokenizer };
}

export function initialForm(
  carried: CarriedMasking | undefined,
  settings: AppSettings = defaultAppSettings,
): TrainForm {
  const defaults = runConfigSchema.parse({ model: BUILTIN_MODEL, datasetId: '-' });
  const base: TrainForm = {
    name: '',
    datasetId: '',
    modelChoice: BUILTIN_MODEL,
    modelPath: '',
    preset: 'quick',
    length: 'steps',
    maxSteps: 200,
    epochs: 3,
    batchSize: defaults.batchSize,
    accumulation: defaults.accumulation,
    stepsPerCall: defaults.stepsPerCall,
    lr: defaults.lr,
    schedule: defaults.schedule,
    warmupSteps: defaults.warmupSteps,
    weightDecay: defaults.weightDecay,
    optimizer: defaults.optimizer.kind,
    clipNorm: defaults.clipNorm ?? 0,
    dropout: defaults.dropout,
    inputLength: defaults.inputLength,
    noiseDensity: defaults.noiseDensity,
    meanSpanLength: defaults.meanSpanLength,
    masking: defaults.masking,
    mask: defaults.mask,
    dataSeed: defaults.dataSeed,
    evalEvery: defaults.evalEvery,
    checkpointEvery: defaults.checkpointEvery,
    keepLast: defaults.keepLast,
    seed: defaults.seed,
    provider: defaults.provider,
    threads: settings.cpuThreads,
  };
  return applyMasking(applyPreset(base, 'quick', settings), carried);
}

/**
 * A new run's form with an earlier run's settings (its "New run with these settings"): the
 * batch and accumulation it was asked for (before a memory split), its steps (an epochs run's
 * as the steps they came to), model, dataset, masking, optimizer and the rest; no name, so it
 * gets its own. A model the base model list does not offer shows as a folder (BaseModelField).
 */
export function formFromRun(run: Pick<RunDetail, 'config' | 'totalSteps' | 'datasetId'>, base: TrainForm): TrainForm {
  const c = run.config;
  return {
    ...base,
    name: '',
    preset: null,
    datasetId: run.datasetId ?? '',
    modelChoice: c.model,
    modelPath: c.model,
    length: c.epochs === undefined ? 'steps' : 'epochs',
    maxSteps: c.maxSteps ?? run.totalSteps,
    epochs: c.epochs ?? base.epochs,
    batchSize: c.memorySplit?.askedBatchSize ?? c.batchSize,
    accumulation: c.memorySplit?.askedAccumulation ?? c.accumulation,
    stepsPerCall: c.stepsPerCall,
    lr: c.lr,
    optimizer: c.optimizer.kind,
    schedule: c.schedule,
    warmupSteps: c.warmupSteps,
    weightDecay: c.weightDecay,
    clipNorm: c.clipNorm ?? 0,
    dropout: c.dropout,
    inputLength: c.inputLength,
    noiseDensity: c.noiseDensity,
    meanSpanLength: c.meanSpanLength,
    masking: c.masking,
    mask: c.mask,
    dataSeed: c.dataSeed,
    evalEvery: c.evalEvery,
    checkpointEvery: c.checkpointEvery,
    keepLast: c.keepLast,
    seed: c.seed,
    provider: c.provider,
    threads: c.threads,
    ...(c.tokenizer === undefined ? {} : { tokenizer: c.tokenizer }),
  };
}

export function configOf(form: TrainForm): RunConfigInput {
  const { name, modelChoice, modelPath, preset: _preset, optimizer, clipNorm, dropout, tokenizer, ...rest } = form;
  const { length, maxSteps, epochs, ...settings } = rest;
  const model = modelChoice === 'folder' ? modelPath.trim() : modelChoice;
  return {
    ...settings,
    ...(length === 'epochs' ? { epochs } : { maxSteps }),
    ...(name.trim() ? { name: name.trim() } : {}),
    model,
    // Only a from-scratch model takes one (the runs service refuses it with any other).
    ...(tokenizer !== undefined && isPresetModelName(model) ? { tokenizer } : {}),
    optimizer: { kind: optimizer },
    // Off is the box's 0 only: emptied, it asks for a number as the other boxes do (NaN: zod's type error).
    clipNorm: clipNorm === 0 ? null : (clipNorm ?? Number.NaN),
    // An emptied box binds null (the model's rate); NaN would be a typed non-number.
    dropout: dropout === null || Number.isNaN(dropout) ? null : dropout,
  };
}

/**
 * The masking settings a new Train form starts with (its starting preset's, else the run
 * defaults), so a dataset's token estimate is what a run with the starting settings trains on.
 */
export function startingMasking(): MaskingNumbers {
  const form = initialForm(undefined);
  return {
    noiseDensity: form.noiseDensity,
    meanNoiseSpanLength: form.meanSpanLength,
    inputLength: form.inputLength,
    seed: form.dataSeed,
  };
}
