// The playground service over a real engine host: a fill runs in the host with a relative
// model folder resolved here, a cancelled request rejects as cancelled and leaves the host
// usable, and a score comes back with the case's golden greedy ids; the handlers pass their
// call's signal on, and stop cancels the fills and scores its own caller is running, no other
// caller's (another tab's). The Playground's memory: the history kept in the store (blank and
// very long prompts left out), the screen as it was left read back as it was kept, a kept
// screen that no longer reads as one read as none, and kept decoding options that do not hold
// (or a screen kept before they were) read as their defaults, the rest of the screen as it was.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineHostManager, type HostRequester } from '../../../src/main/services/engine-host';
import { EventBus } from '../../../src/main/services/events';
import { PlaygroundService, playgroundHandlers, SCREEN_SETTING } from '../../../src/main/services/playground';
import { openStore, type Store } from '../../../src/main/store/db';
import { PlaygroundRepository } from '../../../src/main/store/playground';
import { SettingsRepository } from '../../../src/main/store/settings';
import {
  maxRememberedPromptChars,
  PLAYGROUND_DECODING_DEFAULTS,
  playgroundHistoryLimit,
  type PlaygroundScreen,
} from '../../../src/shared/contract/playground';
import { ApiError } from '../../../src/shared/errors';
import { tempDirs } from '../../support/tmp';

const FIXTURES = path.join(__dirname, '../../fixtures/t5');
const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
const manager = new EngineHostManager({ events: new EventBus() });
afterAll(() => manager.stop());
const tempDir = tempDirs('spanfill-playground-');

/** A playground service over a fresh store (and the shared engine host), closed after `use`. */
function withService(use: (playground: PlaygroundService, settings: SettingsRepository, store: Store) => void): void {
  const store = openStore(tempDir());
  const settings = new SettingsRepository(store.db);
  try {
    use(
      new PlaygroundService({ engine: manager, prompts: new PlaygroundRepository(store.db), settings }),
      settings,
      store,
    );
  } finally {
    store.close();
  }
}

