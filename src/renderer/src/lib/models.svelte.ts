// The renderer's models store: the registered models (`models.list`), the Hub catalog, a
// running pull with its byte progress (`models.pullProgress` events) and cancel, folder
// imports, removal, the download cache and the Hub token. Built on `api` only, like every
// domain store; the Playground's model picker reads `models` from here too.

import type { CatalogModel, HubTokenStatus, ModelCacheUsage, ModelSummary } from '../../../shared/contract/models';
import { readRepoReference } from '../../../shared/hubAddress';
import { formatBytes, formatElapsed, plural } from '../../../shared/format';
import { ApiError, errorMessage } from '../../../shared/errors';
import type { EventMap } from '../../../shared/events';
import { subscribe } from '../../../shared/transport';
import { modelLabel } from '../../../shared/contract/runNames';
import { api, connection } from './api';
import { LatestWritten } from './newest';
import { onModelsScreen, outcomeAfterEdit } from './pullWords';

/** A pull in flight: the last progress event, less the revision. */
export type PullState = Omit<EventMap['models.pullProgress'], 'revision'>;

/** What is typed in the Models screen's boxes; kept here so it outlives the screen's components. */
export interface ModelForms {
  folder: string;
  name: string;
  repoId: string;
  revision: string;
}

class ModelsStore {
  models: readonly ModelSummary[] = $state([]);
  catalog: readonly CatalogModel[] = $state([]);
  cache: ModelCacheUsage | undefined = $state();
  token: HubTokenStatus | undefined = $state();
  /** The last failure, in the service's words (cleared by the next action). */
  error: string | undefined = $state();
  /** What the last action did, in a sentence. */
  notice: string | undefined = $state();
  isLoaded = $state(false);
  /** `models` has been read at least once (before that, an empty list says nothing). */
  hasListed = $state(false);
  /**
   * The ids of the models this window removed (Remove, or deleting their download): the
   * Playground says a column of one went without calling it news from elsewhere.
   */
  readonly removedHere = new Set<string>();
  isImporting = $state(false);
  /** The pull in flight; its progress arrives as events. */
  pulling: PullState | undefined = $state();
  /**
   * How the last pull ended, in a sentence: shown where its progress was (the Hub panel), near
   * the Download pressed, not in the screen's banner far above (cleared by the next action).
   */
  pullOutcome: { readonly isError: boolean; readonly text: string } | undefined = $state();
  /** The folder-import and Hub boxes as typed, for the rest of the app session. */
  forms: ModelForms = $state({ folder: '', name: '', repoId: '', revision: '' });

  constructor() {
    subscribe(connection.bridge, 'models.pullProgress', (p) => {
      if (this.pulling?.repoId === p.repoId) this.pulling = { ...p };
    });
    // A model registered or removed elsewhere (another window, a terminal): the lists show it.
    subscribe(connection.bridge, 'models.statusChanged', ({ status }) => {
      if (status === 'ready' || status === 'deleted') void this.relist();
    });
  }

  /** The list read again (with the cache once the Models screen has shown it); a failure shows as the error. */
  private async relist(): Promise<void> {
    try {
      await (this.isLoaded ? this.refresh() : this.listOnly());
    } catch (caught) {
      this.error = errorMessage(caught);
    }
  }

  async load(): Promise<void> {
    await this.act(async () => {
      const [token] = await Promise.all([api.models.tokenStatus({}), this.refresh()]);
      this.token = token;
      this.isLoaded = true;
    });
  }

  /** A run's base model in a few words (contract/runNames.ts modelLabel), registered names once listed. */
  labelOf(model: string): string {
    return modelLabel(model, this.models);
  }

  /** Only the registered models (the Playground's picker needs no catalog or cache). */
  async loadList(): Promise<void> {
    await this.act(() => this.listOnly());
  }

  /** The registered models whose folders are still there: what pickers outside the Models screen offer. */
  get available(): ModelSummary[] {
    return this.models.filter((m) => m.isAvailable);
  }

  /**
   * Only the registered models, for a picker elsewhere (the tokenizer picker): the Models
   * screen's notice and error stay as they are, and a failure leaves the list as it was.
   */
  async listQuietly(): Promise<void> {
    await this.listOnly().catch(() => undefined);
  }

