// A dataset's token cache for one tokenizer: opened if it is there and current, else built
// from the documents in the store and recorded (token count, dropped special tokens, tokens that
// became <unk>) in the dataset's stats, or beside the cache while those do not read
// (tokenCountsFile.ts). Building runs in the engine host when there is one
// (buildTokenCacheInHost) so that tokenizing — ~20 s per 100 MB with a T5 tokenizer's per-word memo here, minutes to
// hours for tokenizers encoded whole — never blocks main's event loop: main pages the documents out of the
// store and sends them in bounded batches, each one host request, so a cancel takes effect
// within one batch. Without a host (tests, bench) it is built in this process with engine/data
// writeTokenCache. A dataset removed by another process while its cache is built ends the build
// with that said, and what was written for it deleted (datasetFiles.ts removedMeanwhile).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TokenizeResult, UnknownTokenCount } from '../../shared/contract/datasets';
import { ApiError } from '../../shared/errors';
import {
  openTokenCache,
  removeStaleTokenCacheTemps,
  tokenCacheFingerprint,
  writeTokenCache,
  type TokenCache,
  type TokenCacheWriteResult,
} from '../engine/data/tokenCache';
import type { TextTokenizer } from '../engine/data/tokenizer';
import { recountUnknownTokens } from '../engine/data/unknownTokens';
import { checkpointStepOf } from '../engine/train/checkpoint';
import { BYTE_TOKENIZER_NAME } from '../../shared/contract/datasets';
import type { TokenizerRegistry } from '../engine/data/tokenizerRegistry';
import type { DatasetRepository, DatasetRow } from '../store/datasets';
import { datasetTokenDir, removedMeanwhile } from './datasetFiles';
import type { HostRequester } from './engine-host';
import { mapEngineErrors } from './errors';
import type { EventBus } from './events';
import { readTokenCounts, writeTokenCounts, type TokenCountEntry } from './tokenCountsFile';

export interface DatasetTokensDeps {
  readonly repo: DatasetRepository;
  readonly events: EventBus;
  readonly dataDir: string;
  readonly tokenizers: TokenizerRegistry;
  /** The engine host: token caches are built there. Absent: in this process. */
  readonly engine?: HostRequester;
  /**
   * The name of the tokenizer asked for, whose engine name is `engineName` (tokenizerName.ts: a
   * registered model by its name). Absent: the engine's name.
   */
  readonly tokenizerName?: (engineName: string) => string;
}

export interface DatasetTokens {
  readonly cache: TokenCache;
  readonly tokenizer: TextTokenizer;
  readonly result: TokenizeResult;
  /** The cache file and its fingerprint, for an engine host to open it itself (training). */
  readonly location: { readonly file: string; readonly fingerprint: string };
}

/** What became of a token cache whose dataset was removed while it was built (removedMeanwhile). */
const TOKENS_REMOVED = 'while its tokens were being counted; what was counted is deleted';

/** Why dataset `row` cannot be used yet, or at all: still importing, or kept as failed (with why). */
function notReady(row: DatasetRow): ApiError {
  if (row.status === 'importing')
    return new ApiError('conflict', `Dataset ${row.id} is still importing; use it once the import is done`);
  const why = row.error === null ? '' : `: ${row.error.replace(/[.\s]+$/, '')}`;
  return new ApiError(
    'conflict',
    `Dataset ${row.id} (${row.name}) failed to import${why}. Import the file again (it takes the name), ` +
      `or remove it (\`spanfill datasets rm ${row.id}\`)`,
  );
}

