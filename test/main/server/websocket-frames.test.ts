// Malformed WebSocket frames against a real `spanfill serve` (issue #9, item 1): each kind an
// attacker holding the token can send over a raw TCP socket after a real upgrade. The server
// must close that socket with the RFC 6455 close code for the fault (1002 protocol error,
// 1007 invalid payload, 1009 too big) and go on serving a client that was connected all along
// and a new one. Also the size limit itself: a frame of exactly maxCallFrameBytes is answered,
// one byte more is refused with 1009. And the nesting limit: a frame of 4 million nested `[`
// is refused by its id before it is parsed, and another client is answered meanwhile; so are a
// frame of more values than any call takes and one with an object wider than any call takes.

import { describe, expect, it } from 'vitest';
import { contract, listCallNames } from '../../../src/shared/contract';
import { maxFrameObjectFields } from '../../../src/main/server/server';
import { maxCallFrameBytes, maxCallFrameDepth } from '../../../src/shared/limits';
import { wsPath } from '../../../src/shared/ws-protocol';
import { buildFrame, openRawWebSocket, type FrameParts } from '../../support/raw-websocket';
import { connectClient, exchange, expectServing, shareServeProcess } from '../../support/serve-process';

const mib = 1024 * 1024;
const text = 0x1;
const close = 0x8;
const ping = 0x9;

function closePayload(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return payload;
}

