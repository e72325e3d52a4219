// The batch stream: rows wrap across epochs in each epoch's shuffled order, a stream started at
// a saved position continues exactly, 'fixed' masks never change for an example while
// 'dynamic' ones change per epoch, and stacking counts real tokens.
import { beforeAll, describe, expect, it } from 'vitest';
import { epochOrder } from '../../../../src/main/engine/data/examples';
import type { TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { BatchStream } from '../../../../src/main/engine/train/batchStream';
import { loadSpmTokenizer, textData } from './helpers';

const TEXTS = ['one two three four', 'five six seven eight', 'nine ten eleven twelve'];
let tokenizer: TextTokenizer;
beforeAll(async () => {
  tokenizer = await loadSpmTokenizer();
});

const set = () => textData(tokenizer, TEXTS, []).train;

describe('BatchStream', () => {
  it('draws every example once per epoch in that epoch’s order, wrapping into the next', () => {
    const data = set();
    const n = data.plan.exampleCount;
    const stream = new BatchStream(data, tokenizer, 2, 'dynamic');
    const drawn: number[] = [];
    for (let i = 0; i < n; i++) drawn.push(...stream.next().exampleIndices); // 2n rows = 2 epochs
    expect(drawn).toEqual([...epochOrder(data.plan, 0), ...epochOrder(data.plan, 1)]);
    expect(stream.position).toEqual({ epoch: 2, offset: 0 });
    expect(stream.epochProgress).toBe(2);
  });

  it('continues exactly from a saved position', () => {
    const a = new BatchStream(set(), tokenizer, 2, 'dynamic');
    a.next();
    a.next();
    const b = new BatchStream(set(), tokenizer, 2, 'dynamic', a.position);
    for (let i = 0; i < 4; i++) expect(b.next()).toEqual(a.next());
  });

  it("keeps each example's mask under 'fixed' and redraws it per epoch under 'dynamic'", () => {
    const data = set();
    const n = data.plan.exampleCount;
    const masksOf = (mode: 'fixed' | 'dynamic') => {
      const stream = new BatchStream(data, tokenizer, 1, mode);
      const byExample = new Map<number, string[]>();
      for (let i = 0; i < 3 * n; i++) {
        const batch = stream.next();
        const key = batch.exampleIndices[0];
        byExample.set(key, [...(byExample.get(key) ?? []), batch.inputIds.join(',')]);
      }
      return [...byExample.values()];
    };
    for (const inputs of masksOf('fixed')) expect(new Set(inputs).size).toBe(1);
    expect(masksOf('dynamic').some((inputs) => new Set(inputs).size > 1)).toBe(true);
  });

  it('stacks K·M batches and counts unpadded inputs plus labels', () => {
    const stream = new BatchStream(set(), tokenizer, 2, 'fixed');
    const stacked = stream.nextStacked(3);
    const { inputLength, targetLength } = set().plan.lengths;
    expect(stacked.inputIds).toHaveLength(3 * 2 * inputLength);
    expect(stacked.labels).toHaveLength(3 * 2 * targetLength);
    const real =
      [...stacked.attentionMask].filter((x) => x === 1n).length + [...stacked.labels].filter((x) => x !== -100n).length;
    expect(stacked.tokens).toBe(real);
  });

  it('refuses bad positions, batch sizes and mask modes with the value in the message', () => {
    expect(() => new BatchStream(set(), tokenizer, 0, 'fixed')).toThrow('batchSize must be an integer ≥ 1, got 0');
    expect(() => new BatchStream(set(), tokenizer, 1, 'fixed', { epoch: 0, offset: 99 })).toThrow(
      'data position offset 99 is outside the',
    );
    expect(() => new BatchStream(set(), tokenizer, 1, 'sometimes' as 'fixed')).toThrow(
      "mask must be one of dynamic, fixed, got 'sometimes'",
    );
  });
});
