// The upload endpoint of `spanfill serve` (src/main/server/upload.ts): who may upload (token,
// Host, Origin), the size limits, chunks that must follow each other exactly, a second chunk
// racing the first, cancel (DELETE, or a client that hangs up mid-chunk), and path safety: no
// upload id or file name can write outside <dataDir>/uploads/<id>, and a name the server's file
// system (or Windows) cannot hold is refused in words, not with an errno (the naming rules
// themselves: uploadNames.test.ts).

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import { removeStaleUploads, resolveUploadFile, uploadLimitsFromEnv } from '../../../src/main/server/upload';
import { AppServices } from '../../../src/main/services/app';
import type { UploadResponse } from '../../../src/shared/upload';

const maxUploadBytes = 1000;
const maxChunkBytes = 400;
const maxFiles = 5;
let root: string;
let app: AppServices;
let server: RunningServer;
let uploadsDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-upload-'));
  const rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>page</title>');
  app = new AppServices({ dataDir: path.join(root, 'data') });
  server = await startServer({ app, rendererDir, uploadLimits: { maxUploadBytes, maxChunkBytes, maxFiles } });
  uploadsDir = path.join(root, 'data', 'uploads');
});

afterAll(async () => {
  await server?.close();
  await app?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

interface Reply {
  readonly status: number;
  readonly body: UploadResponse | string;
}

/** One request with full control of the headers (fetch would not let us set Host). */
function send(method: string, target: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: target,
        headers: {
          Authorization: `Bearer ${server.token}`,
          ...(body ? { 'Content-Length': String(body.length) } : {}),
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          const isJson = response.headers['content-type']?.startsWith('application/json') ?? false;
          resolve({ status: response.statusCode ?? 0, body: isJson ? (JSON.parse(text) as UploadResponse) : text });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A chunk request left open: the test writes (some of) its body and ends or drops it. */
function openChunk(
  target: { readonly port: number; readonly token: string },
  id: string,
  params: Record<string, string>,
  contentLength: number,
): http.ClientRequest {
  return http.request({
    host: '127.0.0.1',
    port: target.port,
    method: 'PUT',
    path: `/upload/${id}?${new URLSearchParams(params)}`,
    headers: { Authorization: `Bearer ${target.token}`, 'Content-Length': String(contentLength) },
  });
}

function put(id: string, name: string, offset: number, total: number, body: Buffer, headers = {}): Promise<Reply> {
  const query = new URLSearchParams({ name, offset: String(offset), total: String(total) });
  return send('PUT', `/upload/${id}?${query}`, body, headers);
}

function errorOf(reply: Reply): string {
  if (typeof reply.body === 'string') return reply.body;
  return reply.body.ok ? '' : reply.body.error.message;
}

/** Every file under `dir`, relative, sorted: to prove a refused request wrote nothing. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe('who may upload', () => {
  it('refuses a missing or wrong token, a foreign Host and a foreign Origin, writing nothing', async () => {
    const body = Buffer.from('hello');
    const before = tree(root);
    expect((await put('auth-test-1', 'a.txt', 0, 5, body, { Authorization: '' })).status).toBe(401);
    expect((await put('auth-test-1', 'a.txt', 0, 5, body, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await put('auth-test-1', 'a.txt', 0, 5, body, { Host: 'evil.example:80' })).status).toBe(403);
    const crossSite = await put('auth-test-1', 'a.txt', 0, 5, body, { Origin: 'http://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(tree(root)).toEqual(before);
    // The page's own origin with the token is accepted.
    const own = await put('auth-test-1', 'a.txt', 0, 5, body, { Origin: `http://127.0.0.1:${server.port}` });
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
    const entryPath = path.join(uploadsDir, 'chunks-ok-1', 'notes.txt');
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
        /^Could not store the upload: ENOSPC: no space left on device, write\. The disk is full: free space on the disk it was writing to/,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('files of a dropped folder share the folder as their entry', async () => {
    const reply = await put('chunks-dir-1', 'book/ch1/a.txt', 0, 3, Buffer.from('abc'));
    expect(reply.body).toMatchObject({
      ok: true,
      result: { entryPath: path.join(uploadsDir, 'chunks-dir-1', 'book') },
    });
    expect(fs.readFileSync(path.join(uploadsDir, 'chunks-dir-1', 'book', 'ch1', 'a.txt'), 'utf8')).toBe('abc');
  });

  it('refuses a chunk that skips ahead or repeats, naming the offset to send, and keeps the file as it was', async () => {
    await put('chunks-order', 'a.txt', 0, 30, Buffer.from('0123456789'));
    const ahead = await put('chunks-order', 'a.txt', 20, 30, Buffer.from('xxxxxxxxxx'));
    expect(ahead.status).toBe(409);
    expect(errorOf(ahead)).toBe('a.txt has 10 bytes on the server; send the chunk at offset 10, not 20');
    const again = await put('chunks-order', 'a.txt', 0, 30, Buffer.from('yyyyyyyyyy'));
    expect(again.status).toBe(409);
    expect(fs.readFileSync(path.join(uploadsDir, 'chunks-order', 'a.txt'), 'utf8')).toBe('0123456789');
    expect((await put('chunks-order', 'a.txt', 10, 30, Buffer.from('abcdefghij'))).status).toBe(200);
    expect(fs.readFileSync(path.join(uploadsDir, 'chunks-order', 'a.txt'), 'utf8')).toBe('0123456789abcdefghij');
  });

  it('refuses a second chunk of a file while the first is still arriving', async () => {
    const slow = openChunk(server, 'chunks-race', { name: 'slow.txt', offset: '0', total: '20' }, 10);
    const slowReply = new Promise<number>((resolve) => slow.on('response', (r) => resolve(r.statusCode ?? 0)));
    slow.write('01234');
    await waitFor(() => fs.existsSync(path.join(uploadsDir, 'chunks-race', 'slow.txt')));
    const racing = await put('chunks-race', 'slow.txt', 0, 20, Buffer.from('abcdefghij'));
    expect(racing.status).toBe(409);
    expect(errorOf(racing)).toMatch(/still being written/);
    slow.end('56789');
    expect(await slowReply).toBe(200);
    expect(fs.readFileSync(path.join(uploadsDir, 'chunks-race', 'slow.txt'), 'utf8')).toBe('0123456789');
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
    expect(fs.existsSync(path.join(uploadsDir, 'chunks-numbers'))).toBe(false);
  });

  it('refuses a wrong offset for a new upload before making any folder', async () => {
    const reply = await put('chunks-fresh-offset', 'a/b/c.txt', 7, 10, Buffer.from('abc'));
    expect(reply.status).toBe(409);
    expect(errorOf(reply)).toBe('a/b/c.txt has 0 bytes on the server; send the chunk at offset 0, not 7');
    expect(fs.existsSync(path.join(uploadsDir, 'chunks-fresh-offset'))).toBe(false);
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
    expect(fs.existsSync(path.join(uploadsDir, 'limit-total'))).toBe(false);
  });

  it('counts the bytes that arrive, whatever total the client declares, across all files of an upload', async () => {
    const chunk = Buffer.alloc(350, 0x61);
    expect((await put('limit-actual', 'a.txt', 0, 10, chunk)).status).toBe(200);
    expect((await put('limit-actual', 'b.txt', 0, 10, chunk)).status).toBe(200);
    const third = await put('limit-actual', 'c.txt', 0, 10, chunk);
    expect(third.status).toBe(413);
    expect(errorOf(third)).toMatch(/^The upload is 1\.0 KiB, over the limit of 1000 bytes per upload/);
    expect(tree(path.join(uploadsDir, 'limit-actual'))).toEqual(['a.txt', 'b.txt']);
  });

  it('counts chunks still arriving, so files sent at once cannot each pass the limit', async () => {
    const id = 'limit-parallel';
    const a = openChunk(server, id, { name: 'a.txt', offset: '0', total: '10' }, 350);
    const b = openChunk(server, id, { name: 'b.txt', offset: '0', total: '10' }, 350);
    const replies = [a, b].map(
      (r) => new Promise<number>((resolve) => r.on('response', (s) => resolve(s.statusCode ?? 0))),
    );
    a.write('x'.repeat(100));
    b.write('x'.repeat(100));
    await waitFor(() => tree(path.join(uploadsDir, id)).length === 2);
    // 350 + 350 arriving and 350 more is over 1000, though nothing has landed yet.
    const third = await put(id, 'c.txt', 0, 10, Buffer.alloc(350, 0x61));
    expect(third.status).toBe(413);
    expect(errorOf(third)).toMatch(/^The upload is 1\.0 KiB, over the limit of 1000 bytes per upload/);
    a.end('x'.repeat(250));
    b.end('x'.repeat(250));
    expect(await Promise.all(replies)).toEqual([200, 200]);
    expect(tree(path.join(uploadsDir, id))).toEqual(['a.txt', 'b.txt']);
  });

  it('gives back what a dropped chunk had counted', async () => {
    const id = 'limit-dropped';
    expect((await put(id, 'a.txt', 0, 10, Buffer.alloc(350, 0x61))).status).toBe(200);
    const dropped = openChunk(server, id, { name: 'b.txt', offset: '0', total: '10' }, 350);
    dropped.on('error', () => undefined);
    dropped.write('x'.repeat(100));
    const file = path.join(uploadsDir, id, 'b.txt');
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
    expect(tree(path.join(uploadsDir, id))).toHaveLength(maxFiles);
    expect((await put(id, 'f0.txt', 0, 10, Buffer.from('abc'))).status).toBe(200);
  });

  it('refuses a chunk over the chunk limit', async () => {
    const reply = await put('limit-chunk', 'a.txt', 0, 500, Buffer.alloc(500, 0x61));
    expect(reply.status).toBe(413);
    expect(errorOf(reply)).toBe('A chunk may carry at most 400 bytes; this one has 500 bytes');
    expect(fs.existsSync(path.join(uploadsDir, 'limit-chunk', 'a.txt'))).toBe(false);
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
    expect(fs.existsSync(path.join(uploadsDir, 'cancel-delete'))).toBe(false);
    const late = await put('cancel-delete', 'a.txt', 10, 20, Buffer.from('0123456789'));
    expect(late.status).toBe(410);
    expect(fs.existsSync(path.join(uploadsDir, 'cancel-delete'))).toBe(false);
  });

  it('a client that hangs up mid-chunk leaves the file as it was before that chunk', async () => {
    await put('cancel-hangup', 'a.txt', 0, 100, Buffer.from('0123456789'));
    const request = openChunk(server, 'cancel-hangup', { name: 'a.txt', offset: '10', total: '100' }, 50);
    request.on('error', () => undefined);
    request.write('abcdefghij');
    const file = path.join(uploadsDir, 'cancel-hangup', 'a.txt');
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

describe('path safety', () => {
  const badIds = [
    '..',
    '../../etc',
    'short',
    'a'.repeat(65),
    'with%20space12',
    '%2e%2e%2f%2e%2e%2fxx',
    'abc%2Fdef%2Fghi',
  ];
  it.each(badIds)('refuses upload id %j', async (id) => {
    const before = tree(root);
    const reply = await send('PUT', `/upload/${id}?name=a.txt&offset=0&total=1`, Buffer.from('x'));
    // ".." segments are resolved by the URL parser first, so those never reach /upload/ at all (405).
    expect([400, 405]).toContain(reply.status);
    expect(tree(root)).toEqual(before);
    expect([400, 405]).toContain((await send('DELETE', `/upload/${id}`)).status);
    expect(tree(root)).toEqual(before);
  });

  it('refuses an id that is not valid percent-encoding with 400 naming it (PUT and DELETE)', async () => {
    const before = tree(root);
    for (const reply of [
      await send('PUT', '/upload/abc%ffdefgh?name=a.txt&offset=0&total=1', Buffer.from('x')),
      await send('DELETE', '/upload/abc%ffdefgh'),
    ]) {
      expect(reply.status).toBe(400);
      expect(errorOf(reply)).toBe('Upload id "abc%ffdefgh" is not valid percent-encoding');
    }
    expect(tree(root)).toEqual(before);
  });

  const badNames = [
    '../escape.txt',
    '../../escape.txt',
    '/etc/passwd',
    'a/../../b',
    'a\\..\\b',
    '',
    'a//b',
    './a',
    'a/.',
    'nul\u0000.txt',
    'c:x',
  ];
  it.each(badNames)('refuses file name %j', async (name) => {
    const before = tree(root);
    const reply = await put('path-safety-1', name, 0, 1, Buffer.from('x'));
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatch(/is not a relative path of plain names|leaves the upload folder/);
    expect(tree(root)).toEqual(before);
  });

  // The rules are uploadNames.ts's (uploadNames.test.ts): here, that the endpoint answers a name
  // only the file system or Windows would refuse with 400 in words (not an errno naming the
  // server's path) before anything is written.
  it.each(['é'.repeat(200), `book/${'木'.repeat(86)}.txt`, 'aux.txt', 'dir./a.txt'])(
    'refuses %j, a name not every platform can hold, writing nothing',
    async (name) => {
      const before = tree(root);
      const reply = await put('path-platform-1', name, 0, 1, Buffer.from('x'));
      expect(reply.status).toBe(400);
      expect(errorOf(reply)).toMatch(
        /^File name ".*"(?: has a part of \d+ bytes| is a device name|: ".*" ends in a dot)/,
      );
      expect(errorOf(reply)).not.toContain(uploadsDir);
      expect(tree(root)).toEqual(before);
    },
  );

  it('takes a part of exactly 255 bytes', async () => {
    for (const name of ['b'.repeat(255), `${'é'.repeat(125)}.txt`, `${'木'.repeat(85)}/a.txt`]) {
      expect((await put('path-long-2', name, 0, 1, Buffer.from('x'))).status, name).toBe(200);
    }
  });

  it('says in words that a file and a folder of one upload cannot share a name', async () => {
    const id = 'path-file-folder';
    expect((await put(id, 'a.txt', 0, 1, Buffer.from('x'))).status).toBe(200);
    for (const name of ['a.txt/inner', 'a.txt/inner/deeper.txt']) {
      const reply = await put(id, name, 0, 1, Buffer.from('x'));
      expect(reply.status, name).toBe(400);
      expect(errorOf(reply)).toBe(
        `${name} needs a folder a.txt, but a.txt is a file in this upload: a file and a folder cannot have the same name. Rename one of them and upload again`,
      );
    }
    expect(tree(path.join(uploadsDir, id))).toEqual(['a.txt']);
    expect((await put(id, 'dir/f.txt', 0, 1, Buffer.from('x'))).status).toBe(200);
    const reply = await put(id, 'dir', 0, 1, Buffer.from('x'));
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toBe(
      'dir is a folder in this upload: a file and a folder cannot have the same name. Rename one of them and upload again',
    );
  });

  it('resolveUploadFile keeps every accepted name inside the upload folder', () => {
    const base = path.join(os.tmpdir(), 'uploads');
    for (const name of ['a.txt', 'x/y/z.md', '..a', 'a..b', '.hidden', 'ü ñ.txt']) {
      const { file } = resolveUploadFile(base, 'abcdefgh', name);
      const relative = path.relative(path.join(base, 'abcdefgh'), file);
      expect(relative.split(path.sep)[0], name).not.toBe('..');
      expect(path.isAbsolute(relative)).toBe(false);
    }
  });

  it('does not follow a link placed in the upload folder', async () => {
    const outside = path.join(root, 'outside.txt');
    fs.writeFileSync(outside, 'keep');
    fs.mkdirSync(path.join(uploadsDir, 'path-link-1'), { recursive: true });
    fs.symlinkSync(outside, path.join(uploadsDir, 'path-link-1', 'a.txt'));
    const reply = await put('path-link-1', 'a.txt', 0, 1, Buffer.from('x'));
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toBe('a.txt is already a folder or link in this upload, not a file');
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
  });
});

describe('leftovers', () => {
  it('removeStaleUploads deletes only folders older than the age given', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-stale-'));
    fs.mkdirSync(path.join(dir, 'old-upload'));
    fs.mkdirSync(path.join(dir, 'new-upload'));
    const day = 24 * 3600 * 1000;
    const old = (Date.now() - 2 * day) / 1000;
    fs.utimesSync(path.join(dir, 'old-upload'), old, old);
    expect(await removeStaleUploads(dir, day)).toEqual(['old-upload']);
    expect(fs.readdirSync(dir)).toEqual(['new-upload']);
    fs.rmSync(dir, { recursive: true });
  });

  it('closing the server deletes the uploads it received', async () => {
    const rendererDir = path.join(root, 'renderer');
    const other = await startServer({ app, rendererDir, uploadLimits: { maxUploadBytes, maxChunkBytes } });
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
    expect(fs.existsSync(path.join(uploadsDir, 'closing-1', 'a.txt'))).toBe(true);
    await other.close();
    expect(fs.existsSync(path.join(uploadsDir, 'closing-1'))).toBe(false);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
