// The safetensors format: F16 and BF16 against bit patterns from the IEEE 754 binary16 and
// bfloat16 definitions, in files assembled by hand (not by encodeSafetensors), so a reader and
// writer that agree with each other but not with the formats cannot pass; round trips, F64
// reads and the messages for a bad dtype or a truncated file; a file's size checked against its
// header without reading its data.
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeTensor,
  encodeSafetensors,
  parseSafetensorsHeader,
  safetensorsSizeProblem,
} from '../../../../src/main/engine/formats/safetensors';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-safetensors-');

/** A one-tensor safetensors file built byte by byte: u64 header size, JSON, little-endian u16 data. */
function handMadeFile(dtype: 'F16' | 'BF16', bits: readonly number[]): Buffer {
  const header = JSON.stringify({ x: { dtype, shape: [bits.length], data_offsets: [0, 2 * bits.length] } });
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(2 * bits.length);
  bits.forEach((b, i) => data.writeUInt16LE(b, 2 * i));
  return Buffer.concat([size, Buffer.from(header), data]);
}

/** The u16 words of tensor 'x' in a file from encodeSafetensors. */
function writtenBits(values: readonly number[], dtype: 'F16' | 'BF16'): number[] {
  const bytes = Buffer.concat(
    encodeSafetensors([{ name: 'x', shape: [values.length], data: Float32Array.from(values) }], dtype),
  );
  const entry = parseSafetensorsHeader(bytes, 'mem').entries.get('x');
  const start = 8 + Number(bytes.readBigUInt64LE(0)) + (entry?.begin ?? 0);
  return values.map((_, i) => bytes.readUInt16LE(start + 2 * i));
}

// [value, bits]: exact in the format, so both directions must hit them exactly.
const F16_EXACT: [number, number][] = [
  [1, 0x3c00],
  [-2, 0xc000],
  [0.5, 0x3800],
  [65504, 0x7bff], // largest finite half
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [0.333251953125, 0x3555],
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
  [0, 0x0000],
];
const BF16_EXACT: [number, number][] = [
  [1, 0x3f80],
  [-2, 0xc000],
  [0.5, 0x3f00],
  [3.140625, 0x4049],
  [2 ** -133, 0x0001], // smallest subnormal
  [Infinity, 0x7f80],
  [-Infinity, 0xff80],
  [0, 0x0000],
];

describe('F16 / BF16 against the formats', () => {
  it('reads hand-made F16 and BF16 files to the exact float32 values', () => {
    for (const [dtype, table] of [
      ['F16', F16_EXACT],
      ['BF16', BF16_EXACT],
    ] as const) {
      const bytes = handMadeFile(
        dtype,
        table.map(([, bits]) => bits),
      );
      const read = decodeTensor(bytes, parseSafetensorsHeader(bytes, dtype), 'x');
      expect([...read], dtype).toEqual(table.map(([value]) => value));
    }
    const nan = handMadeFile('F16', [0x7e00]);
    expect(decodeTensor(nan, parseSafetensorsHeader(nan, 'nan'), 'x')[0]).toBeNaN();
  });

  it('writes the exact bit patterns, rounding to nearest even', () => {
    expect(
      writtenBits(
        F16_EXACT.map(([v]) => v),
        'F16',
      ),
    ).toEqual(F16_EXACT.map(([, b]) => b));
    expect(
      writtenBits(
        BF16_EXACT.map(([v]) => v),
        'BF16',
      ),
    ).toEqual(BF16_EXACT.map(([, b]) => b));
    // Halfway cases go to the even mantissa; just above halfway rounds up; 65520 overflows.
    expect(writtenBits([1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20, 65520, -0], 'F16')).toEqual([
      0x3c00, 0x3c02, 0x3c01, 0x7c00, 0x8000,
    ]);
    expect(writtenBits([1 + 2 ** -8, 1 + 3 * 2 ** -8, Math.PI], 'BF16')).toEqual([0x3f80, 0x3f82, 0x4049]);
  });
});

