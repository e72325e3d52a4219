// Models service: Hub pulls into the cache under <dataDir>/models/hub (engine/hub), folders
// imported where they are, both checked by the T5 and tokenizer loaders and registered as
// rows of `models` under names kept distinct (modelsRegister.ts: one another model has is
// numbered, as a dataset's is); listing, removal (a Hub snapshot's files go with its row, an
// imported folder is never deleted), the cache's disk usage and the from-scratch starting points
// (runs of preset:NAME: modelsDiskUsage.ts). The Hub token (HF_TOKEN first, then the stored one)
// is modelsToken.ts; resolving `--model` arguments offline, modelsResolve.ts; one model in full,
// modelsShow.ts; removals (not under a run, nor under a pull), modelsRemove.ts; the engine's
// errors in the contract's codes, modelsErrors.ts.

import { nameFromFile, optionalDisplayName } from '../../shared/contract/displayName';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type {
  CatalogModel,
  HubTokenStatus,
  ModelCacheUsage,
  ModelDetails,
  ModelPulled,
  ModelRegistered,
  ModelRemoved,
  CachedRepoRemoved,
  ModelSource,
  ModelSummary,
} from '../../shared/contract/models';
import { modelLabel } from '../../shared/contract/runNames';
import { ApiError } from '../../shared/errors';
import { readRepoReference } from '../../shared/hubAddress';
import { MODEL_CATALOG, parseRepoReference } from '../engine/hub/catalog';
import { pullModel, type PullProgress, type PullResult } from '../engine/hub/download';
import { HubError } from '../engine/hub/errors';
import { inspectModelFolder } from '../engine/hub/inspect';
import type { Store } from '../store/db';
import { ModelRepository, type ModelRow } from '../store/models';
import { RunRepository } from '../store/runs';
import type { EventBus } from './events';
import type { DomainHandlers } from './handler';
import { refuseRelativePaths } from './fullPaths';
import { FileTokenStore, type HubTokenStore } from './hub-token';
import { HubTokens } from './modelsToken';
import { modelProblem } from './modelFolderHealth';
import { checkModelWork, rethrowModelError } from './modelsErrors';
import { ModelLookup } from './modelsResolve';
import { removeCachedRepo, removeModel, type ModelRemovalDeps } from './modelsRemove';
import { refuseDataDirFolder } from './modelsImportPlace';
import { listed } from './listedRows';
import { modelDetails } from './modelsShow';
import { modelCacheUsage, removeScratchModels } from './modelsDiskUsage';
import {
  addModel,
  alreadyRegistered,
  registerPulled,
  type ModelRegistrationDeps,
  type Registration,
} from './modelsRegister';

export interface ModelServiceDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly events: EventBus;
}

export interface ModelServiceOptions {
  /** HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE; process.env by default (the CLI passes its own). */
  readonly env?: NodeJS.ProcessEnv;
  /** The saved token; a 0600 file in the data directory by default. */
  readonly tokenStore?: HubTokenStore;
}

export class ModelService {
  readonly repo: ModelRepository;
  /** Read only: which runs train from a model that is to be removed. */
  private readonly runs: RunRepository;
  readonly cacheRoot: string;
  /** Where runs of preset:NAME write their starting points (runsPrepare.ts). */
  readonly scratchRoot: string;
  /** The Hub token and settings pulls use (modelsToken.ts). */
  private readonly tokens: HubTokens;
  private readonly pulls = new Map<string, AbortController>();
  /** What a model argument names (modelsResolve.ts). */
  private readonly lookup: ModelLookup;

  constructor(
    private readonly deps: ModelServiceDeps,
    options: ModelServiceOptions = {},
  ) {
    this.repo = new ModelRepository(deps.store.db);
    this.runs = new RunRepository(deps.store.db);
    this.cacheRoot = path.join(deps.dataDir, 'models', 'hub');
    this.scratchRoot = path.join(deps.dataDir, 'models', 'preset');
    this.tokens = new HubTokens(
      options.env ?? process.env,
      options.tokenStore ?? FileTokenStore.inDataDir(deps.dataDir),
    );
    const { repo, runs, cacheRoot } = this;
    this.lookup = new ModelLookup({ store: deps.store, dataDir: deps.dataDir, repo, runs, cacheRoot });
  }

  list(): ModelSummary[] {
    return this.repo.list().map((row) => this.summary(row));
  }

