// Shared by the trainer tests: the t5-tiny-spm fixture (a complete HF folder with a
// SentencePiece tokenizer) and TrainerData built from a few texts with that tokenizer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanCorruptionSettings } from '../../../../src/main/engine/data/examples';
import { planExamples } from '../../../../src/main/engine/data/examples';
import type { TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { InMemoryTokenSource } from '../../../../src/main/engine/data/tokenSource';
import type { TrainerData } from '../../../../src/main/engine/train/trainer';

export const SPM_DIR = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `spanfill-${prefix}-`));
}

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
