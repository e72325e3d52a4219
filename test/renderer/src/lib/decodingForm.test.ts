// The Playground's decoding form as the contract's strategy: only the chosen kind's fields go,
// whatever the other kinds' boxes hold.
import { describe, expect, it } from 'vitest';
import { strategyOf, type DecodingForm } from '../../../../src/renderer/src/lib/decodingForm';

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
