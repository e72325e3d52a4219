// Request targets that are not URL paths ("//", "http://[") against a real `spanfill serve`:
// `new URL` throws on them, and the WebSocket upgrade parsed its target before any Host, Origin
// or token check, so one such upgrade from any web page (`new WebSocket('ws://127.0.0.1:PORT//')`)
// ended the process. Each must get a 400 (plain HTTP: after the Host check, with the page's
// security headers), and the server must go on answering a client that was connected all along.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectServing, shareServeProcess } from '../../support/serve-process';

const shared = shareServeProcess();

/** Sends `head` (request line and headers, no token) on a raw socket; resolves with the whole reply. */
function rawRequest(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(shared.serve.port, '127.0.0.1', () => socket.write(`${head}\r\n`));
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no reply to ${head.split('\r\n')[0]}`)));
  });
}

const statusOf = (reply: string): number => Number(reply.split(' ')[1]);

const badTargets = ['//', 'http://[', 'http://a:99999/'];

describe('request targets that are not paths', () => {
  it.each(badTargets)('refuses a WebSocket upgrade of %j with 400, without the token, and goes on', async (target) => {
    const reply = await rawRequest(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${shared.serve.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n',
    );
    expect(statusOf(reply), reply).toBe(400);
    await expectServing(shared.serve, shared.bystander, `after an upgrade of ${target}`);
  });

  it.each(badTargets)('answers a plain GET of %j with 400 and the security headers', async (target) => {
    const reply = await rawRequest(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${shared.serve.port}\r\nConnection: close\r\n`,
    );
    expect(statusOf(reply), reply).toBe(400);
    expect(reply.toLowerCase()).toContain('content-security-policy:');
    expect(reply).not.toMatch(/Invalid URL|at .*\.js/);
    await expectServing(shared.serve, shared.bystander, `after a GET of ${target}`);
  });

  it('checks the Host before the target: a foreign Host gets 403 whatever the path', async () => {
    const reply = await rawRequest('GET // HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n');
    expect(statusOf(reply), reply).toBe(403);
  });
});
