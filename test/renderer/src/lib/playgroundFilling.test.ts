// playgroundFilling.ts: a Playground fill as the screen runs it, with the calls faked and the
// store's fields a plain object. Stop says so in every column still waiting and drops the late
// answer of the fill it stopped; the prompt is kept once a model filled it, once; a refused fill
// takes the last answers away; "mask this for me" puts the masked prompt in, then fills it.

import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../../src/shared/errors';
import { defaultDecodingForm } from '../../../../src/renderer/src/lib/decodingForm';
import type { ModelChoice } from '../../../../src/renderer/src/lib/modelChoices';
import { folderChoice } from '../../../../src/renderer/src/lib/playgroundChoices';
import type { FillOutcome } from '../../../../src/renderer/src/lib/playgroundFill';
import { PlaygroundFilling, type FillingShown } from '../../../../src/renderer/src/lib/playgroundFilling';
import type { PlaygroundFillResult } from '../../../../src/shared/contract/playground';

const PROMPT = 'The <extra_id_0> walks.';
const [a, b] = [folderChoice('/models/a'), folderChoice('/models/b')];
const answer = (text: string): PlaygroundFillResult => ({ text, notes: [] }) as unknown as PlaygroundFillResult;

/** The store's fields a fill reads and writes. */
function screen(chosen: readonly ModelChoice[]): FillingShown {
  return {
    chosen,
    prompt: PROMPT,
    decoding: defaultDecodingForm(),
    mask: { text: 'We hold these truths', noiseDensity: 0.15, meanNoiseSpanLength: 3, seed: 0 },
    outcomes: {},
    get isFilling() {
      return Object.values(this.outcomes).some((outcome: FillOutcome) => outcome.status === 'running');
    },
    filledPrompt: undefined,
    fillingKey: undefined,
    expected: new Map(),
    maskNotes: [],
    error: undefined,
    notice: undefined,
    isBusy: false,
  };
}

function fakes() {
  const calls = {
    models: { resolve: vi.fn(({ model }: { model: string }) => Promise.resolve({ path: model })) },
    playground: { fill: vi.fn(), stop: vi.fn(() => Promise.resolve({})) },
    masking: { preview: vi.fn() },
  };
  const memory = { remember: vi.fn(() => Promise.resolve()) };
  return { calls, memory };
}

describe('PlaygroundFilling', () => {
  it("stops every column still waiting, sends no more fills, and drops the stopped fill's late answer", async () => {
    const { calls, memory } = fakes();
    let answerA: (result: PlaygroundFillResult) => void = () => {};
    calls.playground.fill.mockReturnValue(new Promise((resolve) => (answerA = resolve)));
    const shown = screen([a, b]);
    const filling = new PlaygroundFilling(calls as never, shown, memory);
    const filled = filling.fill();
    await vi.waitFor(() => expect(calls.playground.fill).toHaveBeenCalledTimes(1));
    expect(shown).toMatchObject({ isBusy: true, fillingKey: a.key, filledPrompt: PROMPT });
    await filling.stop();
    expect(calls.playground.stop).toHaveBeenCalledTimes(1);
    answerA(answer('a dog'));
    await filled;
    expect(shown.outcomes).toEqual({ [a.key]: { status: 'stopped' }, [b.key]: { status: 'stopped' } });
    expect(shown).toMatchObject({ isBusy: false, fillingKey: undefined });
    expect(calls.playground.fill).toHaveBeenCalledTimes(1);
    expect(memory.remember).not.toHaveBeenCalled();
  });

  it('keeps the prompt in the history once a model filled it, once, and not when every model refused it', async () => {
    const { calls, memory } = fakes();
    calls.playground.fill.mockResolvedValueOnce(answer('a dog')).mockResolvedValueOnce(answer('a cat'));
    const shown = screen([a, b]);
    await new PlaygroundFilling(calls as never, shown, memory).fill();
    expect(shown.outcomes[b.key]).toMatchObject({ status: 'done', result: { text: 'a cat' } });
    expect(memory.remember.mock.calls).toEqual([[PROMPT]]);
    expect(shown).toMatchObject({ isBusy: false, fillingKey: undefined, error: undefined });

    const refusing = fakes();
    refusing.calls.playground.fill.mockRejectedValue(new ApiError('invalid_input', 'the model has no sentinels'));
    const refused = screen([a, b]);
    await new PlaygroundFilling(refusing.calls as never, refused, refusing.memory).fill();
    expect(refused.outcomes[a.key]).toEqual({ status: 'failed', error: 'the model has no sentinels' });
    expect(refusing.memory.remember).not.toHaveBeenCalled();
  });

  it('says why nothing is filled, alone: the last answers go, and no model is asked', async () => {
    const { calls, memory } = fakes();
    const shown = { ...screen([a]), prompt: 'no hole here', filledPrompt: PROMPT };
    shown.outcomes = { [a.key]: { status: 'stopped' } };
    await new PlaygroundFilling(calls as never, shown, memory).fill();
    expect(shown.error).toMatch(/^The prompt has no <extra_id_N> hole to fill\./);
    expect(shown).toMatchObject({ outcomes: {}, filledPrompt: undefined, isBusy: false });
    expect(calls.models.resolve).not.toHaveBeenCalled();

    const none = screen([]);
    await new PlaygroundFilling(calls as never, none, memory).fill();
    expect(none.error).toMatch(/^Choose at least one model above/);
  });

  it('puts the masked prompt in, with what it hid, then fills it; with no model chosen it asks for one', async () => {
    const { calls, memory } = fakes();
    calls.masking.preview.mockResolvedValue({
      segments: [
        { text: 'We hold', isNoise: false, sentinel: '<extra_id_0>', sentinelId: 258, tokenCount: 7, documentEnds: [] },
        { text: ' these', isNoise: true, sentinel: '<extra_id_0>', sentinelId: 258, tokenCount: 6, documentEnds: [] },
      ],
      tokenizer: 'bytes',
      seed: 0,
      messages: [],
    });
    calls.playground.fill.mockResolvedValue(answer('We hold these'));
    const shown = screen([a]);
    await new PlaygroundFilling(calls as never, shown, memory).maskAndFill();
    expect(shown.prompt).toBe('We hold<extra_id_0>');
    expect([...shown.expected]).toEqual([[0, ' these']]);
    expect(calls.playground.fill).toHaveBeenCalledWith(expect.objectContaining({ prompt: 'We hold<extra_id_0>' }));
    expect(shown.outcomes[a.key]).toMatchObject({ status: 'done' });

    const none = screen([]);
    await new PlaygroundFilling(calls as never, none, memory).maskAndFill();
    expect(none.error).toBe('Choose a model first: its tokenizer decides where the spans fall.');
  });
});
