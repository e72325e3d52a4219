// Models service: Hub pulls into the cache under <dataDir>/models/hub (engine/hub), folders
// imported where they are, both checked by the T5 and tokenizer loaders and registered as
// rows of `models` under names kept distinct (one another model has is numbered, as a
// dataset's is: idOrName.ts numberedName); listing, removal (a Hub snapshot's files go with
// its row, an imported folder is never deleted), the cache's disk usage and the from-scratch
// starting points (runs of preset:NAME). The Hub token (HF_TOKEN first, then the stored one) is
// modelsToken.ts; resolving `--model` arguments offline, modelsResolve.ts; one model in full,
// modelsShow.ts; removals (not under a run, nor under a pull), modelsRemove.ts; the engine's
// errors in the contract's codes, modelsErrors.ts.

import { nameFromFile, optionalDisplayName } from '../../shared/contract/displayName';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
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
import { directoryBytes, HubCache } from '../engine/hub/cache';
import { MODEL_CATALOG, parseRepoReference } from '../engine/hub/catalog';
import { pullModel, type PullProgress, type PullResult } from '../engine/hub/download';
import { HubError } from '../engine/hub/errors';
import { inspectModelFolder, type ModelFolderInfo } from '../engine/hub/inspect';
import { isPresetModelName } from '../../shared/contract/runs';
import type { Store } from '../store/db';
import { ModelRepository, type ModelRow, type NewModelRow } from '../store/models';
import { RunRepository } from '../store/runs';
import type { EventBus } from './events';
import type { DomainHandlers } from './handler';
import { refuseRelativePaths } from './fullPaths';
import { FileTokenStore, type HubTokenStore } from './hub-token';
import { HubTokens } from './modelsToken';
import { modelProblem } from './modelFolderHealth';
import { checkModelWork, pulledFailure, rethrowModelError } from './modelsErrors';
import { numberedName, numberedNote } from './idOrName';
import { ModelLookup } from './modelsResolve';
import { removeCachedRepo, removeModel, type ModelRemovalDeps } from './modelsRemove';
import { refuseDataDirFolder } from './modelsImportPlace';
import { listed } from './listedRows';
import { modelDetails } from './modelsShow';
import { CHECKPOINT_COPIES, liveRuns, trainingConflict } from './runsLock';

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
      const register = (pulled: PullResult) => this.registerPulled(repoId, revision, pulled);
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
    return this.registeredSummary(this.add({ kind: 'folder', path: dir }, name, dir, info));
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
    const repos = new HubCache(this.cacheRoot).usage();
    return {
      root: this.cacheRoot,
      bytes: repos.reduce((sum, r) => sum + r.bytes, 0),
      repos,
      scratch: this.scratchUsage(),
    };
  }

  private scratchUsage(): ModelCacheUsage['scratch'] {
    const root = this.scratchRoot;
    const folders = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
    return { root, bytes: folders.length > 0 ? directoryBytes(root) : 0, folders: folders.length };
  }

  /**
   * Deletes the from-scratch starting points; a run of preset:NAME rebuilds its own from its
   * seed (the same weights). Refused while one trains: its checkpoints copy that folder's tokenizer.
   */
  removeScratch(): { folders: number; freedBytes: number } {
    const training = liveRuns(this.runs).find((run) => isPresetModelName(run.baseModel));
    if (training) throw trainingConflict(training, `from scratch (${training.baseModel})`, CHECKPOINT_COPIES);
    const usage = this.scratchUsage();
    rmSync(usage.root, { recursive: true, force: true });
    return { folders: usage.folders, freedBytes: usage.bytes };
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

  /** The model of a pulled snapshot, registered already or now (under the pull lock); a failure says what stays. */
  private async registerPulled(
    repoId: string,
    revision: string,
    pulled: PullResult,
  ): Promise<{ pulled: PullResult; registered: Registration }> {
    const existing = this.repo.findBySource('hub', repoId, pulled.commit);
    if (existing) return { pulled, registered: { row: existing } };
    try {
      return { pulled, registered: await this.registerHub(repoId, revision, pulled.commit, pulled.dir) };
    } catch (error) {
      throw pulledFailure(error, repoId, pulled.dir);
    }
  }

  /**
   * Registers a pulled snapshot. Another process on the data directory (a terminal, the app) may
   * register the same one meanwhile: the store's unique index on the source refuses the second
   * row, and that process's model is this pull's.
   */
  private async registerHub(repoId: string, revision: string, commit: string, dir: string): Promise<Registration> {
    const info = await inspectModelFolder(dir);
    const name = revision === 'main' ? repoId : `${repoId}@${revision}`;
    try {
      return this.add({ kind: 'hub', repoId, revision, commit }, name, path.relative(this.deps.dataDir, dir), info);
    } catch (error) {
      const registered = isUniqueConflict(error) ? this.repo.findBySource('hub', repoId, commit) : undefined;
      if (registered === undefined) throw error;
      return { row: registered };
    }
  }

  /**
   * Registers a model under `asked`, or numbered ("NAME (2)") where another model has that name
   * (names stay distinct, as datasets' do: a name finds one model), with a note saying so.
   */
  private add(source: ModelSource, asked: string, storedPath: string, info: ModelFolderInfo): Registration {
    const fields: NewModelRow = {
      id: `m-${randomUUID().slice(0, 8)}`,
      name: asked,
      kind: 'base',
      path: storedPath,
      source: source.kind === 'hub' ? source.repoId : source.kind === 'folder' ? source.path : source.runId,
      source_kind: source.kind,
      revision: source.kind === 'hub' ? source.revision : null,
      commit_sha: source.kind === 'hub' ? source.commit : null,
      size_bytes: info.sizeBytes,
      model_type: info.modelType,
      parameter_count: info.parameterCount,
      config_json: info.configJson,
    };
    const row = this.repo.addUnderFreeName(fields, (n) => numberedName(asked, n));
    this.deps.events.emit('models.statusChanged', { modelId: row.id, status: 'ready' });
    if (row.name === asked) return { row };
    return { row, nameNote: numberedNote(row.name, asked, this.repo.list(), 'model') };
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

/** A row registered, with why it is not named as asked (ModelService.add). */
interface Registration {
  readonly row: ModelRow;
  readonly nameNote?: string;
}

/** The note of an import of `dir`, registered as `row` already; `asked`, a name it does not have, is not taken. */
function alreadyRegistered(dir: string, row: ModelRow, asked: string | undefined): string {
  const name = optionalDisplayName(asked) ?? row.name;
  const rename = `. It keeps that name: \`spanfill models rm ${row.id}\`, then import it again to name it ${JSON.stringify(name)}`;
  return `${dir} is already registered as ${row.id} (${row.name}); nothing to do${name === row.name ? '' : rename}`;
}

/** better-sqlite3's error for a row a UNIQUE index already holds. */
function isUniqueConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
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
