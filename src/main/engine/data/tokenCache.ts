// The token cache: a dataset's token ids for one tokenizer in one binary file, so training
// and previews skip re-tokenizing. Written to a temp name, fsynced, renamed; a cancelled or
// failed write removes the temp file and leaves any old cache untouched.
// Layout (little-endian), version 1:
//   0 magic "SPFTOKC\0" · 8 u32 version · 12 u32 bytes per id (2 | 4) · 16 u64 documents
//   24 u64 tokens · 32 u64 byte offset of the offsets table · 40 u32 vocab size · 44 u32 0
//   48 fingerprint: 64 ASCII hex chars (sha256 of dataset + tokenizer) · 112..128 zero
//   128 ids (documents back to back, no EOS) · offsets table: (documents + 1) u64 token starts
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { DataError } from './errors';
import { encodeForTraining, type TextTokenizer } from './tokenizer';
import type { TokenSource } from './tokenSource';

const MAGIC = Buffer.from('SPFTOKC\0', 'latin1');
export const TOKEN_CACHE_VERSION = 1;
const HEADER_BYTES = 128;

/** What a cache must match: the dataset's content hash and the tokenizer's fingerprint. */
export function tokenCacheFingerprint(datasetHash: string, tokenizerFingerprint: string): string {
  return createHash('sha256')
    .update(`spanfill-tokens-v${TOKEN_CACHE_VERSION}\0${datasetHash}\0${tokenizerFingerprint}`)
    .digest('hex');
}

export interface TokenCacheWriteResult {
  readonly documents: number;
  readonly tokens: number;
  readonly droppedSpecialTokens: number;
}

export interface TokenCacheWriteOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { documents: number; tokens: number }) => void;
}

/** Tokenizes `documents` (in dataset order) into `path`. Yields to the event loop every ~50 ms. */
export async function writeTokenCache(
  path: string,
  fingerprint: string,
  tokenizer: TextTokenizer,
  documents: Iterable<string> | AsyncIterable<string>,
  options: TokenCacheWriteOptions = {},
): Promise<TokenCacheWriteResult> {
  const idBytes = tokenizer.vocabSize <= 65536 ? 2 : 4;
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(temp, 'w');
  let offsets: Float64Array = new Float64Array(1024);
  let documentCount = 0;
  let tokens = 0;
  let dropped = 0;
  let buffer = Buffer.alloc(4 << 20);
  let used = 0;
  let position = HEADER_BYTES;
  const flush = (): void => {
    writeSync(fd, buffer, 0, used, position);
    position += used;
    used = 0;
  };
  try {
    let lastYield = Date.now();
    for await (const text of documents) {
      options.signal?.throwIfAborted();
      const { ids, droppedSpecialTokens } = encodeForTraining(tokenizer, text);
      dropped += droppedSpecialTokens;
      if (documentCount + 1 >= offsets.length) offsets = growFloat64(offsets);
      offsets[documentCount++] = tokens;
      if (used + ids.length * idBytes > buffer.length) {
        flush();
        if (ids.length * idBytes > buffer.length) buffer = Buffer.alloc(ids.length * idBytes);
      }
      for (const id of ids) {
        if (idBytes === 2) buffer.writeUInt16LE(id, used);
        else buffer.writeUInt32LE(id, used);
        used += idBytes;
      }
      tokens += ids.length;
      if (Date.now() - lastYield > 50) {
        options.onProgress?.({ documents: documentCount, tokens });
        await new Promise((r) => setImmediate(r));
        options.signal?.throwIfAborted();
        lastYield = Date.now();
      }
    }
    flush();
    offsets[documentCount] = tokens;
    const table = Buffer.alloc((documentCount + 1) * 8);
    for (let i = 0; i <= documentCount; i++) table.writeBigUInt64LE(BigInt(offsets[i]), i * 8);
    const tablePosition = position;
    writeSync(fd, table, 0, table.length, tablePosition);
    writeSync(
      fd,
      header(idBytes, documentCount, tokens, tablePosition, tokenizer.vocabSize, fingerprint),
      0,
      HEADER_BYTES,
      0,
    );
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
    options.onProgress?.({ documents: documentCount, tokens });
    return { documents: documentCount, tokens, droppedSpecialTokens: dropped };
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed after a successful fsync; the rename is what failed
    }
    rmSync(temp, { force: true });
    throw e;
  }
}