/** The token cache of a ready dataset `row` for `model` ("bytes" or a model folder), built if missing or stale. */
export async function datasetTokens(
  deps: DatasetTokensDeps,
  row: DatasetRow,
  model: string,
  signal?: AbortSignal,
): Promise<DatasetTokens> {
  const id = row.id;
  if (row.status !== 'ready') throw notReady(row);
  const tokenizer = await mapEngineErrors(deps.tokenizers.load(model));
  const fingerprint = tokenCacheFingerprint(row.source_hash, tokenizer.fingerprint);
  const dir = datasetTokenDir(deps.dataDir, id);
  const key = tokenizer.fingerprint.slice(0, 16);
  const file = path.join(dir, `${key}.tokens`);
  let opened = openTokenCache(file, fingerprint);
  const isCached = opened.status === 'ok';
  const name = deps.tokenizerName?.(tokenizer.name) ?? tokenizer.name;
  const counts = tokenCounts(deps.repo, row, name, { file, fingerprint, key });
  if (isCached && counts.entry !== undefined && counts.entry.tokenizer !== counts.label) counts.save(counts.entry);
  let dropped = counts.entry?.droppedSpecialTokens ?? 0;
  let unknownTokens: UnknownTokenCount | null | undefined; // undefined: not counted in this call
  if (!isCached) {
    mkdirSync(dir, { recursive: true });
    removeStaleTokenCacheTemps(dir);
    const job = { file, fingerprint, model, tokenizer };
    let written: TokenCacheWriteResult;
    try {
      written = await mapEngineErrors(buildTokenCache(deps, row, job, signal));
      // Its foreign key fails if the dataset was removed (in another process) while it was built.
      deps.repo.saveTokenCache(id, tokenizer.fingerprint, path.relative(deps.dataDir, file), written.tokens);
    } catch (error) {
      // A removal on the way shows as whatever it broke (its documents cut short, the folder
      // gone under the writer, that foreign key): say it, and delete what was written for it.
      throw removedMeanwhile(deps.repo, deps.dataDir, row, TOKENS_REMOVED) ?? error;
    }
    dropped = written.droppedSpecialTokens;
    unknownTokens = written.unknownTokens;
    recordTokenCount(counts, written);
    opened = openTokenCache(file, fingerprint);
  }
  if (opened.status !== 'ok') throw new ApiError('internal', `The token cache ${file} could not be read back`);
  const cache = opened.cache;
  const result = {
    datasetId: id,
    tokenizer: name,
    documents: cache.documentCount,
    tokens: cache.totalTokens,
    droppedSpecialTokens: dropped,
    unknownTokens:
      unknownTokens === undefined ? cachedUnknownTokens(deps.repo, row, counts, tokenizer, cache) : unknownTokens,
    isCached,
  };
  return { cache, tokenizer, result, location: { file, fingerprint } };
}

interface CacheJob {
  readonly file: string;
  readonly fingerprint: string;
  readonly model: string;
  readonly tokenizer: TextTokenizer;
}

function buildTokenCache(
  deps: DatasetTokensDeps,
  row: DatasetRow,
  job: CacheJob,
  signal: AbortSignal | undefined,
): Promise<TokenCacheWriteResult> {
  const total = deps.repo.documentCount(row.id);
  const progress = (documents: number): void =>
    deps.events.emit('datasets.importProgress', { datasetId: row.id, phase: 'tokenizing', done: documents, total });
  const documents = documentTexts(deps.repo, row.id);
  if (deps.engine === undefined) {
    return writeTokenCache(job.file, job.fingerprint, job.tokenizer, documents, {
      signal,
      onProgress: (p) => progress(p.documents),
    });
  }
  return buildTokenCacheInHost(deps.engine, {
    file: job.file,
    fingerprint: job.fingerprint,
    model: job.model === BYTE_TOKENIZER_NAME ? job.model : path.resolve(job.model),
    tokenizerFingerprint: job.tokenizer.fingerprint,
    documents,
    signal,
    onProgress: progress,
  });
}

/**
 * Where a cache's counts are kept: this tokenizer's entry in the dataset's stats, or, for stats
 * that do not read (nothing can be added to them), the counts file beside the cache.
 */
interface TokenCounts {
  /** The counts kept so far; undefined if none (or, beside the cache, none for this cache). */
  readonly entry: TokenCountEntry | undefined;
  /** The name the counts are kept under (countsLabel), whatever `save` is given. */
  readonly label: string;
  save(entry: TokenCountEntry): void;
}

/**
 * The name counts are kept under, given the name `kept` with them and `name`, the tokenizer's as
 * Spanfill says it (tokenizerName.ts). The counts are one entry per fingerprint, shared by every
 * folder of that tokenizer: the folder that counted last must not rename them ("step-00000002"
 * for a run's checkpoint). The name kept stays, unless it is a run checkpoint folder's and `name`
 * is not.
 */
function countsLabel(kept: string | undefined, name: string): string {
  if (kept === undefined) return name;
  const isCheckpoint = (n: string): boolean => checkpointStepOf(n) !== null;
  return isCheckpoint(kept) && !isCheckpoint(name) ? name : kept;
}

function tokenCounts(
  repo: DatasetRepository,
  row: DatasetRow,
  name: string,
  cache: { readonly file: string; readonly fingerprint: string; readonly key: string },
): TokenCounts {
  const stats = row.stats;
  const key = cache.key;
  const entry = stats === null ? readTokenCounts(cache.file, cache.fingerprint) : stats.tokens?.[key];
  const label = countsLabel(entry?.tokenizer, name);
  const write =
    stats === null
      ? (counts: TokenCountEntry) => writeTokenCounts(cache.file, cache.fingerprint, counts)
      : (counts: TokenCountEntry) =>
          repo.updateStats(row.id, { ...stats, tokens: { ...(stats.tokens ?? {}), [key]: counts } });
  return { entry, label, save: (counts) => write({ ...counts, tokenizer: label }) };
}

