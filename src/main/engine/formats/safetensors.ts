// The safetensors file format: read (F64/F32/F16/BF16 → Float32Array) and write (F32 default,
// F16/BF16 on request) byte-compatibly with the reference writer, atomically (temp + fsync +
// rename). Knows nothing about T5 names; t5/weights.ts maps names to a model.
// Reference: https://github.com/huggingface/safetensors README "Format" (8-byte little-endian
// header size, JSON header, byte buffer; writer sorts by dtype alignment then name, pads the
// header with spaces to 8 bytes, `__metadata__` is a string→string map).

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

export type FloatDtype = 'F64' | 'F32' | 'F16' | 'BF16';
const BYTES: Record<FloatDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };
export const READABLE_DTYPES = Object.keys(BYTES) as FloatDtype[];

export interface TensorEntry {
  readonly dtype: FloatDtype;
  readonly shape: readonly number[];
  /** Byte range inside the data section (after the header). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, TensorEntry>;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly dataStart: number;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Parse the header of a whole file already in memory. `source` names it in errors. */
export function parseSafetensorsHeader(bytes: Uint8Array, source: string): SafetensorsHeader {
  if (bytes.byteLength < 8)
    throw new SafetensorsError(`${source}: too short to be safetensors (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = Number(view.getBigUint64(0, true));
  if (headerSize > bytes.byteLength - 8 || headerSize > 100_000_000) {
    throw new SafetensorsError(
      `${source}: header size ${headerSize} exceeds file size ${bytes.byteLength}; not a safetensors file or truncated`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerSize).toString('utf8'));
  } catch (error) {
    throw new SafetensorsError(
      `${source}: header is not valid JSON (${(error as Error).message}); the file is corrupt`,
    );
  }
  if (typeof json !== 'object' || json === null) throw new SafetensorsError(`${source}: header is not a JSON object`);
  const dataStart = 8 + headerSize;
  const dataLength = bytes.byteLength - dataStart;
  const entries = new Map<string, TensorEntry>();
  let metadata: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const raw = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = String(raw.dtype);
    if (!(dtype in BYTES)) {
      throw new SafetensorsError(
        `${source}: tensor '${name}' has dtype ${dtype}; expected one of: ${READABLE_DTYPES.join(', ')}`,
      );
    }
    const shape = raw.shape as number[];
    const [begin, end] = raw.data_offsets as [number, number];
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dtype as FloatDtype] || end > dataLength || begin < 0) {
      throw new SafetensorsError(
        `${source}: tensor '${name}' ${dtype}[${shape.join(', ')}] has byte range [${begin}, ${end}) that does not fit its shape or the file (${dataLength} data bytes); the file is truncated or corrupt`,
      );
    }
    entries.set(name, { dtype: dtype as FloatDtype, shape, begin, end });
  }
  return { entries, metadata, dataStart };
}

/** IEEE half → float (subnormals, infinities and NaN included). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Decode one tensor to float32 (F64 is narrowed; F16/BF16 widened exactly). */
export function decodeTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Float32Array {
  const entry = header.entries.get(name);
  if (!entry) throw new SafetensorsError(`No tensor '${name}' in this file`);
  const start = bytes.byteOffset + header.dataStart + entry.begin;
  const length = entry.end - entry.begin;
  // NOTE: a copy, so the result is aligned and independent of the (possibly huge) file buffer.
  const raw = bytes.buffer.slice(start, start + length);
  switch (entry.dtype) {
    case 'F32':
      return new Float32Array(raw);
    case 'F64':
      return Float32Array.from(new Float64Array(raw));
    case 'F16': {
      const halves = new Uint16Array(raw);
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
      return out;
    }
    case 'BF16': {
      const halves = new Uint16Array(raw);
      const words = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) words[i] = halves[i] << 16;
      return new Float32Array(words.buffer);
    }
  }
}

export interface LoadedSafetensors {
  readonly header: SafetensorsHeader;
  readonly bytes: Uint8Array;
}

export function readSafetensorsFile(path: string): LoadedSafetensors {
  const bytes = readFileSync(path);
  return { bytes, header: parseSafetensorsHeader(bytes, path) };
}

/** Read every tensor of a file as float32 (test helper and small files). */
export function readAllTensors(path: string): Map<string, { shape: readonly number[]; data: Float32Array }> {
  const { bytes, header } = readSafetensorsFile(path);
  const out = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [name, entry] of header.entries)
    out.set(name, { shape: entry.shape, data: decodeTensor(bytes, header, name) });
  return out;
}

export type WritableDtype = 'F32' | 'F16' | 'BF16';

export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float → bfloat16 bits, round to nearest even (NaN kept quiet). */
function floatToBf16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if (Number.isNaN(x)) return 0x7fc0;
  return ((bits + 0x7fff + ((bits >> 16) & 1)) >>> 16) & 0xffff;
}

/** float → IEEE half bits, round to nearest even, overflow to infinity. */
function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

function encodeData(data: Float32Array, dtype: WritableDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint16Array(data.length);
  const convert = dtype === 'F16' ? floatToHalf : floatToBf16;
  for (let i = 0; i < data.length; i++) out[i] = convert(data[i]);
  return new Uint8Array(out.buffer);
}

/**
 * Build the header and the ordered data chunks. Order as the reference writer: tensors sorted
 * by name (one dtype per file here), `__metadata__` last, header padded with spaces to 8 bytes.
 */
export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  dtype: WritableDtype = 'F32',
  metadata: Record<string, string> = { format: 'pt' },
): Uint8Array[] {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of sorted) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new SafetensorsError(
        `Tensor '${tensor.name}' has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] needs ${count}`,
      );
    }
    const encoded = encodeData(tensor.data, dtype);
    header[tensor.name] = { dtype, shape: tensor.shape, data_offsets: [offset, offset + encoded.byteLength] };
    chunks.push(encoded);
    offset += encoded.byteLength;
  }
  header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const jsonBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(jsonBytes.byteLength), 0);
  return [prefix, jsonBytes, ...chunks];
}

/** Write chunks to `path` atomically: temp file in the same folder, fsync, rename, fsync dir. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) written += writeSync(fd, chunk, written, chunk.byteLength - written);
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // NOTE: directory fsync is not supported on every platform (Windows); the rename stands.
  }
}

export function writeSafetensorsFile(
  path: string,
  tensors: readonly TensorToWrite[],
  dtype: WritableDtype = 'F32',
  metadata?: Record<string, string>,
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, dtype, metadata));
}
