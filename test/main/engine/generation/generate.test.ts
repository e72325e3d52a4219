// Greedy generation and option validation over the fake seq2seq model (fakeModel.ts).
import { describe, expect, it } from 'vitest';
import { generate } from '../../../../src/main/engine/generation/generate';
import { EOS, FakeModel, PAD, base, greedy, referenceGreedy } from './fakeModel';

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
  it('stops a row on any id of otherEosTokenIds as on EOS (config.json eos_token_id lists)', async () => {
    const model = new FakeModel(7);
    const first = referenceGreedy(model, [5, 6], 6)[1];
    expect(first).not.toBe(EOS);
    const { sequences } = await generate(model, [[5, 6]], { ...greedy, otherEosTokenIds: [first] });
    expect(sequences[0]).toEqual([PAD, first]);
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
