// The playground.fill argument schema: the prompt's only contract rule is its size (emptiness,
// holes and the token limit are the engine's, so the UI and the CLI get the same messages),
// and the largest prompt it accepts, fully JSON-escaped in a call, fits one server frame. The
// kept screen (playground.keepScreen) is bounded by its JSON size so that it fits one frame too;
// its decoding options are never refused: each one that does not hold reads as its default.
// playground.stop takes no arguments.

import { describe, expect, it } from 'vitest';
import {
  maxPromptChars,
  maxScreenBytes,
  PLAYGROUND_DECODING_DEFAULTS,
  playgroundCalls,
  playgroundDecodingSchema,
  playgroundScreenSchema,
  tokenLimitNote,
  type PlaygroundFilledSpan,
} from '../../../src/shared/contract/playground';
import { maxCallFrameBytes } from '../../../src/shared/limits';

const args = (prompt: string): unknown => ({ modelDir: '/m', prompt });

describe('playground.stop arguments', () => {
  it('take none: a field is refused by name, and so is anything but an object', () => {
    const schema = playgroundCalls.stop.args;
    expect(schema.safeParse({}).success).toBe(true);
    const extra = schema.safeParse({ modelDir: '/m' });
    expect(extra.success).toBe(false);
    expect(extra.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['modelDir'] });
    expect(schema.safeParse('all').success).toBe(false);
    expect(schema.safeParse(null).success).toBe(false);
  });
});

describe('playground.fill arguments', () => {
  it('leave empty and hole-less prompts to the engine, and refuse one over maxPromptChars with the limit', () => {
    const schema = playgroundCalls.fill.args;
    expect(schema.safeParse(args('')).success).toBe(true);
    expect(schema.safeParse(args('a'.repeat(maxPromptChars))).success).toBe(true);
    const over = schema.safeParse(args('a'.repeat(maxPromptChars + 1)));
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toBe('prompt is over 1,000,000 characters; no model takes that much');
  });

  it('the largest prompt, every unit escaped as \\u0000, fits in one WebSocket frame', () => {
    const call = {
      id: 2 ** 53 - 1,
      call: 'playground.fill',
      args: { ...(args('\u0000'.repeat(maxPromptChars)) as object), modelDir: '/'.repeat(4096), maxNewTokens: 512 },
    };
    expect(Buffer.byteLength(JSON.stringify(call))).toBeLessThanOrEqual(maxCallFrameBytes);
  });
});

describe('playground.keepScreen arguments', () => {
  const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
  const checkpoint = (i: number, detail: string) => ({
    key: `checkpoint:/c/${i}`,
    label: `step ${i}`,
    detail,
    ref: `/c/${i}`,
    source: 'checkpoint' as const,
  });
  /**
   * A screen of the longest prompt, all of it escaped by JSON (\u0000, 6 bytes a character),
   * and checkpoint columns whose details are escaped too, as close under `target` bytes of
   * JSON as 6 bytes allow.
   */
  function screenOf(target: number) {
    const screen = {
      prompt: '\u0000'.repeat(maxPromptChars),
      selected: [],
      folders: [],
      addedCheckpoints: [] as ReturnType<typeof checkpoint>[],
      decoding: PLAYGROUND_DECODING_DEFAULTS,
    };
    for (let i = 0; ; i += 1) {
      const full = [...screen.addedCheckpoints, checkpoint(i, '\u0000'.repeat(4096))];
      if (jsonBytes({ ...screen, addedCheckpoints: full }) <= target) {
        screen.addedCheckpoints = full;
        continue;
      }
      const left = target - jsonBytes({ ...screen, addedCheckpoints: [...screen.addedCheckpoints, checkpoint(i, '')] });
      screen.addedCheckpoints = [...screen.addedCheckpoints, checkpoint(i, '\u0000'.repeat(Math.floor(left / 6)))];
      return screen;
    }
  }

  it('keep a screen of at most maxScreenBytes as JSON, which fits in one frame in its call', () => {
    const atLimit = screenOf(maxScreenBytes);
    expect(jsonBytes(atLimit)).toBeGreaterThan(maxScreenBytes - 6);
    expect(playgroundCalls.keepScreen.args.safeParse({ screen: atLimit }).success).toBe(true);
    const call = { id: 2 ** 53 - 1, call: 'playground.keepScreen', args: { screen: atLimit } };
    expect(jsonBytes(call)).toBeLessThanOrEqual(maxCallFrameBytes);
  });

  it('refuse a screen over maxScreenBytes as JSON, saying what to shorten', () => {
    const over = screenOf(maxScreenBytes + 6);
    expect(jsonBytes(over)).toBeGreaterThan(maxScreenBytes);
    const checked = playgroundCalls.keepScreen.args.safeParse({ screen: over });
    expect(checked.success).toBe(false);
    expect(checked.error?.issues[0]?.message).toMatch(
      /^the screen is over 8\.0 MiB as JSON, .*shorten the prompt or take away columns$/,
    );
  });

  it('refuse a folder column that is not one, and fields the screen does not have', () => {
    const screen = { prompt: 'x', selected: ['builtin:byt5-tiny'], folders: [], addedCheckpoints: [] };
    const folder = { key: 'folder:/m', label: 'm', detail: '/m', ref: '/m', source: 'folder' };
    const schema = playgroundCalls.keepScreen.args;
    expect(schema.safeParse({ screen: { ...screen, folders: [folder] } }).success).toBe(true);
    expect(schema.safeParse({ screen: { ...screen, folders: [{ ...folder, source: 'checkpoint' }] } }).success).toBe(
      false,
    );
    expect(schema.safeParse({ screen: { ...screen, theme: 'dark' } }).success).toBe(false);
  });
});

