// Generation strategies over a fake seq2seq model whose logits are a fixed function of the
// prompt and the row's history, and sentinel rendering.
import { describe, expect, it } from 'vitest';
import { beamSearch } from '../../../../src/main/engine/t5/beam';
import type { DecodingSession, GenerationOptions, Seq2SeqGenerator } from '../../../../src/main/engine/t5/generate';
import { generate, sampler } from '../../../../src/main/engine/t5/generate';
import { logSoftmaxRow } from '../../../../src/main/engine/t5/logits';
import { Rng } from '../../../../src/main/engine/rng';
import { fillSentinels } from '../../../../src/main/engine/t5/sentinels';

const EOS = 1;
const PAD = 0;

/** Logits depend only on (prompt, tokens fed so far): a pure function, like a real decoder. */
class FakeModel implements Seq2SeqGenerator {
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

const base = { maxNewTokens: 6, decoderStartTokenId: PAD, eosTokenId: EOS, padTokenId: PAD };
const greedy: GenerationOptions = { ...base, strategy: { kind: 'greedy' } };

function referenceGreedy(model: FakeModel, prompt: number[], maxNew: number): number[] {
  const seq = [PAD];
  for (let i = 0; i < maxNew; i++) {
    const logits = model.logitsFor(prompt, seq);
    const next = logits.indexOf(Math.max(...logits));
    seq.push(next);
    if (next === EOS) break;
  }
  return seq;
}

describe('greedy', () => {
  it('follows the argmax, stops each row at EOS and feeds padding after', async () => {
    const model = new FakeModel(7, 0.8);
    const prompts = [[5, 6], [2], [3, 3, 3]];
    const { sequences } = await generate(model, prompts, { ...greedy, maxNewTokens: 12 });
    prompts.forEach((p, i) => expect(sequences[i]).toEqual(referenceGreedy(model, p, 12)));
    expect(sequences.some((s) => s.length < 13 && s[s.length - 1] === EOS)).toBe(true);
    const finishedRow = sequences.findIndex((s) => s.length < Math.max(...sequences.map((x) => x.length)));
    const fedAfter = model.fedTokens.slice(sequences[finishedRow].length).map((t) => t[finishedRow]);
    expect(fedAfter.every((t) => t === PAD)).toBe(true);
  });
  it('rejects bad options naming the value', async () => {
    const model = new FakeModel(5);
    await expect(generate(model, [[1]], { ...greedy, maxNewTokens: 0 })).rejects.toThrow(
      'maxNewTokens must be a positive integer; got 0',
    );
    await expect(generate(model, [[1]], { ...base, strategy: { kind: 'sample', seed: 1, topP: 1.5 } })).rejects.toThrow(
      'topP must be in (0, 1]; got 1.5',
    );
  });
});

describe('beam search', () => {
  it('with one beam and early stopping equals greedy', async () => {
    const model = new FakeModel(9, 0.5);
    for (const prompt of [[1, 2], [4], [8, 8]]) {
      const beam = await beamSearch(model, [prompt], {
        ...base,
        maxNewTokens: 10,
        strategy: { kind: 'beam', numBeams: 1, earlyStopping: true },
      });
      expect(beam.sequences[0]).toEqual(referenceGreedy(model, prompt, 10));
    }
  });
  for (const lengthPenalty of [0, 1, 2, -1]) {
    it(`with enough beams finds the best sequence by exhaustive search (length penalty ${lengthPenalty})`, async () => {
      const vocab = 3;
      const maxNew = 3;
      const model = new FakeModel(vocab, 0.3);
      const prompts = [[1], [2, 2]];
      const result = await generate(model, prompts, {
        ...base,
        maxNewTokens: maxNew,
        strategy: { kind: 'beam', numBeams: 9, lengthPenalty, earlyStopping: 'never' },
      });
      prompts.forEach((prompt, b) => {
        // HF: a finished hypothesis scores Σ log p / (generated tokens, EOS included)^lengthPenalty.
        let best = { score: -Infinity, seq: [] as number[] };
        const visit = (seq: number[], sum: number): void => {
          const logp = logSoftmaxRow(model.logitsFor(prompt, seq), 0, vocab);
          for (let t = 0; t < vocab; t++) {
            const next = [...seq, t];
            const s = sum + logp[t];
            if (t === EOS || next.length === maxNew + 1) {
              const score = s / (next.length - 1) ** lengthPenalty;
              if (score > best.score) best = { score, seq: next };
            } else visit(next, s);
          }
        };
        visit([PAD], 0);
        expect(result.sequences[b]).toEqual(best.seq);
        expect(result.scores?.[b]).toBeCloseTo(best.score, 9);
      });
    });
  }
  it('early stopping: true stops once numBeams hypotheses finished, before the heuristic and "never"', async () => {
    const stepsWith = async (earlyStopping: boolean | 'never'): Promise<{ steps: number; sequence: number[] }> => {
      const model = new FakeModel(6, 0.9);
      const { sequences } = await generate(model, [[2]], {
        ...base,
        maxNewTokens: 30,
        strategy: { kind: 'beam', numBeams: 2, lengthPenalty: 1, earlyStopping },
      });
      return { steps: model.fedTokens.length, sequence: sequences[0] };
    };
    const eager = await stepsWith(true);
    const heuristic = await stepsWith(false);
    const never = await stepsWith('never');
    expect(eager.steps).toBeLessThan(never.steps);
    expect(eager.steps).toBeLessThan(heuristic.steps);
    expect(heuristic.steps).toBeLessThan(never.steps);
    expect(never.steps).toBeLessThan(30); // 'never' still ends when no running beam can improve
    for (const { sequence } of [eager, heuristic, never]) expect(sequence[sequence.length - 1]).toBe(EOS);
  });
  it('length penalty favours longer hypotheses', async () => {
    const model = new FakeModel(6, 0.4);
    const options = (lengthPenalty: number): GenerationOptions => ({
      ...base,
      maxNewTokens: 8,
      strategy: { kind: 'beam', numBeams: 4, lengthPenalty },
    });
    const short = await generate(model, [[3]], options(-2));
    const long = await generate(model, [[3]], options(2));
    expect(long.sequences[0].length).toBeGreaterThanOrEqual(short.sequences[0].length);
  });
});

describe('sampling', () => {
  const sample = (seed: number, extra: object = {}): GenerationOptions => ({
    ...base,
    maxNewTokens: 10,
    strategy: { kind: 'sample', seed, ...extra },
  });
  it('is reproducible with a seed and varies across seeds', async () => {
    const model = new FakeModel(50);
    const a = await generate(model, [[1], [2]], sample(42));
    const b = await generate(model, [[1], [2]], sample(42));
    const c = await generate(model, [[1], [2]], sample(43));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });
  it('top-k 1 and a tiny top-p reduce to greedy', async () => {
    const model = new FakeModel(30, 0.3);
    const reference = await generate(model, [[4]], { ...greedy, maxNewTokens: 10 });
    expect(await generate(model, [[4]], sample(1, { topK: 1 }))).toEqual(reference);
    expect(await generate(model, [[4]], sample(2, { topP: 1e-6 }))).toEqual(reference);
  });
  it('top-p keeps the smallest most-likely set reaching p and renormalises', () => {
    // probabilities 0.5, 0.3, 0.15, 0.05: top-p 0.75 keeps {0.5, 0.3} (0.15 + 0.05 ≤ 1 − 0.75).
    const logits = Float32Array.from([0.3, 0.05, 0.5, 0.15].map(Math.log));
    const pick = sampler({ seed: 9, topP: 0.75 }, 4);
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[pick(logits, 0)]++;
    expect(counts[1] + counts[3]).toBe(0);
    expect(counts[2] / 4000).toBeCloseTo(0.5 / 0.8, 1);
    // top-p 0.9 also keeps 0.15: the three most likely sum to 0.95 ≥ 0.9.
    const wider = sampler({ seed: 9, topP: 0.9 }, 4);
    const seen = new Set(Array.from({ length: 2000 }, () => wider(logits, 0)));
    expect([...seen].sort()).toEqual([0, 2, 3]);
  });
  it('never draws a token outside the top-k, and follows the temperature', () => {
    const logits = Float32Array.from([0, 3, 1, 2.9, -1]);
    const pickK = sampler({ seed: 5, topK: 2 }, 5);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 2000; i++) counts[pickK(logits, 0)]++;
    expect(counts[0] + counts[2] + counts[4]).toBe(0);
    expect(counts[1] / 2000).toBeCloseTo(Math.exp(3) / (Math.exp(3) + Math.exp(2.9)), 1);
    const cold = sampler({ seed: 5, temperature: 0.01 }, 5);
    for (let i = 0; i < 50; i++) expect(cold(logits, 0)).toBe(1);
  });
});

describe('sentinels', () => {
  it('fills each hole and marks the spans', () => {
    const filled = fillSentinels(
      'The <extra_id_0> walks in <extra_id_1> park.',
      '<pad> <extra_id_0> cute dog<extra_id_1> the <extra_id_2></s>',
    );
    expect(filled.text).toBe('The cute dog walks in the park.');
    expect(filled.marked).toBe('The [[cute dog]] walks in [[the]] park.');
    expect(filled.spans.map((s) => filled.text.slice(s.start, s.end))).toEqual(['cute dog', 'the']);
    expect(filled.spans[1]).toMatchObject({ sentinel: 1, text: 'the', isMissing: false });
  });
  it('leaves a hole empty and flags it when the output has no span for it', () => {
    const filled = fillSentinels('a <extra_id_0> b <extra_id_1> c', '<extra_id_0> x', { open: '<', close: '>' });
    expect(filled.marked).toBe('a <x> b <> c');
    expect(filled.spans[1]).toMatchObject({ sentinel: 1, isMissing: true, text: '' });
  });
});
