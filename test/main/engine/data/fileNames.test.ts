// engine/data/fileNames.ts: a path read with U+FFFD for bytes that were not UTF-8 (as Node reads
// a Latin-1 name from the command line) is found by its bytes, in any folder on the way.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteSpellings, childPath } from '../../../../src/main/engine/data/fileNames';
import { tempDirs } from '../../../support/tmp';

const newDir = tempDirs('spanfill-file-names-');
const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p as never)));

describe('byteSpellings', () => {
  it('finds a file under a folder, both named in Latin-1, by the path Node reads; none for a valid or missing name', async () => {
    const dir = newDir();
    mkdirSync(bytes(dir, '/d', [0xe9]));
    const file = bytes(dir, '/d', [0xe9], '/caf', [0xe9], '.txt');
    writeFileSync(file, 'x');
    expect(await byteSpellings(join(dir, 'd\ufffd', 'caf\ufffd.txt'))).toEqual([file]);
    expect(await byteSpellings(join(dir, 'plain.txt'))).toEqual([]);
    expect(await byteSpellings(join(dir, 'd\ufffd', 'gone\ufffd.txt'))).toEqual([]);
  });
});

describe('childPath', () => {
  it('keeps text paths for UTF-8 names, bytes for the rest and for all under them', () => {
    const dir = { path: '/a', opens: '/a' };
    expect(childPath(dir, Buffer.from('é.txt'))).toEqual({ path: '/a/é.txt', opens: '/a/é.txt' });
    const odd = childPath(dir, Buffer.from([0xe9]));
    expect(odd).toEqual({ path: '/a/\ufffd', opens: Buffer.from([0x2f, 0x61, 0x2f, 0xe9]) });
    expect(childPath(odd, Buffer.from('b'))).toEqual({ path: '/a/\ufffd/b', opens: bytes('/a/', [0xe9], '/b') });
  });
});
