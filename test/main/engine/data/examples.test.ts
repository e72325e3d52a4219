import { describe, expect, it } from 'vitest';
import tinyCase from '../../../fixtures/t5/t5-tiny-relu/case.json';
import { collateBatch, epochBatches, makeBatch } from '../../../../src/main/engine/data/batches';
import { epochOrder, exampleTokens, maskedExample, planExamples } from '../../../../src/main/engine/data/examples';
import { Rng } from '../../../../src/main/engine/rng';
import { InMemoryTokenSource, subsetTokenSource } from '../../../../src/main/engine/data/tokenSource';
import { prepareTrainingData, VALIDATION_EPOCH } from '../../../../src/main/engine/data/trainingData';
import { settings, tokenizer } from './exampleSettings';

function randomDocs(count: number, maxLength: number, seed = 1): number[][] {
  const rng = Rng.fromWords(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + rng.below(maxLength) }, () => 3 + rng.below(390)),
  );
}

describe('packed examples (HF group_texts)', () => {
  const docs = randomDocs(40, 30);
  const source = new InMemoryTokenSource(docs);
  const plan = planExamples(source, settings, tokenizer);

  it('cut the EOS-joined stream into raw-length chunks and drop the remainder', () => {
    const stream = docs.flatMap((d) => [...d, 1]);
    expect(plan.mode).toBe('packed');
    expect(plan.lengths).toMatchObject({ tokensLength: 34, inputLength: 32, targetLength: 8 });
    expect(plan.exampleCount).toBe(Math.floor(stream.length / 34));
    const joined = Array.from({ length: plan.exampleCount }, (_, i) =>
      Array.from(exampleTokens(plan, source, 1, i)),
    ).flat();
    expect(joined).toEqual(stream.slice(0, plan.exampleCount * 34));
    expect(plan.messages).toContain(
      `The last ${stream.length % 34} tokens do not fill a packed example and are not used`,
    );
  });

  it('every packed example masks to exactly the computed lengths', () => {
    for (let i = 0; i < plan.exampleCount; i++) {
      const m = maskedExample(plan, source, tokenizer, i, 0);
      expect(m.inputIds.length).toBe(32);
      expect(m.labels.length).toBe(8);
    }
  });

  it('dynamic masking: a new mask per epoch, the same mask for the same (seed, epoch, index)', () => {
    const a = maskedExample(plan, source, tokenizer, 3, 0).noiseMask.join('');
    expect(maskedExample(plan, source, tokenizer, 3, 0).noiseMask.join('')).toBe(a);
    const others = [1, 2, 3, 4].map((e) => maskedExample(plan, source, tokenizer, 3, e).noiseMask.join(''));
    expect(others.some((m) => m !== a)).toBe(true);
  });

  it('epoch order is a seeded permutation', () => {
    const o = epochOrder(plan, 1);
    expect([...o].sort((x, y) => x - y)).toEqual([...Array(plan.exampleCount).keys()]);
    expect([...epochOrder(plan, 1)]).toEqual([...o]);
    expect([...epochOrder(plan, 2)]).not.toEqual([...o]);
  });

  it('works over a subset (the training side of a split)', () => {
    const sub = subsetTokenSource(source, [0, 2, 4]);
    expect(sub.totalTokens).toBe(docs[0].length + docs[2].length + docs[4].length);
    expect(Array.from(sub.readTokens(1, 0, 100))).toEqual(docs[2]);
  });
});

