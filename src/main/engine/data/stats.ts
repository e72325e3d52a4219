// Dataset statistics for the UI and CLI: documents, characters, tokens and how many
// training examples a setting yields (packed and per-document), without building batches.
import { planExamples, type MaskingMode, type MaskingTokenizer, type SpanCorruptionSettings } from './examples';
import type { TokenSource } from './tokenSource';

export interface ExampleEstimate {
  readonly inputLength: number;
  readonly tokensLength: number;
  readonly targetLength: number;
  /** The mode 'auto' picks for this dataset. */
  readonly mode: MaskingMode;
  readonly packedExamples: number;
  readonly perDocumentExamples: number;
  readonly messages: string[];
}

export interface TokenStats {
  readonly documents: number;
  readonly tokens: number;
  readonly meanTokensPerDocument: number;
  readonly maxTokensPerDocument: number;
}

export function tokenStats(source: TokenSource): TokenStats {
  let max = 0;
  for (let d = 0; d < source.documentCount; d++) max = Math.max(max, source.documentLength(d));
  return {
    documents: source.documentCount,
    tokens: source.totalTokens,
    meanTokensPerDocument: source.documentCount === 0 ? 0 : source.totalTokens / source.documentCount,
    maxTokensPerDocument: max,
  };
}

/** Examples per epoch at `settings` (mode 'auto' decides which count applies). */
export function estimateExamples(
  source: TokenSource,
  settings: SpanCorruptionSettings,
  tokenizer: MaskingTokenizer,
): ExampleEstimate {
  const auto = planExamples(source, { ...settings, mode: 'auto' }, tokenizer);
  const perDocument =
    auto.mode === 'per-document' ? auto : planExamples(source, { ...settings, mode: 'per-document' }, tokenizer);
  return {
    inputLength: auto.lengths.inputLength,
    tokensLength: auto.lengths.tokensLength,
    targetLength: auto.lengths.targetLength,
    mode: auto.mode,
    packedExamples: auto.mode === 'packed' ? auto.exampleCount : 0,
    perDocumentExamples: perDocument.exampleCount,
    messages: auto.messages,
  };
}
