// Filling a prompt's <extra_id_N> holes with a T5 model folder: tokenize with its
// tokenizer.json, generate (greedy, beam or seeded sampling; stops on the AbortSignal), decode
// and place each span with fillSentinels (sentinels.ts), marking the one an output without EOS
// (stopped at the token limit) was writing. The prompt is checked (prompt.ts,
// input-limits.ts) before the weights are read. Backs `spanfill fill` through the playground
// service and the engine host.

import { MAX_NEW_TOKENS } from '../../../shared/contract/playground';
import { modelFolderInWords } from '../../../shared/contract/runNames';
import { openTokenizer } from '../data/tokenizerRegistry';
import type { DecodingStrategy } from '../generation/types';
import { checkTokenizerFits, loadT5Config, type T5Config } from './config';
import { checkInputLength } from './input-limits';
import { checkMaskedPrompt, promptNotes } from './prompt';
import { T5Runtime } from './runtime';
import { fillSentinels, type FilledSpan } from './sentinels';
import { loadT5Weights } from './weights';

export interface FillRequest {
  readonly modelDir: string;
  readonly prompt: string;
  readonly strategy?: DecodingStrategy;
  readonly maxNewTokens?: number;
  readonly signal?: AbortSignal;
}

export interface FillOutput {
  readonly prompt: string;
  /** The decoded target, special tokens included (`<extra_id_0> cute dog <extra_id_1> …`). */
  readonly output: string;
  readonly text: string;
  readonly marked: string;
  readonly spans: FilledSpan[];
  readonly ids: number[];
  /** What to know about the prompt's holes (promptNotes): numbered out of order, or one twice. */
  readonly notes: string[];
  /** The new-token limit when generation stopped there before EOS (the output may be cut short), else null. */
  readonly stoppedAtTokenLimit: number | null;
}

/** The prompt's ids with EOS, after checking the prompt and that the tokenizer fits the model. */
async function promptIds(
  modelDir: string,
  config: T5Config,
  prompt: string,
): Promise<{ ids: number[]; decode: (ids: number[]) => string }> {
  const tokenizer = await openTokenizer(modelDir);
  checkTokenizerFits(tokenizer, config, modelDir);
  checkMaskedPrompt(prompt, tokenizer.sentinelCount, modelFolderInWords(modelDir));
  const ids = [...tokenizer.encode(prompt), config.eosTokenId];
  checkInputLength(config, ids.length, 'The prompt');
  return { ids, decode: (generated) => tokenizer.decode(generated) };
}

/** Generate for a prompt with <extra_id_N> holes and fill them. */
export async function fillPrompt(request: FillRequest): Promise<FillOutput> {
  const config = loadT5Config(request.modelDir);
  const prompt = await promptIds(request.modelDir, config, request.prompt);
  const weights = loadT5Weights(request.modelDir, config, { refuseNonFinite: true });
  const runtime = new T5Runtime(config, weights.params);
  const maxNewTokens = request.maxNewTokens ?? MAX_NEW_TOKENS.default;
  try {
    const { sequences } = await runtime.generate([prompt.ids], {
      strategy: request.strategy ?? { kind: 'greedy' },
      maxNewTokens,
      signal: request.signal,
    });
    const ids = sequences[0];
    // Generation ends at EOS or after maxNewTokens; without EOS the output is cut short.
    const isCutOff = !config.eosTokenIds.includes(ids.at(-1) ?? -1);
    const output = prompt.decode(ids.slice(1));
    return {
      prompt: request.prompt,
      output,
      ...fillSentinels(request.prompt, output, { isOutputCutOff: isCutOff }),
      ids,
      notes: promptNotes(request.prompt),
      stoppedAtTokenLimit: isCutOff ? maxNewTokens : null,
    };
  } finally {
    await runtime.release();
  }
}
