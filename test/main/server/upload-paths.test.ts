// Path safety of the upload endpoint (src/main/server/upload.ts): no upload id or file name can
// write outside <dataDir>/uploads/<id>, links are not followed (a file's own nor a folder's above it), and a name the server's file
// system cannot hold is refused in words, not with an errno, with the code the page skips that
// file on (uploadNameRefusedCode); a name only Windows forbids is taken on Linux (the naming
// rules themselves: uploadNames.test.ts).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResolvedInside, resolveUploadFile } from '../../../src/main/server/upload';
import { uploadNameRefusedCode } from '../../../src/shared/upload';
import { errorOf, tree, useUploadServer } from './uploadBench';

const bench = useUploadServer();
const { send, put } = bench;

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
    const before = tree(bench.root);
    const reply = await send('PUT', `/upload/${id}?name=a.txt&offset=0&total=1`, Buffer.from('x'));
    // ".." segments are resolved by the URL parser first, so those never reach /upload/ at all (405).
    expect([400, 405]).toContain(reply.status);
    expect(tree(bench.root)).toEqual(before);
    expect([400, 405]).toContain((await send('DELETE', `/upload/${id}`)).status);
    expect(tree(bench.root)).toEqual(before);
  });

  it('refuses an id that is not valid percent-encoding with 400 naming it (PUT and DELETE)', async () => {
    const before = tree(bench.root);
    for (const reply of [
      await send('PUT', '/upload/abc%ffdefgh?name=a.txt&offset=0&total=1', Buffer.from('x')),
      await send('DELETE', '/upload/abc%ffdefgh'),
    ]) {
      expect(reply.status).toBe(400);
      expect(errorOf(reply)).toBe('Upload id "abc%ffdefgh" is not valid percent-encoding');
    }
    expect(tree(bench.root)).toEqual(before);
  });

  const badNames = [
    '../escape.txt',
    '../../escape.txt',
    '/etc/passwd',
    'a/../../b',
    '',
    'a//b',
    './a',
    'a/.',
    'nul\u0000.txt',
  ];
  it.each(badNames)('refuses file name %j', async (name) => {
    const before = tree(bench.root);
    const reply = await put('path-safety-1', name, 0, 1, Buffer.from('x'));
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toMatch(/is not a relative path|holds a control character/);
    expect(reply.body).toMatchObject({ ok: false, error: { code: uploadNameRefusedCode } });
    expect(tree(bench.root)).toEqual(before);
  });

  // "\\" is no separator on Linux or macOS: "a\\..\\b" is one plain name there, as `spanfill
  // import` reads it, written inside the upload folder under that very name.
  it.runIf(process.platform !== 'win32')(
    'takes on Linux names only Windows forbids, each one file inside the upload folder',
    async () => {
      const names = [
        'a\\..\\b',
        '..\\escape.txt',
        'c:x',
        'q?x.txt',
        'Notes 10:30.txt',
        'back\\slash.txt',
        'aux.txt',
        'dir./a.txt',
      ];
      for (const [i, name] of names.entries()) {
        const id = `path-posix-${i}`; // one upload each: the bench holds 5 files an upload
        expect((await put(id, name, 0, 1, Buffer.from('x'))).status, name).toBe(200);
        expect(tree(path.join(bench.uploadsDir, id)), name).toContain(name.split('/').join(path.sep));
      }
      expect(fs.existsSync(path.join(bench.uploadsDir, 'escape.txt'))).toBe(false);
    },
  );

  // The rules are uploadNames.ts's (uploadNames.test.ts): here, that the endpoint answers a name
  // only the file system would refuse with 400 in words (not an errno naming the server's path)
  // before anything is written.
  it.each(['é'.repeat(200), `book/${'木'.repeat(86)}.txt`])(
    'refuses %j, a name the file system cannot hold, writing nothing',
    async (name) => {
      const before = tree(bench.root);
      const reply = await put('path-platform-1', name, 0, 1, Buffer.from('x'));
      expect(reply.status).toBe(400);
      expect(errorOf(reply)).toMatch(/^File name ".*" has a part of \d+ bytes/);
      expect(reply.body).toMatchObject({ ok: false, error: { code: uploadNameRefusedCode } });
      expect(errorOf(reply)).not.toContain(bench.uploadsDir);
      expect(tree(bench.root)).toEqual(before);
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
    expect(tree(path.join(bench.uploadsDir, id))).toEqual(['a.txt']);
    expect((await put(id, 'dir/f.txt', 0, 1, Buffer.from('x'))).status).toBe(200);
    const reply = await put(id, 'dir', 0, 1, Buffer.from('x'));
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toBe(
      'dir is a folder in this upload: a file and a folder cannot have the same name. Rename one of them and upload again',
    );
  });

  it('resolveUploadFile keeps every accepted name inside the upload folder', () => {
    const base = path.join(os.tmpdir(), 'uploads');
    const posixOnly = process.platform === 'win32' ? [] : ['a\\..\\..\\b', 'c:x'];
    for (const name of ['a.txt', 'x/y/z.md', '..a', 'a..b', '.hidden', 'ü ñ.txt', ...posixOnly]) {
      const { file } = resolveUploadFile(base, 'abcdefgh', name);
      const relative = path.relative(path.join(base, 'abcdefgh'), file);
      expect(relative.split(path.sep)[0], name).not.toBe('..');
      expect(path.isAbsolute(relative)).toBe(false);
    }
  });

  it('does not follow a link placed in the upload folder', async () => {
    const outside = path.join(bench.root, 'outside.txt');
    fs.writeFileSync(outside, 'keep');
    fs.mkdirSync(path.join(bench.uploadsDir, 'path-link-1'), { recursive: true });
    fs.symlinkSync(outside, path.join(bench.uploadsDir, 'path-link-1', 'a.txt'));
    const reply = await put('path-link-1', 'a.txt', 0, 1, Buffer.from('x'));
    expect(reply.status).toBe(400);
    expect(errorOf(reply)).toBe('a.txt is already a folder or link in this upload, not a file');
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
  });

  it('does not write through a link put in place of a folder of the upload', async () => {
    const id = 'path-link-folder';
    const outside = path.join(bench.root, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(bench.root, 'outside.txt'), 'keep');
    expect((await put(id, 'x/a.txt', 0, 1, Buffer.from('x'))).status).toBe(200);
    const x = path.join(bench.uploadsDir, id, 'x');
    fs.rmSync(x, { recursive: true });
    fs.symlinkSync(outside, x);
    for (const name of ['x/b.txt', 'x/new/c.txt']) {
      const reply = await put(id, name, 0, 1, Buffer.from('x'));
      expect(reply.status, name).toBe(400);
      expect(errorOf(reply)).toBe(
        `${name} needs a folder x, but x is a link in this upload; an upload holds only files and folders`,
      );
    }
    fs.rmSync(x);
    fs.symlinkSync(path.join(bench.root, 'outside.txt'), x); // a link to a file, in place of the folder
    expect(errorOf(await put(id, 'x/b.txt', 0, 1, Buffer.from('x')))).toMatch(
      /^x\/b\.txt needs a folder x, but x is a link/,
    );
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readFileSync(path.join(bench.root, 'outside.txt'), 'utf8')).toBe('keep');
  });

  it('checks just before writing that the folder holding a file resolves inside the upload', async () => {
    // The check behind a link put in place of a folder after the lstat of each folder looked.
    const dir = path.join(bench.root, 'resolved', 'abcdefgh');
    fs.mkdirSync(path.join(dir, 'in', 'deeper'), { recursive: true });
    fs.mkdirSync(path.join(bench.root, 'elsewhere'));
    fs.symlinkSync(path.join(bench.root, 'elsewhere'), path.join(dir, 'out'));
    await expect(checkResolvedInside(path.join(dir, 'a.txt'), 'a.txt')).resolves.toBeUndefined();
    await expect(
      checkResolvedInside(path.join(dir, 'in', 'deeper', 'a.txt'), 'in/deeper/a.txt'),
    ).resolves.toBeUndefined();
    await expect(checkResolvedInside(path.join(dir, 'out', 'a.txt'), 'out/a.txt')).rejects.toThrow(
      'out/a.txt would be written outside this upload through a link; it was not',
    );
  });
});
