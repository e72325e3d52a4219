// Bad safetensors files, generated and hand-made: truncations at every header boundary and at
// seeded random points, random bytes, bit flips in the header JSON, overlapping and gapped
// data offsets, and malformed tensor entries. Each must fail with a SafetensorsError naming
// the file (never a raw TypeError) or, for a flip that leaves a valid file, load exactly the
// original bytes — never garbage. Bounded: a fixed seed and a few hundred cases.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeSafetensors,
  parseSafetensorsHeader,
  readAllTensors,
  SafetensorsError,
  type TensorToWrite,
} from '../../../../src/main/engine/formats/safetensors';
import { Rng } from '../../../../src/main/engine/rng';
import { elementCount } from '../../../../src/main/engine/shape';

const dir = mkdtempSync(join(tmpdir(), 'spanfill-st-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TENSORS: TensorToWrite[] = [
  { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  { name: 'b', shape: [4], data: Float32Array.from([7, 8, 9, 10]) },
  { name: 'c', shape: [0, 5], data: new Float32Array(0) },
  { name: 'd', shape: [], data: Float32Array.from([11]) },
];
const GOOD = Buffer.concat(encodeSafetensors(TENSORS));
const HEADER_SIZE = Number(GOOD.readBigUInt64LE(0));
const DATA_START = 8 + HEADER_SIZE;

/** A file of `bytes` named `name`; returns the path the errors must name. */
function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A file from a header object and a data section. */
function withHeader(name: string, header: unknown, data: Uint8Array): string {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.byteLength));
  return file(name, Buffer.concat([prefix, json, data]));
}

