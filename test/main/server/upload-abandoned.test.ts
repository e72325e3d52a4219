// Uploads a page left (closed or reloaded mid-upload or mid-import: it never deletes them): one
// nothing uses for abandonedMs (no chunk arriving, no call reading it) is removed, with its owner
// record, and a late chunk of it is refused saying why; one a call reads (Uploads.whileReading, as
// serve wraps each call of a page's socket) is kept until that call ends, then removed at once
// when the call's page went meanwhile (its signal aborted), and left for the page to delete when
// not. A server given no abandonedMs keeps them, as before. (Probe 74, finding 3.)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Uploads } from '../../../src/main/server/upload';
import { abandonedWords, checkOpenUploads, type UploadLimits } from '../../../src/main/server/uploadLimits';
import { uploadOwnerFile } from '../../../src/main/server/uploadOwners';
import type { UploadChunkResult } from '../../../src/shared/upload';
import { errorOf, maxChunkBytes, maxUploadBytes, openChunk, putWhole, serveUploads, waitFor } from './uploadBench';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

const hour = 3_600_000;

/** Uploads of their own in a fresh folder, served alone, unused ones removed after `abandonedMs`. */
async function ownUploads(abandonedMs: number | undefined) {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-abandoned-')), 'uploads');
  const limits: UploadLimits = { maxUploadBytes, maxChunkBytes, keepFreeBytes: 0, abandonedMs };
  const uploads = new Uploads(root, limits, () => Promise.resolve());
  const served = await serveUploads(uploads);
  stops.push(async () => {
    await served.close();
    await uploads.removeAll();
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  });
  /** Sends `text` as the whole file a.txt of upload `id`; its entry path on the server. */
  const upload = async (id: string, text = 'abc'): Promise<string> => {
    const reply = await putWhole(served, id, 'a.txt', Buffer.from(text));
    if (typeof reply.body === 'string' || !reply.body.ok) throw new Error(`not taken: ${errorOf(reply)}`);
    return (reply.body.result as UploadChunkResult).entryPath;
  };
  const isThere = (id: string): boolean => fs.existsSync(path.join(root, id));
  const isGone = (id: string): boolean => !isThere(id) && !fs.existsSync(uploadOwnerFile(root, id));
  return { uploads, served, upload, isThere, isGone };
}

/** A promise and the function that settles it. */
function held<T>(value: T): { promise: Promise<T>; release: () => void } {
  let release = (): void => undefined;
  const promise = new Promise<T>((resolve) => (release = () => resolve(value)));
  return { promise, release };
}

/** Sends the first `sent` bytes of a `total`-byte a.txt of upload `id` in one chunk; resolves once answered. */
function sendPart(target: { port: number; token: string }, id: string, sent: number, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = openChunk(target, id, { name: 'a.txt', offset: '0', total: String(total) }, sent);
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(Buffer.alloc(sent, 'x'));
  });
}

describe('an upload its page has left', () => {
  it('goes, with its owner record, once nothing has used it for abandonedMs; a late chunk is refused saying why', async () => {
    const { served, isGone } = await ownUploads(0);
    // The first half of a file, and then nothing: the page was closed mid-upload.
    expect(await sendPart(served, 'part-way-1', 100, 200)).toBe(200);
    await waitFor(() => isGone('part-way-1'));
    const late = await putWhole(served, 'part-way-1', 'a.txt', Buffer.from('abc'));
    expect(late.status).toBe(410);
    expect(errorOf(late)).toMatch(/^Upload part-way-1 was removed: none of it arrived and nothing read it for 0 s/);
  });

  it('is kept while a call reads it, and goes as that call ends when its page went meanwhile', async () => {
    const { uploads, upload, isThere, isGone } = await ownUploads(hour);
    const entry = await upload('importing-1');
    const page = new AbortController();
    const importing = held('imported');
    const call = uploads.whileReading({ paths: [entry], name: 'notes' }, page.signal, () => importing.promise);
    page.abort(); // the tab closed (or reloaded) mid-import: serve aborts that socket's calls
    await uploads.swept();
    expect(isThere('importing-1')).toBe(true); // the import reads it to its end
    importing.release();
    await expect(call).resolves.toBe('imported');
    await waitFor(() => isGone('importing-1'));
  });

  it('is left to its page to delete when the page is still open as the call ends', async () => {
    const { uploads, upload, isThere } = await ownUploads(hour);
    const entry = await upload('imported-1');
    const failing = uploads.whileReading({ paths: [entry] }, new AbortController().signal, () =>
      Promise.reject(new Error('binary file')),
    );
    await expect(failing).rejects.toThrow('binary file');
    await uploads.swept();
    // The page deletes it, as after every import (renderer lib/upload.ts removeUpload).
    expect(isThere('imported-1')).toBe(true);
  });

  it('runs calls naming no open upload as they are, and removes nothing as they end', async () => {
    const { uploads, upload, isThere } = await ownUploads(hour);
    await upload('other-upload-1');
    const page = new AbortController();
    page.abort();
    const named = [path.join(os.tmpdir(), 'elsewhere.txt'), 'relative.txt', 7];
    const result = await uploads.whileReading({ paths: named, model: 'x' }, page.signal, () => Promise.resolve(1));
    expect(result).toBe(1);
    expect(await uploads.whileReading(undefined, page.signal, () => Promise.resolve(2))).toBe(2);
    await uploads.swept();
    expect(isThere('other-upload-1')).toBe(true);
  });

  it('is kept when no abandonedMs is given (a server that does not report its calls), even past its page', async () => {
    const { uploads, served, upload, isThere } = await ownUploads(undefined);
    expect(await sendPart(served, 'kept-part-1', 100, 200)).toBe(200);
    const entry = await upload('kept-whole-1');
    const page = new AbortController();
    page.abort();
    await uploads.whileReading({ paths: [entry] }, page.signal, () => Promise.resolve());
    await uploads.swept();
    expect(isThere('kept-part-1')).toBe(true);
    expect(isThere('kept-whole-1')).toBe(true);
  });
});

describe('the words on uploads left by their pages', () => {
  it('a refusal for too many open uploads says how long a closed tab keeps one open', () => {
    const limits = { maxUploadBytes, maxChunkBytes, maxOpenUploads: 2 };
    expect(() => checkOpenUploads(2, { ...limits, abandonedMs: 60_000 })).toThrow(
      'This server has 2 uploads open, the most it takes at once. Let one finish or cancel one, then try again. ' +
        'An upload a tab closed part-way counts until 1 min after the last of it arrived.',
    );
    // A server that keeps them (no abandonedMs) says so, as before.
    expect(() => checkOpenUploads(2, limits)).toThrow(/count until `spanfill serve` is restarted/);
  });

  it('says whole minutes as minutes, and anything else as durations are said', () => {
    expect([60_000, 120_000, 45_000, 90_000, 0].map(abandonedWords)).toEqual([
      '1 min',
      '2 min',
      '45 s',
      '1 min 30 s',
      '0 s',
    ]);
  });
});
