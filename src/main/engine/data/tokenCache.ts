// The token cache: a dataset's token ids for one tokenizer in one binary file, so training
// and previews skip re-tokenizing. Written to a temp name, fsynced, renamed; a cancelled or
// failed write removes the temp file and leaves any old cache untouched. The layout, with the
// checksum its header carries, is in tokenCacheFormat.ts; opening and checking a cache in
// tokenCacheRead.ts.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  isRecordedProcessAlive,
  RECORD_IN_NAME,
  recordInName,
  recordOfName,
  recordOfThisProcess,
} from '../../processIdentity';
import { DataError } from './errors';
import {
  checkTokenCacheFingerprint,
  encodeTokenCacheHeader,
  HEADER_BYTES,
  TOKEN_CACHE_VERSION,
  tokenCacheChecksum,
  tokenCacheChecksumDigest,
} from './tokenCacheFormat';
import { encodeForTraining, type TextTokenizer } from './tokenizer';
import { UnknownTokenCounter } from './unknownTokens';
import type { UnknownTokenCount } from '../../../shared/contract/datasets';

export { TOKEN_CACHE_VERSION } from './tokenCacheFormat';
export { openTokenCache, TokenCache, type TokenCacheOpenResult } from './tokenCacheRead';

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
  private readonly checksum: Hash = tokenCacheChecksum();

  constructor(
    private readonly path: string,
    private readonly fingerprint: string,
    private readonly tokenizer: TextTokenizer,
  ) {
    checkTokenCacheFingerprint(fingerprint); // before any file exists
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
    const vocabSize = this.tokenizer.vocabSize;
    for (const id of ids) {
      // A reader refuses such an id as damage (tokenCacheRead.ts): refuse to write one.
      if (!(id >= 0 && id < vocabSize))
        throw new DataError(
          'tokenizer',
          `The tokenizer ${this.tokenizer.name} gave token id ${id} for document ${this.documentCount}, past its ${vocabSize} ids`,
        );
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
      this.checksum.update(table);
      const h = encodeTokenCacheHeader({
        idBytes: this.idBytes,
        documents: this.documentCount,
        tokens: this.tokenCount,
        tablePosition,
        vocabSize: this.tokenizer.vocabSize,
        fingerprint: this.fingerprint,
        checksum: tokenCacheChecksumDigest(this.checksum),
      });
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
    this.checksum.update(this.buffer.subarray(0, this.used));
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
