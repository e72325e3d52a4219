// Safetensors files past 2 GiB: the header is read through a file descriptor and each tensor by
// its byte range in pieces (Node refuses to read a file over 2 GiB whole, and a Buffer tops out
// at 4 GiB), shown on a sparse file whose data is mostly a hole; tensors read piece by piece
// with a small piece size; and the writer handing the file system pieces of bounded size, so a
// tensor over 2 GiB is written in several calls.
import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeSafetensors,
  readSafetensorsFile,
  readTensor,
  writePieces,
} from '../../../../src/main/engine/formats/safetensors';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-safetensors-large-');

/** A valid 2.3 GiB file: 'a' F32[2], a 'hole' F32 tensor of zeros (not on disk), 'z' BF16[3] at its end. */
function sparseFile(): { path: string; zAt: number } {
  const holeCount = 600_000_000; // 2.4 GB of F32
  const header: Record<string, unknown> = {
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    hole: { dtype: 'F32', shape: [holeCount], data_offsets: [8, 8 + 4 * holeCount] },
    z: { dtype: 'BF16', shape: [3], data_offsets: [8 + 4 * holeCount, 8 + 4 * holeCount + 6] },
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const dataStart = 8 + json.length;
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const path = join(tempDir(), 'model.safetensors');
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, Buffer.concat([prefix, Buffer.from(json), Buffer.from(new Float32Array([1.5, -2]).buffer)]));
    ftruncateSync(fd, dataStart + 8 + 4 * holeCount + 6);
    const z = Buffer.alloc(6);
    [0x3fc0, 0xc040, 0x4000].forEach((bits, i) => z.writeUInt16LE(bits, 2 * i)); // 1.5, -3, 2
    writeSync(fd, z, 0, 6, dataStart + 8 + 4 * holeCount);
  } finally {
    closeSync(fd);
  }
  return { path, zAt: dataStart + 8 + 4 * holeCount };
}

describe('safetensors files over 2 GiB', () => {
  it('reads the header and single tensors of a sparse 2.4 GB file without reading it whole', () => {
    const { path, zAt } = sparseFile();
    expect(zAt).toBeGreaterThan(2 ** 31);
    const file = readSafetensorsFile(path);
    expect([...file.header.entries.keys()].sort()).toEqual(['a', 'hole', 'z']);
    expect([...readTensor(file, 'a')]).toEqual([1.5, -2]);
    expect([...readTensor(file, 'z')]).toEqual([1.5, -3, 2]);
  });
  it('reads each dtype in pieces smaller than a tensor, across piece boundaries', () => {
    const values = [0.5, -1, 2.25, 3, -0.125, 7, 1024, -2048, 0];
    const path = join(tempDir(), 'x.safetensors');
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const tensors = [
        { name: 'first', shape: [1], data: new Float32Array([9]) },
        { name: 'x', shape: [values.length], data: new Float32Array(values) },
      ];
      writeFileSync(path, Buffer.concat(encodeSafetensors(tensors, dtype)));
      const file = readSafetensorsFile(path);
      for (const pieceBytes of [8, 16, 24, 1 << 20])
        expect([...readTensor(file, 'x', pieceBytes)], dtype).toEqual(values);
    }
  });
  it('says so when the file changed after its header was read', () => {
    const path = join(tempDir(), 'x.safetensors');
    writeFileSync(path, Buffer.concat(encodeSafetensors([{ name: 'x', shape: [4], data: new Float32Array(4) }])));
    const file = readSafetensorsFile(path);
    writeFileSync(path, Buffer.concat(encodeSafetensors([{ name: 'x', shape: [2], data: new Float32Array(2) }])));
    expect(() => readTensor(file, 'x')).toThrow(`${path} changed while it was being read`);
  });
});

describe('writePieces', () => {
  it('hands out pieces no larger than asked, taking partial writes, in order', () => {
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([4, 5, 6, 7, 8, 9, 10])];
    const written: number[] = [];
    const lengths: number[] = [];
    let calls = 0;
    writePieces(chunks, 4, (chunk, offset, length) => {
      lengths.push(length);
      // Every third call writes only one byte, as write(2) may.
      const n = ++calls % 3 === 0 ? 1 : length;
      written.push(...chunk.subarray(offset, offset + n));
      return n;
    });
    expect(written).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(4);
  });
});
