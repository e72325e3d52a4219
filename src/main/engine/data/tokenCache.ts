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
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  isRecordedProcessAlive,
  RECORD_IN_NAME,
  recordInName,
  recordOfName,
  recordOfThisProcess,
} from '../../processIdentity';
import { DataError } from './errors';
import { encodeForTraining, type TextTokenizer } from './tokenizer';
import type { TokenSource } from './tokenSource';
import { UnknownTokenCounter } from './unknownTokens';
import type { UnknownTokenCount } from '../../../shared/contract/datasets';
import { errorMessage } from '../../../shared/errors';

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
  /** Tokens that became <unk>, with a few characters that did; null: the tokenizer has no <unk>. */
  readonly unknownTokens: UnknownTokenCount | null;
}

export interface TokenCacheWriteOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { documents: number; tokens: number }) => void;
}

/**
 * Writes a cache incrementally: `append` tokenizes documents (in dataset order) into a temp
 * file, `finish` writes the offsets table and header, fsyncs and renames it into place, and
 * `abort` removes the temp file. For a caller that pushes documents (the engine host, fed in
 * batches); writeTokenCache below pulls them from an iterable.
 */
export class TokenCacheWriter {
  private readonly idBytes: number;
  private readonly temp: string;
  private fd: number;
  private offsets: Float64Array = new Float64Array(1024);
  private buffer = Buffer.alloc(4 << 20);
  private used = 0;
  private position = HEADER_BYTES;
  private documentCount = 0;
  private tokenCount = 0;
  private dropped = 0;
  private readonly unknown: UnknownTokenCounter;

  constructor(
    private readonly path: string,
    private readonly fingerprint: string,
    private readonly tokenizer: TextTokenizer,
  ) {
    header(2, 0, 0, 0, 0, fingerprint); // validates the fingerprint before any file exists
    this.idBytes = tokenizer.vocabSize <= 65536 ? 2 : 4;
    this.unknown = new UnknownTokenCounter(tokenizer);
    // This process, recorded now (a moment it ran), says whose it is (removeStaleTokenCacheTemps).
    this.temp = `${path}.tmp-${recordInName(recordOfThisProcess(Date.now()))}`;
    this.fd = openSync(this.temp, 'w');
  }

  get documents(): number {
    return this.documentCount;
  }

  get tokens(): number {
    return this.tokenCount;
  }

  /** Tokenizes one document (literal special tokens dropped and counted, <unk> counted) and buffers its ids. */
  append(text: string): void {
    if (this.fd < 0) throw new Error('TokenCacheWriter: append after finish or abort');
    const { ids, droppedSpecialTokens } = encodeForTraining(this.tokenizer, text);
    this.dropped += droppedSpecialTokens;
    this.unknown.add(ids, () => text);
    if (this.documentCount + 1 >= this.offsets.length) this.offsets = growFloat64(this.offsets);
    this.offsets[this.documentCount++] = this.tokenCount;
    const idBytes = this.idBytes;
    if (this.used + ids.length * idBytes > this.buffer.length) {
      this.flush();
      if (ids.length * idBytes > this.buffer.length) this.buffer = Buffer.alloc(ids.length * idBytes);
    }
    for (const id of ids) {
      if (idBytes === 2) this.buffer.writeUInt16LE(id, this.used);
      else this.buffer.writeUInt32LE(id, this.used);
      this.used += idBytes;
    }
    this.tokenCount += ids.length;
  }

  /** Completes the file and moves it to its path (replacing an old cache atomically). */
  finish(): TokenCacheWriteResult {
    try {
      this.flush();
      this.offsets[this.documentCount] = this.tokenCount;
      const table = Buffer.alloc((this.documentCount + 1) * 8);
      for (let i = 0; i <= this.documentCount; i++) table.writeBigUInt64LE(BigInt(this.offsets[i]), i * 8);
      const tablePosition = this.position;
      writeSync(this.fd, table, 0, table.length, tablePosition);
      const h = header(
        this.idBytes,
        this.documentCount,
        this.tokenCount,
        tablePosition,
        this.tokenizer.vocabSize,
        this.fingerprint,
      );
      writeSync(this.fd, h, 0, HEADER_BYTES, 0);
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.temp, this.path);
    } catch (e) {
      this.abort();
      throw e;
    }
    return {
      documents: this.documentCount,
      tokens: this.tokenCount,
      droppedSpecialTokens: this.dropped,
      unknownTokens: this.unknown.result(),
    };
  }

  /** Closes and deletes the temp file; any old cache at `path` is untouched. Idempotent. */
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // nothing more to release
      }
      this.fd = -1;
    }
    rmSync(this.temp, { force: true });
  }

  private flush(): void {
    writeSync(this.fd, this.buffer, 0, this.used, this.position);
    this.position += this.used;
    this.used = 0;
  }
}

/** `*.tokens.tmp-<record>` (processIdentity.ts recordInName), or `*.tokens.tmp-PID-TIME` as older versions named them. */
const TEMP_NAME = new RegExp(String.raw`\.tokens\.tmp-(?:(\d+)-(\d+)|(${RECORD_IN_NAME}))$`);

/**
 * Removes temp files that writers in processes now gone left in `dir` — an engine host killed
 * mid-write, say. Each names its writer's pid and when it opened it (epoch ms, a moment its
 * process surely ran), and on Linux that process's boot id and start ticks: a file of an
 * earlier boot, or whose pid another process has taken since, is stale too (processIdentity.ts).
 * A live process's temp file is left alone.
 */
export function removeStaleTokenCacheTemps(dir: string): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const match = TEMP_NAME.exec(name);
    const writer = match && recordOfName(match[3] ?? `${match[1]}.${match[2]}`);
    if (!writer || isRecordedProcessAlive(writer)) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/** Tokenizes `documents` (in dataset order) into `path`. Yields to the event loop every ~50 ms. */
export async function writeTokenCache(
  path: string,
  fingerprint: string,
  tokenizer: TextTokenizer,
  documents: Iterable<string> | AsyncIterable<string>,
  options: TokenCacheWriteOptions = {},
): Promise<TokenCacheWriteResult> {
  const writer = new TokenCacheWriter(path, fingerprint, tokenizer);
  try {
    let lastYield = Date.now();
    for await (const text of documents) {
      options.signal?.throwIfAborted();
      writer.append(text);
      if (Date.now() - lastYield > 50) {
        options.onProgress?.({ documents: writer.documents, tokens: writer.tokens });
        await new Promise((r) => setImmediate(r));
        options.signal?.throwIfAborted();
        lastYield = Date.now();
      }
    }
    const result = writer.finish();
    options.onProgress?.({ documents: result.documents, tokens: result.tokens });
    return result;
  } catch (e) {
    writer.abort();
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
    throw new DataError('bad-token-cache', `Could not read ${path}: ${errorMessage(e)}`, path);
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
