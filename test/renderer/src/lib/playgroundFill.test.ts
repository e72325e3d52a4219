// playgroundFill.ts: a fill's request is checked once before any model runs (the decoding boxes
// in their own words first, then a prompt every model would refuse), and one column's fill turns
// what the calls answer into its outcome, with the calls faked.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../src/shared/errors';
import {
  decodingProblem,
  fillColumns,
  fillOne,
  fillRequest,
  maskedPrompt,
} from '../../../../src/renderer/src/lib/playgroundFill';
import type { ModelChoice } from '../../../../src/renderer/src/lib/modelChoices';

const calls = { resolve: vi.fn(), fill: vi.fn() };
const fake = { models: { resolve: calls.resolve }, playground: { fill: calls.fill } };
import type { DecodingForm } from '../../../../src/renderer/src/lib/decodingForm';
import { DECODING_DEFAULTS, MAX_NEW_TOKENS } from '../../../../src/shared/contract/playground';

const greedy: DecodingForm = { kind: 'greedy', ...DECODING_DEFAULTS, maxNewTokens: MAX_NEW_TOKENS.default };

describe('fillRequest', () => {
  it('gives the request of a prompt with a hole and good boxes', () => {
    expect(fillRequest('The <extra_id_0> park', greedy)).toEqual({
      request: { prompt: 'The <extra_id_0> park', strategy: { kind: 'greedy' }, maxNewTokens: MAX_NEW_TOKENS.default },
    });
  });

  it('says an empty prompt and one with no hole in the words spanfill fill uses', () => {
    expect(fillRequest('  ', greedy)).toEqual({
      problem: expect.stringMatching(/^The prompt is empty\. Write the text/),
    });
    expect(fillRequest('no hole', greedy)).toEqual({
      problem: expect.stringMatching(/^The prompt has no <extra_id_N> hole to fill\./),
    });
  });

  it('says a decoding box out of range by its label before looking at the prompt', () => {
    const outcome = fillRequest('', { ...greedy, maxNewTokens: MAX_NEW_TOKENS.max + 1 });
    expect(outcome).toEqual({ problem: `Most new tokens must be ≤ ${MAX_NEW_TOKENS.max}` });
  });
});

describe('decodingProblem', () => {
  it('says what is wrong with a decoding box by its label, as a fill of any prompt is refused', () => {
    expect(decodingProblem({ ...greedy, maxNewTokens: 0 })).toBe('Most new tokens must be ≥ 1');
    expect(decodingProblem({ ...greedy, maxNewTokens: 0 })).toBe(
      (fillRequest('The <extra_id_0> park', { ...greedy, maxNewTokens: 0 }) as { problem: string }).problem,
    );
    expect(decodingProblem({ ...greedy, kind: 'sample', temperature: 0 })).toBe('Temperature must be ≥ 0.0001');
  });

  it('finds nothing wrong with good boxes, whatever the prompt, nor with the settings of a method not chosen', () => {
    expect(decodingProblem(greedy)).toBeUndefined();
    expect(decodingProblem({ ...greedy, temperature: 0 })).toBeUndefined();
  });
});

describe('fillOne', () => {
  const model = { key: 'k', ref: 'builtin:byt5-tiny', label: 'byt5-tiny' } as ModelChoice;
  const request = { prompt: 'a <extra_id_0>', strategy: { kind: 'greedy' as const }, maxNewTokens: 8 };
  beforeEach(() => {
    calls.resolve.mockReset().mockResolvedValue({ path: '/models/tiny' });
    calls.fill.mockReset();
  });

  it("fills with the model's folder and times it", async () => {
    calls.fill.mockResolvedValue({ text: 'x' });
    const outcome = await fillOne(fake, model, request, () => false);
    expect(calls.fill).toHaveBeenCalledWith({ ...request, modelDir: '/models/tiny' });
    expect(outcome).toEqual({ status: 'done', result: { text: 'x' }, elapsedMs: expect.any(Number) });
  });

  it('sends nothing once stopped while the folder was looked up', async () => {
    expect(await fillOne(fake, model, request, () => true)).toEqual({ status: 'stopped' });
    expect(calls.fill).not.toHaveBeenCalled();
  });

  it('calls a cancelled fill stopped and any other failure failed, in its words', async () => {
    calls.fill.mockRejectedValueOnce(new ApiError('cancelled', 'cancelled'));
    expect(await fillOne(fake, model, request, () => false)).toEqual({ status: 'stopped' });
    calls.fill.mockRejectedValueOnce(new ApiError('invalid_input', 'The prompt is too long'));
    expect(await fillOne(fake, model, request, () => false)).toEqual({
      status: 'failed',
      error: 'The prompt is too long',
    });
  });
});

