// The Playground's decoding form as the contract's strategy: only the chosen kind's fields go,
// whatever the other kinds' boxes hold; a first visit's form is the contract's defaults.
import { describe, expect, it } from 'vitest';
import { defaultDecodingForm, strategyOf, type DecodingForm } from '../../../../src/renderer/src/lib/decodingForm';
import { playgroundCalls } from '../../../../src/shared/contract/playground';

const form: DecodingForm = {
  kind: 'greedy',
  numBeams: 4,
  temperature: 0.7,
  topK: 40,
  topP: 0.9,
  seed: 3,
  maxNewTokens: 32,
};

describe('strategyOf', () => {
  it("sends the chosen kind's fields only", () => {
    expect(strategyOf(form)).toEqual({ kind: 'greedy' });
    expect(strategyOf({ ...form, kind: 'beam' })).toEqual({ kind: 'beam', numBeams: 4 });
    expect(strategyOf({ ...form, kind: 'sample' })).toEqual({
      kind: 'sample',
      temperature: 0.7,
      topK: 40,
      topP: 0.9,
      seed: 3,
    });
  });
});

describe('defaultDecodingForm', () => {
  it('is greedy with the settings `spanfill fill` takes unless told, a new object each time', () => {
    const form = defaultDecodingForm();
    expect(form).toEqual({ kind: 'greedy', numBeams: 4, temperature: 1, topK: 50, topP: 1, seed: 0, maxNewTokens: 32 });
    const unset = playgroundCalls.fill.args.parse({ modelDir: '/m', prompt: 'p' });
    expect(form.maxNewTokens).toBe(unset.maxNewTokens);
    form.seed = 5;
    expect(defaultDecodingForm().seed).toBe(0);
  });
});
