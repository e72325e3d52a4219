// Import/tokenize benchmark on a generated corpus: MB/s, tokens/s and peak RSS, so the
// "multi-GB in bounded memory" promise is measured rather than assumed. A function for
// `spanfill bench` to call; never a unit test (a 1 GB run takes minutes).
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { importDocuments, type ImportProgress } from './import';
import { Rng } from '../rng';
import { createByteTokenizer, encodeForTraining, loadHfTokenizer, type TextTokenizer } from './tokenizer';

export interface BenchImportOptions {
  readonly sizeMB: number;
  /** Where the generated corpus lives (reused when it already has the size). Default: tmpdir. */
  readonly file?: string;
  /** 'bytes' or a model folder with tokenizer.json. Default 'bytes'. */
  readonly tokenizer?: string;
  /** Tokenize only the first this-many MB (HF tokenizers run ~1 MB/s). Default: all. */
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
  readonly tokenizedMB: number;
  readonly tokens: number;
  readonly tokensPerSec: number;
  /** Import + tokenize together, over the tokenized part. */
  readonly tokenizeMbPerSec: number;
  /** Peak resident set size of this process so far (getrusage maxrss). */
  readonly peakRssMB: number;
}

/** Writes `sizeMB` of paragraphs made of seeded pseudo-words (mostly unique, some repeats). */
export async function generateCorpus(
  file: string,
  sizeMB: number,
  onProgress?: (doneMB: number) => void,
): Promise<void> {
  const rng = Rng.fromWords(2024);
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  const words = Array.from({ length: 8000 }, () => {
    let w = '';
    const n = 1 + rng.below(9);
    for (let i = 0; i < n; i++) w += letters[Math.min(rng.below(26), rng.below(26))];
    return w;
  });
  const out = createWriteStream(file);
  const target = sizeMB * 1024 * 1024;
  let written = 0;
  const repeated: string[] = [];
  while (written < target) {
    let chunk = '';
    while (chunk.length < 4 << 20) {
      let para = '';
      if (repeated.length > 0 && rng.below(50) === 0) para = repeated[rng.below(repeated.length)];
      else {
        const sentences = 2 + rng.below(6);
        for (let s = 0; s < sentences; s++) {
          const n = 5 + rng.below(15);
          const sentence: string[] = [];
          for (let i = 0; i < n; i++) sentence.push(words[Math.min(rng.below(8000), rng.below(8000))]);
          para += (s > 0 ? ' ' : '') + sentence.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.';
        }
        if (repeated.length < 100) repeated.push(para);
      }
      chunk += para + '\n\n';
    }
    const buf = Buffer.from(chunk.slice(0, Math.max(0, target - written)));
    written += buf.length;
    if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
    onProgress?.(written / 1048576);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in kilobytes
}

export async function benchImport(options: BenchImportOptions): Promise<BenchImportResult> {
  const file = options.file ?? join(tmpdir(), `spanfill-bench-${options.sizeMB}MB.txt`);
  const bytes = options.sizeMB * 1048576;
  if (!existsSync(file) || statSync(file).size !== bytes) {
    await generateCorpus(file, options.sizeMB, (mb) => options.onProgress?.('generate', mb, options.sizeMB));
  }
  const progress = (phase: 'import' | 'tokenize') => (p: ImportProgress) =>
    options.onProgress?.(phase, p.bytesRead / 1048576, p.totalBytes / 1048576);

  let t0 = performance.now();
  const summary = await importDocuments([file], () => undefined, {
    signal: options.signal,
    onProgress: progress('import'),
  });
  const importSeconds = (performance.now() - t0) / 1000;

  const tokenizer: TextTokenizer =
    options.tokenizer === undefined || options.tokenizer === 'bytes'
      ? createByteTokenizer()
      : await loadHfTokenizer(options.tokenizer);
  const limit = (options.tokenizeMB ?? options.sizeMB) * 1048576;
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([stop.signal, options.signal]);
  let tokens = 0;
  let tokenizedBytes = 0;
  t0 = performance.now();
  await importDocuments(
    [file],
    (doc) => {
      tokens += encodeForTraining(tokenizer, doc.text).ids.length;
    },
    {
      signal,
      onProgress: (p) => {
        tokenizedBytes = p.bytesRead;
        progress('tokenize')(p);
        if (p.bytesRead >= limit) stop.abort();
      },
    },
  ).catch((e: unknown) => {
    if (!stop.signal.aborted) throw e;
  });
  const tokenizeSeconds = (performance.now() - t0) / 1000;
  return {
    file,
    sizeMB: options.sizeMB,
    documents: summary.documents,
    duplicatesDropped: summary.duplicatesDropped,
    mbPerSec: options.sizeMB / importSeconds,
    tokenizer: tokenizer.name,
    tokenizedMB: tokenizedBytes / 1048576,
    tokens,
    tokensPerSec: tokens / tokenizeSeconds,
    tokenizeMbPerSec: tokenizedBytes / 1048576 / tokenizeSeconds,
    peakRssMB: peakRssMB(),
  };
}
