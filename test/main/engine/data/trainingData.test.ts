// prepareTrainingData's note when no training example can be made: every document is masked with
// the EOS after it, so a document is too short (fewer than 2 tokens) only when it has no tokens.
// Its splitting is tested in examples.test.ts.
import { describe, expect, it } from 'vitest';
import { InMemoryTokenSource } from '../../../../src/main/engine/data/tokenSource';
import { prepareTrainingData } from '../../../../src/main/engine/data/trainingData';
import { settings, tokenizer } from './exampleSettings';

const prepare = (documents: number[][]) =>
  prepareTrainingData(
    new InMemoryTokenSource(documents),
    { validation: [0], isSelfValidation: true },
    settings,
    tokenizer,
  );

describe('prepareTrainingData', () => {
  it('says no document has a token when none can be masked', () => {
    const data = prepare([[], []]);
    expect(data.train.plan.exampleCount).toBe(0);
    expect(data.messages.at(-1)).toBe(
      'No training examples: no document has a token of its own, and masking needs at least 2, counting the EOS after each',
    );
  });

  it('makes an example of a one-token document (the token and its EOS): no such note', () => {
    const data = prepare([[7]]);
    expect(data.train.plan.exampleCount).toBe(1);
    expect(data.messages.join('\n')).not.toContain('No training examples');
  });
});
