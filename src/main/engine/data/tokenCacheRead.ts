// Opening a token cache (layout: tokenCacheFormat.ts; writing: tokenCache.ts). A cache is
// believed only whole: its header matches, its length fits the header, its offsets table rises
// from 0 to the token count, every id is inside the tokenizer's vocabulary (else the trainer's
// embedding Gather fails on it) and the ids and table match the header's checksum (else damage
// inside the vocabulary would train on wrong data). Anything else is stale, with the reason, for
// the caller to rebuild it. Checking reads every id once: the ids are held in memory anyway
// when under 256 MB, and a larger cache is read through in 64 MB chunks (READ_LIMITS).
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Hash } from 'node:crypto';
import { DataError } from './errors';
import {
  decodeTokenCacheHeader,
  HEADER_BYTES,
  TOKEN_CACHE_MAGIC,
  TOKEN_CACHE_VERSION,
  tokenCacheChecksum,
  tokenCacheChecksumDigest,
  type TokenCacheHeader,
} from './tokenCacheFormat';
import type { TokenSource } from './tokenSource';
import { errorMessage } from '../../../shared/errors';

export interface TokenCacheReadLimits {
  /** Ids up to this many bytes are held in memory; more are read from the file on demand. */
  readonly residentBytes: number;
  /** How much of a larger cache's ids is read at a time when it is checked (a multiple of 4). */
  readonly checkChunkBytes: number;
}

/** Tests shrink these to reach the large-cache path. */
const READ_LIMITS: TokenCacheReadLimits = { residentBytes: 256 << 20, checkChunkBytes: 64 << 20 };

type Ids = Uint16Array | Uint32Array;

export type TokenCacheOpenResult =
  | { readonly status: 'ok'; readonly cache: TokenCache }
  | { readonly status: 'missing' }
  | { readonly status: 'stale'; readonly reason: string };

/** Opens a cache if it exists, matches `fingerprint` and is undamaged; otherwise says why it must be rebuilt. */
export function openTokenCache(
  path: string,
  fingerprint: string,
  limits: TokenCacheReadLimits = READ_LIMITS,
): TokenCacheOpenResult {
  if (!existsSync(path)) return { status: 'missing' };
  const fd = openSync(path, 'r');
  try {
    const checked = checkCache(fd, fingerprint, limits);
    if (typeof checked === 'string') {
      closeSync(fd);
      return { status: 'stale', reason: `${path} ${checked}; it will be rebuilt` };
    }
    return { status: 'ok', cache: new TokenCache(fd, checked) };
  } catch (e) {
    closeSync(fd);
    throw new DataError('bad-token-cache', `Could not read ${path}: ${errorMessage(e)}`, path);
  }
}

interface CheckedCache {
  readonly header: TokenCacheHeader;
  readonly starts: Float64Array;
  readonly resident: Ids | null;
}

/** The cache at `fd`, checked whole, or what is wrong with it. */
function checkCache(fd: number, fingerprint: string, limits: TokenCacheReadLimits): CheckedCache | string {
  const h = Buffer.alloc(HEADER_BYTES);
  if (readSync(fd, h, 0, HEADER_BYTES, 0) < HEADER_BYTES || !h.subarray(0, 8).equals(TOKEN_CACHE_MAGIC))
    return 'is not a Spanfill token cache (bad magic number)';
  const version = h.readUInt32LE(8);
  if (version !== TOKEN_CACHE_VERSION)
    return `is token cache version ${version}, this build reads version ${TOKEN_CACHE_VERSION}`;
  const header = decodeTokenCacheHeader(h);
  if (header.fingerprint !== fingerprint) return 'was made for another dataset or tokenizer';
  const { idBytes, documents, tokens, tablePosition } = header;
  const size = fstatSync(fd).size;
  if (
    (idBytes !== 2 && idBytes !== 4) ||
    tablePosition !== HEADER_BYTES + tokens * idBytes ||
    tablePosition + (documents + 1) * 8 !== size
  )
    return 'is truncated or damaged';
  const table = readBytes(fd, tablePosition, size - tablePosition);
  const starts = documentStarts(table, documents, tokens);
  if (starts === null) return `is damaged: its document offsets are out of order or past its ${tokens} tokens`;
  const checksum = tokenCacheChecksum();
  const ids = checkIds(fd, header, checksum, limits);
  if (typeof ids === 'string') return `is damaged: ${ids}`;
  checksum.update(table);
  if (!tokenCacheChecksumDigest(checksum).equals(header.checksum))
    return 'is damaged: its contents do not match the checksum in its header';
  return { header, starts, resident: ids };
}