/** The eight kinds that killed the server (issue #9), each with the code RFC 6455 gives it. */
const malformedFrames: { name: string; frame: FrameParts; expectedCode: number }[] = [
  { name: 'a header announcing 17 MiB', frame: { opcode: text, announcedLength: 17 * mib }, expectedCode: 1009 },
  {
    name: 'invalid UTF-8 in a text frame',
    frame: { opcode: text, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
    expectedCode: 1007,
  },
  {
    name: 'RSV1 set without an extension',
    frame: { opcode: text, rsv1: true, payload: Buffer.from('{}') },
    expectedCode: 1002,
  },
  {
    name: 'an unmasked client frame',
    frame: { opcode: text, masked: false, payload: Buffer.from('{}') },
    expectedCode: 1002,
  },
  { name: 'a ping over 125 bytes', frame: { opcode: ping, payload: Buffer.alloc(126, 0x61) }, expectedCode: 1002 },
  { name: 'close code 999', frame: { opcode: close, payload: closePayload(999) }, expectedCode: 1002 },
  { name: 'opcode 3 (reserved)', frame: { opcode: 0x3, payload: Buffer.from('{}') }, expectedCode: 1002 },
  {
    name: 'a continuation frame with no start',
    frame: { opcode: 0x0, payload: Buffer.from('{}') },
    expectedCode: 1002,
  },
];

/** Calls `visit` with every schema in every call's arguments, nested ones (fields, items, options) too. */
function visitArgumentSchemas(visit: (schema: object) => void): void {
  const walk = (schema: unknown, depth: number): void => {
    if (depth > 8 || typeof schema !== 'object' || schema === null) return;
    visit(schema);
    const def = (schema as { def?: Record<string, unknown> }).def ?? {};
    const shape = (schema as { shape?: Record<string, unknown> }).shape ?? {};
    const options = Array.isArray(def.options) ? (def.options as unknown[]) : [];
    for (const child of [...Object.values(shape), ...options, def.innerType, def.element, def.in, def.out])
      walk(child, depth + 1);
  };
  for (const name of listCallNames()) {
    const [domain, call] = name.split('.') as [keyof typeof contract, string];
    walk((contract[domain] as Record<string, { args: unknown }>)[call].args, 0);
  }
}

const shared = shareServeProcess();

describe('malformed frames', () => {
  it.each(malformedFrames)('$name: closes that socket with $expectedCode, the server goes on', async (kind) => {
    const raw = await openRawWebSocket(shared.serve.port, `${wsPath}?token=${shared.serve.token}`);
    raw.socket.write(buildFrame(kind.frame));
    expect(await raw.closeCode()).toBe(kind.expectedCode);
    await expectServing(shared.serve, shared.bystander, `still here after ${kind.name}`);
    const fresh = await connectClient(shared.serve);
    try {
      await expectServing(shared.serve, fresh, 'a new client');
    } finally {
      fresh.close();
    }
  });
});

describe('the frame size limit', () => {
  /** A valid system.ping frame padded with JSON whitespace to exactly `bytes` bytes. */
  function pingOfSize(bytes: number): string {
    const core = JSON.stringify({ id: 7, call: 'system.ping', args: { message: 'big' } });
    return core.slice(0, -1) + ' '.repeat(bytes - core.length) + '}';
  }

  it('fits the largest string any call accepts, fully escaped (derived from the contract)', () => {
    // Every string's .max() in every call's argument schema; JSON escapes one UTF-16 unit in at
    // most 6 bytes (\u0000), so such a value must fit in one frame with room for the envelope.
    let largest = 0;
    visitArgumentSchemas((schema) => {
      const maxLength = (schema as { maxLength?: unknown }).maxLength;
      if (typeof maxLength === 'number') largest = Math.max(largest, maxLength);
    });
    expect(largest).toBeGreaterThanOrEqual(1_000_000); // masking.preview's text, at least
    expect(maxCallFrameBytes).toBeGreaterThanOrEqual(6 * largest + 64 * 1024);
  });

  it(`answers a frame of exactly maxCallFrameBytes (${maxCallFrameBytes} bytes)`, async () => {
    const socket = await connectClient(shared.serve);
    try {
      const frame = pingOfSize(maxCallFrameBytes);
      expect(Buffer.byteLength(frame)).toBe(maxCallFrameBytes);
      expect(await exchange(socket, frame)).toMatchObject({
        id: 7,
        response: { ok: true, result: { message: 'big' } },
      });
    } finally {
      socket.close();
    }
  });

  it('refuses one byte more with 1009 and serves the others', async () => {
    const socket = await connectClient(shared.serve);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(pingOfSize(maxCallFrameBytes + 1));
    expect(await closed).toBe(1009);
    await expectServing(shared.serve, shared.bystander, 'still here after an oversize frame');
  });
});

describe('the frame nesting, values and object fields limits', () => {
  it(`leaves room for the widest object any call takes (derived from the contract)`, () => {
    let widest = 0;
    visitArgumentSchemas((schema) => {
      const shape = (schema as { shape?: Record<string, unknown> }).shape;
      if (shape !== undefined) widest = Math.max(widest, Object.keys(shape).length);
    });
    expect(widest).toBeGreaterThanOrEqual(5); // some call takes that many fields, so the walk saw them
    expect(maxFrameObjectFields).toBeGreaterThanOrEqual(10 * widest);
  });

  const depth = 4_000_000; // about 8 MB, under maxCallFrameBytes: 12 s of JSON.parse
  const fields = (count: number): Record<string, number> =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 0]));
  it.each([
    {
      name: `a frame nested over ${maxCallFrameDepth} deep`,
      text: `{"id":11,"call":"system.ping","args":{"message":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
      message: expect.stringContaining(`more than ${maxCallFrameDepth} deep`),
    },
    {
      // JSON.parse and zod held the server 2.7 s over this one.
      name: 'an object of 700,000 fields',
      text: JSON.stringify({ id: 11, call: 'system.ping', args: fields(700_000) }),
      message: expect.stringMatching(/^Frame has an object of over /),
    },
    {
      name: 'a list of 2,500,000 items',
      text: JSON.stringify({ id: 11, call: 'system.ping', args: { message: 'x', list: Array(2_500_000).fill([]) } }),
      message: expect.stringMatching(/^Frame holds over /),
    },
  ])('refuses $name by its id before reading it, and serves the others', async ({ text, message }) => {
    const socket = await connectClient(shared.serve);
    try {
      expect(Buffer.byteLength(text)).toBeLessThan(maxCallFrameBytes);
      const [refused] = await Promise.all([
        exchange(socket, text),
        expectServing(shared.serve, shared.bystander, 'answered beside a refused frame'),
      ]);
      expect(refused).toEqual({
        kind: 'response',
        id: 11,
        response: { ok: false, error: { code: 'invalid_argument', message } },
      });
      await expectServing(shared.serve, socket, 'the same socket goes on');
    } finally {
      socket.close();
    }
  });
});
