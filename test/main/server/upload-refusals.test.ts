// How `spanfill serve` ends a refused upload chunk whose body the client is still sending: the
// answer goes out at once and the connection does not wait on a client that stops sending
// (Node would hold it for its 300 s request timeout). A body larger than a chunk is not read at
// all; one of at most a chunk is read for a short while, so that a browser, which reads the
// answer once it has sent the body, sees the message rather than a reset.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { maxChunkBytes, useUploadServer } from './uploadBench';

const refusedBodyMs = 300;
const bench = useUploadServer({ refusedBodyMs });

interface Stalled {
  /** What the server sent before it closed the connection. */
  readonly text: string;
  /** Milliseconds from the request to the connection's close. */
  readonly closedAfterMs: number;
}

/**
 * A PUT declaring `contentLength` bytes that sends only `sent` of them and then waits; resolves
 * once the server closes the connection, or rejects after `giveUpMs`.
 */
function stalledChunk(target: string, contentLength: number, sent: number, giveUpMs = 5000): Promise<Stalled> {
  const { port, token } = bench.server;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let text = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `PUT ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Length: ${contentLength}\r\n\r\n${'a'.repeat(sent)}`,
      );
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after ${giveUpMs} ms; received: ${JSON.stringify(text)}`));
    }, giveUpMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', () => undefined); // a reset after the answer is a close too
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
  });
}

describe('a refused chunk whose client stops sending', () => {
  it('over the chunk limit: answered with 413 at once and the connection closed, the body not awaited', async () => {
    const stalled = await stalledChunk('/upload/refused-big-1?name=a.txt&offset=0&total=10', maxChunkBytes + 1, 10);
    expect(stalled.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(stalled.text).toMatch(/connection: close/i);
    expect(stalled.text).toContain('A chunk may carry at most 400 bytes');
    expect(stalled.closedAfterMs).toBeLessThan(refusedBodyMs + 2000);
  });

  it('within the chunk limit: answered at once, the connection closed once the wait for its body ends', async () => {
    // Offset 5 of a file not yet there: refused (409) before any byte is written.
    const stalled = await stalledChunk('/upload/refused-small-1?name=a.txt&offset=5&total=100', 100, 10);
    expect(stalled.text).toMatch(/^HTTP\/1\.1 409 /);
    expect(stalled.text).toContain('send the chunk at offset 0, not 5');
    expect(stalled.closedAfterMs).toBeGreaterThanOrEqual(refusedBodyMs - 50);
    expect(stalled.closedAfterMs).toBeLessThan(refusedBodyMs + 2000);
  });

  it('a refused chunk whose body does arrive is answered, and the server takes the next request', async () => {
    const refused = await bench.put('refused-whole-1', 'a.txt', 5, 100, Buffer.alloc(100, 0x61));
    expect(refused.status).toBe(409);
    const taken = await bench.put('refused-whole-1', 'a.txt', 0, 3, Buffer.from('abc'));
    expect(taken.status).toBe(200);
  });
});
