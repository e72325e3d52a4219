// What the trainer consumes: the training and validation sides of a tokenized dataset,
// each with its example plan, from a token source and the split's validation documents.
// Training masks are dynamic (new per epoch); validation always uses epoch 0 so its loss
// is comparable between evaluations. Not the training loop (engine/train).
import { planExamples, type ExamplePlan, type MaskingTokenizer, type SpanCorruptionSettings } from './examples';
import { MIN_MASKED_TOKENS } from './spanCorruption';
import { complementIndices, subsetTokenSource, type TokenSource } from './tokenSource';

export interface ExampleSet {
  readonly source: TokenSource;
  readonly plan: ExamplePlan;
}

export interface TrainingData {
  readonly train: ExampleSet;
  readonly validation: ExampleSet;
  /** One-document datasets validate on their training document. */
  readonly isSelfValidation: boolean;
  readonly messages: string[];
}

/** The epoch validation batches are masked with, always. */
export const VALIDATION_EPOCH = 0;

export function prepareTrainingData(
  source: TokenSource,
  split: { readonly validation: readonly number[]; readonly isSelfValidation: boolean },
  settings: SpanCorruptionSettings,
  tokenizer: MaskingTokenizer,
): TrainingData {
  const trainSource = split.isSelfValidation
    ? source
    : subsetTokenSource(source, complementIndices(source.documentCount, split.validation));
  const validationSource = subsetTokenSource(source, split.validation);
  const train = { source: trainSource, plan: planExamples(trainSource, settings, tokenizer) };
  // Validation follows the training mode unless it is too short for one packed chunk.
  const validationMode = train.plan.mode === 'packed' ? 'auto' : 'per-document';
  const validation = {
    source: validationSource,
    plan: planExamples(validationSource, { ...settings, mode: validationMode }, tokenizer),
  };
  const messages = [...train.plan.messages, ...validation.plan.messages.map((m) => `Validation: ${m}`)];
  // With its EOS a document of one token is long enough: only documents of none make no example.
  if (train.plan.exampleCount === 0) {
    messages.push(
      `No training examples: no document has a token of its own, and masking needs at least ${MIN_MASKED_TOKENS}, counting the EOS after each`,
    );
  }
  return { train, validation, isSelfValidation: split.isSelfValidation, messages };
}
