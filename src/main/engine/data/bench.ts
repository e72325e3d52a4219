// Import/tokenize benchmark on a generated English-like corpus (benchCorpus.ts): MB/s,
// tokens/s and peak RSS, so the "multi-GB in bounded memory" promise and the import +
// tokenize speed are measured rather than assumed. The tokenize pass runs the real path —
// import, then TokenCacheWriter into a temp cache file — in one stream. A function for
// `spanfill bench` to call; never a unit test (a 1 GB run takes minutes).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { generateCorpus } from './benchCorpus';
import { buildStandInTokenizer } from './benchTokenizer';
import { importDocuments, type ImportProgress } from './import';
import { TokenCacheWriter } from './tokenCache';
import type { TextTokenizer } from './tokenizer';
import { openTokenizer } from './tokenizerRegistry';
import type { WordMemoStats } from './wordMemo';

/** The tokenizer argument that asks for the stand-in T5 tokenizer (benchTokenizer.ts). */
export const STAND_IN_TOKENIZER = 't5-standin';

export interface BenchImportOptions {
  readonly sizeMB: number;
  /** Where the generated corpus lives (reused when it already has the size). Default: tmpdir. */
  readonly file?: string;
  /** 'bytes', 't5-standin' or a model folder with tokenizer.json. Default 'bytes'. */
  readonly tokenizer?: string;
  /** Tokenize only the first this-many MB. Default: all. */
  readonly tokenizeMB?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (phase: 'generate' | 'import' | 'tokenize', doneMB: number, totalMB: number) => void;
}

export interface BenchImportResult {
  readonly file: string;
  readonly sizeMB: number;
  readonly documents: number;
  readonly duplicatesDropped: number;
  /** Import alone: decode, split, normalise, hash, de-duplicate. */
  readonly mbPerSec: number;
  readonly tokenizer: string;
  /** The model folder the tokenizer came from ('bytes' for the byte tokenizer). */
  readonly tokenizerSpec: string;
  /** 'per-word-memo', 'byte-level', or 'whole-text: why'. */
  readonly encoding: string;
  readonly tokenizedMB: number;
  readonly tokens: number;
  readonly tokensPerSec: number;
  /** Import + tokenize + cache write together, over the tokenized part. */
  readonly tokenizeMbPerSec: number;
  readonly tokenizeSeconds: number;
  /** The per-word memo's counters after the tokenize pass (null without one). */
  readonly memo: WordMemoStats | null;
  /** Peak resident set size of this process so far (getrusage maxrss). */
  readonly peakRssMB: number;
}

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
}

/** The corpus file for `sizeMB` in the temp dir, generated unless it is already there. */
export async function benchCorpus(
  sizeMB: number,
  file = join(tmpdir(), `spanfill-bench-v2-${sizeMB}MB.txt`),
  onProgress?: (doneMB: number) => void,
): Promise<string> {
  if (!existsSync(file) || statSync(file).size !== sizeMB * 1048576) await generateCorpus(file, sizeMB, onProgress);
  return file;
}

/** 'bytes', a model folder as given, or the stand-in's folder (trained on a 16 MB corpus once). */
export async function benchTokenizerSpec(spec: string | undefined): Promise<string> {
  if (spec === undefined || spec === 'bytes') return 'bytes';
  if (spec !== STAND_IN_TOKENIZER) return spec;
  const dir = join(tmpdir(), 'spanfill-bench-t5-standin-v1');
  if (!existsSync(join(dir, 'tokenizer.json'))) buildStandInTokenizer(await benchCorpus(16), dir);
  return dir;
}

export async function benchImport(options: BenchImportOptions): Promise<BenchImportResult> {
  const file = await benchCorpus(options.sizeMB, options.file, (mb) =>
    options.onProgress?.('generate', mb, options.sizeMB),
  );
  const progress = (phase: 'import' | 'tokenize') => (p: ImportProgress) =>
    options.onProgress?.(phase, p.bytesRead / 1048576, p.totalBytes / 1048576);

  let t0 = performance.now();
  const summary = await importDocuments([file], () => undefined, {
    signal: options.signal,
    onProgress: progress('import'),
  });
  const importSeconds = (performance.now() - t0) / 1000;

  const tokenizerSpec = await benchTokenizerSpec(options.tokenizer);
  const tokenizer = await openTokenizer(tokenizerSpec);
  const limit = (options.tokenizeMB ?? options.sizeMB) * 1048576;
  t0 = performance.now();
  const pass = await tokenizePass(file, tokenizer, limit, options.signal, progress('tokenize'));
  const tokenizeSeconds = (performance.now() - t0) / 1000;
  const encoding = tokenizer.encoding;
  return {
    file,
    sizeMB: options.sizeMB,
    documents: summary.documents,
    duplicatesDropped: summary.duplicatesDropped,
    mbPerSec: options.sizeMB / importSeconds,
    tokenizer: tokenizer.name,
    tokenizerSpec,
    encoding:
      encoding === undefined
        ? 'whole-text'
        : encoding.mode === 'whole-text'
          ? `whole-text: ${encoding.reason}`
          : encoding.mode,
    tokenizedMB: pass.bytes / 1048576,
    tokens: pass.tokens,
    tokensPerSec: pass.tokens / tokenizeSeconds,
    tokenizeMbPerSec: pass.bytes / 1048576 / tokenizeSeconds,
    tokenizeSeconds,
    memo: encoding?.mode === 'per-word-memo' ? encoding.memo.stats : null,
    peakRssMB: peakRssMB(),
  };
}

/** Imports `file` again and tokenizes its documents into a temp cache (discarded) until `limit` bytes. */
async function tokenizePass(
  file: string,
  tokenizer: TextTokenizer,
  limit: number,
  outer: AbortSignal | undefined,
  onProgress: (p: ImportProgress) => void,
): Promise<{ bytes: number; tokens: number }> {
  const stop = new AbortController();
  const signal = outer === undefined ? stop.signal : AbortSignal.any([stop.signal, outer]);
  const writer = new TokenCacheWriter(
    join(tmpdir(), `spanfill-bench-${process.pid}.tokens`),
    '0'.repeat(64),
    tokenizer,
  );
  let bytes = 0;
  try {
    await importDocuments([file], (doc) => writer.append(doc.text), {
      signal,
      onProgress: (p) => {
        bytes = p.bytesRead;
        onProgress(p);
        // NOTE: only for a real limit — at the end of the file the last documents are still
        // on their way to the sink, and stopping would drop them.
        if (p.bytesRead >= limit && limit < p.totalBytes) stop.abort();
      },
    }).catch((e: unknown) => {
      if (!stop.signal.aborted) throw e;
    });
  } finally {
    writer.abort(); // the cache itself is not wanted, only the time it took
  }
  return { bytes, tokens: writer.tokens };
}
