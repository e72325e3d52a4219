// Shared by the generation tests: a fake seq2seq model whose logits are a fixed function of
// the prompt and the row's history, the base options, and a reference greedy decode.
import type {
  DecodingSession,
  GenerationOptions,
  Seq2SeqGenerator,
} from '../../../../src/main/engine/generation/types';
import { Rng } from '../../../../src/main/engine/rng';

export const EOS = 1;
export const PAD = 0;

/** Logits depend only on (prompt, tokens fed so far): a pure function, like a real decoder. */
export class FakeModel implements Seq2SeqGenerator {
  fedTokens: number[][] = [];
  constructor(
    readonly vocabSize: number,
    private readonly eosBias = 0,
  ) {}

  logitsFor(prompt: readonly number[], history: readonly number[]): Float32Array {
    const rng = Rng.fromString(`${prompt.join(',')}|${history.join(',')}`);
    const out = new Float32Array(this.vocabSize);
    for (let i = 0; i < out.length; i++) out[i] = 2 * rng.normal();
    out[EOS] += this.eosBias * history.length;
    return out;
  }

  async start(prompts: readonly (readonly number[])[], rowPrompt: readonly number[]): Promise<DecodingSession> {
    let histories = rowPrompt.map(() => [] as number[]);
    const fedTokens = this.fedTokens;
    const vocabSize = this.vocabSize;
    const logitsFor = (prompt: readonly number[], history: readonly number[]): Float32Array =>
      this.logitsFor(prompt, history);
    return {
      rows: rowPrompt.length,
      async step(tokens) {
        fedTokens.push([...tokens]);
        histories.forEach((h, r) => h.push(tokens[r]));
        const out = new Float32Array(rowPrompt.length * vocabSize);
        histories.forEach((h, r) => out.set(logitsFor(prompts[rowPrompt[r]], h), r * vocabSize));
        return out;
      },
      reorder(order) {
        histories = order.map((r) => [...histories[r]]);
      },
      async close() {},
    };
  }
}

export const base = { maxNewTokens: 6, decoderStartTokenId: PAD, eosTokenId: EOS, padTokenId: PAD };
export const greedy: GenerationOptions = { ...base, strategy: { kind: 'greedy' } };

export function referenceGreedy(model: FakeModel, prompt: number[], maxNew: number): number[] {
  const seq = [PAD];
  for (let i = 0; i < maxNew; i++) {
    const logits = model.logitsFor(prompt, seq);
    const next = logits.indexOf(Math.max(...logits));
    seq.push(next);
    if (next === EOS) break;
  }
  return seq;
}
