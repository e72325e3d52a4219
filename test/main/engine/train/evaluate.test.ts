// Evaluation: span parsing by sentinel ids, and the padded last batch counts nowhere (batch
// size 2 over 3 examples gives batch size 1's numbers). Span exact-match reaching 1 on a
// learnt sentence is checked in seedExperiment.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { Evaluator, spansById } from '../../../../src/main/engine/train/evaluate';
import { loadSpmTokenizer, SPM_DIR, textData } from './helpers';

let tokenizer: TextTokenizer;
beforeAll(async () => {
  tokenizer = await loadSpmTokenizer();
});

describe('spansById', () => {
  it('splits at sentinels, stops at EOS, and keeps the first of a repeated sentinel', () => {
    const s = (k: number) => tokenizer.sentinelId(k);
    const eos = tokenizer.eosId;
    expect([...spansById([s(0), 10, 11, s(1), 12, eos, s(2), 13], tokenizer)]).toEqual([
      [s(0), [10, 11]],
      [s(1), [12]],
    ]);
    expect([...spansById([7, s(0), s(0), 9], tokenizer)]).toEqual([[s(0), []]]);
  });
});

describe('Evaluator', () => {
  it('gives the same metrics whatever the batch size (padding rows count nowhere)', async () => {
    const { config, weights } = loadT5Model(SPM_DIR);
    const shapes = t5ParamShapes(config);
    const params: Record<string, HostTensor> = Object.fromEntries(
      [...weights.params].map(([n, data]) => [n, { dtype: 'float32', dims: [...(shapes.get(n) ?? [])], data }]),
    );
    const data = textData(tokenizer, ['x'], ['The cute dog walks', 'A cat sleeps', 'Birds sing']);
    const validation = data.validation;
    if (!validation) throw new Error('no validation set');
    expect(validation.plan.exampleCount).toBe(3);
    const metricsAt = async (batchSize: number) => {
      const evaluator = new Evaluator({ config, validation, tokenizer, batchSize, maxExamples: 10, spanSample: 3 });
      try {
        return await evaluator.evaluate(params);
      } finally {
        await evaluator.release();
      }
    };
    const [one, two] = [await metricsAt(1), await metricsAt(2)];
    expect(two.examples).toBe(3);
    expect(Math.abs(two.loss - one.loss)).toBeLessThan(1e-5);
    expect(two.tokenAccuracy).toBe(one.tokenAccuracy);
    expect(two.spanExactMatch).toBe(one.spanExactMatch);
    expect(one.loss).toBeGreaterThan(Math.log(config.vocabSize) / 2); // random weights: near log V
  });
});
