// A WebSocket client that stops reading (unread.ts): every answer and event for
// it would stay in the server's memory (a helper's probe grew `spanfill serve` from 132 to 389
// MB with 200,000 small calls over a paused socket). Past the limit the server drops that socket
// without a close frame (one the client would not read either), and goes on serving the others.

import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import { AppServices } from '../../../src/main/services/app';
import { wsPath } from '../../../src/shared/ws-protocol';
import { buildFrame, openRawWebSocket } from '../../support/raw-websocket';
import { exchange } from '../../support/serve-process';

const mib = 1024 * 1024;
let root: string;
let app: AppServices;
let server: RunningServer;
/** The same app served with a bound only on what all sockets together leave unread. */
let serverInAll: RunningServer;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-unread-'));
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  app = new AppServices({ dataDir: path.join(root, 'data') });
  server = await startServer({ app, rendererDir, unreadLimits: { perSocket: mib, inAll: 1024 * mib } });
  serverInAll = await startServer({ app, rendererDir, unreadLimits: { perSocket: 1024 * mib, inAll: mib } });
});

afterAll(async () => {
  await server?.close();
  await serverInAll?.close();
  await app?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function ping(id: number, message: string): string {
  return JSON.stringify({ id, call: 'system.ping', args: { message } });
}

/** Resolves when `socket` errs or closes, with the error code or 'closed'. */
function ended(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('close', () => resolve('closed'));
  });
}

/** A socket that reads nothing from its first call on is dropped, and `server` serves another. */
async function expectStalledDropped(server: RunningServer): Promise<void> {
  const bystander = new WebSocket(`ws://127.0.0.1:${server.port}${wsPath}?token=${server.token}`);
  await new Promise((resolve, reject) => bystander.once('open', resolve).once('error', reject));
  const stalled = await openRawWebSocket(server.port, `${wsPath}?token=${server.token}`);
  const end = ended(stalled.socket);
  // It reads nothing from here on: 3,000 answers of 10 kB (30 MB) are far more than the
  // loopback's socket buffers and the limit.
  stalled.socket.pause();
  const frame = (id: number, message: string) => buildFrame({ opcode: 0x1, payload: Buffer.from(ping(id, message)) });
  const big = 'a'.repeat(10_000);
  for (let id = 1; id <= 3000; id++) stalled.socket.write(frame(id, big));
  // Still paused, so a close is seen only by writing: once the server has dropped the socket,
  // a write meets a reset. Kept open, every write succeeds until the deadline.
  let outcome: string | undefined;
  for (let id = 3001; outcome === undefined && id < 3001 + 300; id++) {
    outcome = await Promise.race([end, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
    if (outcome === undefined && !stalled.socket.destroyed) stalled.socket.write(frame(id, 'are you there'));
  }
  expect(outcome ?? 'still open after 30 s of writes').toMatch(/^(ECONNRESET|EPIPE|closed)$/);
  expect(await exchange(bystander, ping(7, 'still served'))).toMatchObject({
    id: 7,
    response: { ok: true, result: { message: 'still served' } },
  });
  bystander.close();
}

it('drops a socket that leaves more than its own bound unread, and serves the others', async () => {
  await expectStalledDropped(server);
});

it('drops a socket past the bound on what all sockets leave unread, and serves the others', async () => {
  await expectStalledDropped(serverInAll);
});
