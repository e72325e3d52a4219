// Model-agnostic generation for encoder-decoder models: greedy here, beam search (beam.ts)
// and sampling (sampling.ts) over a `Seq2SeqGenerator` (types.ts) that encodes prompts and
// steps a decoder one token per row. Knows no ONNX and no T5 (engine/t5/runtime.ts
// implements the interface). Semantics follow HF `generate`: GenerationMixin._sample
// (greedy / multinomial) and the vectorised _beam_search (transformers ≥ 4.50) for beams.

import { beamSearch } from './beam';
import { argmax } from './logits';
import { sampler } from './sampling';
import type { GenerationOptions, GenerationResult, Seq2SeqGenerator } from './types';
import { isEndToken } from './types';

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
        if (isEndToken(options, tokens[row])) isFinished[row] = true;
      }
      if (isFinished.every(Boolean)) break;
    }
  } finally {
    await session.close();
  }
  return sequences;
}
