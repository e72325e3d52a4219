// The screens' names for the contract's fields — the Train form's run settings, the
// Playground's decoding boxes: the boxes are labelled with these, and messages from the contract
// and the services, which name a field as the schema does ("batchSize must be ≥ 1", "maxSteps
// (205) must be a multiple of stepsPerCall (10)"), are shown in these words ("Batch size must be
// ≥ 1", "Steps (205) must be a multiple of steps per engine call (10)"). The CLI does the same
// with its flags (cli/commands/train-flags.ts inFlagWords).

import { renameFields } from '../../../shared/contract/issues';
import type { RunConfig, RunConfigInput } from '../../../shared/contract/runs';
import { settingEntries } from '../../../shared/contract/runSettings';
import { unusedSettingReason } from '../../../shared/contract/schedule';

export const SETTING_LABELS = {
  name: 'Run name',
  datasetId: 'Dataset',
  model: 'Base model',
  tokenizer: 'Tokenizer',
  maxSteps: 'Steps',
  epochs: 'Passes over the data',
  batchSize: 'Batch size',
  lr: 'Learning rate',
  warmupSteps: 'Warm-up steps',
  inputLength: 'Input length',
  noiseDensity: 'Noise density',
  meanSpanLength: 'Mean span length',
  masking: 'Examples',
  evalEvery: 'Validate every',
  checkpointEvery: 'Checkpoint every',
  provider: 'Provider',
  threads: 'CPU threads',
  accumulation: 'Gradient accumulation',
  stepsPerCall: 'Steps per engine call',
  schedule: 'Schedule',
  optimizer: 'Optimizer',
  weightDecay: 'Weight decay',
  clipNorm: 'Clip gradient norm',
  keepLast: 'Checkpoints kept',
  seed: 'Seed',
  dataSeed: 'Data seed',
  mask: 'Span masks',
  dropout: 'Dropout',
  memoryBudgetMiB: 'Memory budget',
} as const satisfies Partial<Record<keyof RunConfigInput, string>>;

/**
 * The settings inside an object of the configuration, under the dotted keys settingEntries
 * gives them: the optimizer's own (the CLI's --beta1, --beta2, --eps; unset: the engine's
 * defaults) and what the service records when a batch was split to fit memory.
 */
export const NESTED_SETTING_LABELS: Readonly<Record<string, string>> = {
  'optimizer.kind': SETTING_LABELS.optimizer,
  'optimizer.beta1': 'Optimizer beta1',
  'optimizer.beta2': 'AdamW beta2',
  'optimizer.eps': 'AdamW epsilon',
  'optimizer.clipThreshold': 'Adafactor clip threshold',
  'optimizer.decayRate': 'Adafactor decay rate',
  'optimizer.scaleParameter': 'Adafactor scales by parameter size',
  'memorySplit.askedBatchSize': 'Batch size asked for',
  'memorySplit.askedAccumulation': 'Gradient accumulation asked for',
  'memorySplit.neededBytes': 'Memory the asked batch needed (bytes)',
  'memorySplit.budgetBytes': 'Memory budget it was over (bytes)',
  'memorySplit.basis': 'Memory budget from',
};

/** The Playground's decoding boxes (screens/playground/DecodingOptions.svelte) and its prompt. */
export const DECODING_LABELS: Readonly<Record<string, string>> = {
  prompt: 'Prompt',
  maxNewTokens: 'Most new tokens',
  numBeams: 'Beams',
  temperature: 'Temperature',
  topK: 'Top-k',
  topP: 'Top-p',
  seed: 'Seed',
};

/** "Input length" in mid-sentence: "input length" ("CPU threads" keeps its capitals). */
const inSentence = (label: string): string =>
  /^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label;

/**
 * `message` with each camelCase field of `labels`, and one that opens it ("lr must be > 0"), in
 * the screen's words: capitalised where it opens the message, in lower case within it.
 */
export function inFieldWords(message: string, labels: Readonly<Record<string, string>>): string {
  const labelOf = (word: string): string | undefined => (Object.hasOwn(labels, word) ? labels[word] : undefined);
  return renameFields(message, (word, offset) => {
    const label = labelOf(word);
    return label === undefined || offset === 0 ? label : inSentence(label);
  }).replace(/^([a-z]+)\b/, (word) => labelOf(word) ?? word);
}

/** A run setting's refusal in the Train form's words. */
export const inLabelWords = (message: string): string => inFieldWords(message, SETTING_LABELS);

/**
 * The Train form's field a stored setting's key (as settingEntries flattens it) belongs to, or
 * sits beside: the optimizer's settings by Optimizer, the memory split's by the memory budget.
 */
const formField = (key: string): string =>
  key.startsWith('optimizer.') ? 'optimizer' : key.startsWith('memorySplit.') ? 'memoryBudgetMiB' : key;

/** A stored setting's name on the screens: the Train form's label (or a nested setting's), else its key. */
export function settingLabel(key: string): string {
  if (Object.hasOwn(NESTED_SETTING_LABELS, key)) return NESTED_SETTING_LABELS[key];
  return Object.hasOwn(SETTING_LABELS, key) ? SETTING_LABELS[key as keyof typeof SETTING_LABELS] : key;
}

export interface LabelledSetting {
  /** As stored and as the CLI's `runs show --json` names it ("lr", "optimizer.kind"). */
  readonly key: string;
  /** settingLabel(key). */
  readonly label: string;
  readonly value: unknown;
  /** Why the setting does nothing in this run (unusedSettingReason: an Adafactor run's lr), else null. */
  readonly unused: string | null;
}

/**
 * A run's settings (flattened by settingEntries) as the run view lists them: those the Train
 * form has a box for first, in the form's order and under its labels (bySettingOrder), then the
 * rest by key; each with why it does nothing in this run, where it does nothing.
 */
export function labelledSettings(config: RunConfig): LabelledSetting[] {
  return settingEntries(config)
    .map(([key, value]) => ({
      key,
      label: settingLabel(key),
      value,
      unused: unusedSettingReason(key, config.optimizer.kind),
    }))
    .sort((a, b) => bySettingOrder(a.key, b.key)); // stable: the rest keep settingEntries' key order
}

/** The Train form's fields in its order, then everything else. */
const FORM_ORDER = Object.keys(SETTING_LABELS);
const formRank = (key: string): number => {
  const field = formField(key);
  const at = FORM_ORDER.indexOf(field);
  // A nested setting comes after its field's own (Optimizer, then its beta1, …).
  const beside = field !== key && key !== 'optimizer.kind' ? 0.5 : 0;
  return (at === -1 ? FORM_ORDER.length : at) + beside;
};

/** Settings the Train form has a box for before the rest, in the form's order (a sort's comparator). */
export const bySettingOrder = (a: string, b: string): number => formRank(a) - formRank(b);
