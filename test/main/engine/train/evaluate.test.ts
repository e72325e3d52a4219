// Evaluation: span parsing by sentinel ids, and the padded last batch counts nowhere (batch
// size 2 over 3 examples gives batch size 1's numbers). Span exact-match reaching 1 on a
// learnt sentence is checked in seedExperiment.test.ts.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { t5ParamShapes } from '../../../../src/main/engine/t5/params';
import { T5Runtime } from '../../../../src/main/engine/t5/runtime';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { Evaluator, spansById } from '../../../../src/main/engine/train/evaluate';
import { SPAN_GROUP } from '../../../../src/main/engine/train/spanGroup';
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

/** The fixture model's weights as the trainer lends them, and a validation set of `texts`. */
function fixture(texts: readonly string[]) {
  const { config, weights } = loadT5Model(SPM_DIR);
  const shapes = t5ParamShapes(config);
  const params: Record<string, HostTensor> = Object.fromEntries(
    [...weights.params].map(([n, data]) => [n, { dtype: 'float32', dims: [...(shapes.get(n) ?? [])], data }]),
  );
  const validation = textData(tokenizer, ['x'], texts).validation;
  if (!validation) throw new Error('no validation set');
  return { config, params, validation };
}

describe('Evaluator', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives the same metrics whatever the batch size (padding rows count nowhere)', async () => {
    const { config, params, validation } = fixture(['The cute dog walks', 'A cat sleeps', 'Birds sing']);
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

  it("runs its session without ORT's memory pattern, which would hold a second arena from its second run on", async () => {
    const { config, params, validation } = fixture(['The cute dog walks', 'A cat sleeps']);
    const create = vi.spyOn(EngineSession, 'create');
    const evaluator = new Evaluator({ config, validation, tokenizer, batchSize: 2, maxExamples: 10, spanSample: 0 });
    try {
      await evaluator.evaluate(params);
      await evaluator.evaluate(params);
    } finally {
      await evaluator.release();
    }
    expect(create).toHaveBeenCalledTimes(1); // opened once, kept between evaluations
    expect(create.mock.calls[0][1]).toMatchObject({ memoryPattern: false });
  });

  it("runs every session it opens, the span sample's decode too, on the run's CPU threads", async () => {
    const { config, params, validation } = fixture(['The cute dog walks', 'A cat sleeps']);
    const create = vi.spyOn(EngineSession, 'create');
    const evaluator = new Evaluator({
      config,
      validation,
      tokenizer,
      batchSize: 2,
      maxExamples: 10,
      spanSample: 2,
      intraOpThreads: 1,
    });
    try {
      await evaluator.evaluate(params);
    } finally {
      await evaluator.release();
    }
    const calls = [...create.mock.calls];
    create.mockRestore();
    // The loss graph's session and the decode's (encoder, decoder steps): not ORT's default of every core.
    expect(calls.length).toBeGreaterThan(1);
    for (const [, options] of calls) expect(options).toMatchObject({ intraOpThreads: 1 });
  });

  it('decodes the span sample in groups of SPAN_GROUP, each prompt to what decoding them all at once gives', async () => {
    // Inputs of different lengths (long texts fill the 16 tokens, short ones do not), so each group pads its own way.
    const texts = [
      'The cute dog walks in the green park every day',
      'A cat sleeps',
      'Birds sing in the old tree every morning and night',
      'Rain falls',
      'The small boat sails across the quiet blue lake',
      'Dogs bark',
    ];
    const { config, params, validation } = fixture(texts);
    expect(SPAN_GROUP).toBeLessThan(texts.length);
    const generate = vi.spyOn(T5Runtime.prototype, 'generate');
    const evaluator = new Evaluator({ config, validation, tokenizer, batchSize: 2, maxExamples: 10, spanSample: 6 });
    let metrics;
    try {
      metrics = await evaluator.evaluate(params);
    } finally {
      await evaluator.release();
    }
    expect(metrics.spanExactMatch).not.toBeNull();
    const groups = generate.mock.calls.map(([prompts]) => prompts);
    expect(groups.map((g) => g.length)).toEqual([SPAN_GROUP, texts.length - SPAN_GROUP]);
    const grouped = (await Promise.all(generate.mock.results.map((r) => r.value))).flatMap((r) => r.sequences);
    const options = generate.mock.calls[0][1];
    generate.mockRestore();

    const weights = new Map(Object.entries(params).map(([name, t]) => [name, t.data as Float32Array]));
    const runtime = new T5Runtime(config, weights);
    try {
      const all = await runtime.generate(groups.flat(), options);
      expect(grouped).toEqual(all.sequences);
    } finally {
      await runtime.release();
    }
  });
});