/** The load fails with a SafetensorsError whose message names the file; returns the message. */
function expectRefused(path: string): string {
  let thrown: unknown;
  try {
    readAllTensors(path);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${path} loaded`).toBeInstanceOf(SafetensorsError);
  const message = (thrown as Error).message;
  expect(message).toContain(path);
  return message;
}

/** Tensors of the good file in data order: the bytes each one must decode from. */
const ORIGINAL_VALUES = [...TENSORS]
  .sort((x, y) => (x.name < y.name ? -1 : 1))
  .map((t) => Array.from(t.data))
  .filter((values) => values.length > 0);

describe('safetensors fuzz: truncations', () => {
  const header = parseSafetensorsHeader(GOOD, 'good');
  const boundaries = new Set<number>([0, 1, 4, 7, 8, 9, DATA_START - 1, DATA_START]);
  for (const entry of header.entries.values()) {
    boundaries.add(DATA_START + entry.begin);
    boundaries.add(DATA_START + entry.end);
  }
  const rng = Rng.fromSplitMix32(9);
  for (let i = 0; i < 40; i++) boundaries.add(rng.below(GOOD.byteLength));
  boundaries.delete(GOOD.byteLength);

  it(`refuses the file cut at ${boundaries.size} header, tensor and random points, naming it`, () => {
    expect(readAllTensors(file('good.safetensors', GOOD)).size).toBe(TENSORS.length);
    for (const at of [...boundaries].sort((x, y) => x - y))
      expectRefused(file(`cut-${at}.safetensors`, GOOD.subarray(0, at)));
  });
});

describe('safetensors fuzz: random bytes and bit flips', () => {
  it('refuses 100 files of random bytes, with and without a plausible header size', () => {
    const rng = Rng.fromSplitMix32(10);
    for (let i = 0; i < 100; i++) {
      const bytes = new Uint8Array(rng.below(300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = rng.below(256);
      if (i % 2 === 1 && bytes.length >= 8)
        new DataView(bytes.buffer).setBigUint64(0, BigInt(rng.below(bytes.length - 7)), true);
      expectRefused(file(`random-${i}.safetensors`, bytes));
    }
  });

  it('a bit flip anywhere in the header JSON is refused or loads exactly the original values', () => {
    const rng = Rng.fromSplitMix32(11);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(GOOD);
      const at = 8 + rng.below(HEADER_SIZE);
      bytes[at] ^= 1 << rng.below(8);
      const path = file(`flip-${i}.safetensors`, bytes);
      let loaded: ReturnType<typeof readAllTensors>;
      try {
        loaded = readAllTensors(path);
      } catch (error) {
        expect(error, `flip at ${at}`).toBeInstanceOf(SafetensorsError);
        expect((error as Error).message).toContain(path);
        refused++;
        continue;
      }
      // A flip in a name or in the metadata may leave a valid file: the values must be intact.
      const header = parseSafetensorsHeader(bytes, path);
      const byOffset = [...header.entries.entries()].sort(([, x], [, y]) => x.begin - y.begin || x.end - y.end);
      const values = byOffset.map(([name]) => Array.from(loaded.get(name)?.data ?? [])).filter((v) => v.length > 0);
      expect(values, `flip at ${at}`).toEqual(ORIGINAL_VALUES);
      for (const { shape, data } of loaded.values()) expect(elementCount(shape)).toBe(data.length);
    }
    expect(refused).toBeGreaterThan(100);
  });
});

describe('safetensors fuzz: offsets that overlap or leave gaps', () => {
  const f32 = (count: number): Uint8Array => new Uint8Array(new Float32Array(count).fill(1).buffer);
  const t = (begin: number, end: number, shape: number[] = [(end - begin) / 4]): object => ({
    dtype: 'F32',
    shape,
    data_offsets: [begin, end],
  });

  it('refuses every tensor pointing at the same bytes, lengths still matching', () => {
    const message = expectRefused(withHeader('same.safetensors', { x: t(0, 16), y: t(0, 16), z: t(0, 16) }, f32(12)));
    expect(message).toMatch(/overlap/);
    expect(message).toMatch(/'[xyz]'/);
  });

  it('refuses overlaps, gaps, a data section with bytes no tensor covers, and a first tensor not at 0', () => {
    const cases: [string, object, Uint8Array, RegExp][] = [
      ['overlap', { x: t(0, 16), y: t(8, 24) }, f32(6), /overlap/],
      ['gap', { x: t(0, 8), y: t(12, 20) }, f32(5), /gap/],
      ['tail', { x: t(0, 8), y: t(8, 16) }, f32(6), /8 bytes after the last tensor/],
      ['start', { x: t(4, 12), y: t(12, 20) }, f32(5), /gap/],
      ['empty-header-data', {}, f32(2), /8 bytes after the last tensor/],
    ];
    for (const [name, header, data, pattern] of cases)
      expect(expectRefused(withHeader(`${name}.safetensors`, header, data)), name).toMatch(pattern);
  });

  it('accepts offsets that tile the data in an order other than the names (the reference writer sorts by dtype)', () => {
    const path = withHeader('reordered.safetensors', { x: t(8, 16), y: t(0, 8), e: t(8, 8, [0]) }, f32(4));
    const loaded = readAllTensors(path);
    expect([...loaded.keys()].sort()).toEqual(['e', 'x', 'y']);
    expect(loaded.get('e')?.data.length).toBe(0);
  });
});

describe('safetensors fuzz: malformed tensor entries', () => {
  const data = new Uint8Array(8);
  const cases: [string, unknown, RegExp][] = [
    ['no shape', { dtype: 'F32', data_offsets: [0, 8] }, /'w'.*shape/],
    ['shape a string', { dtype: 'F32', shape: '2', data_offsets: [0, 8] }, /'w'.*shape/],
    ['negative dim', { dtype: 'F32', shape: [-2], data_offsets: [0, 8] }, /'w'.*shape/],
    ['fractional dim', { dtype: 'F32', shape: [1.5], data_offsets: [0, 8] }, /'w'.*shape/],
    ['no dtype', { shape: [2], data_offsets: [0, 8] }, /'w'.*dtype/],
    ['int dtype', { dtype: 'I64', shape: [1], data_offsets: [0, 8] }, /'w'.*dtype I64/],
    ['no offsets', { dtype: 'F32', shape: [2] }, /'w'.*data_offsets/],
    ['one offset', { dtype: 'F32', shape: [2], data_offsets: [8] }, /'w'.*data_offsets/],
    ['string offsets', { dtype: 'F32', shape: [2], data_offsets: ['0', '8'] }, /'w'.*data_offsets/],
    ['reversed offsets', { dtype: 'F32', shape: [2], data_offsets: [8, 0] }, /'w'.*data_offsets/],
    ['length mismatch', { dtype: 'F32', shape: [3], data_offsets: [0, 8] }, /'w'.*does not fit its shape/],
    ['entry null', null, /'w'/],
    ['entry a number', 7, /'w'/],
  ];
  for (const [label, entry, pattern] of cases) {
    it(`names the file and the tensor: ${label}`, () => {
      expect(expectRefused(withHeader(`entry-${label.replace(/ /g, '-')}.safetensors`, { w: entry }, data))).toMatch(
        pattern,
      );
    });
  }

  it('refuses a header that is a JSON array, not UTF-8, or a metadata value that is not text', () => {
    expectRefused(withHeader('array.safetensors', [1, 2], new Uint8Array(0)));
    const bad = Buffer.from(GOOD);
    bad[8 + 2] = 0xff; // inside the first tensor's name
    expect(expectRefused(file('latin1.safetensors', bad))).toMatch(/UTF-8/);
    const meta = { __metadata__: { format: 3 }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expect(expectRefused(withHeader('meta.safetensors', meta, data))).toMatch(/__metadata__/);
  });
});
