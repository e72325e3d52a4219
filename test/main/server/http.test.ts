// The HTTP side of `spanfill serve` under hostile requests (issue #9's pass, kept as a suite):
// path traversal in every spelling, raw request targets no browser would send, bad or missing
// tokens, foreign Host and Origin headers, methods other than GET/HEAD, oversize headers and
// garbage. Requests are written by hand on a TCP socket (fetch would normalize them); after
// each group the server must still serve the page to a good request.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import { AppServices } from '../../../src/main/services/app';

let root: string;
let app: AppServices;
let server: RunningServer;
const secret = 'TOP-SECRET-OUTSIDE-THE-RENDERER';

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-http-'));
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>page</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'secret.txt'), secret);
  fs.mkdirSync(path.join(root, 'data'));
  app = new AppServices({ dataDir: path.join(root, 'data') });
  server = await startServer({ app, rendererDir });
});

afterAll(async () => {
  await server.close();
  await app.close();
  fs.rmSync(root, { recursive: true, force: true });
});

interface RawResponse {
  readonly status: number;
  readonly text: string;
}

/** Writes `head` (request line and headers, CRLF-joined, no final blank line) and reads to the end. */
function rawRequest(lines: readonly string[], body = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => {
      socket.write(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`);
    });
    let text = '';
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${lines[0]}`)));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('end', () => resolve({ status: Number(text.split(' ')[1]), text }));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      // The server may answer and reset before we finish writing an oversize request.
      error.code === 'ECONNRESET' && text ? resolve({ status: Number(text.split(' ')[1]), text }) : reject(error),
    );
  });
}

function host(): string {
  return `Host: 127.0.0.1:${server.port}`;
}

function get(target: string, headers: readonly string[] = [host()]): Promise<RawResponse> {
  return rawRequest([`GET ${target} HTTP/1.1`, ...headers]);
}

async function expectStillServing(): Promise<void> {
  const response = await get(`/?token=${server.token}`);
  expect(response.status).toBe(200);
  expect(response.text).toContain('<title>page</title>');
}

describe('paths', () => {
  const traversals = [
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/%252e%252e%252fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '//..//..//secret.txt',
    '/./.././secret.txt',
    '/..%00/secret.txt',
    `/${'../'.repeat(30)}etc/passwd`,
    '/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/etc/passwd',
    '../secret.txt',
    'secret.txt',
    '*',
    'http://127.0.0.1/../secret.txt',
  ];

  it.each(traversals)('never serves a file outside the renderer for %s', async (target) => {
    const separator = target.includes('?') ? '&' : '?';
    const response = await get(`${target}${separator}token=${server.token}`);
    expect(response.text).not.toContain(secret);
    expect(response.text).not.toMatch(/root:.*:0:0:/);
    expect([200, 400, 404]).toContain(response.status);
    // A 200 is the one-page app's fallback, never some other file.
    if (response.status === 200) expect(response.text).toContain('<title>page</title>');
  });

  it('answers malformed percent-encoding and NUL bytes with 404, not an error', async () => {
    for (const target of ['/%', '/%zz', '/%ff%fe', '/assets/%00.js', '/assets/app.js%00.html']) {
      const response = await get(`${target}?token=${server.token}`);
      expect(response.status, target).toBe(404);
    }
    await expectStillServing();
  });
});

