// The safetensors header: the 8-byte little-endian header size, the JSON header (each tensor's
// dtype, shape and byte range; `__metadata__`), checked entry by entry and for tensors tiling the
// data section exactly. safetensors.ts reads tensors by these ranges and writes files.
// Reference: https://github.com/huggingface/safetensors README "Format".

import { TextDecoder } from 'node:util';
import { elementCount } from '../shape';

export type FloatDtype = 'F64' | 'F32' | 'F16' | 'BF16';
export const BYTES: Record<FloatDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };
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

/** The largest header read (the reference reader's limit is 100 MB too). */
export const MAX_HEADER_BYTES = 100_000_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** One tensor's header entry checked on its own: dtype, shape, data_offsets and their length. */
export function parseEntry(source: string, name: string, value: unknown): TensorEntry {
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

export function parseHeaderJson(bytes: Uint8Array, headerSize: number, source: string): Record<string, unknown> {
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

/**
 * Parse and check the header of a safetensors file. `bytes` holds the whole file, or (with
 * `fileSize`, the file's length) at least its first 8 + header-size bytes. `source` names it in errors.
 */
export function parseSafetensorsHeader(
  bytes: Uint8Array,
  source: string,
  fileSize: number = bytes.byteLength,
): SafetensorsHeader {
  if (fileSize < 8) throw new SafetensorsError(`${source}: too short to be safetensors (${fileSize} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = Number(view.getBigUint64(0, true));
  if (headerSize > fileSize - 8 || headerSize > MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      `${source}: header size ${headerSize} exceeds file size ${fileSize}; not a safetensors file or truncated`,
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
  checkTiling(source, entries, fileSize - dataStart);
  return { entries, metadata, dataStart };
}
