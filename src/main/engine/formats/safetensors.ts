// The safetensors file format: read (F64/F32/F16/BF16 → Float32Array) and write (F32 default,
// F16/BF16 on request) byte-compatibly with the reference writer, atomically (temp + fsync +
// rename). Knows nothing about T5 names; t5/weights.ts maps names to a model.
// Files are never held whole: the header is read through a file descriptor and each tensor by
// its byte range, in pieces (Node will not read a file over 2 GiB at once, a Buffer tops out at
// 4 GiB, and t5-3b's file is 11 GB); writes go out in pieces too.
// Reference: https://github.com/huggingface/safetensors README "Format" (8-byte little-endian
// header size, JSON header, byte buffer; writer sorts by dtype alignment then name, pads the
// header with spaces to 8 bytes, `__metadata__` is a string→string map).

import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { elementCount } from '../shape';
import { floatToBf16, floatToHalf, halfToFloat } from './halfFloat';
import type { FloatDtype, SafetensorsHeader } from './safetensorsHeader';
import {
  BYTES,
  MAX_HEADER_BYTES,
  parseEntry,
  parseHeaderJson,
  parseSafetensorsHeader,
  SafetensorsError,
} from './safetensorsHeader';

export type { FloatDtype, SafetensorsHeader, TensorEntry } from './safetensorsHeader';
export { parseSafetensorsHeader, READABLE_DTYPES, SafetensorsError } from './safetensorsHeader';

/**
 * Whether `name` may be a shard of a sharded model: a plain `*.safetensors` file name, no folder
 * part, so an index (local or pulled from the Hub) cannot point outside the model's folder.
 */
export const isShardFileName = (name: string): boolean => /^[\w.-]+\.safetensors$/.test(name);

/** The most bytes one read or write call moves (well under the 2 GiB a single call may). */
export const IO_PIECE_BYTES = 64 * 1024 * 1024;

/**
 * Decode `raw` (whole values of `dtype`, its byteOffset a multiple of the value size) into
 * `out` from index `at`: F64 narrowed, F16/BF16 widened exactly.
 */
function decodeInto(dtype: FloatDtype, raw: Uint8Array, out: Float32Array, at: number): void {
  const count = raw.byteLength / BYTES[dtype];
  switch (dtype) {
    case 'F32':
      out.set(new Float32Array(raw.buffer, raw.byteOffset, count), at);
      return;
    case 'F64': {
      const doubles = new Float64Array(raw.buffer, raw.byteOffset, count);
      for (let i = 0; i < count; i++) out[at + i] = doubles[i];
      return;
    }
    case 'F16': {
      const halves = new Uint16Array(raw.buffer, raw.byteOffset, count);
      for (let i = 0; i < count; i++) out[at + i] = halfToFloat(halves[i]);
      return;
    }
    case 'BF16': {
      const halves = new Uint16Array(raw.buffer, raw.byteOffset, count);
      const words = new Uint32Array(out.buffer, out.byteOffset, out.length);
      for (let i = 0; i < count; i++) words[at + i] = halves[i] << 16;
      return;
    }
  }
}

/** Decode one tensor of a file held in memory (`bytes`, the whole file) to float32. */
export function decodeTensor(bytes: Uint8Array, header: SafetensorsHeader, name: string): Float32Array {
  const entry = header.entries.get(name);
  if (!entry) throw new SafetensorsError(`No tensor '${name}' in this file`);
  const start = header.dataStart + entry.begin;
  // NOTE: a copy, so the values are aligned whatever the tensor's offset in the file.
  // (Buffer's slice is a view, so the copy is made explicitly.)
  const raw = new Uint8Array(entry.end - entry.begin);
  raw.set(bytes.subarray(start, start + raw.byteLength));
  const out = new Float32Array(elementCount(entry.shape));
  decodeInto(entry.dtype, raw, out, 0);
  return out;
}

/** A safetensors file whose header has been read; its tensors are read on demand (readTensor). */
export interface LoadedSafetensors {
  readonly path: string;
  readonly header: SafetensorsHeader;
  /** The file's length when the header was read: a file that changes under the reader is refused. */
  readonly size: number;
}