describe('per-document examples', () => {
  it('a dataset shorter than one packed chunk falls back and says so; each document is masked with its EOS, as HF does', () => {
    const source = new InMemoryTokenSource([
      [10, 11, 12, 13, 14],
      [20, 21],
    ]);
    const plan = planExamples(source, settings, tokenizer);
    expect(plan.mode).toBe('per-document');
    expect(plan.messages[0]).toBe(
      'These documents have 9 tokens (counting an EOS after each), less than one packed example of 34; each document is masked on its own and padded instead (per-document mode)',
    );
    expect(plan.messages).toContain(
      '1 document has only 2–3 tokens, counting the EOS after each; each gets a single noise span',
    );
    expect(Array.from(exampleTokens(plan, source, 1, 0))).toEqual([10, 11, 12, 13, 14, 1]);
    const batch = makeBatch(plan, source, tokenizer, [0, 1], 0);
    expect(batch.inputIds.length).toBe(2 * 32);
    // Six tokens at 0.15 / 3: round(0.9) = 1 noise token in max(1, round(1 / 3)) = 1 span, which
    // always ends the mask, so it hides the EOS: 5 kept + 1 sentinel + EOS, and a target that
    // ends in two EOS (HF's labels for the seed notebook's sentence end "</s></s>" too).
    expect(Number(batch.attentionMask.slice(0, 32).reduce((a, b) => a + b, 0n))).toBe(7);
    expect(Array.from(batch.inputIds.slice(0, 7), Number)).toEqual([10, 11, 12, 13, 14, 499, 1]);
    expect(Array.from(batch.labels.slice(0, 8), Number)).toEqual([499, 1, 1, -100, -100, -100, -100, -100]);
  });

  it('long documents become balanced pieces, the last ending in the EOS; empty documents are skipped', () => {
    const source = new InMemoryTokenSource([Array.from({ length: 70 }, (_, i) => 3 + i), [7], [8, 9], []]);
    const plan = planExamples(source, { ...settings, mode: 'per-document' }, tokenizer);
    // 70 tokens + EOS = 71 in ceil(71 / 34) = 3 pieces: floor(71·1/3) = 23, floor(71·2/3) − 23 = 24, 71 − 47 = 24;
    // [7] + EOS and [8, 9] + EOS are one piece each; [] + EOS is 1 token, too few to mask.
    expect(Array.from(plan.pieces ?? [])).toEqual([0, 0, 23, 0, 23, 24, 0, 47, 24, 1, 0, 2, 2, 0, 3]);
    expect(Array.from(exampleTokens(plan, source, 1, 2))).toEqual([...Array.from({ length: 23 }, (_, i) => 50 + i), 1]);
    expect(Array.from(exampleTokens(plan, source, 1, 1))).toHaveLength(24); // a middle piece: no EOS
    expect(Array.from(exampleTokens(plan, source, 1, 3))).toEqual([7, 1]);
    expect(plan.droppedTokens).toBe(1);
    expect(plan.messages).toContain(
      '1 document with fewer than 2 tokens, counting the EOS after each, cannot be masked and is skipped',
    );
    expect(plan.messages).toContain(
      '2 documents have only 2–3 tokens, counting the EOS after each; each gets a single noise span',
    );
    for (let i = 0; i < plan.exampleCount; i++) {
      const m = maskedExample(plan, source, tokenizer, i, 2);
      expect(m.inputIds.length).toBeLessThanOrEqual(32);
      expect(m.labels.length).toBeLessThanOrEqual(8);
    }
  });

  it('refuses settings with more spans than sentinels', () => {
    const source = new InMemoryTokenSource(randomDocs(50, 400));
    expect(() =>
      planExamples(source, { ...settings, inputLength: 512, noiseDensity: 0.5, meanNoiseSpanLength: 1.5 }, tokenizer),
    ).toThrow(/make up to 204 noise spans per example but the tokenizer has only 100 sentinel tokens/);
  });
});

describe('batches', () => {
  it('pad, mask and shift exactly like the tiny-model fixture', () => {
    const rows = tinyCase.input_ids.map((ids, b) => ({
      inputIds: ids.filter((_, t) => tinyCase.attention_mask[b][t] === 1),
      labels: tinyCase.labels[b].filter((id) => id !== -100),
    }));
    const batch = collateBatch(rows, 20, 10, 0, [0, 1, 2]);
    expect(Array.from(batch.inputIds, Number)).toEqual(tinyCase.input_ids.flat());
    expect(Array.from(batch.attentionMask, Number)).toEqual(tinyCase.attention_mask.flat());
    expect(Array.from(batch.labels, Number)).toEqual(tinyCase.labels.flat());
    expect(Array.from(batch.decoderInputIds, Number)).toEqual(tinyCase.decoder_input_ids.flat());
    expect(batch.targetTokens).toBe(27);
  });

  it('epochBatches drops a partial last batch when asked', () => {
    const source = new InMemoryTokenSource(randomDocs(40, 30));
    const plan = planExamples(source, settings, tokenizer);
    const order = epochOrder(plan, 0);
    const full = [...epochBatches(plan, source, tokenizer, { batchSize: 4, epoch: 0, order, isDropLast: true })];
    expect(full.length).toBe(Math.floor(plan.exampleCount / 4));
    expect(full.every((b) => b.batchSize === 4 && b.labels.length === 4 * 8)).toBe(true);
    const all = [...epochBatches(plan, source, tokenizer, { batchSize: 4, epoch: 0, order, isDropLast: false })];
    expect(all.reduce((a, b) => a + b.batchSize, 0)).toBe(plan.exampleCount);
  });
});

describe('prepareTrainingData', () => {
  it('splits into training and validation example sets', () => {
    const source = new InMemoryTokenSource(randomDocs(60, 30, 9));
    const data = prepareTrainingData(source, { validation: [3, 10, 20], isSelfValidation: false }, settings, tokenizer);
    expect(data.train.source.documentCount).toBe(57);
    expect(data.validation.source.documentCount).toBe(3);
    expect(data.train.plan.mode).toBe('packed');
    expect(data.validation.source.totalTokens + data.train.source.totalTokens).toBe(source.totalTokens);
    const batch = makeBatch(data.validation.plan, data.validation.source, tokenizer, [0], VALIDATION_EPOCH);
    expect(batch.inputIds.length).toBe(32);
  });
  it('a single document trains and validates on itself', () => {
    const source = new InMemoryTokenSource([Array.from({ length: 100 }, (_, i) => 3 + i)]);
    const data = prepareTrainingData(source, { validation: [0], isSelfValidation: true }, settings, tokenizer);
    expect(data.isSelfValidation).toBe(true);
    expect(data.train.source.totalTokens).toBe(100);
    expect(data.validation.source.totalTokens).toBe(100);
  });
});
