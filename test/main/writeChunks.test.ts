// writeChunks: chunks written (or appended) to a file; a write that fails (a full disk:
// /dev/full answers every write with ENOSPC) or a source that fails is the one rejection its
// caller awaits, the source stopped, with no unhandled rejection left behind.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeChunks } from '../../src/main/writeChunks';
import { tempDirs } from '../support/tmp';

const tempDir = tempDirs('spanfill-write-chunks-');
const bytes = (text: string) => new TextEncoder().encode(text);

async function* chunksOf(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield bytes(text);
}

describe('writeChunks', () => {
  it('writes every chunk, replacing the file, or after what it holds when appending', async () => {
    const file = path.join(tempDir(), 'a.txt');
    fs.writeFileSync(file, 'old ');
    await writeChunks(file, chunksOf('one ', 'two'));
    expect(fs.readFileSync(file, 'utf8')).toBe('one two');
    await writeChunks(file, chunksOf(' three'), { append: true });
    expect(fs.readFileSync(file, 'utf8')).toBe('one two three');
  });

  it.skipIf(!fs.existsSync('/dev/full'))('rejects with ENOSPC on a full disk and stops the source', async () => {
    let isStopped = false;
    let taken = 0;
    async function* many(): AsyncGenerator<Uint8Array> {
      try {
        for (; taken < 1000; taken++) yield new Uint8Array(64 * 1024);
      } finally {
        isStopped = true;
      }
    }
    await expect(writeChunks('/dev/full', many())).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(isStopped).toBe(true);
    expect(taken).toBeLessThan(1000);
  });

  it('rejects with what the source threw, keeping what was written before it', async () => {
    const file = path.join(tempDir(), 'b.txt');
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield bytes('kept');
      throw new Error('connection dropped');
    }
    await expect(writeChunks(file, failing())).rejects.toThrow('connection dropped');
    expect(fs.readFileSync(file, 'utf8')).toBe('kept');
  });

  it('rejects when the file cannot be opened', async () => {
    const file = path.join(tempDir(), 'no', 'such', 'c.txt');
    await expect(writeChunks(file, chunksOf('x'.repeat(1 << 20)))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
