// Browser-mode server tests: token on HTTP and WebSocket (401 without), Host and Origin
// checks, loopback-only binding, CSP headers, calls and events over the socket, a closed
// socket's running calls aborted, each socket a caller of its own (its Stop stops its fills
// only), and malformed calls answered with invalid_argument naming the field.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import { AppServices } from '../../../src/main/services/app';
import { decodeServerFrame, type WsServerFrame } from '../../../src/shared/ws-protocol';

let dataDir: string;
let rendererDir: string;
let app: AppServices;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-server-'));
  // The renderer folder sits inside its own temp folder, next to a file it must never serve.
  rendererDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-renderer-')), 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(path.dirname(rendererDir), 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  app = new AppServices({ dataDir });
  server = await startServer({ app, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(path.dirname(rendererDir), { recursive: true, force: true });
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${pathAndQuery}`, { headers });
}

describe('HTTP', () => {
  it('answers 401 without the token, and with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
  });

  it('serves the page with the token, sets a cookie for its later files and a strict CSP', async () => {
    const response = await get(`/?token=${server.token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>t</title>');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // The page's socket is its own origin, which 'self' admits (CSP3): nothing else, not even
    // this server under its other name (127.0.0.1 for a page opened as localhost).
    expect(csp.split('; ').filter((directive) => directive.startsWith('connect-src'))).toEqual(["connect-src 'self'"]);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    // Named for the port, so a second server on this machine does not replace it in the browser.
    expect(cookie).toMatch(new RegExp(`^spanfill_page_${server.port}=`));
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await get('/assets/app.js', { cookie: cookie.split(';')[0] });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(
          `GET /?token=${server.token} HTTP/1.1\r\nHost: evil.example:${server.port}\r\nConnection: close\r\n\r\n`,
        );
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(Number(text.split(' ')[1])));
      socket.on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('never serves files outside the renderer directory', async () => {
    const response = await get(`/..%2fsecret.txt?token=${server.token}`);
    expect(await response.text()).not.toContain('secret');
  });
});

/** Try a TCP connection; resolves 'connected' or the error code (ECONNREFUSED, ...). */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = net.connect({ port, host, timeout: 2000 });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/**
 * This machine's own addresses other than 127.0.0.1: its non-loopback interfaces (IPv6
 * link-local left out, it needs a scope id). NOTE: a machine with no network at all still
 * has 127.0.0.2, which Linux routes to lo but a socket bound to 127.0.0.1 does not accept.
 */
function otherAddresses(): { address: string; wildcard: string }[] {
  const found = Object.values(os.networkInterfaces())
    .flatMap((infos) => infos ?? [])
    .filter((info) => !info.internal && !info.address.startsWith('fe80:'))
    .map((info) => ({ address: info.address, wildcard: info.family === 'IPv6' ? '::' : '0.0.0.0' }));
  if (found.length === 0 && process.platform === 'linux') return [{ address: '127.0.0.2', wildcard: '0.0.0.0' }];
  return found;
}

describe('binding', () => {
  it('listens on 127.0.0.1 only: a connection to another address of this machine is refused', async () => {
    const addresses = otherAddresses();
    expect(addresses.length).toBeGreaterThan(0);
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
    expect(await tryConnect('127.0.0.1', server.port)).toBe('connected');
    for (const { address, wildcard } of addresses) {
      // The control: a server listening on every address is reachable there, so a refusal
      // below means our server is not listening there, not that the address is unreachable.
      const control = net.createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => control.listen(0, wildcard, resolve));
      try {
        const controlPort = (control.address() as net.AddressInfo).port;
        expect(await tryConnect(address, controlPort), `control server on ${address}`).toBe('connected');
      } finally {
        await new Promise<void>((resolve) => control.close(() => resolve()));
      }
      expect(await tryConnect(address, server.port), `spanfill serve on ${address}`).toBe('ECONNREFUSED');
    }
  });
});

function openSocket(options: { token?: string; origin?: string }): Promise<WebSocket> {
  const query = options.token === undefined ? '' : `?token=${options.token}`;
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, {
    headers: options.origin ? { Origin: options.origin } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

function nextFrame(
  socket: WebSocket,
  predicate: (frame: WsServerFrame) => boolean = () => true,
): Promise<WsServerFrame> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      // As the page reads them (ws-bridge.ts).
      const frame = decodeServerFrame(data.toString());
      if (!predicate(frame)) return;
      socket.off('message', onMessage);
      resolve(frame);
    };
    socket.on('message', onMessage);
  });
}