/** Document starts from the offsets table; null unless they rise from 0 to `tokens`. */
function documentStarts(table: Buffer, documents: number, tokens: number): Float64Array | null {
  const starts = new Float64Array(documents + 1);
  for (let i = 0; i <= documents; i++) {
    starts[i] = Number(table.readBigUInt64LE(i * 8));
    if (i > 0 && starts[i] < starts[i - 1]) return null;
  }
  return starts[0] === 0 && starts[documents] === tokens ? starts : null;
}

/**
 * Reads every id into `checksum` and checks it is under the vocabulary size; the ids when they
 * are to be held in memory, else null; or what is wrong.
 */
function checkIds(
  fd: number,
  header: TokenCacheHeader,
  checksum: Hash,
  limits: TokenCacheReadLimits,
): Ids | null | string {
  const { idBytes, tokens } = header;
  if (tokens * idBytes <= limits.residentBytes) {
    const ids = readIds(fd, idBytes, 0, tokens);
    return checkChunk(ids, 0, header, checksum) ?? ids;
  }
  const chunkTokens = limits.checkChunkBytes / idBytes;
  for (let first = 0; first < tokens; first += chunkTokens) {
    const problem = checkChunk(
      readIds(fd, idBytes, first, Math.min(chunkTokens, tokens - first)),
      first,
      header,
      checksum,
    );
    if (problem !== null) return problem;
  }
  return null;
}

/** Adds the ids from token `first` on to `checksum`; what is wrong with them, or null. */
function checkChunk(ids: Ids, first: number, header: TokenCacheHeader, checksum: Hash): string | null {
  checksum.update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
  const bad = firstOutOfRange(ids, header.vocabSize);
  return bad < 0
    ? null
    : `token id ${ids[bad]} (token ${first + bad}) is outside the tokenizer's ${header.vocabSize} ids`;
}

/** The index of the first id at or over `vocabSize`, or -1. */
function firstOutOfRange(ids: Ids, vocabSize: number): number {
  for (let i = 0; i < ids.length; i++) if (ids[i] >= vocabSize) return i;
  return -1;
}

function readBytes(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  if (readSync(fd, bytes, 0, length, position) < length)
    throw new Error(`the file ended before byte ${position + length}`);
  return bytes;
}

/** `count` ids from token `firstToken` on, in an aligned array of their own. */
function readIds(fd: number, idBytes: number, firstToken: number, count: number): Ids {
  const bytes = new Uint8Array(count * idBytes);
  const at = HEADER_BYTES + firstToken * idBytes;
  if (readSync(fd, bytes, 0, bytes.length, at) < bytes.length)
    throw new Error(`the file ended before byte ${at + bytes.length}`);
  return idBytes === 2 ? new Uint16Array(bytes.buffer) : new Uint32Array(bytes.buffer);
}

/** An open, checked cache; ids are read from the file on demand (or held in memory when small). */
export class TokenCache implements TokenSource {
  readonly documentCount: number;
  readonly totalTokens: number;
  readonly vocabSize: number;
  private readonly idBytes: number;
  private readonly starts: Float64Array;
  private readonly resident: Ids | null;

  constructor(
    private fd: number,
    checked: CheckedCache,
  ) {
    this.idBytes = checked.header.idBytes;
    this.documentCount = checked.header.documents;
    this.totalTokens = checked.header.tokens;
    this.vocabSize = checked.header.vocabSize;
    this.starts = checked.starts;
    this.resident = checked.resident;
  }

  documentLength(doc: number): number {
    return this.starts[doc + 1] - this.starts[doc];
  }

  readTokens(doc: number, start: number, end: number): Int32Array {
    const from = this.starts[doc] + start;
    const to = this.starts[doc] + Math.min(end, this.documentLength(doc));
    return Int32Array.from(
      this.resident !== null ? this.resident.subarray(from, to) : readIds(this.fd, this.idBytes, from, to - from),
    );
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