describe('safetensors round trips and messages', () => {
  it('reads F16 and BF16 into float32 and writes them back', () => {
    const data = Float32Array.from([0, 1, -2, 0.5, 65504, 1e-7, -0.333251953125]);
    for (const dtype of ['F16', 'BF16'] as const) {
      const bytes = Buffer.concat(encodeSafetensors([{ name: 'x', shape: [7], data }], dtype));
      const header = parseSafetensorsHeader(bytes, 'mem');
      expect(header.entries.get('x')?.dtype).toBe(dtype);
      const back = decodeTensor(bytes, header, 'x');
      const tolerance = dtype === 'F16' ? 2 ** -11 : 2 ** -8; // half an ulp, relative
      for (let i = 0; i < data.length; i++)
        expect(Math.abs(back[i] - data[i])).toBeLessThanOrEqual(tolerance * Math.abs(data[i]) + 6e-8);
      expect(back[2]).toBe(-2);
    }
  });
  it('rejects an unknown dtype and a truncated file with a clear message', () => {
    const bytes = Buffer.concat(encodeSafetensors([{ name: 'x', shape: [2], data: new Float32Array(2) }]));
    expect(() => parseSafetensorsHeader(bytes.subarray(0, bytes.length - 4), 'model.safetensors')).toThrow(
      /truncated or corrupt/,
    );
    const header = '{"x":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}';
    const raw = Buffer.concat([
      Buffer.from([header.length, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from(header),
      Buffer.alloc(1),
    ]);
    expect(() => parseSafetensorsHeader(raw, 'f')).toThrow(
      "tensor 'x' has dtype I8; expected one of: F64, F32, F16, BF16",
    );
  });
  it('reads F64 tensors (reference gradients may be stored in float64)', () => {
    const header = JSON.stringify({ g: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } });
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(header.length));
    const bytes = Buffer.concat([size, Buffer.from(header), Buffer.from(Float64Array.of(1.5, -0.25).buffer)]);
    expect([...decodeTensor(bytes, parseSafetensorsHeader(bytes, 'g.safetensors'), 'g')]).toEqual([1.5, -0.25]);
  });
});

describe('safetensors size against the header', () => {
  it('says a file is whole, truncated, too long or has a broken header, without reading its data', () => {
    const file = join(tempDir(), 'model.safetensors');
    // One F32 tensor of 1,000 values: 4,000 data bytes after the 8-byte size and the header.
    const header = JSON.stringify({ x: { dtype: 'F32', shape: [1000], data_offsets: [0, 4000] } });
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(header.length));
    const whole = 8 + header.length + 4000;
    writeFileSync(file, Buffer.concat([size, Buffer.from(header), Buffer.alloc(4000)]));
    expect(safetensorsSizeProblem(file)).toBeNull();
    truncateSync(file, 2500);
    expect(safetensorsSizeProblem(file)).toBe(`is truncated (2,500 of ${whole.toLocaleString('en')} bytes)`);
    truncateSync(file, whole + 3);
    expect(safetensorsSizeProblem(file)).toBe(
      `is longer than its header accounts for (${(whole + 3).toLocaleString('en')} of ${whole.toLocaleString('en')} bytes)`,
    );
    truncateSync(file, 20);
    expect(safetensorsSizeProblem(file)).toMatch(/^is truncated \(20 bytes, shorter than its own \d+-byte header\)$/);
    truncateSync(file, 5);
    expect(safetensorsSizeProblem(file)).toBe('is truncated (5 bytes, too short for a header)');
    writeFileSync(file, Buffer.concat([size, Buffer.from(header.replace('{', '[')), Buffer.alloc(4000)]));
    expect(safetensorsSizeProblem(file)).toMatch(/^has a corrupt header \(header is not valid JSON/);
  });
});
