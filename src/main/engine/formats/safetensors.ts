// The safetensors file format: read (F64/F32/F16/BF16 → Float32Array) and write (F32 default,
// F16/BF16 on request) byte-compatibly with the reference writer, atomically (temp + fsync +
// rename). Knows nothing about T5 names; t5/weights.ts maps names to a model.
// Reference: https://github.com/huggingface/safetensors README "Format" (8-byte little-endian
// header size, JSON header, byte buffer; writer sorts by dtype alignment then name, pads the
// header with spaces to 8 bytes, `__metadata__` is a string→string map).

import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { TextDecoder } from 'node:util';
import { elementCount } from '../shape';

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

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** One tensor's header entry checked on its own: dtype, shape, data_offsets and their length. */
function parseEntry(source: string, name: string, value: unknown): TensorEntry {
  const where = `${source}: tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SafetensorsError(
      `${where} is ${JSON.stringify(value)}, not {dtype, shape, data_offsets}; the file is corrupt`,
    );
  }
  const raw = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof raw.dtype !== 'string' || !(raw.dtype in BYTES)) {
    throw new SafetensorsError(
      `${where} has dtype ${typeof raw.dtype === 'string' ? raw.dtype : JSON.stringify(raw.dtype)}; expected one of: ${READABLE_DTYPES.join(', ')}`,
    );
  }
  const dtype = raw.dtype as FloatDtype;
  if (!Array.isArray(raw.shape) || !raw.shape.every(isCount)) {
    throw new SafetensorsError(
      `${where} has shape ${JSON.stringify(raw.shape)}; expected a list of non-negative integers such as [512, 64]; the file is corrupt`,
    );
  }
  const shape = raw.shape as number[];
  const offsets = raw.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new SafetensorsError(
      `${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end; the file is corrupt`,
    );
  }
  const [begin, end] = offsets as [number, number];
  const count = elementCount(shape);
  if (end - begin !== count * BYTES[dtype]) {
    throw new SafetensorsError(
      `${where} ${dtype}[${shape.join(', ')}] has byte range [${begin}, ${end}) that does not fit its shape (${count * BYTES[dtype]} bytes); the file is corrupt`,
    );
  }
  return { dtype, shape, begin, end };
}

/**
 * The data offsets must tile the data section exactly: sorted by offset, the first tensor
 * starts at 0, each next one where the previous ends, the last at the end of the file. Else
 * two tensors share bytes (garbage that loads) or bytes are unaccounted for (polyglot files).
 * Reference: the safetensors README "Format"/"Benefits" (addresses never overlap) and the
 * reference reader's check that the offsets are contiguous and cover the whole buffer.
 */
function checkTiling(source: string, entries: ReadonlyMap<string, TensorEntry>, dataLength: number): void {
  const sorted = [...entries].sort(([, x], [, y]) => x.begin - y.begin || x.end - y.end);
  let at = 0;
  let previous = '(start of data)';
  for (const [name, { begin, end }] of sorted) {
    if (begin < at) {
      throw new SafetensorsError(
        `${source}: tensors '${previous}' and '${name}' overlap (bytes [${begin}, ${Math.min(at, end)}) of the data are claimed twice); the file is corrupt`,
      );
    }
    if (begin > at) {
      throw new SafetensorsError(
        `${source}: a gap of ${begin - at} bytes lies between ${previous === '(start of data)' ? 'the start of the data' : `tensor '${previous}'`} and tensor '${name}'; the file is corrupt`,
      );
    }
    at = end;
    previous = name;
  }
  if (at > dataLength) {
    throw new SafetensorsError(
      `${source}: tensor '${previous}' ends at data byte ${at} but the file has ${dataLength} data bytes; the file is truncated or corrupt`,
    );
  }
  if (at < dataLength) {
    throw new SafetensorsError(
      `${source}: ${dataLength - at} bytes after the last tensor belong to no tensor; the file is corrupt or not safetensors`,
    );
  }
}

function parseMetadata(source: string, value: unknown): Record<string, string> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new SafetensorsError(`${source}: __metadata__ must map names to text; got ${JSON.stringify(value)}`);
  }
  return value as Record<string, string>;
}

function parseHeaderJson(bytes: Uint8Array, headerSize: number, source: string): Record<string, unknown> {
  let json: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerSize));
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof TypeError ? 'is not UTF-8' : `is not valid JSON (${(error as Error).message})`;
    throw new SafetensorsError(`${source}: header ${reason}; the file is corrupt`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new SafetensorsError(`${source}: header is not a JSON object; the file is corrupt`);
  return json as Record<string, unknown>;
}

/** Parse and check the header of a whole file already in memory. `source` names it in errors. */
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
  const json = parseHeaderJson(bytes, headerSize, source);
  const dataStart = 8 + headerSize;
  const entries = new Map<string, TensorEntry>();
  let metadata: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') metadata = parseMetadata(source, value);
    else entries.set(name, parseEntry(source, name, value));
  }
  checkTiling(source, entries, bytes.byteLength - dataStart);
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

const bytesOf = (n: number): string => n.toLocaleString('en');

/** Up to `length` bytes of open file `fd` from its start. */
function readHead(fd: number, length: number): Uint8Array {
  const out = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, out, read, length - read, read);
    if (n === 0) break;
    read += n;
  }
  return out.subarray(0, read);
}

/**
 * What is wrong with the safetensors file `path` judged by its header and its size alone (its
 * data is not read), in words that follow the file's name: "is truncated (100,000 of 3,600,000
 * bytes)"; null when the file is as long as its header says. Quick enough to check every file of
 * a checkpoint before a resume commits to it.
 */
export function safetensorsSizeProblem(path: string): string | null {
  const source = basename(path);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const prefix = readHead(fd, 8);
    if (prefix.byteLength < 8) return `is truncated (${bytesOf(size)} bytes, too short for a header)`;
    const headerSize = Number(Buffer.from(prefix).readBigUInt64LE(0));
    if (headerSize > 100_000_000) return 'is not safetensors: its first 8 bytes give no header size';
    if (8 + headerSize > size)
      return `is truncated (${bytesOf(size)} bytes, shorter than its own ${bytesOf(8 + headerSize)}-byte header)`;
    let end = 0;
    try {
      const json = parseHeaderJson(readHead(fd, 8 + headerSize), headerSize, source);
      for (const [name, value] of Object.entries(json))
        if (name !== '__metadata__') end = Math.max(end, parseEntry(source, name, value).end);
    } catch (error) {
      if (!(error instanceof SafetensorsError)) throw error;
      return `has a corrupt header (${error.message.slice(source.length + 2).replace(/; the file is corrupt$/, '')})`;
    }
    const expected = 8 + headerSize + end;
    if (size < expected) return `is truncated (${bytesOf(size)} of ${bytesOf(expected)} bytes)`;
    if (size > expected)
      return `is longer than its header accounts for (${bytesOf(size)} of ${bytesOf(expected)} bytes)`;
    return null;
  } finally {
    closeSync(fd);
  }
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
    const count = elementCount(tensor.shape);
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