/** Fill `target` from open file `fd` at `position`, in pieces; the number of bytes read (short at the end). */
function readAt(fd: number, target: Uint8Array, position: number): number {
  let read = 0;
  while (read < target.byteLength) {
    const n = readSync(fd, target, read, Math.min(IO_PIECE_BYTES, target.byteLength - read), position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}

/** Up to `length` bytes of open file `fd` from its start. */
function readHead(fd: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  return out.subarray(0, readAt(fd, out, 0));
}

/** Read and check the header of the safetensors file `path` (its data is not read). */
export function readSafetensorsFile(path: string): LoadedSafetensors {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const prefix = readHead(fd, 8);
    // A header size past the file or the limit is refused by the parser from these 8 bytes alone.
    const headerSize = prefix.byteLength < 8 ? 0 : Number(Buffer.from(prefix).readBigUInt64LE(0));
    const head = headerSize > size - 8 || headerSize > MAX_HEADER_BYTES ? prefix : readHead(fd, 8 + headerSize);
    return { path, header: parseSafetensorsHeader(head, path, size), size };
  } finally {
    closeSync(fd);
  }
}

/**
 * One tensor of `file` as float32, read by its byte range in pieces of `pieceBytes` (a multiple
 * of 8) and decoded piece by piece: memory is the result plus one piece.
 */
export function readTensor(file: LoadedSafetensors, name: string, pieceBytes = IO_PIECE_BYTES): Float32Array {
  const entry = file.header.entries.get(name);
  if (!entry) throw new SafetensorsError(`No tensor '${name}' in ${file.path}`);
  const out = new Float32Array(elementCount(entry.shape));
  const fd = openSync(file.path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size !== file.size)
      throw new SafetensorsError(
        `${file.path} changed while it was being read (${bytesOf(file.size)} bytes, now ${bytesOf(size)}); load the model again once nothing writes it`,
      );
    const start = file.header.dataStart + entry.begin;
    const length = entry.end - entry.begin;
    // F32 goes straight into the result; the others through one reused piece.
    const scratch = entry.dtype === 'F32' ? null : new Uint8Array(Math.min(pieceBytes, length));
    for (let done = 0; done < length; done += pieceBytes) {
      const n = Math.min(pieceBytes, length - done);
      const target = scratch?.subarray(0, n) ?? new Uint8Array(out.buffer, done, n);
      if (readAt(fd, target, start + done) < n)
        throw new SafetensorsError(`${file.path} ended while tensor '${name}' was read; the file is truncated`);
      if (scratch) decodeInto(entry.dtype, target, out, done / BYTES[entry.dtype]);
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

const bytesOf = (n: number): string => n.toLocaleString('en');

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
    if (headerSize > MAX_HEADER_BYTES) return 'is not safetensors: its first 8 bytes give no header size';
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

/** Read every tensor of a file as float32 (checkpoint optimizer slots, tests), one tensor at a time. */
export function readAllTensors(path: string): Map<string, { shape: readonly number[]; data: Float32Array }> {
  const file = readSafetensorsFile(path);
  const out = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [name, entry] of file.header.entries) out.set(name, { shape: entry.shape, data: readTensor(file, name) });
  return out;
}

export type WritableDtype = 'F32' | 'F16' | 'BF16';

export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
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

/**
 * Hand `chunks` in order to `write` (which returns how many bytes it took, perhaps fewer than
 * offered) in pieces of at most `pieceBytes`: one write call never gets a tensor over 2 GiB whole.
 */
export function writePieces(
  chunks: readonly Uint8Array[],
  pieceBytes: number,
  write: (chunk: Uint8Array, offset: number, length: number) => number,
): void {
  for (const chunk of chunks) {
    let written = 0;
    while (written < chunk.byteLength)
      written += write(chunk, written, Math.min(pieceBytes, chunk.byteLength - written));
  }
}

/** Write chunks to `path` atomically: temp file in the same folder, fsync, rename, fsync dir. */
export function writeFileAtomic(path: string, chunks: readonly Uint8Array[]): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    writePieces(chunks, IO_PIECE_BYTES, (chunk, offset, length) => writeSync(fd, chunk, offset, length));
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