  private async listOnly(): Promise<void> {
    const read = this.listing.begin();
    const models = await api.models.list({});
    if (read.claim()) this.listed(models);
  }

  /** Registers a model folder on the machine running Spanfill; true when it was added. */
  async importFolder(folder: string, name: string): Promise<boolean> {
    const path = folder.trim();
    if (path === '') {
      this.error = 'Give the path of a model folder (the folder that holds config.json), then Import.';
      return false;
    }
    this.isImporting = true;
    try {
      return await this.act(async () => {
        const model = await api.models.import({ path, name: name.trim() || undefined });
        // A folder registered already: nothing was imported, and the note says as which model.
        this.notice = model.isAlreadyRegistered
          ? `Already registered: ${model.name} (${describeModel(model)}).${noteAfter(model.nameNote)}`
          : `Imported ${model.name}: ${describeModel(model)}.${noteAfter(model.nameNote)}`;
        await this.refresh();
      });
    } finally {
      this.isImporting = false;
    }
  }

  async pull(repoId: string, revision: string): Promise<void> {
    const id = repoId.trim();
    if (id === '' || this.pulling) return;
    // Progress events and cancel name the repository, without an "@revision" typed after it, or
    // the rest of a Hub address pasted from a browser (read as the service reads it).
    const reading = readRepoReference(id);
    const repository = reading.is === 'repository' ? reading.repoId : id;
    this.error = undefined;
    this.notice = undefined;
    this.pullOutcome = undefined;
    this.pulling = {
      repoId: repository,
      file: '',
      fileIndex: 0,
      fileCount: 0,
      bytesDone: 0,
      bytesTotal: 0,
      bytesPerSecond: null,
    };
    try {
      const pulled = await api.models.pull({ repoId: id, revision: revision.trim() || undefined });
      // The progress goes as the outcome is said, not after the lists are read again.
      this.pulling = undefined;
      const text = pulled.offlineReason
        ? `The Hub could not be reached, so ${pulled.model.name} was registered from the copy already downloaded. (${onModelsScreen(pulled.offlineReason)})`
        : pulled.isFromCache
          ? `${pulled.model.name} was already downloaded; it is registered.`
          : `Downloaded ${pulled.model.name}: ${formatBytes(pulled.downloadedBytes)} in ${formatElapsed(pulled.elapsedMs)}` +
            (pulled.resumedBytes > 0 ? ` (${formatBytes(pulled.resumedBytes)} were already here from before).` : '.');
      this.pullOutcome = { isError: false, text: `${text}${noteAfter(pulled.model.nameNote)}` };
      await this.refresh();
    } catch (caught) {
      // No file list yet and no bytes: the Hub was still being contacted, so nothing is kept.
      const isContacting = this.pulling?.fileCount === 0 && this.pulling.bytesDone === 0;
      this.pulling = undefined;
      const text = !(caught instanceof ApiError && caught.code === 'cancelled')
        ? onModelsScreen(errorMessage(caught))
        : isContacting
          ? `Download of ${repository} cancelled while the Hub was being contacted; nothing was downloaded.`
          : `Download of ${repository} cancelled. What arrived is kept: downloading it again resumes from there.`;
      // (A pull that went well and a list that then failed to read: that failure goes to the banner.)
      if (this.pullOutcome) this.error = text;
      else this.pullOutcome = { isError: true, text };
      await this.refresh().catch(() => undefined); // the cache now holds a partial download
    } finally {
      this.pulling = undefined;
    }
  }

  /** The Hub panel's boxes edited: a failed download's message goes with what they held. */
  pullFormEdited(): void {
    this.pullOutcome = outcomeAfterEdit(this.pullOutcome);
  }

  async cancelPull(): Promise<void> {
    const repoId = this.pulling?.repoId;
    if (repoId !== undefined) await api.models.cancelPull({ repoId });
  }

  async remove(model: ModelSummary): Promise<void> {
    await this.act(async () => {
      const removed = await this.removing([model.id], () => api.models.remove({ id: model.id }));
      this.notice =
        removed.freedBytes > 0
          ? `Removed ${removed.name} and freed ${formatBytes(removed.freedBytes)} of downloads.`
          : `Removed ${removed.name} from the list; its folder was left where it is.`;
      await this.refresh();
    });
  }