  catalog(): CatalogModel[] {
    return MODEL_CATALOG.map((entry) => ({ ...entry, modelId: this.repo.listByRepo(entry.repoId)[0]?.id ?? null }));
  }

  /**
   * Download `repoId` at `revision` (or take it from the cache) and register it. `onContacting`
   * hears the Hub's address once the request is checked and the Hub is about to be asked.
   */
  async pull(
    args: { repoId: string; revision?: string; isOffline?: boolean },
    signal?: AbortSignal,
    onContacting?: (endpoint: string, repoId: string, revision: string) => void,
  ): Promise<ModelPulled> {
    const { repoId, revision } = checkModelWork(() => parseRepoReference(args.repoId, args.revision));
    if (this.pulls.has(repoId))
      throw new ApiError('conflict', `${repoId} is already being pulled; wait for it or cancel it`);
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.pulls.set(repoId, controller);
    try {
      const settings = this.tokens.settings(args.isOffline);
      const request = {
        repoId,
        revision,
        settings,
        cacheRoot: this.cacheRoot,
        signal: controller.signal,
        onProgress: (p: PullProgress) => this.deps.events.emit('models.pullProgress', { ...p, revision }),
      };
      let offlineReason: string | undefined;
      if (!settings.isOffline) onContacting?.(settings.endpoint, repoId, revision);
      // Registered under the pull lock: no removal deletes the snapshot before its row is there.
      const register = (pulled: PullResult) => registerPulled(this.registration(), repoId, revision, pulled);
      const { pulled, registered } = await pullModel(request, register).catch(async (error: unknown) => {
        // The Hub out of reach: the snapshot already in the cache, if there is one (else the network error).
        if (!(error instanceof HubError && error.code === 'network') || settings.isOffline) throw error;
        const offline = { ...request, settings: { ...settings, isOffline: true } };
        const cached = await pullModel(offline, register).catch(() => {
          throw error;
        });
        offlineReason = error.message;
        return cached;
      });
      const { downloadedBytes, resumedBytes, isFromCache } = pulled;
      return {
        model: this.registeredSummary(registered),
        downloadedBytes,
        resumedBytes,
        isFromCache,
        elapsedMs: pulled.elapsedMs,
        ...(offlineReason ? { offlineReason } : {}),
      };
    } catch (error) {
      return rethrowModelError(error);
    } finally {
      this.pulls.delete(repoId);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the pull of `repoId` as it was given to pull (OWNER/NAME[@REV] or a Hub address). */
  cancelPull(repoId: string): boolean {
    const reading = readRepoReference(repoId);
    const controller = this.pulls.get(reading.is === 'repository' ? reading.repoId : repoId);
    controller?.abort(new DOMException('Cancelled', 'AbortError'));
    return controller !== undefined;
  }

  /**
   * Register a folder after the loaders accept it; the folder stays where it is. `onCheck` is
   * called once every quick refusal is past, as the slow check of every weight begins.
   */
  async import(args: { path: string; name?: string }, onCheck?: (dir: string) => void): Promise<ModelRegistered> {
    refuseRelativePaths([args.path]);
    const dir = path.resolve(args.path);
    if (!existsSync(dir))
      throw new ApiError('not_found', `No model folder at ${dir}; give the folder that holds config.json`);
    if (!statSync(dir).isDirectory())
      throw new ApiError(
        'invalid_input',
        `${dir} is a file, not a folder; give the folder that holds config.json (${path.dirname(dir)}, if it is its config.json)`,
      );
    const existing = this.importedFrom(dir);
    // A retry of an import thought cut off: the model that is there, saying so.
    if (existing)
      return {
        ...this.registeredSummary({ row: existing, nameNote: alreadyRegistered(dir, existing, args.name) }),
        isAlreadyRegistered: true,
      };
    refuseDataDirFolder(dir, this.deps.dataDir, (id) => this.runs.get(id)?.name);
    // A name from the folder's is checked as a given one is: a folder called `bytes` too.
    const name = optionalDisplayName(args.name) ?? nameFromFile(path.basename(dir), 'model');
    this.lookup.refuseShadowingName(name);
    onCheck?.(dir);
    const info = await inspectModelFolder(dir).catch(rethrowModelError);
    return this.registeredSummary(addModel(this.registration(), { kind: 'folder', path: dir }, name, dir, info));
  }

  /** The model an import registered from `folder`, which importing it again answers with at once, checking nothing. */
  importedFrom(folder: string): ModelRow | undefined {
    return this.repo.findBySource('folder', path.resolve(folder), null);
  }

  /** Unregisters `id`; a Hub model's snapshot goes too, not while a process pulls its repository (modelsRemove.ts). */
  remove(id: string): ModelRemoved {
    return removeModel(this.removal(), id);
  }

  /** A model as people name it → its folder, offline (ModelLookup.resolve). */
  resolve(model: string): { path: string; modelId: string | null } {
    return this.lookup.resolve(model);
  }

  /** `model` in full: source, folder, size, shape, tokenizer, the runs started from it (modelsShow.ts). */
  show(model: string): ModelDetails {
    const { lookup, runs } = this;
    return modelDetails({ dataDir: this.deps.dataDir, lookup, runs, summary: (row) => this.summary(row) }, model);
  }

  /** `model` in a few words, for a run's default name (contract/runNames.ts modelLabel). */
  label(model: string): string {
    // The rows as named, without each folder's health check.
    return modelLabel(
      model,
      this.repo.list().map((row) => ({ ...row, path: this.lookup.pathOf(row) })),
    );
  }

  cacheUsage(): ModelCacheUsage {
    return modelCacheUsage(this.cacheRoot, this.scratchRoot);
  }

  /**
   * Deletes the from-scratch starting points; a run of preset:NAME rebuilds its own from its
   * seed (the same weights). Refused while one trains (modelsDiskUsage.ts).
   */
  removeScratch(): { folders: number; freedBytes: number } {
    return removeScratchModels(this.runs, this.scratchRoot);
  }

  /** Delete a repository from the cache and the models registered from it, not while a process pulls it (modelsRemove.ts). */
  removeCached(repoId: string): CachedRepoRemoved {
    return removeCachedRepo(this.removal(), repoId);
  }

  private removal(): ModelRemovalDeps {
    const { repo, runs, lookup, cacheRoot } = this;
    return { repo, runs, lookup, cacheRoot, events: this.deps.events };
  }

  tokenStatus(): HubTokenStatus {
    return this.tokens.status();
  }

  /** Stores `token`, or forgets the stored one for null; an empty or malformed token is refused (modelsToken.ts). */
  setToken(token: string | null): HubTokenStatus {
    return this.tokens.set(token);
  }

  private registration(): ModelRegistrationDeps {
    return { repo: this.repo, events: this.deps.events, dataDir: this.deps.dataDir };
  }

  private registeredSummary({ row, nameNote }: Registration): ModelRegistered {
    return nameNote === undefined ? this.summary(row) : { ...this.summary(row), nameNote };
  }

  private summary(row: ModelRow): ModelSummary {
    const full = this.lookup.pathOf(row);
    const source: ModelSource =
      row.source_kind === 'hub'
        ? { kind: 'hub', repoId: row.source ?? '', revision: row.revision ?? 'main', commit: row.commit_sha ?? '' }
        : row.source_kind === 'folder'
          ? { kind: 'folder', path: row.source ?? full }
          : { kind: 'run', runId: row.source };
    // A file where its folder was is as missing as no folder (fill, loading it, says so).
    const isAvailable = existsSync(full) && statSync(full).isDirectory();
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      source,
      path: full,
      sizeBytes: row.size_bytes,
      modelType: row.model_type,
      parameterCount: row.parameter_count,
      createdAt: row.created_at,
      isAvailable,
      // Headers only (modelFolderHealth.ts): cheap enough for every listing.
      problem: modelProblem({ id: row.id, source, path: full, isAvailable }),
    };
  }
}

export function modelHandlers({ models }: { models: ModelService }): DomainHandlers<'models'> {
  const service = (): ModelService => models;
  return {
    'models.list': async () => listed(models.repo, service().list()),
    'models.catalog': async () => service().catalog(),
    'models.pull': (args) => service().pull(args),
    'models.cancelPull': async ({ repoId }) => ({ repoId, cancelled: service().cancelPull(repoId) }),
    'models.import': (args) => service().import(args),
    'models.remove': async ({ id }) => service().remove(id),
    'models.resolve': async ({ model }) => service().resolve(model),
    'models.show': async ({ model }) => service().show(model),
    'models.cacheUsage': async () => service().cacheUsage(),
    'models.removeCached': async ({ repoId }) => service().removeCached(repoId),
    'models.removeScratch': async () => service().removeScratch(),
    'models.tokenStatus': async () => service().tokenStatus(),
    'models.setToken': async ({ token }) => service().setToken(token),
  };
}
