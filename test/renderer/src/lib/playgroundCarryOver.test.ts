// playgroundCarryOver.ts: what versions before 2026-12-02 kept in the page's localStorage (the
// recent prompts and the screen as it was left) is brought into the data directory once, through
// the playground calls the screen makes (here over the real history table of a fresh store): the old
// prompts below the newer ones, without duplicates and within the limit; the old screen only
// where none is kept; whatever is not valid dropped; the old keys removed once it is written.

import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import {
  carryOver,
  mergedHistory,
  OLD_HISTORY_KEY,
  OLD_SCREEN_KEY,
  oldHistory,
  oldScreen,
  type CarryOverCalls,
  type OldKeys,
} from '../../../../src/renderer/src/lib/playgroundCarryOver';
import type { MemoryShown } from '../../../../src/renderer/src/lib/playgroundMemory';
import { openStore, type Store } from '../../../../src/main/store/db';
import { PlaygroundRepository } from '../../../../src/main/store/playground';
import {
  maxPromptChars,
  maxRememberedPromptChars,
  PLAYGROUND_DECODING_DEFAULTS,
  playgroundHistoryLimit,
  type PlaygroundScreen,
} from '../../../../src/shared/contract/playground';
import { tempDirs } from '../../../support/tmp';

const folder = { key: 'folder:/m', label: 'm', detail: '/m', ref: '/m', source: 'folder' } as const;
const checkpoint = {
  key: 'checkpoint:/c/10',
  label: 'run tiny · step 10',
  detail: 'checkpoint',
  ref: '/c/10',
  source: 'checkpoint',
} as const;
/** A screen as versions before 2026-12-02 kept it under spanfill.playground.session. */
const oldSession = {
  prompt: 'Old <extra_id_0> prompt.',
  selected: [folder.key, 'builtin:byt5-tiny', checkpoint.key],
  folders: [folder],
  addedCheckpoints: [checkpoint],
};
/** The same screen as the data directory keeps it: the decoding options were never kept then. */
const oldAsKept: PlaygroundScreen = { ...oldSession, decoding: { ...PLAYGROUND_DECODING_DEFAULTS } };

describe('oldHistory', () => {
  it('keeps the prompts newest first, once each, up to the limit, dropping what the history would not keep', () => {
    const long = 'x'.repeat(maxRememberedPromptChars + 1);
    expect(oldHistory(JSON.stringify(['b', 3, '  ', 'a', null, 'b', long, { p: 'c' }]))).toEqual(['b', 'a']);
    const many = Array.from({ length: playgroundHistoryLimit + 5 }, (_, i) => `p${i}`);
    expect(oldHistory(JSON.stringify(many))).toEqual(many.slice(0, playgroundHistoryLimit));
  });

  it('reads nothing from what is not a list', () => {
    for (const raw of [null, '', 'not json', '{"a":1}', '"a"']) expect(oldHistory(raw)).toEqual([]);
  });
});

describe('oldScreen', () => {
  it('reads an old screen as the data directory keeps one, with the default decoding options', () => {
    expect(oldScreen(JSON.stringify(oldSession))).toEqual(oldAsKept);
  });

  it('drops the columns that are not whole or not of their list, and keys that are not strings', () => {
    const raw = {
      prompt: 'x',
      selected: ['a', 7, null, 'x'.repeat(5000)],
      folders: [folder, checkpoint, { ...folder, ref: 1 }, 'folder:/x', { ...folder, key: '' }],
      addedCheckpoints: [checkpoint, folder, { ...checkpoint, source: 'cloud' }],
    };
    expect(oldScreen(JSON.stringify(raw))).toEqual({
      prompt: 'x',
      selected: ['a'],
      folders: [folder],
      addedCheckpoints: [checkpoint],
      decoding: PLAYGROUND_DECODING_DEFAULTS,
    });
    expect(oldScreen(JSON.stringify({ prompt: 'y' }))).toEqual({
      prompt: 'y',
      selected: [],
      folders: [],
      addedCheckpoints: [],
      decoding: PLAYGROUND_DECODING_DEFAULTS,
    });
  });

  it('reads nothing from what is not a screen, or one whose prompt no model takes', () => {
    const tooLong = JSON.stringify({ ...oldSession, prompt: 'x'.repeat(maxPromptChars + 1) });
    for (const raw of [null, 'not json', '[]', '"prompt"', JSON.stringify({ selected: ['a'] }), tooLong])
      expect(oldScreen(raw)).toBeNull();
  });
});

describe('mergedHistory', () => {
  it('puts the old prompts below the kept ones, once each, within the limit', () => {
    expect(mergedHistory(['a', 'b'], ['b', 'c', 'a', 'd'])).toEqual(['a', 'b', 'c', 'd']);
    const kept = Array.from({ length: playgroundHistoryLimit - 1 }, (_, i) => `k${i}`);
    expect(mergedHistory(kept, ['o1', 'o2'])).toEqual([...kept, 'o1']);
  });

  it('is null when the old prompts change nothing', () => {
    expect(mergedHistory(['a', 'b'], ['b'])).toBeNull();
    expect(mergedHistory(['a'], [])).toBeNull();
    const full = Array.from({ length: playgroundHistoryLimit }, (_, i) => `k${i}`);
    expect(mergedHistory(full, ['o1'])).toBeNull();
  });
});

