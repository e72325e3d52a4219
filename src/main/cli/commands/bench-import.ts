// `spanfill bench import [SIZE_MB [MODEL_DIR|bytes|t5-standin [TOKENIZE_MB]]]`: engine/data/
// bench.ts benchImport on a generated corpus in the temp dir — import MB/s, tokens/s and peak
// RSS — then the same file through the real path: DatasetService imports it into a fresh
// store in a temp data dir (documents written to SQLite) and builds its token cache (what a
// training run does first); import + tokenize seconds together are the headline. Then an
// import cancelled half way, which must leave that store as it was. Registered as one entry
// of `benches` in bench.ts. --quick: 16 MB. t5-standin: benchTokenizer.ts's 32k Unigram.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchImport, benchTokenizerSpec, type BenchImportResult } from '../../engine/data/bench';
import { DatasetService } from '../../services/datasets';
import { EventBus } from '../../services/events';
import { openStore } from '../../store/db';
import type { CommandContext } from '../command';
import { UsageError } from '../command';
import { numberText } from '../options';

function positiveNumber(raw: string | undefined, what: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = numberText(raw);
  if (value === undefined || !(value > 0))
    throw new UsageError(`bench import: ${what} must be a positive number, got '${raw}'`);
  return value;
}

export interface StoreImportBench {
  /** Import into the store: decode, split, hash, de-duplicate, insert into SQLite, split file. */
  readonly mbPerSec: number;
  readonly documents: number;
  readonly importSeconds: number;
  /** Building the dataset's token cache from the store (DatasetService.tokens, in this process). */
  readonly tokenizeSeconds: number;
  readonly tokens: number;
  /** importSeconds + tokenizeSeconds: a file to a dataset ready to train on. */
  readonly totalSeconds: number;
  /** Peak RSS of this process after the store import (getrusage maxrss; covers earlier phases too). */
  readonly peakRssMB: number;
  /** A second import aborted at half the bytes: what the store held afterwards. */
  readonly cancelled: {
    readonly atMB: number;
    readonly datasetsAfter: number;
    readonly documentsAfter: number;
    readonly tokenDirsAfter: number;
    readonly isStoreAsBefore: boolean;
  };
}

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // kilobytes → MB
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Imports `file` into a fresh store in a temp data dir and tokenizes it with `model` ('bytes'
 * or a model folder), then cancels a second import half way.
 */