  async removeCached(repoId: string): Promise<void> {
    await this.act(async () => {
      const fromRepo = this.models.filter((m) => m.source.kind === 'hub' && m.source.repoId === repoId);
      const removed = await this.removing(
        fromRepo.map((m) => m.id),
        () => api.models.removeCached({ repoId }),
      );
      const { unregistered } = removed;
      const models = unregistered.map((m) => JSON.stringify(m.name)).join(', ');
      const also =
        unregistered.length === 0
          ? ''
          : ` and unregistered its ${unregistered.length === 1 ? 'model' : 'models'} ${models}`;
      this.notice = `Deleted ${removed.repoId} from the download cache (${formatBytes(removed.freedBytes)} freed)${also}.`;
      await this.refresh();
    });
  }

  /**
   * A removal of the models `ids`, noted in `removedHere` before the call (its event may have the
   * list read again before it answers), and no longer once it failed.
   */
  private async removing<T>(ids: readonly string[], remove: () => Promise<T>): Promise<T> {
    for (const id of ids) this.removedHere.add(id);
    try {
      return await remove();
    } catch (caught) {
      for (const id of ids) this.removedHere.delete(id);
      throw caught;
    }
  }

  /** Deletes the from-scratch starting points (runs rebuild their own). */
  async removeScratch(): Promise<void> {
    await this.act(async () => {
      const removed = await api.models.removeScratch({});
      this.notice = `Deleted ${plural(removed.folders, 'from-scratch starting point')} (${formatBytes(removed.freedBytes)} freed).`;
      await this.refresh();
    });
  }

  /** Saves a Hub token (null forgets the saved one). */
  async setToken(token: string | null): Promise<boolean> {
    return this.act(async () => {
      this.token = await api.models.setToken({ token });
      this.notice = token === null ? 'Forgot the saved Hub token.' : 'Saved the Hub token.';
    });
  }

  private listed(models: readonly ModelSummary[]): void {
    this.models = models;
    this.hasListed = true;
  }

  private readonly listing = new LatestWritten();
  private readonly restListing = new LatestWritten();

  private async refresh(): Promise<void> {
    // The list and the rest each by their own reads: a list-only read (Playground, an event)
    // that starts meanwhile must not leave the catalog and cache unread.
    const [read, restRead] = [this.listing.begin(), this.restListing.begin()];
    const [models, catalog, cache] = await Promise.all([
      api.models.list({}),
      api.models.catalog({}),
      api.models.cacheUsage({}),
    ]);
    if (read.claim()) this.listed(models);
    if (!restRead.claim()) return;
    this.catalog = catalog;
    this.cache = cache;
  }

  /** Runs one action with the error and notice reset; resolves false (error shown) when it fails. */
  private async act(work: () => Promise<void>): Promise<boolean> {
    this.error = undefined;
    this.notice = undefined;
    this.pullOutcome = undefined;
    try {
      await work();
      return true;
    } catch (caught) {
      this.error = errorMessage(caught);
      return false;
    }
  }
}

/** The registered models whose folders are still there (models.list), for pickers outside the Models screen. */
export async function listAvailableModels(): Promise<ModelSummary[]> {
  return (await api.models.list({})).filter((m) => m.isAvailable);
}

/** "t5, 1.2 M parameters, 288 KiB": type, size and parameter count in words. */
export function describeModel(model: ModelSummary): string {
  const parts = [model.modelType ?? 'unknown type'];
  if (model.parameterCount !== null) parts.push(`${formatCount(model.parameterCount)} parameters`);
  parts.push(formatBytes(model.sizeBytes));
  return parts.join(', ');
}

/** 60_500_000 → "60.5 M". */
export function formatCount(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(1)} B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)} M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)} k`;
  return String(count);
}

export const modelsStore = new ModelsStore();

/** A registered model's name note as a sentence after what was said ('' without one). */
function noteAfter(nameNote: string | undefined): string {
  return nameNote === undefined ? '' : ` ${nameNote}.`;
}
