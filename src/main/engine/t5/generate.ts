// Model-agnostic generation for encoder-decoder models: greedy, beam search and sampling over
// a `Seq2SeqGenerator` that encodes prompts and steps a decoder one token per row. Knows no
// ONNX and no T5 (runtime.ts implements the interface). Semantics follow HF `generate`:
// GenerationMixin._sample (greedy / multinomial), TemperatureLogitsWarper → TopKLogitsWarper →
// TopPLogitsWarper, and the vectorised _beam_search (transformers ≥ 4.50) for beams.

import { Rng } from '../rng';
import { beamSearch } from './beam';
import { argmax, softmax } from './logits';

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
  readonly padTokenId: number;
  readonly signal?: AbortSignal;
}

export interface GenerationResult {
  /** Per prompt: decoder start id, generated ids, EOS when one was produced. */
  readonly sequences: number[][];
  /** Beam search: the length-normalised score of each returned sequence. */
  readonly scores?: number[];
}

export class GenerationError extends Error {
  override name = 'GenerationError';
}

function validate(options: GenerationOptions): void {
  const { strategy, maxNewTokens } = options;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) {
    throw new GenerationError(`maxNewTokens must be a positive integer; got ${maxNewTokens}`);
  }
  if (strategy.kind === 'beam' && (!Number.isInteger(strategy.numBeams) || strategy.numBeams < 1)) {
    throw new GenerationError(`numBeams must be a positive integer; got ${strategy.numBeams}`);
  }
  if (strategy.kind === 'sample') {
    const { temperature = 1, topK = 0, topP = 1 } = strategy;
    if (!(temperature > 0)) throw new GenerationError(`temperature must be > 0; got ${temperature}`);
    if (!Number.isInteger(topK) || topK < 0)
      throw new GenerationError(`topK must be a non-negative integer; got ${topK}`);
    if (!(topP > 0 && topP <= 1)) throw new GenerationError(`topP must be in (0, 1]; got ${topP}`);
  }
}

/** Generate a continuation for every prompt. Beam search with one beam runs greedy, as HF. */
export async function generate(
  model: Seq2SeqGenerator,
  prompts: readonly (readonly number[])[],
  options: GenerationOptions,
): Promise<GenerationResult> {
  validate(options);
  if (prompts.length === 0) return { sequences: [] };
  const { strategy } = options;
  if (strategy.kind === 'beam' && strategy.numBeams > 1) return beamSearch(model, prompts, { ...options, strategy });
  const pick =
    strategy.kind === 'sample'
      ? sampler(strategy, model.vocabSize)
      : (logits: Float32Array, row: number) => argmax(logits, row * model.vocabSize, model.vocabSize);
  return { sequences: await decodeRows(model, prompts, options, pick) };
}

/** Greedy or sampling: one row per prompt, finished rows are fed padding (HF semantics). */
async function decodeRows(
  model: Seq2SeqGenerator,
  prompts: readonly (readonly number[])[],
  options: GenerationOptions,
  pick: (logits: Float32Array, row: number) => number,
): Promise<number[][]> {
  const rows = prompts.length;
  const session = await model.start(
    prompts,
    prompts.map((_, i) => i),
    options.maxNewTokens,
  );
  const sequences = prompts.map(() => [options.decoderStartTokenId]);
  const isFinished = new Array<boolean>(rows).fill(false);
  try {
    let tokens = sequences.map((s) => s[0]);
    for (let step = 0; step < options.maxNewTokens; step++) {
      options.signal?.throwIfAborted();
      const logits = await session.step(tokens);
      tokens = tokens.map((_, row) => (isFinished[row] ? options.padTokenId : pick(logits, row)));
      for (let row = 0; row < rows; row++) {
        if (isFinished[row]) continue;
        sequences[row].push(tokens[row]);
        if (tokens[row] === options.eosTokenId) isFinished[row] = true;
      }
      if (isFinished.every(Boolean)) break;
    }
  } finally {
    await session.close();
  }
  return sequences;
}

/**
 * Per-row sampling: scores = logits / temperature; top-k keeps scores ≥ the k-th largest
 * (ties kept); top-p sorts ascending and drops tokens whose cumulative probability is
 * ≤ 1 − topP, always keeping the most likely; then draws from softmax(scores).
 */
export function sampler(
  strategy: { readonly temperature?: number; readonly topK?: number; readonly topP?: number; readonly seed: number },
  vocabSize: number,
): (logits: Float32Array, row: number) => number {
  const rng = Rng.fromSplitMix32(strategy.seed);
  const { temperature = 1, topK = 0, topP = 1 } = strategy;
  return (logits, row) => {
    const scores = Float64Array.from(logits.subarray(row * vocabSize, (row + 1) * vocabSize), (x) => x / temperature);
    if (topK > 0 && topK < vocabSize) {
      const kth = [...scores].sort((a, b) => b - a)[topK - 1];
      for (let i = 0; i < vocabSize; i++) if (scores[i] < kth) scores[i] = -Infinity;
    }
    const probs = softmax(scores);
    if (topP < 1) {
      const order = [...probs.keys()].sort((a, b) => probs[a] - probs[b]);
      let cumulative = 0;
      for (let j = 0; j < order.length - 1; j++) {
        cumulative += probs[order[j]];
        if (cumulative <= 1 - topP) scores[order[j]] = -Infinity;
      }
      probs.set(softmax(scores));
    }
    let u = rng.uniform();
    for (let i = 0; i < vocabSize; i++) {
      u -= probs[i];
      if (u < 0) return i;
    }
    return argmax(Float32Array.from(probs), 0, vocabSize);
  };
}
