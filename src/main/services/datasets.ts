// Datasets service: import files into the store through engine/data (streaming, batched
// document inserts, progress events, cancel), list/show/remove, and tokenization into the
// per-(dataset, tokenizer) token cache under <dataDir>/tokens. A failed or cancelled import
// deletes its half-written dataset row (documents cascade), leaving the store as it was.

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type {
  DatasetDetail,
  DatasetRemoved,
  DatasetStats,
  DatasetSummary,
  TokenizeResult,
} from '../../shared/contract/datasets';
import { ApiError } from '../../shared/errors';
import { hashDocument, type SplitMode } from '../engine/data/documents';
import { DataError } from '../engine/data/errors';
import { DEFAULT_SPAN_CORRUPTION } from '../engine/data/examples';
import { importDocuments, type ImportedDocument } from '../engine/data/import';
import {
  DEFAULT_VALIDATION_FRACTION,
  readSplitFile,
  splitDocuments,
  writeSplitFile,
  type StoredSplit,
} from '../engine/data/split';
import { estimateExamples } from '../engine/data/stats';
import {
  openTokenCache,
  removeStaleTokenCacheTemps,
  tokenCacheFingerprint,
  writeTokenCache,
  type TokenCache,
} from '../engine/data/tokenCache';
import { complementIndices, subsetTokenSource } from '../engine/data/tokenSource';
import type { TextTokenizer } from '../engine/data/tokenizer';
import type { Store } from '../store/db';
import { DatasetRepository, type DatasetRow } from '../store/datasets';
import type { EventBus } from './events';
import type { DomainHandlers } from './handlers';
import { buildTokenCacheInHost, type HostRequester } from './datasetTokens';
import { BYTE_TOKENIZER_NAME, TokenizerRegistry } from './tokenizers';

export interface DatasetImportRequest {
  readonly paths: readonly string[];
  readonly name?: string;
  readonly field?: string;
  readonly column?: string;
  readonly split?: SplitMode;
  readonly nfkc?: boolean;
  readonly collapseWhitespace?: boolean;
  readonly validationFraction?: number;
}

export interface DatasetServiceDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly events: EventBus;
  /** The engine host (AppServices.engine): token caches are built there. Absent: in this process. */
  readonly engine?: HostRequester;
}

const INSERT_BATCH = 2000;

/** Ids of imports running in this process, whichever DatasetService instance runs them. */
const importsInThisProcess = new Set<string>();

/** DataError / abort → the contract's error codes, keeping the engine's message. */
export function toApiError(error: unknown): unknown {
  if (error instanceof DataError)
    return new ApiError(error.code === 'not-found' ? 'not_found' : 'invalid_argument', error.message);
  if (error instanceof Error && error.name === 'AbortError') return new ApiError('cancelled', 'Cancelled');
  return error;
}

export class DatasetService {
  readonly repo: DatasetRepository;
  readonly tokenizers = new TokenizerRegistry();
  private readonly running = new Map<string, AbortController>();
  private readonly splits = new Map<string, StoredSplit>();

  constructor(private readonly deps: DatasetServiceDeps) {
    this.repo = new DatasetRepository(deps.store.db);
    this.removeAbandonedImports();
  }

  /**
   * Deletes 'importing' datasets whose importing process is gone (killed, crashed, or a
   * second Ctrl-C that skipped cleanup). A live process's import is left alone: the CLI
   * and the app may share a data directory.
   */
  removeAbandonedImports(): string[] {
    const removed: string[] = [];
    for (const row of this.repo.list()) {
      if (row.status !== 'importing') continue;
      const owner = (JSON.parse(row.stats_json || '{}') as { importingPid?: unknown }).importingPid;
      if (typeof owner === 'number' && owner !== process.pid && isProcessAlive(owner)) continue;
      // Our own pid: live if any service in this process is importing it (else the pid was
      // reused after the process that wrote the row died).
      if (owner === process.pid && importsInThisProcess.has(row.id)) continue;
      this.repo.delete(row.id);
      rmSync(this.tokenDir(row.id), { recursive: true, force: true });
      removed.push(row.id);
    }
    return removed;
  }

