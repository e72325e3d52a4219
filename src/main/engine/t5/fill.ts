// Filling a prompt's <extra_id_N> holes with a T5 model folder: tokenize with its
// tokenizer.json, generate (greedy, beam or seeded sampling; stops on the AbortSignal), decode
// and place each span with fillSentinels (sentinels.ts). Backs `spanfill fill` through the
// playground service and the engine host.

import { loadHfTokenizer } from '../data/tokenizer';
import type { DecodingStrategy } from '../generation/types';
import { T5Runtime } from './runtime';
import { fillSentinels, type FilledSpan } from './sentinels';
import { loadT5Model } from './weights';

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
}

/** Generate for a prompt with <extra_id_N> holes and fill them. */
export async function fillPrompt(request: FillRequest): Promise<FillOutput> {
  const { config, weights } = loadT5Model(request.modelDir);
  const tokenizer = await loadHfTokenizer(request.modelDir);
  const promptIds = [...tokenizer.encode(request.prompt), config.eosTokenId];
  const runtime = new T5Runtime(config, weights.params);
  try {
    const { sequences } = await runtime.generate([promptIds], {
      strategy: request.strategy ?? { kind: 'greedy' },
      maxNewTokens: request.maxNewTokens ?? 32,
      signal: request.signal,
    });
    const ids = sequences[0];
    const output = tokenizer.decode(ids.slice(1));
    return { prompt: request.prompt, output, ...fillSentinels(request.prompt, output), ids };
  } finally {
    await runtime.release();
  }
}
