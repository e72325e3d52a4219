// serve and the uploads of pages that have gone (probe 74, finding 3): a tab closed or reloaded
// while its upload's import runs leaves nobody to delete the upload (only the page does, after
// the import), so serve removes it as the import ends, never before (a reload is a new socket,
// whose page knows nothing of the upload); one still open deletes its own; a part-way upload of a closed tab goes once none of it has arrived for a while
// (uploadLimits.abandonedMs; 0 on a second server here). The app behind the socket is a stand-in whose
// calls end when the test says, so "mid-import" is exact.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import type { AppServices } from '../../../src/main/services/app';
import type { CallContext } from '../../../src/main/services/handler';
import type { Envelope } from '../../../src/shared/errors';
import type { UploadChunkResult } from '../../../src/shared/upload';
import { errorOf, openChunk, putWhole, waitFor } from './uploadBench';

/** A call the stand-in app has taken: it is answered when the test calls `answer`. */
interface TakenCall {
  readonly name: unknown;
  readonly args: unknown;
  readonly context: CallContext | undefined;
  answer(): void;
}

let root: string;
/** Removes only what a page that went leaves after its call (abandonedMs an hour)... */
let server: RunningServer;
/** ...and this one also what nothing has used for a moment. */
let hasty: RunningServer;
const taken: TakenCall[] = [];

/** serve on a fresh data folder, with a stand-in app that answers calls when the test says. */
async function serve(name: string, abandonedMs: number): Promise<RunningServer> {
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir, { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>page</title>');
  const app = {
    dataDir: path.join(root, name),
    events: { subscribe: () => () => undefined },
    call: (name: unknown, args: unknown, context?: CallContext) =>
      new Promise<Envelope<unknown>>((resolve) => {
        taken.push({ name, args, context, answer: () => resolve({ ok: true, result: null }) });
      }),
  } as unknown as AppServices;
  const uploadLimits = { maxUploadBytes: 1000, maxChunkBytes: 400, keepFreeBytes: 0, abandonedMs };
  return startServer({ app, rendererDir, uploadLimits });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-upload-pages-'));
  server = await serve('data', 3_600_000);
  hasty = await serve('hasty', 0);
});

afterAll(async () => {
  await server?.close();
  await hasty?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** A page's socket, open. */
async function openPage(): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, {
    headers: { Origin: `http://127.0.0.1:${server.port}` },
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Uploads a.txt as upload `id`; its path on the server. */
async function upload(id: string): Promise<string> {
  const reply = await putWhole(server, id, 'a.txt', Buffer.from('The quiet river at dawn.\n'));
  if (typeof reply.body === 'string' || !reply.body.ok) throw new Error(`not taken: ${errorOf(reply)}`);
  return (reply.body.result as UploadChunkResult).entryPath;
}

/** Sends `datasets.import` of `paths` on `socket`; the call as the app took it. */
async function startImport(socket: WebSocket, paths: string[]): Promise<TakenCall> {
  const before = taken.length;
  socket.send(JSON.stringify({ id: 1, call: 'datasets.import', args: { paths } }));
  await waitFor(() => taken.length > before);
  return taken[before];
}

const isThere = (id: string, data = 'data'): boolean => fs.existsSync(path.join(root, data, 'uploads', id));

/** Resolves once the server has seen `socket` close: the call it took on it is aborted. */
async function closed(socket: WebSocket, call: TakenCall): Promise<void> {
  socket.close();
  await waitFor(() => call.context?.signal?.aborted === true);
}

describe('serve and the uploads of pages that have gone', () => {
  it('removes the upload of a tab closed mid-import as the import ends, not before', async () => {
    const page = await openPage();
    const entry = await upload('closed-mid-import-1');
    const importing = await startImport(page, [entry]);
    await closed(page, importing);
    // The import goes on (the dataset is made server-side) and reads the files to its end.
    expect(isThere('closed-mid-import-1')).toBe(true);
    importing.answer();
    await waitFor(() => !isThere('closed-mid-import-1'));
  });

  it('does the same for a tab reloaded mid-import: the new page has its own socket, and no upload', async () => {
    const page = await openPage();
    const entry = await upload('reloaded-mid-import-1');
    const importing = await startImport(page, [entry]);
    const reloaded = await openPage();
    await closed(page, importing);
    expect(isThere('reloaded-mid-import-1')).toBe(true);
    importing.answer();
    await waitFor(() => !isThere('reloaded-mid-import-1'));
    reloaded.close();
  });

  it('leaves the upload of an open page to that page once the import ends', async () => {
    const page = await openPage();
    const entry = await upload('open-page-1');
    const importing = await startImport(page, [entry]);
    importing.answer();
    await new Promise((resolve) => page.once('message', resolve));
    expect(isThere('open-page-1')).toBe(true);
    // Deleted by the page, as after every import (renderer lib/upload.ts removeUpload).
    page.close();
  });

  it('removes a part-way upload of a closed tab once none of it has arrived for abandonedMs', async () => {
    const request = openChunk(hasty, 'closed-mid-upload-1', { name: 'a.txt', offset: '0', total: '800' }, 100);
    const answered = new Promise((resolve) => request.on('response', resolve));
    request.end(Buffer.alloc(100, 'x'));
    await answered;
    await waitFor(() => !isThere('closed-mid-upload-1', 'hasty'));
  });
});
