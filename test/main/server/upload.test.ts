// The upload endpoint of `spanfill serve` (src/main/server/upload.ts): who may upload (token,
// Host, Origin), the size limits, chunks that must follow each other exactly, a second chunk
// racing the first, cancel (DELETE, or a client that hangs up mid-chunk), and leftovers. Path
// safety (no upload id or file name writes outside <dataDir>/uploads/<id>): upload-paths.test.ts.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startServer } from '../../../src/main/server/server';
import { uploadLimitsFromEnv } from '../../../src/main/server/uploadLimits';
import {
  errorOf,
  maxChunkBytes,
  maxFiles,
  maxUploadBytes,
  openChunk,
  tree,
  useUploadServer,
  waitFor,
} from './uploadBench';

const bench = useUploadServer();
const { send, put } = bench;

describe('who may upload', () => {
  it('refuses a missing or wrong token, a foreign Host and a foreign Origin, writing nothing', async () => {
    const body = Buffer.from('hello');
    const before = tree(bench.root);
    expect((await put('auth-test-1', 'a.txt', 0, 5, body, { Authorization: '' })).status).toBe(401);
    expect((await put('auth-test-1', 'a.txt', 0, 5, body, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await put('auth-test-1', 'a.txt', 0, 5, body, { Host: 'evil.example:80' })).status).toBe(403);
    const crossSite = await put('auth-test-1', 'a.txt', 0, 5, body, { Origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(tree(bench.root)).toEqual(before);
    // The page's own origin with the token is accepted.
    const own = await put('auth-test-1', 'a.txt', 0, 5, body, { Origin: `http://127.0.0.1:${bench.server.port}` });
    expect(own.status).toBe(200);
  });

  it('answers other methods with 405 and a JSON message', async () => {
    const reply = await send('POST', '/upload/auth-test-2?name=a&offset=0&total=1', Buffer.from('x'));
    expect(reply.status).toBe(405);
    expect(errorOf(reply)).toMatch(/PUT .*DELETE/);
  });
});

describe('chunks', () => {
  it('stores a file sent in chunks and says where it lies', async () => {
    const text = Buffer.from('The cute dog walks in the green park.\n'.repeat(10)); // 380 bytes
    const first = await put('chunks-ok-1', 'notes.txt', 0, text.length, text.subarray(0, 200));
    expect(first).toMatchObject({ status: 200, body: { ok: true, result: { received: 200, uploadBytes: 200 } } });
    const second = await put('chunks-ok-1', 'notes.txt', 200, text.length, text.subarray(200));
    expect(second.status).toBe(200);
    const entryPath = path.join(bench.uploadsDir, 'chunks-ok-1', 'notes.txt');
    expect(second.body).toEqual({ ok: true, result: { received: text.length, uploadBytes: text.length, entryPath } });
    expect(fs.readFileSync(entryPath)).toEqual(text);
  });

  it('says a chunk that met a full disk as one, with what to do', async () => {
    const open = fsp.open.bind(fsp);
    const spy = vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await open(...args);
      const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return Object.assign(handle, { write: () => Promise.reject(full) });
    });
    try {
      const reply = await put('chunks-full-1', 'notes.txt', 0, 3, Buffer.from('abc'));
      expect(reply.status).toBe(500);
      expect(errorOf(reply)).toMatch(
        /^Could not store the upload\. The disk is full: free space on the disk it was writing to/,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('files of a dropped folder share the folder as their entry', async () => {
    const reply = await put('chunks-dir-1', 'book/ch1/a.txt', 0, 3, Buffer.from('abc'));
    expect(reply.body).toMatchObject({
      ok: true,
      result: { entryPath: path.join(bench.uploadsDir, 'chunks-dir-1', 'book') },
    });
    expect(fs.readFileSync(path.join(bench.uploadsDir, 'chunks-dir-1', 'book', 'ch1', 'a.txt'), 'utf8')).toBe('abc');
  });

  it('refuses a chunk that skips ahead or repeats, naming the offset to send, and keeps the file as it was', async () => {
    await put('chunks-order', 'a.txt', 0, 30, Buffer.from('0123456789'));
    const ahead = await put('chunks-order', 'a.txt', 20, 30, Buffer.from('xxxxxxxxxx'));
    expect(ahead.status).toBe(409);
    expect(errorOf(ahead)).toBe('a.txt has 10 bytes on the server; send the chunk at offset 10, not 20');
    const again = await put('chunks-order', 'a.txt', 0, 30, Buffer.from('yyyyyyyyyy'));
    expect(again.status).toBe(409);
    expect(fs.readFileSync(path.join(bench.uploadsDir, 'chunks-order', 'a.txt'), 'utf8')).toBe('0123456789');
    expect((await put('chunks-order', 'a.txt', 10, 30, Buffer.from('abcdefghij'))).status).toBe(200);
    expect(fs.readFileSync(path.join(bench.uploadsDir, 'chunks-order', 'a.txt'), 'utf8')).toBe('0123456789abcdefghij');
  });

  it('refuses a second chunk of a file while the first is still arriving', async () => {
    const slow = openChunk(bench.server, 'chunks-race', { name: 'slow.txt', offset: '0', total: '20' }, 10);
    const slowReply = new Promise<number>((resolve) => slow.on('response', (r) => resolve(r.statusCode ?? 0)));
    slow.write('01234');
    await waitFor(() => fs.existsSync(path.join(bench.uploadsDir, 'chunks-race', 'slow.txt')));
    const racing = await put('chunks-race', 'slow.txt', 0, 20, Buffer.from('abcdefghij'));
    expect(racing.status).toBe(409);
    expect(errorOf(racing)).toMatch(/still being written/);
    slow.end('56789');
    expect(await slowReply).toBe(200);
    expect(fs.readFileSync(path.join(bench.uploadsDir, 'chunks-race', 'slow.txt'), 'utf8')).toBe('0123456789');
  });

  it('needs whole-number offsets and totals, in plain decimal digits', async () => {
    // Number() reads all of the later ones as 0 or 5; no client of ours writes them.
    for (const [offset, total] of [
      ['-1', '5'],
      ['1.5', '5'],
      ['', '5'],
      ['0', 'abc'],
      ['0x0', '5'],
      ['0e0', '5'],
      ['0.0', '5'],
      ['+0', '5'],
      [' 0', '5'],
      ['0 ', '5'],
      ['0', '1e2'],
      ['0', '0x5'],
      ['0', '99999999999999999999'],
    ]) {
      const query = `name=a.txt&offset=${encodeURIComponent(offset)}&total=${encodeURIComponent(total)}`;
      const reply = await send('PUT', `/upload/chunks-numbers?${query}`, Buffer.from('hello'));
      expect(reply.status, query).toBe(400);
      expect(errorOf(reply)).toMatch(/must be a whole number of bytes/);
    }
    expect(fs.existsSync(path.join(bench.uploadsDir, 'chunks-numbers'))).toBe(false);
  });

  it('refuses a wrong offset for a new upload before making any folder', async () => {
    const reply = await put('chunks-fresh-offset', 'a/b/c.txt', 7, 10, Buffer.from('abc'));
    expect(reply.status).toBe(409);
    expect(errorOf(reply)).toBe('a/b/c.txt has 0 bytes on the server; send the chunk at offset 0, not 7');
    expect(fs.existsSync(path.join(bench.uploadsDir, 'chunks-fresh-offset'))).toBe(false);
  });
});

describe('limits', () => {
  it('refuses an upload declared over the limit before writing anything, with the limit in the message', async () => {
    const reply = await put('limit-total', 'big.txt', 0, 5000, Buffer.from('hello'));
    expect(reply.status).toBe(413);
    expect(errorOf(reply)).toBe(
      'The upload is 4.9 KiB, over the limit of 1000 bytes per upload. ' +
        'Import large files by their path on the machine running Spanfill instead (Datasets → Or import paths…; in a terminal, `spanfill import FILE`), or split them.',
    );
    expect(fs.existsSync(path.join(bench.uploadsDir, 'limit-total'))).toBe(false);
  });

  it('counts the bytes that arrive, whatever total the client declares, across all files of an upload', async () => {
    const chunk = Buffer.alloc(350, 0x61);
    expect((await put('limit-actual', 'a.txt', 0, 10, chunk)).status).toBe(200);
    expect((await put('limit-actual', 'b.txt', 0, 10, chunk)).status).toBe(200);
    const third = await put('limit-actual', 'c.txt', 0, 10, chunk);
    expect(third.status).toBe(413);
    expect(errorOf(third)).toMatch(/^The upload is 1\.0 KiB, over the limit of 1000 bytes per upload/);
    expect(tree(path.join(bench.uploadsDir, 'limit-actual'))).toEqual(['a.txt', 'b.txt']);
  });

  it('counts chunks still arriving, so files sent at once cannot each pass the limit', async () => {
    const id = 'limit-parallel';
    const a = openChunk(bench.server, id, { name: 'a.txt', offset: '0', total: '10' }, 350);
    const b = openChunk(bench.server, id, { name: 'b.txt', offset: '0', total: '10' }, 350);
    const replies = [a, b].map(
      (r) => new Promise<number>((resolve) => r.on('response', (s) => resolve(s.statusCode ?? 0))),
    );
    a.write('x'.repeat(100));
    b.write('x'.repeat(100));
    await waitFor(() => tree(path.join(bench.uploadsDir, id)).length === 2);
    // 350 + 350 arriving and 350 more is over 1000, though nothing has landed yet.
    const third = await put(id, 'c.txt', 0, 10, Buffer.alloc(350, 0x61));
    expect(third.status).toBe(413);
    expect(errorOf(third)).toMatch(/^The upload is 1\.0 KiB, over the limit of 1000 bytes per upload/);
    a.end('x'.repeat(250));
    b.end('x'.repeat(250));
    expect(await Promise.all(replies)).toEqual([200, 200]);
    expect(tree(path.join(bench.uploadsDir, id))).toEqual(['a.txt', 'b.txt']);
  });

  it('gives back what a dropped chunk had counted', async () => {
    const id = 'limit-dropped';
    expect((await put(id, 'a.txt', 0, 10, Buffer.alloc(350, 0x61))).status).toBe(200);
    const dropped = openChunk(bench.server, id, { name: 'b.txt', offset: '0', total: '10' }, 350);
    dropped.on('error', () => undefined);
    dropped.write('x'.repeat(100));
    const file = path.join(bench.uploadsDir, id, 'b.txt');
    await waitFor(() => fs.existsSync(file) && fs.statSync(file).size === 100);
    dropped.destroy();
    await waitFor(() => fs.statSync(file).size === 0);
    // 350 + 0 + 350 fits; had b.txt kept its 350 the chunk would be over.
    await expect.poll(async () => (await put(id, 'c.txt', 0, 10, Buffer.alloc(350, 0x61))).status).toBe(200);
  });

  it('refuses more files than an upload may hold, saying what to do, and still takes chunks of its files', async () => {
    const id = 'limit-files';
    for (let i = 0; i < maxFiles; i++) expect((await put(id, `f${i}.txt`, 0, 10, Buffer.alloc(0))).status).toBe(200);
    const reply = await put(id, 'one-more.txt', 0, 10, Buffer.alloc(0));
    expect(reply.status).toBe(413);
    expect(errorOf(reply)).toBe(
      'An upload may hold at most 5 files, and this one has 5 already. ' +
        'Upload the rest in another drop, or import the folder by its path on the machine running Spanfill (Datasets → Or import paths…).',
    );
    expect(tree(path.join(bench.uploadsDir, id))).toHaveLength(maxFiles);
    expect((await put(id, 'f0.txt', 0, 10, Buffer.from('abc'))).status).toBe(200);
  });

  it('refuses a chunk over the chunk limit', async () => {
    const reply = await put('limit-chunk', 'a.txt', 0, 500, Buffer.alloc(500, 0x61));
    expect(reply.status).toBe(413);
    expect(errorOf(reply)).toBe('A chunk may carry at most 400 bytes; this one has 500 bytes');
    expect(fs.existsSync(path.join(bench.uploadsDir, 'limit-chunk', 'a.txt'))).toBe(false);
  });

  it('reads the per-upload limit from SPANFILL_UPLOAD_LIMIT_BYTES, 2 GiB by default, and refuses nonsense', () => {
    expect(uploadLimitsFromEnv({}).maxUploadBytes).toBe(2 * 1024 ** 3);
    expect(uploadLimitsFromEnv({}).maxFiles).toBe(100_000);
    expect(uploadLimitsFromEnv({ SPANFILL_UPLOAD_LIMIT_BYTES: '1234' }).maxUploadBytes).toBe(1234);
    expect(() => uploadLimitsFromEnv({ SPANFILL_UPLOAD_LIMIT_BYTES: '2GB' })).toThrow(
      'SPANFILL_UPLOAD_LIMIT_BYTES=2GB is not a whole number of bytes',
    );
  });
});

describe('cancel', () => {
  it('DELETE removes what arrived, and later chunks of that upload are refused', async () => {
    await put('cancel-delete', 'a.txt', 0, 20, Buffer.from('0123456789'));
    const reply = await send('DELETE', '/upload/cancel-delete');
    expect(reply).toEqual({ status: 200, body: { ok: true, result: { removed: true } } });
    expect(fs.existsSync(path.join(bench.uploadsDir, 'cancel-delete'))).toBe(false);
    const late = await put('cancel-delete', 'a.txt', 10, 20, Buffer.from('0123456789'));
    expect(late.status).toBe(410);
    expect(fs.existsSync(path.join(bench.uploadsDir, 'cancel-delete'))).toBe(false);
  });

  it('a client that hangs up mid-chunk leaves the file as it was before that chunk', async () => {
    await put('cancel-hangup', 'a.txt', 0, 100, Buffer.from('0123456789'));
    const request = openChunk(bench.server, 'cancel-hangup', { name: 'a.txt', offset: '10', total: '100' }, 50);
    request.on('error', () => undefined);
    request.write('abcdefghij');
    const file = path.join(bench.uploadsDir, 'cancel-hangup', 'a.txt');
    await waitFor(() => fs.statSync(file).size === 20);
    request.destroy();
    await waitFor(() => fs.statSync(file).size === 10);
    expect(fs.readFileSync(file, 'utf8')).toBe('0123456789');
    // The upload can go on from where the file really ends (once the server has let go of the
    // dropped chunk: until then a chunk of the same file is answered 409, and a client retries).
    await expect.poll(async () => (await put('cancel-hangup', 'a.txt', 10, 100, Buffer.from('abc'))).status).toBe(200);
    expect(fs.readFileSync(file, 'utf8')).toBe('0123456789abc');
  });
});

describe('leftovers', () => {
  it('closing the server deletes the uploads it received', async () => {
    const rendererDir = path.join(bench.root, 'renderer');
    const other = await startServer({ app: bench.app, rendererDir, uploadLimits: { maxUploadBytes, maxChunkBytes } });
    const reply = await new Promise<number>((resolve, reject) => {
      const request = openChunk(other, 'closing-1', { name: 'a.txt', offset: '0', total: '3' }, 3);
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end('abc');
    });
    expect(reply).toBe(200);
    expect(fs.existsSync(path.join(bench.uploadsDir, 'closing-1', 'a.txt'))).toBe(true);
    await other.close();
    expect(fs.existsSync(path.join(bench.uploadsDir, 'closing-1'))).toBe(false);
  });
});
