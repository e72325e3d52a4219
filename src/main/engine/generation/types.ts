// The decoding contract between a model and the generators: a Seq2SeqGenerator encodes
// prompts and opens a DecodingSession that steps one token per row; DecodingStrategy and
// GenerationOptions say how generate() picks tokens. Types (and isEndToken over them) only, so
// generate.ts and beam.ts share them without importing each other.

/** One decoding run over a fixed set of rows (N = prompts · beams). */
export interface DecodingSession {
  readonly rows: number;
  /** Feed one token per row; resolves to next-token logits, row-major (N, V). */
  step(tokens: readonly number[]): Promise<Float32Array>;
  /** Row i continues the history of row `order[i]` (beam reselection). */
  reorder(order: readonly number[]): void;
  close(): Promise<void>;
}

export interface Seq2SeqGenerator {
  readonly vocabSize: number; // V of the logits
  /**
   * Encode `prompts` (token ids, unpadded) and open a session whose row r decodes prompt
   * `rowPrompt[r]` for at most `maxSteps` steps.
   */
  start(
    prompts: readonly (readonly number[])[],
    rowPrompt: readonly number[],
    maxSteps: number,
  ): Promise<DecodingSession>;
}

export type DecodingStrategy =
  | { readonly kind: 'greedy' }
  | {
      readonly kind: 'beam';
      readonly numBeams: number;
      /** Finished scores are Σlogp / generated_len^lengthPenalty (HF default 1). */
      readonly lengthPenalty?: number;
      /** true: stop when numBeams hypotheses finished; false: HF heuristic; 'never': exact. */
      readonly earlyStopping?: boolean | 'never';
    }
  | {
      readonly kind: 'sample';
      readonly temperature?: number;
      /** Keep the k most likely tokens (0 = off). */
      readonly topK?: number;
      /** Keep the smallest set whose probability reaches topP (1 = off). */
      readonly topP?: number;
      readonly seed: number;
    };

export interface GenerationOptions {
  readonly strategy: DecodingStrategy;
  readonly maxNewTokens: number;
  readonly decoderStartTokenId: number;
  readonly eosTokenId: number;
  /**
   * Further ids that end a sequence as EOS does: config.json's eos_token_id may be a list, and
   * HF generation stops on any of them (its EosTokenCriteria).
   */
  readonly otherEosTokenIds?: readonly number[];
  readonly padTokenId: number;
  readonly signal?: AbortSignal;
}

/** Whether `token` ends its sequence: EOS or one of otherEosTokenIds. */
export function isEndToken(options: GenerationOptions, token: number): boolean {
  return token === options.eosTokenId || (options.otherEosTokenIds?.includes(token) ?? false);
}

export interface GenerationResult {
  /** Per prompt: decoder start id, generated ids, EOS when one was produced. */
  readonly sequences: number[][];
  /** Beam search: the length-normalised score of each returned sequence. */
  readonly scores?: number[];
}