/** Keeps the counts of a cache just built, where `counts` keeps them. */
function recordTokenCount(
  counts: TokenCounts,
  written: Pick<TokenCacheWriteResult, 'tokens' | 'droppedSpecialTokens' | 'unknownTokens'>,
): void {
  counts.save({
    tokenizer: counts.label,
    tokens: written.tokens,
    droppedSpecialTokens: written.droppedSpecialTokens,
    ...unknownFields(written.unknownTokens),
  });
}

/** How the stats keep an UnknownTokenCount (nothing for a tokenizer with no <unk>). */
function unknownFields(unknown: UnknownTokenCount | null): Partial<TokenCountEntry> {
  return unknown === null ? {} : { unknownTokens: unknown.count, unknownCharacters: unknown.characters };
}

/**
 * The <unk> count of a cache built before this call: as kept (TokenCounts), else (counts
 * recorded before Spanfill kept this one, or stats that do not read with nothing kept beside the
 * cache yet) counted again from the cache's ids — one pass, with the texts of a few documents
 * holding <unk> for its characters — and kept, the other counts there as they were: once.
 */
function cachedUnknownTokens(
  repo: DatasetRepository,
  row: DatasetRow,
  counts: TokenCounts,
  tokenizer: TextTokenizer,
  cache: TokenCache,
): UnknownTokenCount | null {
  if (tokenizer.unknownId === null) return null;
  const entry = counts.entry;
  const count = entry?.unknownTokens;
  const characters: unknown = entry?.unknownCharacters;
  if (typeof count === 'number' && Array.isArray(characters) && characters.every((c) => typeof c === 'string'))
    return { count, characters };
  // Documents are cached in ordinal order, ordinals 0, 1, … (as the split's ordinals index the cache).
  const textOf = (doc: number): string => repo.documents(row.id, doc, 1)[0]?.text ?? '';
  const counted = recountUnknownTokens(cache, tokenizer, textOf);
  const kept = entry ?? { tokenizer: counts.label, tokens: cache.totalTokens };
  counts.save({ ...kept, ...unknownFields(counted) });
  return counted;
}

/** Document texts in order, read in pages so no statement stays open across awaits. */
export async function* documentTexts(repo: DatasetRepository, id: string): AsyncGenerator<string> {
  for (let from = 0; ;) {
    const page = repo.documents(id, from, 1000);
    if (page.length === 0) return;
    for (const d of page) yield d.text;
    from = page[page.length - 1].ordinal + 1;
  }
}

export interface HostTokenCacheJob {
  readonly file: string;
  /** tokenCacheFingerprint(dataset hash, tokenizer fingerprint). */
  readonly fingerprint: string;
  /** "bytes" or an absolute model folder: the host loads the tokenizer itself. */
  readonly model: string;
  /** What main loaded from `model`; the host refuses if its own load differs. */
  readonly tokenizerFingerprint: string;
  readonly documents: AsyncIterable<string>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (documents: number) => void;
}

/** Documents per batch, and characters: about a second of tokenizing at most (whole-text encoding, ~0.3 MB/s). */
const BATCH_DOCUMENTS = 1000;
const BATCH_CHARS = 256 * 1024;

export async function buildTokenCacheInHost(
  host: HostRequester,
  job: HostTokenCacheJob,
): Promise<TokenCacheWriteResult> {
  const options = { signal: job.signal };
  const { session } = await host.request(
    'data.tokenCache.open',
    { file: job.file, fingerprint: job.fingerprint, model: job.model, tokenizerFingerprint: job.tokenizerFingerprint },
    options,
  );
  try {
    let texts: string[] = [];
    let chars = 0;
    const send = async (): Promise<void> => {
      const done = await host.request('data.tokenCache.append', { session, texts }, options);
      texts = [];
      chars = 0;
      job.onProgress?.(done.documents);
    };
    for await (const text of job.documents) {
      job.signal?.throwIfAborted();
      texts.push(text);
      chars += text.length;
      if (texts.length >= BATCH_DOCUMENTS || chars >= BATCH_CHARS) await send();
    }
    if (texts.length > 0) await send();
    return await host.request('data.tokenCache.finish', { session }, options);
  } catch (error) {
    // No signal: the abort must reach the host even when the caller's signal fired.
    await host.request('data.tokenCache.abort', { session }).catch(() => undefined);
    throw error;
  }
}
