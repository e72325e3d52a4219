// The token cache's file layout, shared by its writer (tokenCache.ts) and its reader
// (tokenCacheRead.ts). Not the reading or writing itself.
// Layout (little-endian), version 2:
//   0 magic "SPFTOKC\0" · 8 u32 version · 12 u32 bytes per id (2 | 4) · 16 u64 documents
//   24 u64 tokens · 32 u64 byte offset of the offsets table · 40 u32 vocab size · 44 u32 0
//   48 fingerprint: 64 ASCII hex chars (sha256 of dataset + tokenizer)
//   112 checksum: the first 16 bytes of sha256 over the ids' bytes, then the offsets table's
//   128 ids (documents back to back, no EOS) · offsets table: (documents + 1) u64 token starts
// Version 1 had zeros for the checksum; a cache of it is rebuilt, not read. sha256 because
// node:crypto runs it at about 1 GB/s where the CPU has SHA extensions (most since 2017),
// tens of ms for a 100 MB dataset's ids, and needs no dependency.
import { createHash, type Hash } from 'node:crypto';

export const TOKEN_CACHE_MAGIC = Buffer.from('SPFTOKC\0', 'latin1');
export const TOKEN_CACHE_VERSION = 2;
export const HEADER_BYTES = 128;
const CHECKSUM_AT = 112;
const CHECKSUM_BYTES = 16;

export interface TokenCacheHeader {
  readonly idBytes: number;
  readonly documents: number;
  readonly tokens: number;
  readonly tablePosition: number;
  readonly vocabSize: number;
  readonly fingerprint: string;
  /** CHECKSUM_BYTES bytes (tokenCacheChecksum). */
  readonly checksum: Buffer;
}

/** Throws unless `fingerprint` is what a header holds (64 lowercase hex characters). */
export function checkTokenCacheFingerprint(fingerprint: string): void {
  if (!/^[0-9a-f]{64}$/.test(fingerprint))
    throw new RangeError('Token cache fingerprint must be 64 lowercase hex characters');
}

export function encodeTokenCacheHeader(header: TokenCacheHeader): Buffer {
  checkTokenCacheFingerprint(header.fingerprint);
  const h = Buffer.alloc(HEADER_BYTES);
  TOKEN_CACHE_MAGIC.copy(h, 0);
  h.writeUInt32LE(TOKEN_CACHE_VERSION, 8);
  h.writeUInt32LE(header.idBytes, 12);
  h.writeBigUInt64LE(BigInt(header.documents), 16);
  h.writeBigUInt64LE(BigInt(header.tokens), 24);
  h.writeBigUInt64LE(BigInt(header.tablePosition), 32);
  h.writeUInt32LE(header.vocabSize, 40);
  h.write(header.fingerprint, 48, 'latin1');
  header.checksum.copy(h, CHECKSUM_AT, 0, CHECKSUM_BYTES);
  return h;
}

/** The fields of a header whose magic number and version were checked (tokenCacheRead.ts). */
export function decodeTokenCacheHeader(h: Buffer): TokenCacheHeader {
  return {
    idBytes: h.readUInt32LE(12),
    documents: Number(h.readBigUInt64LE(16)),
    tokens: Number(h.readBigUInt64LE(24)),
    tablePosition: Number(h.readBigUInt64LE(32)),
    vocabSize: h.readUInt32LE(40),
    fingerprint: h.toString('latin1', 48, 112),
    checksum: Buffer.from(h.subarray(CHECKSUM_AT, CHECKSUM_AT + CHECKSUM_BYTES)),
  };
}

/** A running checksum: update it with the ids' bytes in order, then the offsets table's. */
export function tokenCacheChecksum(): Hash {
  return createHash('sha256');
}

/** What a header keeps of a finished checksum. */
export function tokenCacheChecksumDigest(hash: Hash): Buffer {
  return hash.digest().subarray(0, CHECKSUM_BYTES);
}
