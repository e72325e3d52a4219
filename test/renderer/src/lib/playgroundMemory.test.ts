// playgroundMemory.ts: what the Playground keeps across launches (the recent prompts and the
// screen as it was left) is read back and written through the calls, faked here, and each
// failure is said in the history's line without losing what was shown.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PlaygroundMemory, type MemoryShown } from '../../../../src/renderer/src/lib/playgroundMemory';
import {
  maxPromptChars,
  PLAYGROUND_DECODING_DEFAULTS,
  type PlaygroundScreen,
} from '../../../../src/shared/contract/playground';

const calls = { saved: vi.fn(), remember: vi.fn(), forgetHistory: vi.fn(), keepScreen: vi.fn() };
const screen: PlaygroundScreen = {
  prompt: 'The <extra_id_0> park.',
  selected: ['builtin:byt5-tiny'],
  folders: [],
  addedCheckpoints: [],
  decoding: PLAYGROUND_DECODING_DEFAULTS,
};
let shown: MemoryShown;
let memory: PlaygroundMemory;

beforeEach(() => {
  for (const call of Object.values(calls)) call.mockReset();
  shown = { history: ['older'], memoryError: 'an earlier failure' };
  memory = new PlaygroundMemory({ playground: calls }, shown);
});

describe('readBack', () => {
  it('shows the kept history, clears an earlier failure and gives the kept screen', async () => {
    calls.saved.mockResolvedValue({ history: ['a', 'b'], screen });
    await expect(memory.readBack()).resolves.toEqual(screen);
    expect(shown).toEqual({ history: ['a', 'b'], memoryError: undefined });
  });

  it('gives null on a first visit (nothing kept)', async () => {
    calls.saved.mockResolvedValue({ history: [], screen: null });
    await expect(memory.readBack()).resolves.toBeNull();
  });

  it('says a read that fails and fails too, so that it is tried again', async () => {
    calls.saved.mockRejectedValue(new Error('store locked'));
    await expect(memory.readBack()).rejects.toThrow('store locked');
    expect(shown).toEqual({
      history: ['older'],
      memoryError: 'Could not read back the recent prompts and the screen as it was left: store locked',
    });
  });
});

describe('remember and clearHistory', () => {
  it('shows the history the store keeps after a prompt is remembered or the history cleared', async () => {
    calls.remember.mockResolvedValue({ history: ['new', 'older'] });
    await memory.remember('new');
    expect(calls.remember).toHaveBeenCalledWith({ prompt: 'new' });
    expect(shown).toEqual({ history: ['new', 'older'], memoryError: undefined });
    calls.forgetHistory.mockResolvedValue({ history: [] });
    await memory.clearHistory();
    expect(shown.history).toEqual([]);
  });

  it('says what could not be done and leaves the history shown as it was', async () => {
    calls.remember.mockRejectedValue(new Error('disk full'));
    await memory.remember('new');
    expect(shown).toEqual({
      history: ['older'],
      memoryError: 'Could not keep the prompt in the recent prompts: disk full',
    });
    calls.forgetHistory.mockRejectedValue(new Error('disk full'));
    await memory.clearHistory();
    expect(shown.memoryError).toBe('Could not clear the recent prompts: disk full');
  });
});

describe('keepScreen', () => {
  it('sends the screen and clears an earlier failure', async () => {
    calls.keepScreen.mockResolvedValue({ kept: true });
    await memory.keepScreen(screen);
    expect(calls.keepScreen).toHaveBeenCalledWith({ screen });
    expect(shown.memoryError).toBeUndefined();
  });

  it('refuses a screen the server would refuse, in its words, without sending it', async () => {
    await memory.keepScreen({ ...screen, prompt: 'x'.repeat(maxPromptChars + 1) });
    expect(calls.keepScreen).not.toHaveBeenCalled();
    expect(shown.memoryError).toMatch(/^Could not keep the screen as it is for the next visit: prompt is over /);
  });

  it('says a write that fails, and the next screen is still written', async () => {
    calls.keepScreen.mockRejectedValueOnce(new Error('gone')).mockResolvedValueOnce({ kept: true });
    await memory.keepScreen(screen);
    expect(shown.memoryError).toBe('Could not keep the screen as it is for the next visit: gone');
    await memory.keepScreen({ ...screen, prompt: 'later <extra_id_0>' });
    expect(calls.keepScreen).toHaveBeenCalledTimes(2);
    expect(shown.memoryError).toBeUndefined();
  });
});