describe('the kept decoding options', () => {
  const screen = { prompt: 'x', selected: [], folders: [], addedCheckpoints: [] };
  const typed = { kind: 'sample', numBeams: 8, temperature: 0.7, topK: 40, topP: 0.9, seed: 123, maxNewTokens: 64 };

  it("are read back as they were kept, every method's settings", () => {
    expect(playgroundScreenSchema.parse({ ...screen, decoding: typed }).decoding).toEqual(typed);
  });

  it('are the defaults in a screen kept before they were (greedy, 32 new tokens, as `spanfill fill`)', () => {
    expect(playgroundScreenSchema.parse(screen).decoding).toEqual({
      kind: 'greedy',
      numBeams: 4,
      temperature: 1,
      topK: 50,
      topP: 1,
      seed: 0,
      maxNewTokens: 32,
    });
  });

  it('read a setting that does not hold as its default, the others as they were', () => {
    const bad = {
      ...typed,
      kind: 'contrastive',
      numBeams: 65,
      temperature: null,
      topK: 2.5,
      topP: 0,
      seed: -1,
      maxNewTokens: '64',
    };
    expect(playgroundDecodingSchema.parse(bad)).toEqual(PLAYGROUND_DECODING_DEFAULTS);
    expect(playgroundDecodingSchema.parse({ ...typed, temperature: 500, extra: true })).toEqual({
      ...typed,
      temperature: 1,
    });
    expect(playgroundDecodingSchema.parse({ seed: 9 })).toEqual({ ...PLAYGROUND_DECODING_DEFAULTS, seed: 9 });
  });

  it('read as the defaults when they are not an object, and never make the screen unreadable', () => {
    for (const decoding of ['greedy', null, 7, [typed]]) {
      const parsed = playgroundScreenSchema.safeParse({ ...screen, decoding });
      expect(parsed.success).toBe(true);
      expect(parsed.data?.decoding).toEqual(PLAYGROUND_DECODING_DEFAULTS);
    }
    const typedOut = playgroundCalls.keepScreen.args.parse({ screen: { ...screen, decoding: { topP: 2 } } });
    expect(typedOut.screen.decoding.topP).toBe(1);
  });
});

describe('playground.fill decoding', () => {
  it('samples as Hugging Face generate does unless told (temperature 1, top-k 50, top-p 1), and greedy for 32 tokens', () => {
    const parsed = playgroundCalls.fill.args.parse({
      modelDir: '/m',
      prompt: 'p',
      strategy: { kind: 'sample', seed: 7 },
    });
    expect(parsed.strategy).toEqual({ kind: 'sample', seed: 7, temperature: 1, topK: 50, topP: 1 });
    expect(playgroundCalls.fill.args.parse({ modelDir: '/m', prompt: 'p' })).toMatchObject({
      strategy: { kind: 'greedy' },
      maxNewTokens: 32,
    });
  });
});

describe('tokenLimitNote', () => {
  const span = (sentinel: number, state: 'done' | 'cut' | 'missing'): PlaygroundFilledSpan => ({
    sentinel,
    text: state === 'done' ? 'x' : '',
    start: 0,
    end: 0,
    isMissing: state === 'missing',
    isCutOff: state === 'cut',
    isBlankOnly: false,
  });

  it('says where a fill stopped at the limit, what it left out and how to raise the limit', () => {
    const spans = [span(0, 'done'), span(1, 'cut'), span(2, 'missing'), span(3, 'missing')];
    expect(tokenLimitNote({ spans, stoppedAtTokenLimit: 3 }, '--max-new-tokens')).toBe(
      'Generation stopped at the limit of 3 new tokens before the model wrote </s>: <extra_id_1> was still being ' +
        'written and 2 holes have no output. Raise --max-new-tokens (up to 512) to let the model finish.',
    );
    expect(tokenLimitNote({ spans: [span(0, 'missing')], stoppedAtTokenLimit: 1 }, 'the field')).toBe(
      'Generation stopped at the limit of 1 new token before the model wrote </s>: 1 hole has no output. ' +
        'Raise the field (up to 512) to let the model finish.',
    );
    expect(tokenLimitNote({ spans: [span(0, 'done')], stoppedAtTokenLimit: 512 }, '--max-new-tokens')).toBe(
      'Generation stopped at the limit of 512 new tokens before the model wrote </s>: the output may be cut short. ' +
        '512 is the most; fill fewer holes at a time.',
    );
    expect(tokenLimitNote({ spans, stoppedAtTokenLimit: null }, '--max-new-tokens')).toBeNull();
  });
});

describe("the kept registered models' names", () => {
  const screen = { prompt: 'x', selected: ['m-1'], folders: [], addedCheckpoints: [] };

  it('are read back as they were kept, so that a model removed while the app was closed can be named', () => {
    const modelNames = [{ key: 'm-1', label: 'small' }];
    expect(playgroundScreenSchema.parse({ ...screen, modelNames }).modelNames).toEqual(modelNames);
  });

  it('are none in a screen kept before they were, which still reads back', () => {
    const read = playgroundScreenSchema.safeParse(screen);
    expect(read.success).toBe(true);
    expect(read.data?.modelNames).toBeUndefined();
  });
});