describe('WebSocket', () => {
  it('answers 401 without the token and 403 for a foreign Origin', async () => {
    await expect(openSocket({})).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: 'nope' })).rejects.toThrow('HTTP 401');
    await expect(openSocket({ token: server.token, origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    // Another local port is another origin (some other local web app), refused too.
    const otherPort = `http://127.0.0.1:${server.port + 1}`;
    await expect(openSocket({ token: server.token, origin: otherPort })).rejects.toThrow('HTTP 403');
    const page = await openSocket({ token: server.token, origin: `http://localhost:${server.port}` });
    page.close();
  });

  it('runs calls and returns envelopes under the same id', async () => {
    const socket = await openSocket({ token: server.token, origin: `http://127.0.0.1:${server.port}` });
    try {
      const reply = nextFrame(socket);
      socket.send(JSON.stringify({ id: 41, call: 'system.ping', args: { message: 'over the wire' } }));
      expect(await reply).toMatchObject({
        kind: 'response',
        id: 41,
        response: { ok: true, result: { message: 'over the wire' } },
      });
    } finally {
      socket.close();
    }
  });

  it('answers a malformed call with invalid_argument naming the field', async () => {
    const socket = await openSocket({ token: server.token });
    try {
      let reply = nextFrame(socket);
      socket.send(JSON.stringify({ id: 1, call: 'system.ping', args: { message: 12 } }));
      const frame = await reply;
      expect(frame).toMatchObject({
        kind: 'response',
        id: 1,
        response: { ok: false, error: { code: 'invalid_argument' } },
      });
      expect(JSON.stringify(frame)).toContain("field 'message'");

      reply = nextFrame(socket);
      socket.send('{not json');
      expect(await reply).toMatchObject({
        id: null,
        response: { ok: false, error: { code: 'invalid_argument', message: 'Frame is not valid JSON' } },
      });

      reply = nextFrame(socket);
      socket.send(JSON.stringify({ id: 'x', call: 'system.ping' }));
      expect(JSON.stringify(await reply)).toContain("Field 'id'");
    } finally {
      socket.close();
    }
  });

  it("aborts the signal of a call still running when its socket closes, and not another socket's", async () => {
    // The real road from the socket to the engine host, whose requests are held here: a fill
    // that never ends until its signal aborts.
    const asked: AbortSignal[] = [];
    const request = vi.spyOn(app.engine, 'request').mockImplementation((_type, _payload, options) => {
      if (options?.signal) asked.push(options.signal);
      return new Promise(() => undefined);
    });
    const closing = await openSocket({ token: server.token });
    const staying = await openSocket({ token: server.token });
    try {
      const args = { modelDir: path.join(dataDir, 'model'), prompt: 'The <extra_id_0> walks' };
      closing.send(JSON.stringify({ id: 1, call: 'playground.fill', args }));
      staying.send(JSON.stringify({ id: 1, call: 'playground.fill', args }));
      await vi.waitFor(() => expect(asked).toHaveLength(2));
      expect(asked.map((signal) => signal.aborted)).toEqual([false, false]);
      closing.close();
      await vi.waitFor(() => expect(asked.filter((signal) => signal.aborted)).toHaveLength(1));
      const aborted = asked.find((signal) => signal.aborted);
      expect(aborted?.reason).toMatchObject({ code: 'cancelled' });
      // The other socket's call goes on.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(asked.filter((signal) => !signal.aborted)).toHaveLength(1);
    } finally {
      staying.close();
      request.mockRestore();
    }
  });

  it("gives each socket's calls a caller of their own: a Stop stops that socket's fills only", async () => {
    // The real road to the engine host, whose requests are held here until their signal aborts.
    const asked: AbortSignal[] = [];
    const request = vi.spyOn(app.engine, 'request').mockImplementation((_type, _payload, options) => {
      const signal = options?.signal;
      if (signal) asked.push(signal);
      return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
    });
    const stopping = await openSocket({ token: server.token });
    const other = await openSocket({ token: server.token });
    try {
      const fill = {
        id: 1,
        call: 'playground.fill',
        args: { modelDir: path.join(dataDir, 'model'), prompt: 'A <extra_id_0>' },
      };
      const isAnswer = (id: number) => (frame: WsServerFrame) => frame.kind === 'response' && frame.id === id;
      const stoppedFill = nextFrame(stopping, isAnswer(1));
      stopping.send(JSON.stringify(fill));
      await vi.waitFor(() => expect(asked).toHaveLength(1));
      other.send(JSON.stringify(fill));
      await vi.waitFor(() => expect(asked).toHaveLength(2));
      const stopped = nextFrame(stopping, isAnswer(2));
      stopping.send(JSON.stringify({ id: 2, call: 'playground.stop' }));
      expect(await stopped).toMatchObject({ response: { ok: true, result: { stopped: 1 } } });
      expect(await stoppedFill).toMatchObject({ response: { ok: false, error: { code: 'cancelled' } } });
      expect(asked.map((signal) => signal.aborted)).toEqual([true, false]);
    } finally {
      stopping.close();
      other.close();
      request.mockRestore();
    }
  });

  it('pushes events from the services to connected clients', async () => {
    const socket = await openSocket({ token: server.token });
    try {
      const frame = nextFrame(socket, (candidate) => candidate.kind === 'event');
      app.events.emit('runs.metrics', { runId: 'r1', points: [{ step: 5, name: 'loss', value: 1.5 }] });
      expect(await frame).toEqual({
        kind: 'event',
        event: 'runs.metrics',
        payload: { runId: 'r1', points: [{ step: 5, name: 'loss', value: 1.5 }] },
      });
    } finally {
      socket.close();
    }
  });

  it("carries numbers JSON cannot hold (a diverged loss) to the page's decoder as those numbers", async () => {
    const socket = await openSocket({ token: server.token });
    const call = vi.spyOn(app, 'call').mockResolvedValue({ ok: true, result: { eval: { loss: -Infinity } } });
    try {
      const event = nextFrame(socket, (candidate) => candidate.kind === 'event');
      const points = [
        { step: 5, name: 'loss', value: NaN },
        { step: 5, name: 'gradNorm', value: Infinity },
      ];
      app.events.emit('runs.metrics', { runId: 'r1', points });
      expect(await event).toEqual({ kind: 'event', event: 'runs.metrics', payload: { runId: 'r1', points } });
      const answer = nextFrame(socket, (candidate) => candidate.kind === 'response');
      socket.send(JSON.stringify({ id: 42, call: 'runs.get', args: { id: 'r1' } }));
      expect(await answer).toEqual({
        kind: 'response',
        id: 42,
        response: { ok: true, result: { eval: { loss: -Infinity } } },
      });
    } finally {
      call.mockRestore();
      socket.close();
    }
  });
});
