// The Train form's name for each run setting: its boxes are labelled with these, and messages
// from the contract and the runs service, which name a setting by its field ("batchSize must be
// ≥ 1", "maxSteps (205) must be a multiple of stepsPerCall (10)"), are shown in these words
// ("Batch size must be ≥ 1", "Steps (205) must be a multiple of Steps per engine call (10)").
// The CLI does the same with its flags (cli/commands/train-flags.ts inFlagWords).

import type { RunConfigInput } from '../../../shared/contract/runs';

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
  dropout: 'Dropout',
  memoryBudgetMiB: 'Memory budget',
} as const satisfies Partial<Record<keyof RunConfigInput, string>>;

const labelOf = (word: string): string | undefined =>
  Object.hasOwn(SETTING_LABELS, word) ? SETTING_LABELS[word as keyof typeof SETTING_LABELS] : undefined;

/** "Input length" in mid-sentence: "input length" ("CPU threads" keeps its capitals). */
const inSentence = (label: string): string =>
  /^[A-Z][a-z]/.test(label) ? label[0].toLowerCase() + label.slice(1) : label;

/**
 * `message` with each camelCase setting, and one that opens it ("lr must be > 0"), in the
 * form's words: capitalised where it opens the message, in lower case within it.
 */
export function inLabelWords(message: string): string {
  return message
    .replace(/\b[a-z]+[A-Z][A-Za-z]*\b/g, (word, offset: number) => {
      const label = labelOf(word);
      return label === undefined ? word : offset === 0 ? label : inSentence(label);
    })
    .replace(/^([a-z]+)\b/, (word) => labelOf(word) ?? word);
}
