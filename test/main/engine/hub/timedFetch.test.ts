// hub/timedFetch.ts against local servers: no headers in time is a HubTimeoutError, a body that
// keeps bringing bytes is never cut however long it takes in all, one that stops is, and the
// person's own abort passes through as an abort.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HubTimeoutError } from '../../../../src/main/engine/hub/errors';
import { TimedFetch } from '../../../../src/main/engine/hub/timedFetch';

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server answering every request with `handler`; its address. */
async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
}

/** Sends `chunks` chunks of 4 bytes, `everyMs` apart; `stopAfter` chunks, then nothing more. */
function trickle(chunks: number, everyMs: number, stopAfter = chunks): http.RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Length': String(chunks * 4) });
    let sent = 0;
    const timer = setInterval(() => {
      if (sent === stopAfter) return clearInterval(timer);
      res.write('abcd');
      if (++sent === chunks) {
        clearInterval(timer);
        res.end();
      }
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('TimedFetch', () => {
  it('ends a request whose headers do not come in time', async () => {
    const url = await serve(() => undefined);
    const timed = new TimedFetch(undefined, { headersMs: 200, idleMs: 5000 });
    const error = await failure(timed.fetch(url));
    expect(error).toBeInstanceOf(HubTimeoutError);
    expect(error).toMatchObject({ phase: 'headers', message: 'no answer in 0.2 s' });
    // Found again from its message alone, as the client's WebBlob.stream() passes it on.
    expect(timed.explain((error as Error).message)).toBe(error);
    expect(timed.explain('fetch failed')).toBe('fetch failed');
  });

  it('lets a body that keeps coming take longer in all than the idle limit', async () => {
    const url = await serve(trickle(8, 100));
    const timed = new TimedFetch(undefined, { headersMs: 2000, idleMs: 400 });
    const startedAt = Date.now();
    const response = await timed.fetch(url);
    expect(await response.text()).toBe('abcd'.repeat(8));
    expect(Date.now() - startedAt).toBeGreaterThan(600);
    expect(response.url).toBe(url);
  });

  it('ends a body that stops coming, after the bytes that came', async () => {
    const url = await serve(trickle(8, 20, 3));
    const timed = new TimedFetch(undefined, { headersMs: 2000, idleMs: 300 });
    const reader = (await timed.fetch(url)).body?.getReader();
    let bytes = 0;
    const error = await failure(
      (async () => {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) return;
          bytes += value.byteLength;
        }
      })(),
    );
    expect(bytes).toBe(12);
    expect(error).toMatchObject({ name: 'HubTimeoutError', phase: 'body', message: 'no bytes for 0.3 s' });
  });

  it("passes the person's abort through as it is", async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    const timed = new TimedFetch(controller.signal, { headersMs: 5000, idleMs: 5000 });
    setTimeout(() => controller.abort(new DOMException('Cancelled', 'AbortError')), 100);
    const error = await failure(timed.fetch(url));
    expect(error).toMatchObject({ name: 'AbortError', message: 'Cancelled' });
  });
});
