// The boundary every transport shares: unknown calls, argument validation naming the field,
// handler errors turned into envelopes with their code; huge and cyclic arguments refused first.

import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { dispatchCall } from '../../../src/main/services/dispatch';
import type { Handlers } from '../../../src/main/services/handler';

// Only the system calls are exercised; the other domains' handlers are not needed here.
const systemOnly: Pick<Handlers, 'system.info' | 'system.ping'> = {
  'system.info': async () => {
    throw new ApiError('unavailable', 'engine host is down');
  },
  'system.ping': async ({ message }) => ({ message, receivedAt: 'now' }),
};
const handlers = systemOnly as Handlers;

describe('dispatchCall', () => {
  it('runs a valid call', async () => {
    expect(await dispatchCall(handlers, 'system.ping', { message: 'hi' })).toEqual({
      ok: true,
      result: { message: 'hi', receivedAt: 'now' },
    });
  });

  it("passes the transport's context (the call's cancel signal and caller) on to the handler", async () => {
    const seen: unknown[] = [];
    const recording = {
      ...systemOnly,
      'system.ping': async ({ message }, context) => {
        seen.push(context?.signal, context?.caller);
        return { message, receivedAt: 'now' };
      },
    } as Handlers;
    const [call, caller] = [new AbortController(), {}];
    await dispatchCall(recording, 'system.ping', { message: 'hi' }, { signal: call.signal, caller });
    expect(seen[0]).toBe(call.signal);
    expect(seen[1]).toBe(caller);
  });

  it('names the field of a wrong type', async () => {
    const envelope = await dispatchCall(handlers, 'system.ping', { message: 42 });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(!envelope.ok && envelope.error.message).toMatch(/system\.ping: field 'message': expected string/);
  });

  it('says a bound the schema gives no words of its own in words that name the field', async () => {
    const envelope = await dispatchCall(handlers, 'system.ping', { message: 'x'.repeat(10_001) });
    expect(!envelope.ok && envelope.error.message).toBe(
      "Invalid argument for system.ping: field 'message': message may have at most 10000 characters",
    );
  });

  it('names a missing field and an unknown one', async () => {
    const missing = await dispatchCall(handlers, 'system.ping', {});
    expect(!missing.ok && missing.error.message).toContain("field 'message'");
    const extra = await dispatchCall(handlers, 'system.ping', { message: 'x', colour: 'red' });
    expect(!extra.ok && extra.error.message).toContain("unknown field 'colour'");
  });

  it('rejects non-object arguments and non-string names', async () => {
    const wrongArgs = await dispatchCall(handlers, 'system.ping', 'hello');
    expect(wrongArgs).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const wrongName = await dispatchCall(handlers, 7, {});
    expect(wrongName).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(!wrongName.ok && wrongName.error.message).toContain("'call'");
  });

  it('answers unknown calls with not_found listing the known ones', async () => {
    const envelope = await dispatchCall(handlers, 'runs.unknown', {});
    expect(envelope).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(!envelope.ok && envelope.error.message).toContain('system.info, system.ping');
  });

  it("quotes at most 80 characters of a caller's own text and names at most five unknown fields", async () => {
    const long = 'x'.repeat(1_000_000);
    const unknownCall = await dispatchCall(handlers, long, {});
    expect(!unknownCall.ok && unknownCall.error.message).toMatch(/^Unknown call 'x{79}…'; expected one of: /);
    const fields = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`${i}${long}`, 1]));
    const extra = await dispatchCall(handlers, 'system.ping', { message: 'x', ...fields });
    expect(!extra.ok && extra.error.message).toBe(
      `Invalid argument for system.ping: unknown field ${[0, 1, 2, 3, 4].map((i) => `'${i}${'x'.repeat(78)}…'`).join(', ')} and 2 more`,
    );
    const choice = await dispatchCall(handlers, 'runs.start', { config: { masking: long } });
    expect(!choice.ok && choice.error.message.length).toBeLessThan(1000);
  });

  it('refuses arguments of more than 250,000 values, nested ones counted, before judging them one by one', async () => {
    const manyFields = Object.fromEntries(Array.from({ length: 700_000 }, (_, i) => [`k${i}`, i]));
    const envelope = await dispatchCall(handlers, 'system.ping', manyFields);
    expect(!envelope.ok && envelope.error.message).toBe(
      'Invalid argument for system.ping: over 250,000 values; no call takes that many',
    );
    const nested = { message: 'x', deep: [Array.from({ length: 150_000 }, () => [0])] };
    const nestedEnvelope = await dispatchCall(handlers, 'system.ping', nested);
    expect(!nestedEnvelope.ok && nestedEnvelope.error.message).toContain('over 250,000 values');
  });

  it('counts a list by its length, as JSON writes it, holes included', async () => {
    // Electron's IPC clones a sparse list as it is: `new Array(1e9)` arrives with no items at all,
    // and a schema would then walk its whole length.
    for (const list of [new Array(1e9), Array.from({ length: 3_000_000 }, (_, i) => i)]) {
      const envelope = await dispatchCall(handlers, 'system.ping', { message: 'x', list });
      expect(!envelope.ok && envelope.error.message).toBe(
        'Invalid argument for system.ping: over 250,000 values; no call takes that many',
      );
    }
  });

  it('says arguments that contain themselves are cyclic, not that they are too many', async () => {
    const cyclic: Record<string, unknown> = { message: 'hi' };
    cyclic.self = cyclic;
    const top = await dispatchCall(handlers, 'system.ping', cyclic);
    expect(top).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(!top.ok && top.error.message).toBe(
      "Invalid argument for system.ping: field 'self' holds an object that contains it (a cyclic object); " +
        'arguments must be plain data, as JSON can write it',
    );
    const inner: unknown[] = [1];
    inner.push({ back: inner });
    const deep = await dispatchCall(handlers, 'system.ping', { message: 'hi', list: [inner] });
    expect(!deep.ok && deep.error.message).toContain("field 'list.0.1.back' holds an object that contains it");
  });

  it('takes an object held twice side by side, which is no cycle', async () => {
    const shared = { note: 'same' };
    const envelope = await dispatchCall(handlers, 'system.ping', { message: 'hi', a: shared, b: [shared, shared] });
    // The schema refuses the extra fields; the walk does not call them cyclic.
    expect(!envelope.ok && envelope.error.message).toMatch(/unknown field 'a', 'b'/);
  });

  it('keeps the code and message of handler errors', async () => {
    expect(await dispatchCall(handlers, 'system.info', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'engine host is down' },
    });
  });

  it('says an unexpected error that met a full disk as one, with what to do', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const failing = { ...systemOnly, 'system.info': () => Promise.reject(full) } as unknown as Handlers;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await dispatchCall(failing, 'system.info', {})).toEqual({
        ok: false,
        error: {
          code: 'internal',
          message:
            'The disk is full: free space on the disk it was writing to (on the data ' +
            "directory's, which `spanfill system` names, by deleting runs, models or datasets you no longer need), then try again",
        },
      });
      // The machine's state, not a fault: no stack in the log.
      expect(quiet).not.toHaveBeenCalled();
      const readOnly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
      const locked = { ...systemOnly, 'system.info': () => Promise.reject(readOnly) } as unknown as Handlers;
      expect(await dispatchCall(locked, 'system.info', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(quiet).not.toHaveBeenCalled();
      // One already said in words, without Node's (an export's, services/export.ts sayingWhichDiskIsFull).
      const worded = new Error(
        'Could not write /out/model.onnx. The disk is full: free space on the disk that holds /out, then try again',
      );
      const said = { ...systemOnly, 'system.info': () => Promise.reject(worded) } as unknown as Handlers;
      expect(await dispatchCall(said, 'system.info', {})).toEqual({
        ok: false,
        error: { code: 'internal', message: worded.message },
      });
      expect(quiet).not.toHaveBeenCalled();
      await dispatchCall(
        { ...systemOnly, 'system.info': () => Promise.reject(new Error('bug')) } as unknown as Handlers,
        'system.info',
        {},
      );
      expect(quiet).toHaveBeenCalledTimes(1);
    } finally {
      quiet.mockRestore();
    }
  });

  it('answers a call whose caller left as cancelled, not as a fault, whatever its handler then threw', async () => {
    // `spanfill serve` stopping: its sockets close (each running call aborted), then the store
    // closes under a handler still awaiting, which throws better-sqlite3's TypeError.
    const caller = new AbortController();
    const closingUnder = {
      ...systemOnly,
      'system.info': async () => {
        caller.abort(new ApiError('cancelled', 'The connection that made the call closed'));
        await Promise.resolve();
        throw new TypeError('The database connection is not open');
      },
    } as unknown as Handlers;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await dispatchCall(closingUnder, 'system.info', {}, { signal: caller.signal })).toEqual({
        ok: false,
        error: { code: 'cancelled', message: 'The connection that made the call closed' },
      });
      expect(quiet).not.toHaveBeenCalled();
      // The same failure with the caller still there is a fault, logged.
      const stillThere = new AbortController();
      const failing = {
        ...systemOnly,
        'system.info': () => Promise.reject(new TypeError('The database connection is not open')),
      } as unknown as Handlers;
      expect(await dispatchCall(failing, 'system.info', {}, { signal: stillThere.signal })).toMatchObject({
        ok: false,
        error: { code: 'internal' },
      });
      expect(quiet).toHaveBeenCalledTimes(1);
    } finally {
      quiet.mockRestore();
    }
  });
});
