// Datasets service: import files into the store (datasetImport.ts), list/show/remove
// (datasetsRemove.ts), the per-(dataset, tokenizer) token caches under <dataDir>/tokens
// (datasetTokens.ts), token counts with a training-example estimate, and the validation split
// (datasetsValidation.ts). One instance per app, AppServices.datasets; its contract handlers
// are at the bottom.

import { randomUUID } from 'node:crypto';
import type { DatasetDetail, DatasetRemoved, DatasetSummary, TokenizeResult } from '../../shared/contract/datasets';
import { MASKING_DEFAULTS } from '../../shared/contract/masking';
import { STARTING_INPUT_LENGTH } from '../../shared/contract/startingRun';
import { ApiError } from '../../shared/errors';
import type { StoredSplit } from '../engine/data/split';
import { estimateExamples } from '../engine/data/stats';
import type { TextTokenizer } from '../engine/data/tokenizer';
import { TokenizerRegistry } from '../engine/data/tokenizerRegistry';
import { complementIndices, subsetTokenSource } from '../engine/data/tokenSource';
import type { Store } from '../store/db';
import { DatasetRepository, type DatasetRow } from '../store/datasets';
import { ImportEndings } from '../store/importEndings';
import { RunRepository } from '../store/runs';
import { removeOrphanDatasetFiles } from './datasetFiles';
import {
  importDataset,
  importedElsewhereMessage,
  importOwner,
  removeAbandonedImports,
  type DatasetImportRequest,
} from './datasetImport';
import { announceRemovedElsewhere } from './datasetsImportEnded';
import { datasetTokens, type DatasetTokens } from './datasetTokens';
import type { HostRequester } from './engine-host';
import { withSettingsChecked } from './errors';
import type { EventBus } from './events';
import { refuseRelativePaths } from './fullPaths';
import { idOrName } from './idOrName';
import { listed } from './listedRows';
import { giveBackSpace, removeDataset, type DatasetRemovalDeps } from './datasetsRemove';
import { RunningImports } from './datasetsRunningImports';
import { ValidationSplits } from './datasetsValidation';
import type { DomainHandlers } from './handler';

/** How datasets are spoken of where an id or a name goes (idOrName.ts). */
export const DATASET_KIND = { one: 'dataset', many: 'datasets', command: 'spanfill datasets' };

export type { DatasetImportRequest } from './datasetImport';

export interface DatasetServiceDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly events: EventBus;
  /** The engine host (AppServices.engine): token caches are built there. Absent: in this process. */
  readonly engine?: HostRequester;
  /**
   * Where a tokenizer named by a model reference comes from (AppServices: modelReference.ts
   * tokenizerSource, so a registered model's id works). Absent: "bytes" or a folder, as given.
   */
  readonly tokenizerSource?: (reference: string) => string;
  /**
   * The name a token count gives the tokenizer `reference` names, whose engine name is
   * `engineName` (AppServices: tokenizerName.ts, a registered model by its name). Absent: the
   * engine's name.
   */
  readonly tokenizerName?: (reference: string, engineName: string) => string;
  /** Only for tests: free space above which a removal rewrites the store (store/compactWithRoom.ts). */
  readonly compactMinFreeBytes?: number;
}

export class DatasetService {
  readonly repo: DatasetRepository;
  /** Read only: which runs train on a dataset that is to be removed. */
  private readonly runs: RunRepository;
  readonly tokenizers = new TokenizerRegistry();
  private readonly running = new RunningImports();
  private readonly splits: ValidationSplits;

  constructor(private readonly deps: DatasetServiceDeps) {
    this.repo = new DatasetRepository(deps.store.db, new ImportEndings(deps.dataDir));
    this.runs = new RunRepository(deps.store.db);
    this.splits = new ValidationSplits(this.repo, deps.dataDir, (id) => this.mustGet(id));
    this.removeAbandonedImports();
    removeOrphanDatasetFiles(deps.dataDir, new Set(this.repo.states().map((row) => row.id)));
  }

