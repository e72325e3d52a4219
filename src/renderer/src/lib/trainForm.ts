// The Train screen's form as plain data: its starting values (a preset, the masking carried
// from the Masking screen, and the provider and CPU threads saved on the Settings screen), the
// run configuration it makes, and the contract's own validation (runConfigSchema, then a new
// run's bounds from runRequestSchema) turned into one message per field for inline display.

import { z } from 'zod';
import {
  autoFallbackNote,
  defaultRunProvider,
  isPresetModelName,
  runConfigSchema,
  runPresets,
  runRequestSchema,
  type RunConfigInput,
  type RunDetail,
  type RunPresetName,
  type RunProviderName,
} from '../../../shared/contract/runs';
import { contractMessages } from '../../../shared/contract/issues';
import { warmupProblem } from '../../../shared/contract/schedule';
import { defaultAppSettings, type AppSettings, type ProviderStatus } from '../../../shared/contract/system';
import { BYTE_TOKENIZER_NAME } from '../../../shared/contract/datasets';
import { sentenceCase } from '../../../shared/format';
import { NEEDS_A_NUMBER, withShownBounds } from './numberRange';
import { inLabelWords } from './settingLabels';
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
 * The saved provider (under 'auto': the chosen preset's) and CPU threads, once they are loaded
 * (the machine's probe can take seconds). With `asOpened`, the two boxes as the form opened:
 * a box changed by hand meanwhile keeps what was typed.
 */
export function applySettings(
  form: TrainForm,
  settings: AppSettings,
  providers?: readonly ProviderStatus[],
  asOpened?: Pick<TrainForm, 'provider' | 'threads'>,
): TrainForm {
  const provider = defaultRunProvider(settings.provider, form.preset ?? undefined, providers);
  return {
    ...form,
    provider: asOpened && form.provider !== asOpened.provider ? form.provider : provider,
    threads: asOpened && form.threads !== asOpened.threads ? form.threads : settings.cpuThreads,
  };
}

/** The two boxes the saved settings fill. */
export type SettingsBoxes = Pick<TrainForm, 'provider' | 'threads'>;

/**
 * The saved settings taken as they are read or change while the form is open: the form after
 * them (a box changed by hand since `asOpened` keeps what was typed), and the provider and
 * threads they set, which are `asOpened` at the next change.
 */
export function followSettings(
  form: TrainForm,
  settings: AppSettings,
  providers: readonly ProviderStatus[] | undefined,
  asOpened: SettingsBoxes,
): { form: TrainForm; fromSettings: SettingsBoxes } {
  const { provider, threads } = applySettings(form, settings, providers);
  return { form: applySettings(form, settings, providers, asOpened), fromSettings: { provider, threads } };
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

export type FieldErrors = Partial<Record<keyof TrainForm, string>>;

/** The form's word for a missing dataset: the schema's names the CLI's listing, not this screen's list. */
export const PICK_DATASET = 'Pick the dataset to train on (none yet? import one on the Datasets screen)';

/** The form's words for a base model not yet picked, or a folder not yet typed. */
export const PICK_MODEL = 'Pick a base model';
export const TYPE_MODEL_FOLDER = 'Type the path of a model folder (the folder that holds config.json)';

/**
 * What the form is checked against, each field in one parse: as a stored run's configuration
 * (runConfigSchema, whose words come first: "noiseDensity must be < 1"), then, where that
 * passes, as runs.start checks a new run's (runRequestSchema), whose bounds may be tighter: a
 * noise density of 0.9995 is a stored run's share in (0, 1) but over MASKING_BOUNDS. So a box
 * says a value Start would have refused as it is typed, and Start waits.
 */
const formSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(runConfigSchema.shape).map(([key, stored]: [string, z.ZodType]) => {
      const started: z.ZodType | undefined = runRequestSchema.shape[key as keyof typeof runRequestSchema.shape];
      return [key, started === undefined ? stored : stored.pipe(started)];
    }),
  ),
);

/**
 * The schema's messages by form field (contractMessages words each bound and a fraction where
 * a whole number belongs); an emptied number box and a dataset not yet picked are said here; and
 * a warm-up longer than the steps asked for, which runs.start refuses (schedule.ts warmupProblem).
 */
export function validate(form: TrainForm): FieldErrors {
  const parsed = formSchema.safeParse(configOf(form), { error: contractMessages });
  const errors: FieldErrors = {};
  for (const issue of parsed.error?.issues ?? []) {
    const key = String(issue.path[0] ?? '');
    const field = (
      key === 'model' ? (form.modelChoice === 'folder' ? 'modelPath' : 'modelChoice') : key
    ) as keyof TrainForm;
    errors[field] ??= messageOf(issue, key, field, form[field]);
  }
  // Passes over the data: the steps are not known here (the estimate refuses it).
  const isLengthMarked = form.length !== 'steps' || errors.maxSteps || errors.warmupSteps;
  const warmup = isLengthMarked ? null : warmupProblem(form, form.maxSteps);
  if (warmup !== null) errors.warmupSteps = inLabelWords(warmup);
  return errors;
}

/**
 * Why the estimate waits, when the form is not valid: a dataset alone missing is not a setting
 * to fix (the estimate counts its examples; before the list is in, there is none to pick yet),
 * anything else is marked at its field.
 */
export function estimateBlocker(errors: FieldErrors, isDatasetsListed = true): string {
  const fields = Object.keys(errors);
  if (fields.length !== 1 || fields[0] !== 'datasetId') return 'Fix the settings marked above first.';
  return isDatasetsListed
    ? 'Pick a dataset first: the estimate counts its examples.'
    : 'Waiting for the list of datasets: the estimate counts the examples of the one picked.';
}

/** A field's refusal in the form's words ("Batch size must be ≥ 1"; settingLabels.ts). */
function messageOf(issue: { code: string; message: string }, key: string, field: string, value: unknown): string {
  if (key === 'datasetId' && value === '') return PICK_DATASET;
  if (key === 'model' && String(value).trim() === '') return field === 'modelPath' ? TYPE_MODEL_FOLDER : PICK_MODEL;
  return withShownBounds(inLabelWords(fieldMessage(issue, key, value)), key);
}

function fieldMessage(issue: { code: string; message: string }, key: string, value: unknown): string {
  if (key === 'clipNorm' && issue.code !== 'invalid_type') return 'clipNorm must be > 0, or 0 for no clipping';
  if (issue.code !== 'invalid_type') return issue.message;
  const isEmpty = value === null || value === undefined || value === '' || Number.isNaN(value);
  // A fraction where a whole number belongs is said by contractMessages.
  return isEmpty ? `${key}${NEEDS_A_NUMBER}` : issue.message;
}

/**
 * Where the provider and CPU threads boxes start from, in words (shown beside them), with why
 * 'auto' took the CPU for `preset` on this machine when it did (`providers`: its probe).
 */
export function describeSavedSettings(
  settings: AppSettings | undefined,
  preset?: RunPresetName,
  providers?: readonly ProviderStatus[],
): string {
  if (settings === undefined) return 'The saved provider and CPU threads could not be read; these are the defaults.';
  const provider = settings.provider === 'auto' ? describeAuto(preset, providers) : settings.provider;
  const fallback = autoFallbackNote(settings.provider, preset, providers);
  return (
    `From Settings: provider ${provider}, CPU threads ${settings.cpuThreads} (0: onnxruntime picks, one per core). ` +
    (fallback ? `${sentenceCase(fallback)}. ` : '') +
    'A change here is for this run only.'
  );
}

/** What 'auto' takes: for `preset` on this machine once both are known, else the presets' rule. */
function describeAuto(preset: RunPresetName | undefined, providers: readonly ProviderStatus[] | undefined): string {
  if (preset === undefined || providers === undefined) return "auto (the preset's: CPU for quick, WebGPU for standard)";
  return `auto (takes ${defaultRunProvider('auto', preset, providers)} for the ${preset} preset here)`;
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