describe('fillColumns', () => {
  const choice = (key: string): ModelChoice => ({ key, ref: `/models/${key}`, label: key }) as ModelChoice;
  const models = ['a', 'b', 'c'].map(choice);
  const request = { prompt: 'a <extra_id_0>', strategy: { kind: 'greedy' as const }, maxNewTokens: 8 };
  let shown: Set<string>;
  let isStopped: boolean;
  let events: string[];
  const fill = (): Promise<void> =>
    fillColumns(fake, models, request, {
      isStopped: () => isStopped,
      isShown: (key) => shown.has(key),
      onBegin: (key) => events.push(`begin ${key}`),
      onOutcome: (key, outcome) => events.push(`${key} ${outcome?.status ?? 'dropped'}`),
    });
  beforeEach(() => {
    [shown, isStopped, events] = [new Set(['a', 'b', 'c']), false, []];
    calls.resolve.mockReset().mockImplementation(async ({ model }: { model: string }) => ({ path: model }));
    calls.fill.mockReset().mockResolvedValue({ text: 'x' });
  });

  it('fills each model in turn, one after another', async () => {
    await fill();
    expect(events).toEqual(['begin a', 'a done', 'begin b', 'b done', 'begin c', 'c done']);
  });

  it('skips a model unticked before its turn: nothing is sent for it and its outcome is dropped', async () => {
    calls.fill.mockImplementation(async ({ modelDir }: { modelDir: string }) => {
      if (modelDir === '/models/a') shown.delete('b');
      return { text: 'x' };
    });
    await fill();
    expect(events).toEqual(['begin a', 'a done', 'b dropped', 'begin c', 'c done']);
    expect(calls.resolve).not.toHaveBeenCalledWith({ model: '/models/b' });
  });

  it('drops the outcome of a model unticked while it runs (its fill stopped) and goes on with the next', async () => {
    calls.fill.mockImplementation(async ({ modelDir }: { modelDir: string }) => {
      if (modelDir !== '/models/a') return { text: 'x' };
      shown.delete('a');
      throw new ApiError('cancelled', 'Stopped');
    });
    await fill();
    expect(events).toEqual(['begin a', 'a dropped', 'begin b', 'b done', 'begin c', 'c done']);
  });

  it('sends no fill for a model unticked while its folder was looked up', async () => {
    calls.resolve.mockImplementation(async ({ model }: { model: string }) => {
      if (model === '/models/b') shown.delete('b');
      return { path: model };
    });
    await fill();
    expect(calls.fill).not.toHaveBeenCalledWith(expect.objectContaining({ modelDir: '/models/b' }));
    expect(events).toContain('b dropped');
  });

  it('ends at once when the fill is stopped, saying nothing more', async () => {
    calls.fill.mockImplementation(async () => {
      isStopped = true;
      throw new ApiError('cancelled', 'Stopped');
    });
    await fill();
    expect(events).toEqual(['begin a']);
  });
});

describe('maskedPrompt', () => {
  const model = { key: 'k', ref: 'builtin:byt5-tiny', label: 'byt5-tiny' } as ModelChoice;

  it("masks the text at its own length, not an example's input length the panel has no box for", async () => {
    calls.resolve.mockReset().mockResolvedValue({ path: '/models/tiny' });
    const preview = vi.fn().mockResolvedValue({
      segments: [
        { text: 'We hold', isNoise: false, sentinel: '<extra_id_0>', sentinelId: 258, tokenCount: 7, documentEnds: [] },
        {
          text: ' these</s>',
          isNoise: true,
          sentinel: '<extra_id_0>',
          sentinelId: 258,
          tokenCount: 7,
          documentEnds: [6],
        },
      ],
      tokenizer: 'bytes',
      seed: 0,
      messages: [],
    });
    const mask = { text: 'We hold these', noiseDensity: 0.3, meanNoiseSpanLength: 1, seed: 0 };
    const masked = await maskedPrompt({ models: fake.models, masking: { preview } }, model, mask);
    expect(preview).toHaveBeenCalledWith({ ...mask, model: '/models/tiny', inputLength: 'text' });
    expect(masked.notes).toEqual(['Masked with the bytes tokenizer (of byt5-tiny), seed 0.']);
  });
});
