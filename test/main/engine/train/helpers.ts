// Shared by the trainer tests: the t5-tiny-spm fixture (a complete HF folder with a
// SentencePiece tokenizer) and TrainerData built from a few texts with that tokenizer.
import { fileURLToPath } from 'node:url';
import type { SpanCorruptionSettings } from '../../../../src/main/engine/data/examples';
import { planExamples } from '../../../../src/main/engine/data/examples';
import type { TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { InMemoryTokenSource } from '../../../../src/main/engine/data/tokenSource';
import type { TrainerSettings } from '../../../../src/main/engine/train/settings';
import type { TrainerData } from '../../../../src/main/engine/train/trainer';

export const SPM_DIR = fileURLToPath(new URL('../../../fixtures/t5/t5-tiny-spm', import.meta.url));

export function loadSpmTokenizer(): Promise<TextTokenizer> {
  return loadHfTokenizer(SPM_DIR);
}

/** Training and validation sets from texts (one document each), masked with `span`. */
export function textData(
  tokenizer: TextTokenizer,
  train: readonly string[],
  validation: readonly string[],
  span: Partial<SpanCorruptionSettings> = {},
): TrainerData {
  const settings: SpanCorruptionSettings = {
    inputLength: 16,
    noiseDensity: 0.3,
    meanNoiseSpanLength: 2,
    mode: 'per-document',
    seed: 5,
    ...span,
  };
  const set = (texts: readonly string[]) => {
    const source = new InMemoryTokenSource(texts.map((t) => tokenizer.encode(t)));
    return { source, plan: planExamples(source, settings, tokenizer) };
  };
  return { train: set(train), validation: validation.length > 0 ? set(validation) : null, tokenizer };
}

/** The run killTraining.test.ts kills and resumes (trainChild.ts) and runs straight. */
export const KILL_TEXTS = [
  'The cute dog walks in the green park',
  'A small cat sleeps on the warm mat',
  'Birds sing in the old tree every morning',
];
export const KILL_SETTINGS: TrainerSettings = {
  batchSize: 2,
  stepsPerCall: 2,
  mask: 'dynamic',
  optimizer: { kind: 'adamw' },
  schedule: { kind: 'cosine', peakLr: 3e-3, warmupSteps: 4, totalSteps: 60 },
  dropoutRate: 0.1,
  seed: 11,
  maxSteps: 60,
  checkpointEvery: 2,
  keepLast: 2,
};
