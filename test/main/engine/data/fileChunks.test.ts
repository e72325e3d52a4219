// Files read in chunks for import: each read's buffer no bigger than the file needs (a small
// file's reads allocate bytes, not a chunk each), a file that grows while read read whole in
// full chunks, and a small file read once for the sniff and the import together.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextReadBytes, readChunks, readTwice } from '../../../../src/main/engine/data/fileChunks';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-chunks-');
const MiB = 1 << 20;

async function collect(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

afterEach(() => void vi.restoreAllMocks());

describe('nextReadBytes', () => {
  it("asks for the file's size and a byte, at most a chunk; a full read asks for a chunk next", () => {
    expect(nextReadBytes(MiB, 120, null)).toBe(121);
    expect(nextReadBytes(MiB, 0, null)).toBe(1);
    expect(nextReadBytes(MiB, 5 * MiB, null)).toBe(MiB);
    expect(nextReadBytes(MiB, 120, { asked: 121, read: 120 })).toBe(121);
    expect(nextReadBytes(MiB, 120, { asked: 121, read: 121 })).toBe(MiB);
    expect(nextReadBytes(MiB, 5 * MiB, { asked: MiB, read: MiB })).toBe(MiB);
  });
});

describe('readChunks', () => {
  it('reads a small file, and finds its end, with buffers of its size rather than a chunk each', async () => {
    const file = path.join(tempDir(), 'small.txt');
    fs.writeFileSync(file, 'x'.repeat(120));
    const allocate = vi.spyOn(Buffer, 'allocUnsafe');
    const chunks = await collect(readChunks(file, MiB, undefined));
    expect(chunks.map((c) => c.toString())).toEqual(['x'.repeat(120)]);
    // (Other code running meanwhile may allocate too: only these reads' sizes are checked.)
    const sizes = allocate.mock.calls.map(([size]) => size);
    expect(sizes.filter((size) => size === 121)).toHaveLength(2);
    expect(sizes).not.toContain(MiB);
  });

  it('reads a file that grew after it was opened to its end, in full chunks once a read fills its buffer', async () => {
    const file = path.join(tempDir(), 'growing.txt');
    fs.writeFileSync(file, 'a'.repeat(10));
    const reading = readChunks(file, 64, undefined);
    const first = await reading.next();
    expect(first.value?.toString()).toBe('a'.repeat(10));
    fs.appendFileSync(file, 'b'.repeat(200));
    const rest = await collect(reading);
    expect(Buffer.concat(rest).toString()).toBe('b'.repeat(200));
    expect(rest.map((c) => c.length)).toEqual([11, 64, 64, 61]);
  });

  it('gives every chunk a buffer of its own, so a chunk kept is not overwritten by the next read', async () => {
    const file = path.join(tempDir(), 'big.txt');
    fs.writeFileSync(file, 'abcdefghij'.repeat(10));
    const chunks = await collect(readChunks(file, 16, undefined));
    expect(chunks.length).toBe(7);
    expect(Buffer.concat(chunks).toString()).toBe('abcdefghij'.repeat(10));
  });
});

describe('readTwice', () => {
  it('gives a file of up to keepBytes again from memory: the second pass reads nothing', async () => {
    const file = path.join(tempDir(), 'once.txt');
    fs.writeFileSync(file, 'hello');
    const reads = readTwice(file, MiB, undefined);
    expect(Buffer.concat(await collect(reads.first)).toString()).toBe('hello');
    fs.rmSync(file);
    expect(Buffer.concat(await collect(reads.second())).toString()).toBe('hello');
  });

  it('reads a larger file again, and one whose first pass was not finished', async () => {
    const file = path.join(tempDir(), 'twice.txt');
    fs.writeFileSync(file, 'x'.repeat(100));
    const large = readTwice(file, 16, undefined, 50);
    await collect(large.first);
    fs.writeFileSync(file, 'y'.repeat(100));
    expect(Buffer.concat(await collect(large.second())).toString()).toBe('y'.repeat(100));
    const unfinished = readTwice(file, 16, undefined);
    for await (const chunk of unfinished.first) if (chunk.length > 0) break;
    expect(Buffer.concat(await collect(unfinished.second())).toString()).toBe('y'.repeat(100));
  });
});