  /**
   * See datasetImport.ts: imports whose process is gone are deleted, live ones kept, and one that
   * cannot be deleted yet (a full disk) is kept for the next try; never throws for it. Each one
   * deleted is announced (datasets.removed, after how it ended where its process noted it), for a
   * screen that listed it as importing, and the space it took is given back where that is worth it.
   */
  removeAbandonedImports(): string[] {
    const removed = removeAbandonedImports({ repo: this.repo, dataDir: this.deps.dataDir });
    for (const id of removed) announceRemovedElsewhere({ repo: this.repo, events: this.deps.events }, id);
    if (removed.length > 0) this.giveBackSpace();
    return removed;
  }

  async import(request: DatasetImportRequest, signal?: AbortSignal): Promise<DatasetSummary> {
    refuseRelativePaths(request.paths);
    const id = `ds-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    const deps = { repo: this.repo, events: this.deps.events, dataDir: this.deps.dataDir };
    // importDataset writes the 'importing' row before its first await, so the row and this
    // entry exist together; `settled` is what a cancel waits for.
    const work = importDataset(deps, id, request, combined);
    this.running.add(id, controller, work);
    try {
      await work;
    } finally {
      this.running.delete(id);
      // A failed or cancelled import deleted what it had stored: give that space back.
      if (this.repo.get(id)?.status !== 'ready') this.giveBackSpace();
    }
    return this.summary(this.mustGet(id));
  }

  /**
   * Cancels a running import (its id comes with the progress events) and waits, at most
   * CANCEL_WAIT_MS, until it has deleted its row. True only when the row is gone; false for
   * no such import, one that finished before the abort took, or one still winding down.
   * Another live process's import is not this one's to cancel: refused (conflict), saying where.
   */
  async cancelImport(id: string): Promise<boolean> {
    const aborted = this.running.abort(id);
    if (aborted === undefined) return this.cancelOthersImport(id);
    await aborted;
    return this.repo.get(id) === undefined;
  }

  /**
   * cancelImport of an import this service does not run: another live process's is refused,
   * saying where to cancel it; one whose process is gone is cleared (true) as on start.
   */
  private cancelOthersImport(id: string): boolean {
    const row = this.repo.get(id);
    if (row?.status !== 'importing') return false;
    const owner = importOwner(row);
    if (owner.is === 'elsewhere') throw new ApiError('conflict', importedElsewhereMessage(row, owner.pid, 'cancel'));
    return owner.is === 'gone' && this.removeAbandonedImports().includes(id);
  }

  /**
   * Aborts every running import and waits (at most CANCEL_WAIT_MS) for them to delete their
   * rows: the app calls it before closing the store, so neither a client that went away nor
   * a shutdown leaves an 'importing' row behind.
   */
  async cancelAll(): Promise<void> {
    await this.running.abortAll();
  }

  list(): DatasetSummary[] {
    return this.repo.list().map((row) => this.summary(row));
  }

  /**
   * The id of the dataset `ref` names: its id, or a name only one dataset has (as `--model`
   * takes a registered model's name), for the command line, where a name is what people remember.
   */
  idOf(ref: string): string {
    return idOrName(ref, this.repo.list(), DATASET_KIND);
  }

  get(id: string, sample = 5): DatasetDetail {
    const row = this.mustGet(id);
    const docs = this.repo.documents(id, 0, sample);
    return {
      ...this.summary(row),
      sample: docs.map((d) => ({ ordinal: d.ordinal, text: d.text.slice(0, 2000), chars: d.char_count })),
    };
  }

  /** Removes the dataset, not while it imports or a run trains on it (datasetsRemove.ts). */
  remove(id: string): DatasetRemoved {
    return removeDataset(this.removal(), id);
  }

  private removal(): DatasetRemovalDeps {
    const { store, dataDir, events, compactMinFreeBytes } = this.deps;
    const { repo, runs } = this;
    const isImporting = () => this.running.size > 0;
    const mustGet = (id: string) => this.mustGet(id);
    return {
      store,
      dataDir,
      events,
      compactMinFreeBytes,
      repo,
      runs,
      isImporting,
      mustGet,
      forgetSplit: (id) => this.splits.forget(id),
    };
  }

  /** Shrinks the database file after a large delete, while nothing writes to it (datasetsRemove.ts); the bytes freed. */
  private giveBackSpace(): number {
    return giveBackSpace(this.removal());
  }

  /**
   * The dataset's token cache for `model` ("bytes", a model folder or, with tokenizerSource, a
   * model reference), built if missing or stale — in the engine host when there is one
   * (deps.engine), so main stays responsive. Its result names the tokenizer as deps.tokenizerName does.
   */
  async tokens(id: string, model: string, signal?: AbortSignal): Promise<DatasetTokens> {
    const { dataDir, events, engine, tokenizerName } = this.deps;
    const named = tokenizerName && ((engineName: string) => tokenizerName(model, engineName));
    return datasetTokens(
      { repo: this.repo, events, dataDir, engine, tokenizers: this.tokenizers, tokenizerName: named },
      this.mustGet(id),
      this.tokenizerSource(model),
      signal,
    );
  }

  /** The tokenizer `model` names: "bytes", a model folder, or (tokenizerSource) a model reference. */
  loadTokenizer(model: string): Promise<TextTokenizer> {
    return this.tokenizers.load(this.tokenizerSource(model));
  }

  private tokenizerSource(model: string): string {
    return this.deps.tokenizerSource?.(model) ?? model;
  }

  /**
   * Token count for `model` (tokenizing into the cache if needed) and the training examples
   * per epoch the training side of the split makes at `inputLength` (default: a new run's at the
   * preset the Train form opens on, as the Datasets screen starts) with a run's default density
   * and span, mode 'auto'.
   */
  async tokenize(id: string, model: string, inputLength?: number, signal?: AbortSignal): Promise<TokenizeResult> {
    const { cache, tokenizer, result } = await this.tokens(id, model, signal);
    try {
      const { validation, isSelfValidation } = await this.validationOrdinals(id);
      const training = isSelfValidation
        ? cache
        : subsetTokenSource(cache, complementIndices(cache.documentCount, validation));
      const settings = {
        noiseDensity: MASKING_DEFAULTS.noiseDensity,
        meanNoiseSpanLength: MASKING_DEFAULTS.meanSpanLength,
        inputLength: inputLength ?? STARTING_INPUT_LENGTH,
        mode: 'auto' as const,
        seed: 42,
      };
      return { ...result, estimate: withSettingsChecked(() => estimateExamples(training, settings, tokenizer)) };
    } finally {
      cache.close();
    }
  }

  /** Validation ordinals: from memory, the split file, or worked out again (datasetsValidation.ts). */
  validationOrdinals(id: string): Promise<StoredSplit> {
    return this.splits.of(id);
  }

  /** The documents in ordinal order, a page at a time: synchronous pages, so no statement stays open. */
  *documentPages(id: string, pageSize = 1000): Generator<{ ordinal: number; text: string }[]> {
    this.mustGet(id);
    for (let from = 0; ;) {
      const page = this.repo.documents(id, from, pageSize);
      if (page.length === 0) return;
      yield page;
      from = page[page.length - 1].ordinal + 1;
    }
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
      stats: row.status === 'ready' ? row.stats : null,
      ...(row.status === 'failed' && row.error !== null ? { error: row.error } : {}),
    };
  }
}

/** All but datasets.rename and datasets.importSample (datasetRename.ts, datasetSample.ts; handlers.ts merges them). */
export function datasetHandlers(services: {
  readonly datasets: DatasetService;
}): Omit<DomainHandlers<'datasets'>, 'datasets.rename' | 'datasets.importSample'> {
  const { datasets } = services;
  return {
    // The import goes on when its page goes (a reload); a failure then is kept for the next page.
    'datasets.import': (args, context) =>
      datasets.import({ ...args, isCallerGone: () => context?.signal?.aborted === true }),
    'datasets.list': async () => listed(datasets.repo, datasets.list()),
    'datasets.get': async ({ id, sample }) => datasets.get(id, sample),
    'datasets.remove': async ({ id }) => datasets.remove(id),
    'datasets.cancelImport': async ({ id }) => ({ id, cancelled: await datasets.cancelImport(id) }),
    'datasets.tokenize': ({ id, model, inputLength }) => datasets.tokenize(id, model, inputLength),
  };
}