describe('token', () => {
  it.each([
    ['no token', '/'],
    ['an empty token', '/?token='],
    ['a wrong token', '/?token=wrong'],
    ['a token one character short', () => `/?token=${server.token.slice(0, -1)}`],
    ['a token with a character more', () => `/?token=${server.token}x`],
    ['a token in another case', () => `/?token=${server.token.toUpperCase()}`],
    ['a 6 KB token', `/?token=${'a'.repeat(6000)}`],
  ])('answers 401 for %s', async (_label, target) => {
    const response = await get(typeof target === 'function' ? target() : target);
    expect(response.status).toBe(401);
    expect(response.text).not.toContain(server.token);
  });

  it('answers 401 for a wrong Bearer header or cookie', async () => {
    expect((await get('/', [host(), 'Authorization: Bearer wrong'])).status).toBe(401);
    expect((await get('/', [host(), `Authorization: Basic ${server.token}`])).status).toBe(401);
    const served = await get(`/?token=${server.token}`);
    const pageCookie = /\r\nset-cookie: ([^;\r]*)/i.exec(served.text)?.[1] ?? '';
    const [name, value] = pageCookie.split('=');
    expect(name).toBe(`spanfill_page_${server.port}`);
    expect((await get('/', [host(), `Cookie: ${name}=wrong`])).status).toBe(401);
    // The cookie is not the token: the token in its place opens nothing.
    expect((await get('/', [host(), `Cookie: ${name}=${server.token}`])).status).toBe(401);
    expect((await get('/', [host(), `Cookie: other_page=${value}`])).status).toBe(401);
    // A cookie is sent to every port of a host: another server's (named for its port) is not this one's.
    expect((await get('/', [host(), `Cookie: spanfill_page_${server.port + 1}=${value}`])).status).toBe(401);
    expect((await get('/', [host(), `Cookie: spanfill_page=${value}`])).status).toBe(401);
    // The right token or cookie in each place is accepted (so the refusals above are about the value).
    expect((await get('/', [host(), `Authorization: Bearer ${server.token}`])).status).toBe(200);
    expect((await get('/', [host(), `Cookie: ${pageCookie}`])).status).toBe(200);
    expect((await get('/', [host(), `Cookie: spanfill_page_1=x; ${pageCookie}`])).status).toBe(200);
  });

  it("takes a request when any token it carries is this launch's", async () => {
    expect((await get(`/?token=stale&token=${server.token}`)).status).toBe(200);
    expect((await get('/?token=stale', [host(), `Authorization: Bearer ${server.token}`])).status).toBe(200);
    expect((await get('/?token=stale', [host(), 'Authorization: Bearer stale'])).status).toBe(401);
    // A tab opened before a restart keeps its old token, which no cookie makes good (page-cookie.test.ts).
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=stale`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.close();
  });
});

describe('Host and Origin', () => {
  it.each([
    ['no Host header', []],
    ['a foreign Host', ['Host: evil.example']],
    ['the right address on another port', ['Host: 127.0.0.1:1']],
    ['no port', ['Host: 127.0.0.1']],
    ['a suffix', () => [`Host: 127.0.0.1:${server.port}.evil.example`]],
    ['a userinfo trick', () => [`Host: evil.example@127.0.0.1:${server.port}`]],
    ['two Host headers', () => ['Host: evil.example', host()]],
  ])('answers 403 (or 400) for %s, token or not', async (_label, headers) => {
    const list = typeof headers === 'function' ? headers() : headers;
    const response = await rawRequest([`GET /?token=${server.token} HTTP/1.1`, ...list]);
    expect([400, 403]).toContain(response.status);
    expect(response.text).not.toContain('<title>page</title>');
  });

  it('says what a refused Host means for a tunnel: forward the same port number', async () => {
    const response = await rawRequest([`GET /?token=${server.token} HTTP/1.1`, 'Host: 127.0.0.1:9000']);
    expect(response.status).toBe(403);
    const port = server.port;
    expect(response.text).toContain(
      `Forbidden: this server answers only to http://127.0.0.1:${port}/ and http://localhost:${port}/. ` +
        `Through a tunnel, forward the same port number (ssh -L ${port}:127.0.0.1:${port} HOST)`,
    );
  });

  it.each([
    'null',
    'https://evil.example',
    'http://127.0.0.1',
    'https://127.0.0.1:PORT',
    'http://127.0.0.1:PORT.evil.example',
    'http://evil.example#http://127.0.0.1:PORT',
  ])('refuses a WebSocket upgrade from Origin %s with 403', async (origin) => {
    const response = await rawRequest([
      `GET /ws?token=${server.token} HTTP/1.1`,
      host(),
      `Origin: ${origin.replace('PORT', String(server.port))}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
    ]);
    expect(response.status).toBe(403);
  });

  it('refuses an upgrade on another path (404), without the token (401), or with a bad handshake (400)', async () => {
    const upgrade = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13'];
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';
    expect((await rawRequest([`GET /other?token=${server.token} HTTP/1.1`, host(), ...upgrade, key])).status).toBe(404);
    expect((await rawRequest(['GET /ws HTTP/1.1', host(), ...upgrade, key])).status).toBe(401);
    expect((await rawRequest([`GET /ws?token=${server.token} HTTP/1.1`, host(), ...upgrade])).status).toBe(400);
    await expectStillServing();
  });
});

describe('methods, sizes and garbage', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'])('answers %s with 405', async (method) => {
    const response = await rawRequest(
      [`${method} /?token=${server.token} HTTP/1.1`, host(), 'Content-Length: 5'],
      'hello',
    );
    expect(response.status).toBe(405);
    expect(response.text).toMatch(/\r\nallow: GET, HEAD\r\n/i);
  });

  it('answers 431 to oversize headers and goes on serving', async () => {
    const response = await get(`/?token=${server.token}`, [host(), `X-Big: ${'a'.repeat(64 * 1024)}`]);
    expect(response.status).toBe(431);
    const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${'b'.repeat(20)}`);
    expect((await get(`/?token=${server.token}`, [host(), ...many])).status).toBe(431);
    await expectStillServing();
  });

  it('answers garbage with 400 and goes on serving', async () => {
    for (const line of ['\u0000\u0001\u0002', 'GET', 'GET / HTTP/9.9', 'HELLO WORLD', `GET /\u0007 HTTP/1.1`]) {
      const response = await rawRequest([line, host()]);
      expect([400, 505], JSON.stringify(line)).toContain(response.status);
    }
    await expectStillServing();
  });
});
