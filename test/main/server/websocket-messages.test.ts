// Random contract messages against a real `spanfill serve` (issue #9): 1,000 seeded frames of
// every kind a careless or hostile client could send (not JSON, not an object, bad ids,
// unknown calls, every contract call with random or wrong-typed arguments, unknown fields,
// huge and deeply nested values, binary frames). Each must get exactly one well-formed reply
// (the call's result, or an error envelope with a known code and a message), the server must
// keep serving another client, and its resident memory must stay flat.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { findCall, listCallNames } from '../../../src/shared/contract';
import { isEnvelope } from '../../../src/shared/errors';
import type { WsServerFrame } from '../../../src/shared/ws-protocol';
import { Fuzzer } from '../../support/fuzz';
import { connectClient, exchange, startServeProcess, type ServeProcess } from '../../support/serve-process';

const seed = 9_2026;
const messageCount = 1000;
const warmUpCount = 150;
/** Resident memory is sampled every this many messages. */
const sampleEvery = 100;
/**
 * How much the median of the last three samples may exceed that of the first three. Without a
 * leak that grew 13–35 MB here (RSS moves by ±20 MB between samples as V8 collects, and the
 * heap settles upward); a server keeping every frame it got grew by about 100 MB.
 */
const rssGrowthLimit = 64 * 1024 * 1024;

const callNames = listCallNames();

