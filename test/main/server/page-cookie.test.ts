// The cookie `spanfill serve` sets with the page: browsers send a host's cookies to every port
// of it, so any other web service on 127.0.0.1 (Jupyter, TensorBoard, a forwarded port) sees
// it. It must only let a tab reload the page's files, never reach the API (/ws, /upload/), and
// its value must not be, contain or follow from the token.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import { AppServices } from '../../../src/main/services/app';

let root: string;
let rendererDir: string;
let app: AppServices;
let server: RunningServer;
/** `name=value` of the cookie the page was served with. */
let cookie: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-cookie-'));
  rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>page</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  app = new AppServices({ dataDir: path.join(root, 'data') });
  server = await startServer({ app, rendererDir });
  cookie = await pageCookieOf(server);
});

afterAll(async () => {
  await server.close();
  await app.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** The `name=value` of the cookie that `target` (the page opened with the token) sets. */
async function pageCookieOf(target: RunningServer): Promise<string> {
  const response = await fetch(target.url);
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

function base(): string {
  return `http://127.0.0.1:${server.port}`;
}

/** The status a WebSocket handshake on `target` gets, 101 when it opens. */
function upgradeStatus(target: string, headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}${target}`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

describe('the page cookie', () => {
  it('is a secret of its own, named for the port, neither the token nor made from it', async () => {
    const [name, value] = cookie.split('=');
    expect(name).toBe(`spanfill_page_${server.port}`);
    expect(value.length).toBeGreaterThanOrEqual(32);
    expect(value).not.toBe(server.token);
    expect(value).not.toContain(server.token);
    expect(server.token).not.toContain(value);
    // Two launches with the same token (tests may fix it) get different cookies: it is drawn,
    // not derived from the token.
    const twin = await startServer({ app, rendererDir, token: server.token });
    try {
      expect((await pageCookieOf(twin)).split('=')[1]).not.toBe(value);
    } finally {
      await twin.close();
    }
  });

  it('lets a tab reload the page and its files without the token', async () => {
    const page = await fetch(`${base()}/#/settings`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>page</title>');
    expect((await fetch(`${base()}/assets/app.js`, { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('alone is refused on the WebSocket, with or without an Origin', async () => {
    expect(await upgradeStatus('/ws', { Cookie: cookie })).toBe(401);
    expect(await upgradeStatus('/ws', { Cookie: cookie, Origin: base() })).toBe(401);
    // A tab opened before a restart: its stale token is not made good by the new cookie.
    expect(await upgradeStatus('/ws?token=stale', { Cookie: cookie, Origin: base() })).toBe(401);
    // The control: the token opens it.
    expect(await upgradeStatus(`/ws?token=${server.token}`, { Cookie: cookie, Origin: base() })).toBe(101);
  });

  it('alone is refused on uploads, writing nothing', async () => {
    const uploads = path.join(root, 'data', 'uploads');
    const put = await fetch(`${base()}/upload/cookie-only-1?name=a.txt&offset=0&total=5`, {
      method: 'PUT',
      headers: { Cookie: cookie },
      body: 'hello',
    });
    expect(put.status).toBe(401);
    expect(fs.existsSync(path.join(uploads, 'cookie-only-1'))).toBe(false);
    const cancel = await fetch(`${base()}/upload/cookie-only-1`, { method: 'DELETE', headers: { Cookie: cookie } });
    expect(cancel.status).toBe(401);
  });

  it('holding the token as its value opens nothing (the old cookie was the token)', async () => {
    const old = `spanfill_page_${server.port}=${server.token}`;
    expect((await fetch(`${base()}/`, { headers: { Cookie: old } })).status).toBe(401);
    expect(await upgradeStatus('/ws', { Cookie: old })).toBe(401);
    expect(await upgradeStatus('/ws', { Cookie: `spanfill_token_${server.port}=${server.token}` })).toBe(401);
  });

  it('says on a plain request for /ws whether the token is good (the page asks when its socket is refused)', async () => {
    const refused = await fetch(`${base()}/ws`, { headers: { Cookie: cookie } });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('open the URL that `spanfill serve` printed');
    const stale = await fetch(`${base()}/ws`, { headers: { Cookie: cookie, Authorization: 'Bearer stale' } });
    expect(stale.status).toBe(401);
    const good = await fetch(`${base()}/ws`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(good.status).toBe(426);
    expect(good.headers.get('upgrade')).toBe('websocket');
  });
});
