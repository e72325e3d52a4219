// Type tests and run-time checks of the contract: call names, argument and result types,
// the grouped Api shape, event payloads, and that createApi re-throws failed envelopes.

import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  contract,
  findCall,
  listCallNames,
  type Api,
  type ArgsOf,
  type CallName,
  type ParsedArgsOf,
  type ResultOf,
  type SystemInfo,
} from '../../src/shared/contract';
import { ApiError, isEnvelope, type Envelope } from '../../src/shared/errors';
import type { EventMap, EventName } from '../../src/shared/events';
import { createApi, subscribe, type Bridge } from '../../src/shared/transport';

describe('contract types', () => {
  it('names every call as domain.name', () => {
    expectTypeOf<'system.info'>().toExtend<CallName>();
    expectTypeOf<'system.ping'>().toExtend<CallName>();
    expectTypeOf<'system.nope'>().not.toExtend<CallName>();
    expectTypeOf<'datasets.info'>().not.toExtend<CallName>();
  });

  it('derives argument and result types from the entries', () => {
    expectTypeOf<ArgsOf<'system.ping'>>().toEqualTypeOf<{ message: string }>();
    expectTypeOf<ArgsOf<'system.info'>>().toEqualTypeOf<{ refresh?: boolean | undefined }>();
    expectTypeOf<ParsedArgsOf<'system.ping'>>().toEqualTypeOf<{ message: string }>();
    expectTypeOf<ResultOf<'system.info'>>().toEqualTypeOf<SystemInfo>();
    expectTypeOf<ResultOf<'system.ping'>>().toHaveProperty('receivedAt').toEqualTypeOf<string>();
  });

  it('groups the Api by domain with promise-returning calls', () => {
    expectTypeOf<keyof Api>().toEqualTypeOf<
      'system' | 'datasets' | 'masking' | 'runs' | 'models' | 'playground' | 'export'
    >();
    expectTypeOf<Api['system']['info']>().parameter(0).toEqualTypeOf<{ refresh?: boolean | undefined }>();
    expectTypeOf<Api['system']['info']>().returns.toEqualTypeOf<Promise<SystemInfo>>();
    expectTypeOf<Api['system']>().toEqualTypeOf<{
      info: (args: ArgsOf<'system.info'>) => Promise<ResultOf<'system.info'>>;
      ping: (args: ArgsOf<'system.ping'>) => Promise<ResultOf<'system.ping'>>;
      settings: (args: ArgsOf<'system.settings'>) => Promise<ResultOf<'system.settings'>>;
      saveSettings: (args: ArgsOf<'system.saveSettings'>) => Promise<ResultOf<'system.saveSettings'>>;
      dataDir: (args: ArgsOf<'system.dataDir'>) => Promise<ResultOf<'system.dataDir'>>;
    }>();
  });

  it('types every event payload', () => {
    expectTypeOf<EventName>().toExtend<string>();
    expectTypeOf<'runs.metrics'>().toExtend<EventName>();
    expectTypeOf<EventMap['runs.statusChanged']>().toHaveProperty('runId');
    expectTypeOf<EventMap['datasets.importProgress']['total']>().toEqualTypeOf<number | null>();
    const failed: EventMap['runs.statusChanged'] = { runId: 'r1', status: 'failed', step: 3, error: 'oom' };
    expectTypeOf(failed).toExtend<{ status: string }>();
  });
});

describe('contract at run time', () => {
  it('lists and finds calls by name', () => {
    // Every listed name resolves to its entry, and every entry is listed (no hard-coded list:
    // later issues add calls without touching this test).
    const names = listCallNames();
    expect(names).toEqual(expect.arrayContaining(['system.info', 'system.ping']));
    const entries = Object.values(contract)
      .map((calls: object) => Object.keys(calls).length)
      .reduce((sum: number, count: number) => sum + count, 0);
    expect(names).toHaveLength(entries);
    for (const name of names) expect(findCall(name)).toBeDefined();
    expect(findCall('system.ping')).toBe(contract.system.ping);
    expect(findCall('system.toString')).toBeUndefined();
    expect(findCall('__proto__.x')).toBeUndefined();
    expect(findCall('nodot')).toBeUndefined();
  });

  it('validates arguments with the entry schema', () => {
    expect(contract.system.ping.args.safeParse({ message: 'hi' }).success).toBe(true);
    expect(contract.system.ping.args.safeParse({ message: 1 }).success).toBe(false);
    expect(contract.system.info.args.safeParse({ extra: true }).success).toBe(false);
  });
});

describe('createApi', () => {
  function fakeBridge(respond: (name: string, args: unknown) => Envelope<unknown>): Bridge {
    return {
      invoke: async (name, args) => respond(name, args) as never,
      onEvent: () => () => undefined,
    };
  }

  it('routes grouped calls to dotted names and returns results', async () => {
    const api = createApi(fakeBridge((name, args) => ({ ok: true, result: { name, args } })));
    await expect(api.system.ping({ message: 'x' })).resolves.toEqual({ name: 'system.ping', args: { message: 'x' } });
  });

  it('re-throws failed envelopes with the original code and message', async () => {
    const api = createApi(fakeBridge(() => ({ ok: false, error: { code: 'not_found', message: 'no such run r9' } })));
    const error = await api.system.info({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no such run r9' });
  });

  it('is not mistaken for a promise', async () => {
    const api = createApi(fakeBridge(() => ({ ok: true, result: null })));
    expect(await Promise.resolve(api.system)).toBe(api.system);
  });

  it('recognises envelopes', () => {
    expect(isEnvelope({ ok: true, result: 1 })).toBe(true);
    expect(isEnvelope({ ok: false, error: { code: 'internal', message: 'x' } })).toBe(true);
    expect(isEnvelope({ ok: false, error: { code: 'bogus', message: 'x' } })).toBe(false);
    expect(isEnvelope(null)).toBe(false);
  });
});

describe('subscribe', () => {
  it('delivers only the named event, typed, until unsubscribed', () => {
    let deliver: (event: EventName, payload: unknown) => void = () => undefined;
    const bridge: Bridge = {
      invoke: async () => ({ ok: true, result: null }) as never,
      onEvent: (listener) => {
        deliver = listener as typeof deliver;
        return () => (deliver = () => undefined);
      },
    };
    const seen: number[] = [];
    const stop = subscribe(bridge, 'runs.progress', (payload) => {
      expectTypeOf(payload.step).toEqualTypeOf<number>();
      seen.push(payload.step);
    });
    deliver('runs.progress', { runId: 'r', step: 3, totalSteps: 9, elapsedMs: 1, tokensPerSecond: null });
    deliver('runs.metrics', { runId: 'r', points: [] });
    stop();
    deliver('runs.progress', { runId: 'r', step: 4, totalSteps: 9, elapsedMs: 2, tokensPerSecond: null });
    expect(seen).toEqual([3]);
  });
});