/** The argument names of a call, read from its schema (so new calls are fuzzed too). */
function fieldsOf(name: string): string[] {
  const shape = (findCall(name)?.args as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

interface Message {
  /** The frame to send: text, or a Buffer sent as a binary frame. */
  readonly data: string | Buffer;
  /** The id the reply must carry: the frame's own when it is an integer, else null. */
  readonly expectedId: number | null;
  readonly label: string;
}

/** One random message; `i` varies the id so replies cannot be confused. */
function randomMessage(fuzz: Fuzzer, i: number): Message {
  const id = i + 1;
  const frame = (call: unknown, args: unknown, label: string): Message => ({
    data: JSON.stringify({ id, call, args }),
    expectedId: id,
    label,
  });
  const name = fuzz.pick(callNames);
  switch (fuzz.int(0, 11)) {
    case 0: {
      const value = fuzz.value(2);
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      return { data: JSON.stringify(value), expectedId: isObject ? idOf(value) : null, label: 'any JSON value' };
    }
    case 1: {
      const text = JSON.stringify({ id, call: name, args: fuzz.object() });
      return { data: text.slice(0, fuzz.int(0, text.length - 1)), expectedId: null, label: 'truncated JSON' };
    }
    case 2:
      return { data: Buffer.from(JSON.stringify({ id, call: name, args: {} })), expectedId: null, label: 'binary' };
    case 3: {
      const badId = fuzz.pick<unknown>(['1', 1.5, -0.5, 2 ** 53, null, [], {}, true]);
      return { data: JSON.stringify({ id: badId, call: name, args: {} }), expectedId: null, label: 'bad id' };
    }
    case 4: {
      const unknown = fuzz.pick([
        fuzz.string(),
        `${name}x`,
        `${name.split('.')[0]}.constructor`,
        '__proto__',
        'toString',
      ]);
      return frame(unknown, {}, 'unknown call');
    }
    case 5:
      return frame(fuzz.value(2), {}, 'call not a string');
    case 6:
      return frame(name, fuzz.value(3), `${name} with any arguments`);
    case 7:
    case 8: {
      const args: Record<string, unknown> = {};
      for (const field of fieldsOf(name)) if (fuzz.chance(0.7)) args[field] = fuzz.value(1);
      if (fuzz.chance(0.2)) args[fuzz.string(6) || 'extra'] = fuzz.value(1);
      return frame(name, args, `${name} with random fields`);
    }
    case 9: {
      // Up to 1.3M characters: over every string limit in the contract, yet under the frame
      // limit even at 6 bytes a character (frames over it are the frames suite's concern).
      const field = fuzz.pick(fieldsOf(name).concat('extra'));
      return frame(name, { [field]: fuzz.huge(fuzz.int(1, 1_300_000)) }, `${name} with a huge '${field}'`);
    }
    case 10: {
      const field = fuzz.pick(fieldsOf(name).concat('nested'));
      const data = `{"id":${id},"call":${JSON.stringify(name)},"args":{${JSON.stringify(field)}:${fuzz.deepJson(fuzz.int(100, 50_000))}}}`;
      return { data, expectedId: id, label: `${name} with a deeply nested value` };
    }
    default:
      return frame(name, undefined, `${name} without arguments`);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function idOf(value: object): number | null {
  const id = (value as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : null;
}

let serve: ServeProcess;
let client: WebSocket;
let bystander: WebSocket;

/** What is wrong with a reply, or undefined when it is a well-formed answer to `message`. */
function replyProblem(reply: WsServerFrame, message: Message): string | undefined {
  if (reply.kind !== 'response') return 'not a response';
  if (reply.id !== message.expectedId) return `id ${reply.id}, expected ${message.expectedId}`;
  if (!isEnvelope(reply.response)) return 'not an envelope';
  if (!reply.response.ok && reply.response.error.message.trim() === '') return 'an error without a message';
  return undefined;
}

beforeAll(async () => {
  serve = await startServeProcess();
  [client, bystander] = await Promise.all([connectClient(serve), connectClient(serve)]);
});

afterAll(async () => {
  client?.terminate();
  bystander?.terminate();
  await serve?.stop();
});

describe(`${messageCount} random contract messages (seed ${seed})`, () => {
  it('get one well-formed reply each, the server serves others and its memory stays flat', async () => {
    const fuzz = new Fuzzer(seed);
    const problems: string[] = [];
    const codes = new Map<string, number>();
    let bytesSent = 0;
    const run = async (count: number, offset: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const message = randomMessage(fuzz, offset + i);
        const reply = await exchange(client, message.data).catch((error: Error) => {
          throw new Error(`#${offset + i} ${message.label}: ${error.message}`);
        });
        bytesSent += Buffer.byteLength(message.data);
        const problem = replyProblem(reply, message);
        if (problem) problems.push(`#${offset + i} ${message.label}: ${problem}`);
        const code = reply.kind === 'response' ? (reply.response.ok ? 'ok' : reply.response.error.code) : 'event';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    };
    await run(warmUpCount, 0);
    bytesSent = 0;
    const rssSamples: number[] = [];
    for (let done = 0; done < messageCount; done += sampleEvery) {
      await run(sampleEvery, warmUpCount + done);
      rssSamples.push(serve.rssBytes());
    }

    expect(problems).toEqual([]);
    // Some messages were valid calls that ran, so not everything was refused at the door.
    expect([...codes.keys()]).toContain('ok');
    expect(codes.get('internal') ?? 0, 'internal errors: a handler threw something unexpected').toBe(0);
    const reply = await exchange(
      bystander,
      JSON.stringify({ id: 1, call: 'system.ping', args: { message: 'still here' } }),
    );
    expect(reply).toMatchObject({ id: 1, response: { ok: true, result: { message: 'still here' } } });
    expect(serve.child.exitCode).toBeNull();
    const growth = median(rssSamples.slice(-3)) - median(rssSamples.slice(0, 3));
    const figures = `RSS samples ${rssSamples.map((bytes) => Math.round(bytes / 1e6)).join(', ')} MB; ${bytesSent} bytes sent`;
    expect(bytesSent, 'the messages should carry more than the bound').toBeGreaterThan(rssGrowthLimit);
    expect(growth, figures).toBeLessThan(rssGrowthLimit);
    console.log(`fuzz: replies ${JSON.stringify(Object.fromEntries(codes))}; ${figures}`);
  });
});