  async import(request: DatasetImportRequest, signal?: AbortSignal): Promise<DatasetSummary> {
    const id = `ds-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    const fraction = request.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
    const sourcePath = request.paths.join(', ');
    // The pid lets another process sharing this data directory tell a live import from an
    // abandoned one (removeAbandonedImports); markReady replaces it with the real stats.
    this.repo.create({
      id,
      name: request.name ?? path.basename(request.paths[0]),
      source_path: sourcePath,
      format: 'pending',
      stats_json: JSON.stringify({ importingPid: process.pid }),
    });
    this.running.set(id, controller);
    importsInThisProcess.add(id);
    this.deps.events.emit('datasets.statusChanged', { datasetId: id, status: 'importing' });
    const pending: { ordinal: number; text: string }[] = [];
    const datasetHash = createHash('sha256');
    let splitKeys: Float64Array = new Float64Array(1024);
    const sink = (doc: ImportedDocument): void => {
      pending.push({ ordinal: doc.index, text: doc.text });
      datasetHash.update(doc.hash);
      if (doc.index >= splitKeys.length) splitKeys = grow(splitKeys);
      splitKeys[doc.index] = doc.splitKey;
      if (pending.length >= INSERT_BATCH) this.repo.addDocuments(id, pending.splice(0));
    };
    try {
      const summary = await importDocuments(request.paths, sink, {
        field: request.field,
        column: request.column,
        split: request.split,
        nfkc: request.nfkc,
        collapseWhitespace: request.collapseWhitespace,
        signal: combined,
        onProgress: (p) =>
          this.deps.events.emit('datasets.importProgress', {
            datasetId: id,
            phase: 'reading',
            done: p.bytesRead,
            total: p.totalBytes,
          }),
      });
      this.repo.addDocuments(id, pending.splice(0));
      const keys = splitKeys;
      const split = splitDocuments(
        (function* () {
          for (let i = 0; i < summary.documents; i++) yield { index: i, splitKey: keys[i] };
        })(),
        fraction,
      );
      const stats: DatasetStats = {
        documents: summary.documents,
        characters: summary.characters,
        bytes: summary.bytes,
        duplicatesDropped: summary.duplicatesDropped,
        emptyDropped: summary.emptyDropped,
        oversizedSplits: summary.oversizedSplits,
        files: summary.files.map((f) => ({
          path: f.path,
          format: f.format,
          encoding: f.encoding,
          bytes: f.bytes,
          documents: f.documents,
        })),
        warnings: summary.warnings,
        split: {
          validationFraction: fraction,
          trainDocuments: split.trainCount,
          validationDocuments: split.validationCount,
          isSelfValidation: split.isSelfValidation,
          message: split.message,
        },
      };
      mkdirSync(this.tokenDir(id), { recursive: true });
      writeSplitFile(this.splitPath(id), split);
      const formats = [...new Set(summary.files.map((f) => f.format))].join('+');
      this.deps.store.db.prepare('UPDATE datasets SET format = ? WHERE id = ?').run(formats, id);
      this.repo.markReady(id, datasetHash.digest('hex'), JSON.stringify(stats));
      this.deps.events.emit('datasets.importProgress', {
        datasetId: id,
        phase: 'done',
        done: summary.bytes,
        total: summary.bytes,
      });
      this.deps.events.emit('datasets.statusChanged', { datasetId: id, status: 'ready' });
      return this.summary(this.mustGet(id));
    } catch (error) {
      this.repo.delete(id);
      rmSync(this.tokenDir(id), { recursive: true, force: true });
      const mapped = toApiError(error);
      this.deps.events.emit('datasets.statusChanged', {
        datasetId: id,
        status: 'failed',
        error: mapped instanceof Error ? mapped.message : String(mapped),
      });
      throw mapped;
    } finally {
      this.running.delete(id);
      importsInThisProcess.delete(id);
    }
  }

  /** Cancels a running import (its id comes with the progress events). */
  cancelImport(id: string): boolean {
    const controller = this.running.get(id);
    controller?.abort();
    return controller !== undefined;
  }

  list(): DatasetSummary[] {
    return this.repo.list().map((row) => this.summary(row));
  }

  get(id: string, sample = 5): DatasetDetail {
    const row = this.mustGet(id);
    const docs = this.repo.documents(id, 0, sample);
    return {
      ...this.summary(row),
      sample: docs.map((d) => ({ ordinal: d.ordinal, text: d.text.slice(0, 2000), chars: d.char_count })),
    };
  }

  remove(id: string): DatasetRemoved {
    const row = this.mustGet(id);
    // Abandoned imports were removed on start, so an 'importing' row belongs to a live import
    // (here or in another process sharing the data directory).
    if (row.status === 'importing')
      throw new ApiError('conflict', `Dataset ${id} is still importing; cancel the import first`);
    const documents = this.repo.documentCount(id);
    const tokenCaches = existsSync(this.tokenDir(id))
      ? readdirSync(this.tokenDir(id)).filter((f) => f.endsWith('.tokens')).length
      : 0;
    const removed = this.repo.delete(id);
    this.splits.delete(id);
    rmSync(this.tokenDir(id), { recursive: true, force: true });
    return { id, removed, name: row.name, documents, tokenCaches };
  }

  /**
   * The dataset's token cache for `model` ("bytes" or a model folder), built if missing or
   * stale — in the engine host when there is one (deps.engine), so main stays responsive.
   */
  async tokens(
    id: string,
    model: string,
    signal?: AbortSignal,
  ): Promise<{ cache: TokenCache; tokenizer: TextTokenizer; result: TokenizeResult }> {
    const row = this.mustGet(id);
    if (row.status !== 'ready') throw new ApiError('conflict', `Dataset ${id} is ${row.status}, not ready`);
    const tokenizer = await this.tokenizers.load(model).catch((e: unknown) => {
      throw toApiError(e);
    });
    const fingerprint = tokenCacheFingerprint(row.source_hash, tokenizer.fingerprint);
    const file = path.join(this.tokenDir(id), `${tokenizer.fingerprint.slice(0, 16)}.tokens`);
    let opened = openTokenCache(file, fingerprint);
    let isCached = opened.status === 'ok';
    let dropped = this.recordedDrops(row, tokenizer);
    if (opened.status !== 'ok') {
      mkdirSync(this.tokenDir(id), { recursive: true });
      removeStaleTokenCacheTemps(this.tokenDir(id));
      const total = this.repo.documentCount(id);
      const progress = (documents: number): void =>
        this.deps.events.emit('datasets.importProgress', {
          datasetId: id,
          phase: 'tokenizing',
          done: documents,
          total,
        });
      const engine = this.deps.engine;
      const written = await (
        engine === undefined
          ? writeTokenCache(file, fingerprint, tokenizer, this.documentTexts(id), {
              signal,
              onProgress: (p) => progress(p.documents),
            })
          : buildTokenCacheInHost(engine, {
              file,
              fingerprint,
              model: model === BYTE_TOKENIZER_NAME ? model : path.resolve(model),
              tokenizerFingerprint: tokenizer.fingerprint,
              documents: this.documentTexts(id),
              signal,
              onProgress: progress,
            })
      ).catch((e: unknown) => {
        throw toApiError(e);
      });
      dropped = written.droppedSpecialTokens;
      this.repo.saveTokenCache(id, tokenizer.fingerprint, path.relative(this.deps.dataDir, file), written.tokens);
      this.recordTokenCount(row, tokenizer, written);
      opened = openTokenCache(file, fingerprint);
      isCached = false;
    }
    if (opened.status !== 'ok') throw new ApiError('internal', `The token cache ${file} could not be read back`);
    const cache = opened.cache;
    const result = {
      datasetId: id,
      tokenizer: tokenizer.name,
      documents: cache.documentCount,
      tokens: cache.totalTokens,
      droppedSpecialTokens: dropped,
      isCached,
    };
    return { cache, tokenizer, result };
  }

  /**
   * Token count for `model` (tokenizing into the cache if needed) and the training examples
   * per epoch the training side of the split makes at `inputLength` (0.15 / 3, mode 'auto').
   */
  async tokenize(id: string, model: string, inputLength?: number, signal?: AbortSignal): Promise<TokenizeResult> {
    const { cache, tokenizer, result } = await this.tokens(id, model, signal);
    try {
      const { validation, isSelfValidation } = await this.validationOrdinals(id);
      const training = isSelfValidation
        ? cache
        : subsetTokenSource(cache, complementIndices(cache.documentCount, validation));
      const settings = { ...DEFAULT_SPAN_CORRUPTION, inputLength: inputLength ?? DEFAULT_SPAN_CORRUPTION.inputLength };
      try {
        return { ...result, estimate: estimateExamples(training, settings, tokenizer) };
      } catch (error) {
        if (error instanceof RangeError) throw new ApiError('invalid_argument', error.message);
        throw error;
      }
    } finally {
      cache.close();
    }
  }

  /**
   * Validation ordinals: from memory, else the split file written at import, else recomputed
   * from the document hashes in one streaming pass (and saved for next time).
   */
  async validationOrdinals(id: string): Promise<StoredSplit> {
    const known = this.splits.get(id) ?? readSplitFile(this.splitPath(id));
    if (known !== null && known !== undefined) {
      this.splits.set(id, known);
      return known;
    }
    const row = this.mustGet(id);
    const stats = row.stats_json ? (JSON.parse(row.stats_json) as Partial<DatasetStats>) : {};
    const fraction = stats.split?.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
    const repo = this.repo;
    // Synchronous pages: no statement stays open, and memory is one page plus the held-out side.
    function* candidates(): Generator<{ index: number; splitKey: number }> {
      for (let from = 0; ;) {
        const page = repo.documents(id, from, 1000);
        if (page.length === 0) return;
        for (const d of page) yield { index: d.ordinal, splitKey: hashDocument(d.text).splitKey };
        from = page[page.length - 1].ordinal + 1;
      }
    }
    const split = splitDocuments(candidates(), fraction);
    const stored = { validation: split.validation, isSelfValidation: split.isSelfValidation };
    mkdirSync(this.tokenDir(id), { recursive: true });
    writeSplitFile(this.splitPath(id), stored);
    this.splits.set(id, stored);
    return stored;
  }

  private splitPath(id: string): string {
    return path.join(this.tokenDir(id), 'validation.split');
  }

  private recordTokenCount(
    row: DatasetRow,
    tokenizer: TextTokenizer,
    written: { tokens: number; droppedSpecialTokens: number },
  ): void {
    const stats = JSON.parse(row.stats_json) as DatasetStats;
    const entry = {
      tokenizer: tokenizer.name,
      tokens: written.tokens,
      droppedSpecialTokens: written.droppedSpecialTokens,
    };
    const next: DatasetStats = {
      ...stats,
      tokens: { ...(stats.tokens ?? {}), [tokenizer.fingerprint.slice(0, 16)]: entry },
    };
    this.repo.updateStats(row.id, JSON.stringify(next));
  }

  /** Literal special tokens dropped when this tokenizer's cache was built (0 if unknown). */
  private recordedDrops(row: DatasetRow, tokenizer: TextTokenizer): number {
    const stats = JSON.parse(row.stats_json) as DatasetStats;
    return stats.tokens?.[tokenizer.fingerprint.slice(0, 16)]?.droppedSpecialTokens ?? 0;
  }

  /** Document texts in order, read in pages so no statement stays open across awaits. */
  private async *documentTexts(id: string): AsyncGenerator<string> {
    for (let from = 0; ;) {
      const page = this.repo.documents(id, from, 1000);
      if (page.length === 0) return;
      for (const d of page) yield d.text;
      from = page[page.length - 1].ordinal + 1;
    }
  }

  private tokenDir(id: string): string {
    return path.join(this.deps.dataDir, 'tokens', id);
  }

  private mustGet(id: string): DatasetRow {
    const row = this.repo.get(id);
    if (row === undefined)
      throw new ApiError('not_found', `No dataset ${id}; \`spanfill datasets list\` shows the ids`);
    return row;
  }

  private summary(row: DatasetRow): DatasetSummary {
    return {
      id: row.id,
      name: row.name,
      sourcePath: row.source_path,
      format: row.format,
      status: row.status,
      createdAt: row.created_at,
      stats: row.status === 'ready' ? (JSON.parse(row.stats_json) as DatasetStats) : null,
    };
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

const services = new WeakMap<object, DatasetService>();

/** One DatasetService per app (keyed by its store), shared by handlers and CLI commands. */
export function datasetServiceFor(app: DatasetServiceDeps): DatasetService {
  let service = services.get(app.store);
  if (service === undefined) services.set(app.store, (service = new DatasetService(app)));
  return service;
}

export function datasetHandlers(app: DatasetServiceDeps): DomainHandlers<'datasets'> {
  const service = (): DatasetService => datasetServiceFor(app);
  return {
    'datasets.import': (args) => service().import(args),
    'datasets.list': async () => service().list(),
    'datasets.get': async ({ id, sample }) => service().get(id, sample),
    'datasets.remove': async ({ id }) => service().remove(id),
    'datasets.cancelImport': async ({ id }) => ({ id, cancelled: service().cancelImport(id) }),
    'datasets.tokenize': ({ id, model, inputLength }) => service().tokenize(id, model, inputLength),
  };
}