describe('playground service', () => {
  const sent: { type: string; payload: unknown }[] = [];
  const engine: HostRequester = {
    request: (type, payload, options) => {
      sent.push({ type, payload });
      return manager.request(type, payload, options);
    },
  };
  const store = openStore(tempDir());
  afterAll(() => store.close());
  const playground = new PlaygroundService({
    engine,
    prompts: new PlaygroundRepository(store.db),
    settings: new SettingsRepository(store.db),
  });

  it('fills in the engine host with a full model path, and refuses a relative one or a relative case', async () => {
    const modelDir = path.join(FIXTURES, 't5-tiny-spm');
    const request = { modelDir, prompt, strategy: { kind: 'greedy' } as const, maxNewTokens: 8 };
    const filled = await playground.fill(request);
    expect(filled.spans.map((s) => s.sentinel)).toEqual([0, 1]);
    expect(sent.at(-1)).toEqual({ type: 'playground.fill', payload: request });
    // Over spanfill serve a relative path would be the server's working folder (fullPaths.ts).
    const asked = sent.length;
    const relative = path.relative(process.cwd(), modelDir);
    const refused = { code: 'invalid_input', message: expect.stringContaining(`${relative} is not a full path`) };
    await expect(playground.fill({ ...request, modelDir: relative })).rejects.toMatchObject(refused);
    await expect(playground.score({ modelDir: relative, case: '/c.json' })).rejects.toMatchObject(refused);
    await expect(playground.score({ modelDir, case: 'case.json' })).rejects.toMatchObject({
      message: expect.stringContaining('case.json is not a full path'),
    });
    expect(sent).toHaveLength(asked);
  });

  it('refuses a case file that is not one in main, naming it, before the engine host is asked', async () => {
    const modelDir = path.join(FIXTURES, 't5-tiny-spm');
    const dir = tempDir();
    const bad = path.join(dir, 'case.json');
    writeFileSync(bad, '{"input_ids": [[1, 2]]}');
    const asked = sent.length;
    await expect(playground.score({ modelDir, case: bad })).rejects.toMatchObject({
      code: 'invalid_input',
      message: `${bad}: "labels" must be a non-empty array of rows of integer ids, all of one non-zero length`,
    });
    expect(() => playground.checkCase(dir)).toThrow(`Case file ${dir} is a folder, not a file`);
    expect(sent).toHaveLength(asked);
  });

  it('a cancelled fill rejects as cancelled and the host still answers', async () => {
    const controller = new AbortController();
    const modelDir = path.join(FIXTURES, 't5-tiny-spm');
    const pending = playground.fill(
      { modelDir, prompt, strategy: { kind: 'greedy' }, maxNewTokens: 64 },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    const golden = JSON.parse(readFileSync(path.join(FIXTURES, 't5-tiny-relu', 'case.json'), 'utf8')) as {
      greedy: { output_ids: number[] };
    };
    const scored = await playground.score({
      modelDir: path.join(FIXTURES, 't5-tiny-relu'),
      case: path.join(FIXTURES, 't5-tiny-relu', 'case.json'),
    });
    expect(scored.greedy).toEqual(golden.greedy.output_ids);
  });
});

describe('stopping fills and scores', () => {
  /** An engine host whose requests run until their signal aborts, then reject with its reason. */
  const asked: { type: string; signal: AbortSignal | undefined }[] = [];
  const engine: HostRequester = {
    request: (type, _payload, options) => {
      asked.push({ type, signal: options?.signal });
      return new Promise((_resolve, reject) =>
        options?.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error)),
      );
    },
  };
  const store = openStore(tempDir());
  afterAll(() => store.close());
  /** A service of its own for each test: what one leaves running is not another's to stop. */
  const freshService = (): PlaygroundService =>
    new PlaygroundService({
      engine,
      prompts: new PlaygroundRepository(store.db),
      settings: new SettingsRepository(store.db),
    });
  const modelDir = path.join(FIXTURES, 't5-tiny-relu');
  const fillArgs = { modelDir, prompt, strategy: { kind: 'greedy' } as const, maxNewTokens: 8 };

  it("passes the call's signal from the fill and score handlers to the engine host", async () => {
    asked.length = 0;
    const handlers = playgroundHandlers({ playground: freshService() });
    const caller = new AbortController();
    const filling = handlers['playground.fill'](fillArgs, { signal: caller.signal });
    const scoring = handlers['playground.score'](
      { modelDir, case: path.join(modelDir, 'case.json') },
      { signal: caller.signal },
    );
    expect(asked.map(({ type, signal }) => [type, signal?.aborted])).toEqual([
      ['playground.fill', false],
      ['playground.score', false],
    ]);
    caller.abort(new ApiError('cancelled', 'gone'));
    await expect(filling).rejects.toMatchObject({ code: 'cancelled' });
    await expect(scoring).rejects.toMatchObject({ code: 'cancelled' });
    expect(asked.every(({ signal }) => signal?.aborted)).toBe(true);
  });

  it('stop with no caller cancels every fill and score begun with none, says how many, then has none', async () => {
    asked.length = 0;
    const playground = freshService();
    const handlers = playgroundHandlers({ playground });
    const filling = [playground.fill(fillArgs), playground.fill(fillArgs)];
    const scoring = playground.score({ modelDir, case: path.join(modelDir, 'case.json') });
    await expect(handlers['playground.stop']({})).resolves.toEqual({ stopped: 3 });
    for (const work of [...filling, scoring]) await expect(work).rejects.toMatchObject({ code: 'cancelled' });
    expect(asked.map(({ signal }) => signal?.aborted)).toEqual([true, true, true]);
    await expect(handlers['playground.stop']({})).resolves.toEqual({ stopped: 0 });
  });

  it("stop cancels only its caller's fills and scores: another tab's fill goes on", async () => {
    asked.length = 0;
    const playground = freshService();
    const handlers = playgroundHandlers({ playground });
    const [tab, otherTab] = [{}, {}];
    const mine = [
      handlers['playground.fill'](fillArgs, { caller: tab }),
      handlers['playground.score']({ modelDir, case: path.join(modelDir, 'case.json') }, { caller: tab }),
    ];
    const theirs = handlers['playground.fill'](fillArgs, { caller: otherTab });
    const nobodys = playground.fill(fillArgs); // no caller: the CLI's, a test's
    await expect(handlers['playground.stop']({}, { caller: tab })).resolves.toEqual({ stopped: 2 });
    for (const work of mine) await expect(work).rejects.toMatchObject({ code: 'cancelled' });
    expect(asked.map(({ signal }) => signal?.aborted)).toEqual([true, true, false, false]);
    // A stop with no caller is one caller too: it stops the work begun with none, not a tab's.
    await expect(handlers['playground.stop']({})).resolves.toEqual({ stopped: 1 });
    await expect(nobodys).rejects.toMatchObject({ code: 'cancelled' });
    expect(asked.map(({ signal }) => signal?.aborted)).toEqual([true, true, false, true]);
    // The other tab's Stop stops its own.
    await expect(handlers['playground.stop']({}, { caller: otherTab })).resolves.toEqual({ stopped: 1 });
    await expect(theirs).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe("the playground's memory", () => {
  const screen: PlaygroundScreen = {
    prompt: 'The <extra_id_0> walks',
    selected: ['folder:/m', 'builtin:byt5-tiny'],
    folders: [{ key: 'folder:/m', label: 'm', detail: '/m', ref: '/m', source: 'folder' }],
    addedCheckpoints: [
      { key: 'checkpoint:/c/10', label: 'run · step 10', detail: 'checkpoint', ref: '/c/10', source: 'checkpoint' },
    ],
    decoding: { kind: 'beam', numBeams: 8, temperature: 0.7, topK: 40, topP: 0.9, seed: 123, maxNewTokens: 64 },
  };

  it('starts with no history and no screen, then reads back the screen as it was kept', () => {
    withService((playground) => {
      expect(playground.saved()).toEqual({ history: [], screen: null });
      expect(playground.keepScreen(screen)).toEqual({ kept: true });
      expect(playground.saved()).toEqual({ history: [], screen });
      const changed = { ...screen, prompt: 'Another <extra_id_0>.', selected: [] };
      playground.keepScreen(changed);
      expect(playground.saved().screen).toEqual(changed);
    });
  });

  it('keeps the newest prompts first, leaves out blank and very long ones, and forgets them all', () => {
    withService((playground) => {
      expect(playground.remember('first <extra_id_0>')).toEqual({ history: ['first <extra_id_0>'] });
      expect(playground.remember('  \n ').history).toEqual(['first <extra_id_0>']);
      const long = 'x'.repeat(maxRememberedPromptChars + 1);
      expect(playground.remember(long).history).toEqual(['first <extra_id_0>']);
      const longest = 'y'.repeat(maxRememberedPromptChars);
      expect(playground.remember(longest).history).toEqual([longest, 'first <extra_id_0>']);
      for (let i = 0; i < playgroundHistoryLimit + 2; i += 1) playground.remember(`p${i}`);
      const { history } = playground.saved();
      expect(history).toHaveLength(playgroundHistoryLimit);
      expect(history[0]).toBe(`p${playgroundHistoryLimit + 1}`);
      expect(playground.forgetHistory()).toEqual({ history: [] });
    });
  });

  it('reads a kept screen that is not one (written by another version) as none', () => {
    withService((playground, settings) => {
      settings.set(SCREEN_SETTING, { prompt: 7, selected: 'all' });
      expect(playground.saved().screen).toBeNull();
    });
  });

  it('reads kept decoding options that do not hold, or none kept, as the defaults, and the rest as kept', () => {
    withService((playground, settings) => {
      const { decoding, ...before } = screen;
      settings.set(SCREEN_SETTING, before);
      expect(playground.saved().screen).toEqual({ ...before, decoding: PLAYGROUND_DECODING_DEFAULTS });
      settings.set(SCREEN_SETTING, { ...screen, decoding: { ...decoding, kind: 'top-a', numBeams: 0, seed: 1.5 } });
      expect(playground.saved().screen).toEqual({
        ...screen,
        decoding: { ...decoding, kind: 'greedy', numBeams: 4, seed: 0 },
      });
      settings.set(SCREEN_SETTING, { ...screen, decoding: 'beam' });
      expect(playground.saved().screen).toEqual({ ...screen, decoding: PLAYGROUND_DECODING_DEFAULTS });
    });
  });

  it('reads a kept screen whose stored text is not JSON (cut short) as none', () => {
    withService((playground, settings, store) => {
      settings.set(SCREEN_SETTING, { prompt: 'kept' });
      store.db.prepare('UPDATE settings SET value_json = ? WHERE key = ?').run('{"prompt":"ke', SCREEN_SETTING);
      expect(playground.saved()).toEqual({ history: [], screen: null });
    });
  });
});