export async function benchStoreImport(
  file: string,
  model: string,
  signal: AbortSignal,
  onProgress: (done: number, total: number) => void,
): Promise<StoreImportBench> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-bench-store-'));
  const store = openStore(dataDir);
  try {
    const events = new EventBus();
    const service = new DatasetService({ store, dataDir, events });
    const half = { atBytes: Number.POSITIVE_INFINITY, cancel: new AbortController() };
    events.subscribe((event, payload) => {
      if (event !== 'datasets.importProgress') return;
      const p = payload as { phase: string; done: number; total: number | null };
      const scale = p.phase === 'tokenizing' ? 1 : 1048576; // documents, else bytes
      onProgress(p.done / scale, (p.total ?? p.done) / scale);
      if (p.phase !== 'tokenizing' && p.done >= half.atBytes) half.cancel.abort();
    });
    const imported = await timed(() => service.import({ paths: [file], name: 'bench' }, signal));
    const tokenized = await timed(() => service.tokens(imported.value.id, model, signal));
    tokenized.value.cache.close();
    const peak = peakRssMB();
    const count = (table: string): number =>
      (store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const before = { datasets: count('datasets'), documents: count('documents') };
    const bytes = fs.statSync(file).size;
    half.atBytes = bytes / 2;
    const outcome = await service
      .import({ paths: [file], name: 'cancelled' }, AbortSignal.any([signal, half.cancel.signal]))
      .then(
        () => 'finished',
        (e: unknown) => (e instanceof Error && 'code' in e && e.code === 'cancelled' ? 'cancelled' : Promise.reject(e)),
      );
    if (outcome !== 'cancelled') throw new Error('bench import: the half-way cancel did not stop the import');
    const after = { datasets: count('datasets'), documents: count('documents') };
    const tokenDirs = fs.readdirSync(path.join(dataDir, 'tokens'));
    return {
      mbPerSec: bytes / 1048576 / imported.seconds,
      documents: imported.value.stats?.documents ?? 0,
      importSeconds: imported.seconds,
      tokenizeSeconds: tokenized.seconds,
      tokens: tokenized.value.result.tokens,
      totalSeconds: imported.seconds + tokenized.seconds,
      peakRssMB: peak,
      cancelled: {
        atMB: half.atBytes / 1048576,
        datasetsAfter: after.datasets,
        documentsAfter: after.documents,
        tokenDirsAfter: tokenDirs.length,
        isStoreAsBefore:
          after.datasets === before.datasets && after.documents === before.documents && tokenDirs.length === 1,
      },
    };
  } finally {
    store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function memoLine(memo: { hits: number; misses: number; entries: number }): string {
  const rate = memo.hits + memo.misses === 0 ? 0 : memo.hits / (memo.hits + memo.misses);
  return `memo ${(rate * 100).toFixed(1)}% hits, ${memo.misses} misses, ${memo.entries} held`;
}

export const importBench = {
  summary:
    'Import + tokenize a generated corpus (the first TOKENIZE_MB): MB/s, tokens/s, peak RSS; then all of it into a temp store and its token cache (seconds in all), and a cancelled import (import [SIZE_MB [MODEL|bytes|t5-standin [TOKENIZE_MB]]]; t5-standin: a 32k T5-style Unigram trained on the corpus)',
  arguments: 3,
  async run(context: CommandContext): Promise<BenchImportResult & { readonly store: StoreImportBench }> {
    const [, size, model, tokenizeMB] = context.positionals;
    const sizeMB = Math.round(positiveNumber(size, 'SIZE_MB', context.flag('quick') ? 16 : 1024));
    await benchTokenizerSpec(model); // builds the stand-in before the clock starts
    const bar = context.progress('bench import', null);
    try {
      const result = await benchImport({
        sizeMB,
        tokenizer: model,
        tokenizeMB: tokenizeMB === undefined ? undefined : positiveNumber(tokenizeMB, 'TOKENIZE_MB', sizeMB),
        signal: context.signal,
        onProgress: (phase, done, total) => bar.update(Math.round(done), Math.round(total)),
      });
      const memo = result.memo === null ? '' : `, ${memoLine(result.memo)}`;
      context.log(
        `import ${result.mbPerSec.toFixed(1)} MB/s; tokenize (${result.tokenizer}, ${result.encoding}${memo}) ` +
          `${(result.tokensPerSec / 1e6).toFixed(2)} M tokens/s = ${result.tokenizeMbPerSec.toFixed(1)} MB/s over ` +
          `${result.tokenizedMB.toFixed(0)} MB; peak RSS ${result.peakRssMB.toFixed(0)} MB`,
      );
      const store = await benchStoreImport(result.file, result.tokenizerSpec, context.signal, (done, total) =>
        bar.update(Math.round(done), Math.round(total)),
      );
      const c = store.cancelled;
      context.log(
        `${sizeMB} MB into the store and tokenized: ${store.totalSeconds.toFixed(1)} s (import ${store.importSeconds.toFixed(1)} s ` +
          `= ${store.mbPerSec.toFixed(1)} MB/s, ${store.documents} documents; tokenize ${store.tokenizeSeconds.toFixed(1)} s, ` +
          `${store.tokens} tokens); peak RSS ${store.peakRssMB.toFixed(0)} MB; ` +
          `cancelled at ${c.atMB.toFixed(0)} MB: store ${c.isStoreAsBefore ? 'as before' : 'CHANGED'} ` +
          `(${c.datasetsAfter} dataset, ${c.documentsAfter} documents, ${c.tokenDirsAfter} token dir)`,
      );
      return { ...result, store };
    } finally {
      bar.finish();
    }
  },
};
