// Beam search over the fake seq2seq model (fakeModel.ts): beam 1 equals greedy, enough beams
// equal exhaustive search, early stopping and the length penalty behave as HF's.
import { describe, expect, it } from 'vitest';
import { beamSearch } from '../../../../src/main/engine/generation/beam';
import { generate } from '../../../../src/main/engine/generation/generate';
import { logSoftmaxRow } from '../../../../src/main/engine/generation/logits';
import type { GenerationOptions } from '../../../../src/main/engine/generation/types';
import { EOS, FakeModel, PAD, base, referenceGreedy } from './fakeModel';

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
  it('ends a beam on any id of otherEosTokenIds as on EOS', async () => {
    const model = new FakeModel(6);
    const everyId = [0, 1, 2, 3, 4, 5];
    const result = await beamSearch(model, [[1, 2]], {
      ...base,
      otherEosTokenIds: everyId,
      strategy: { kind: 'beam', numBeams: 3 },
    });
    expect(result.sequences[0]).toHaveLength(2);
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