describe('carryOver', () => {
  const tempDir = tempDirs('spanfill-carry-over-');
  let store: Store;
  let prompts: PlaygroundRepository;
  /** The screen playground.keepScreen kept last, as playground.saved would give it back. */
  let keptInStore: PlaygroundScreen | null;
  const saved = () => ({ history: prompts.prompts(playgroundHistoryLimit), screen: keptInStore });
  type Calls = CarryOverCalls['playground'];
  let calls: { playground: { remember: Mock<Calls['remember']>; keepScreen: Mock<Calls['keepScreen']> } };
  let storage: Map<string, string>;
  let shown: MemoryShown;
  const keys: OldKeys = {
    getItem: (key) => storage.get(key) ?? null,
    removeItem: (key) => void storage.delete(key),
  };
  const keptScreen: PlaygroundScreen = {
    prompt: 'Newer <extra_id_0>.',
    selected: ['builtin:byt5-tiny'],
    folders: [],
    addedCheckpoints: [],
    decoding: { ...PLAYGROUND_DECODING_DEFAULTS, kind: 'beam' },
  };

  beforeEach(() => {
    store = openStore(tempDir());
    prompts = new PlaygroundRepository(store.db);
    keptInStore = null;
    calls = {
      playground: {
        remember: vi.fn<Calls['remember']>(async ({ prompt }) => {
          prompts.remember(prompt, playgroundHistoryLimit);
          return { history: prompts.prompts(playgroundHistoryLimit) };
        }),
        keepScreen: vi.fn<Calls['keepScreen']>(async ({ screen }) => {
          keptInStore = screen;
          return { kept: true };
        }),
      },
    };
    storage = new Map();
    shown = { history: [], memoryError: undefined };
  });
  afterEach(() => store.close());

  /** Puts `prompts` (newest first) in the data directory's history, and shows them as read back. */
  function keep(history: readonly string[]): void {
    for (const prompt of [...history].reverse()) prompts.remember(prompt, playgroundHistoryLimit);
    shown.history = saved().history;
  }

  it('brings the old prompts in below the newer ones and the old screen where none is kept, then removes the keys', async () => {
    keep(['new1', 'new2']);
    storage.set(OLD_HISTORY_KEY, JSON.stringify(['old1', 'new2', 'old2']));
    storage.set(OLD_SCREEN_KEY, JSON.stringify(oldSession));
    const carried = await carryOver(keys, calls, shown, null);
    expect(saved()).toEqual({ history: ['new1', 'new2', 'old1', 'old2'], screen: oldAsKept });
    expect(shown).toEqual({ history: ['new1', 'new2', 'old1', 'old2'], memoryError: undefined });
    expect(carried).toEqual({
      screen: oldAsKept,
      notice:
        "Brought over the Playground's prompt and columns as they were left and 2 recent prompts, kept in this browser by an earlier version of Spanfill.",
    });
    expect([...storage.keys()]).toEqual([]);
  });

  it('never replaces a screen kept since, and says only the prompts brought', async () => {
    keptInStore = keptScreen;
    storage.set(OLD_HISTORY_KEY, JSON.stringify(['old1']));
    storage.set(OLD_SCREEN_KEY, JSON.stringify(oldSession));
    const carried = await carryOver(keys, calls, shown, keptScreen);
    expect(saved()).toEqual({ history: ['old1'], screen: keptScreen });
    expect(carried).toEqual({
      screen: keptScreen,
      notice: "Brought over the Playground's 1 recent prompt, kept in this browser by an earlier version of Spanfill.",
    });
    expect(calls.playground.keepScreen).not.toHaveBeenCalled();
    expect([...storage.keys()]).toEqual([]);
  });

  it('drops malformed old values quietly and still removes the keys', async () => {
    keep(['new1']);
    storage.set(OLD_HISTORY_KEY, '{not json');
    storage.set(OLD_SCREEN_KEY, JSON.stringify({ selected: ['a'] }));
    await expect(carryOver(keys, calls, shown, null)).resolves.toEqual({ screen: null });
    expect(saved()).toEqual({ history: ['new1'], screen: null });
    expect(calls.playground.remember).not.toHaveBeenCalled();
    expect(shown.memoryError).toBeUndefined();
    expect([...storage.keys()]).toEqual([]);
  });

  it('says nothing and writes nothing when no old keys are there, or they bring nothing new', async () => {
    keep(['a']);
    await expect(carryOver(keys, calls, shown, keptScreen)).resolves.toEqual({ screen: keptScreen });
    storage.set(OLD_HISTORY_KEY, JSON.stringify(['a']));
    await expect(carryOver(keys, calls, shown, keptScreen)).resolves.toEqual({ screen: keptScreen });
    expect(calls.playground.remember).not.toHaveBeenCalled();
    expect([...storage.keys()]).toEqual([]);
  });

  it('keeps the old keys when a write fails, says so, and opens with what was kept', async () => {
    keep(['new1']);
    storage.set(OLD_HISTORY_KEY, JSON.stringify(['old1']));
    storage.set(OLD_SCREEN_KEY, JSON.stringify(oldSession));
    calls.playground.remember.mockRejectedValue(new Error('database is locked'));
    await expect(carryOver(keys, calls, shown, null)).resolves.toEqual({ screen: null });
    expect(shown.memoryError).toBe(
      "Could not bring over the Playground's prompt and recent prompts kept in this browser by an earlier version of Spanfill: database is locked. They are tried again when the Playground next opens.",
    );
    expect([...storage.keys()].sort()).toEqual([OLD_HISTORY_KEY, OLD_SCREEN_KEY]);
  });
});