function growFloat64(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function header(
  idBytes: number,
  documents: number,
  tokens: number,
  tablePosition: number,
  vocabSize: number,
  fingerprint: string,
): Buffer {
  if (!/^[0-9a-f]{64}$/.test(fingerprint))
    throw new RangeError('Token cache fingerprint must be 64 lowercase hex characters');
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt32LE(TOKEN_CACHE_VERSION, 8);
  h.writeUInt32LE(idBytes, 12);
  h.writeBigUInt64LE(BigInt(documents), 16);
  h.writeBigUInt64LE(BigInt(tokens), 24);
  h.writeBigUInt64LE(BigInt(tablePosition), 32);
  h.writeUInt32LE(vocabSize, 40);
  h.write(fingerprint, 48, 'latin1');
  return h;
}

export type TokenCacheOpenResult =
  | { readonly status: 'ok'; readonly cache: TokenCache }
  | { readonly status: 'missing' }
  | { readonly status: 'stale'; readonly reason: string };

/** Opens a cache if it exists and matches `fingerprint`; otherwise says why it must be rebuilt. */
export function openTokenCache(path: string, fingerprint: string): TokenCacheOpenResult {
  if (!existsSync(path)) return { status: 'missing' };
  const fd = openSync(path, 'r');
  try {
    const h = Buffer.alloc(HEADER_BYTES);
    const size = fstatSync(fd).size;
    if (readSync(fd, h, 0, HEADER_BYTES, 0) < HEADER_BYTES || !h.subarray(0, 8).equals(MAGIC)) {
      return stale(fd, `${path} is not a Spanfill token cache (bad magic number); it will be rebuilt`);
    }
    const version = h.readUInt32LE(8);
    if (version !== TOKEN_CACHE_VERSION) {
      return stale(
        fd,
        `${path} is token cache version ${version}, this build reads version ${TOKEN_CACHE_VERSION}; it will be rebuilt`,
      );
    }
    if (h.toString('latin1', 48, 112) !== fingerprint) {
      return stale(fd, `${path} was made for another dataset or tokenizer; it will be rebuilt`);
    }
    const documents = Number(h.readBigUInt64LE(16));
    const tablePosition = Number(h.readBigUInt64LE(32));
    if (tablePosition + (documents + 1) * 8 !== size)
      return stale(fd, `${path} is truncated or damaged; it will be rebuilt`);
    return { status: 'ok', cache: new TokenCache(fd, h, size) };
  } catch (e) {
    closeSync(fd);
    throw new DataError(
      'bad-token-cache',
      `Could not read ${path}: ${e instanceof Error ? e.message : String(e)}`,
      path,
    );
  }
}

function stale(fd: number, reason: string): TokenCacheOpenResult {
  closeSync(fd);
  return { status: 'stale', reason };
}

/** An open cache; ids are read from the file on demand (or held in memory when small). */
export class TokenCache implements TokenSource {
  readonly documentCount: number;
  readonly totalTokens: number;
  readonly vocabSize: number;
  private readonly idBytes: number;
  private readonly starts: Float64Array;
  private readonly resident: Uint16Array | Uint32Array | null;

  constructor(
    private fd: number,
    h: Buffer,
    fileBytes: number,
  ) {
    this.idBytes = h.readUInt32LE(12);
    this.documentCount = Number(h.readBigUInt64LE(16));
    this.totalTokens = Number(h.readBigUInt64LE(24));
    this.vocabSize = h.readUInt32LE(40);
    const tablePosition = Number(h.readBigUInt64LE(32));
    const table = Buffer.alloc(fileBytes - tablePosition);
    readSync(fd, table, 0, table.length, tablePosition);
    this.starts = new Float64Array(this.documentCount + 1);
    for (let i = 0; i <= this.documentCount; i++) this.starts[i] = Number(table.readBigUInt64LE(i * 8));
    const idsBytes = this.totalTokens * this.idBytes;
    this.resident = idsBytes <= 256 << 20 ? this.readIds(0, this.totalTokens) : null;
  }

  documentLength(doc: number): number {
    return this.starts[doc + 1] - this.starts[doc];
  }

  readTokens(doc: number, start: number, end: number): Int32Array {
    const from = this.starts[doc] + start;
    const to = this.starts[doc] + Math.min(end, this.documentLength(doc));
    return Int32Array.from(this.resident !== null ? this.resident.subarray(from, to) : this.readIds(from, to - from));
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private readIds(firstToken: number, count: number): Uint16Array | Uint32Array {
    const bytes = Buffer.alloc(count * this.idBytes);
    readSync(this.fd, bytes, 0, bytes.length, HEADER_BYTES + firstToken * this.idBytes);
    const aligned = new Uint8Array(bytes).buffer; // copy to an aligned, exact-size buffer
    return this.idBytes === 2 ? new Uint16Array(aligned) : new Uint32Array(aligned);
  }
}
