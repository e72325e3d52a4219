// The renderer's datasets store: the list from `datasets.list`, the import form
// (datasetsImportForm.ts), a running import with its byte progress (from
// `datasets.importProgress` events) and cancel, dropped or picked files (desktop: their paths;
// browser: uploaded first, datasetsUpload.ts), the imports of other pages and processes said as
// they end (datasetsImportWatch.ts), remove, the last error and the last success. Built on `api`
// only, like every domain store.

import {
  unresumableRunsNote,
  type DatasetDetail,
  type DatasetSummary,
  type TokenizeResult,
} from '../../../shared/contract/datasets';
import { diskGivenBack, plural } from '../../../shared/format';
import { subscribe } from '../../../shared/transport';
import { api, connection } from './api';
import { LatestWritten } from './newest';
import { importedNotice } from './datasetChoices';
import { describePicked } from './importable';
import { typedPaths } from './typedPaths';
import { filesFromInput, type PickedFile } from './upload';
import { ApiError, errorMessage } from '../../../shared/errors';
import { cancelledNotice, describePaths } from './datasetsImportOutcome';
import { ImportWatch } from './datasetsImportWatch';
import { DatasetUpload } from './datasetsUpload';
import { blankImportForm, importOptions, withPathsHint, type ImportForm } from './datasetsImportForm';

/** The most documents a dataset's view lists (datasets.get's sample limit). */
export const DOCUMENTS_SHOWN_MAX = 100;

class DatasetsStore {
  datasets: readonly DatasetSummary[] = $state([]);
  detail: DatasetDetail | undefined = $state();
  error: string | undefined = $state();
  /** What the last import did, in a sentence (cleared by the next action, or by `settle`). */
  notice: string | undefined = $state();
  /** Shared by the screen's form and a drop anywhere in the window (same options apply). */
  form: ImportForm = $state(blankImportForm());
  /** Browser mode: files on their way to the server, before the import starts. */
  uploading: { what: string; sent: number; total: number } | undefined = $state();
  isLoading = $state(false);
  /** Whether the list has been read once: until then an empty `datasets` says nothing about the store. */
  isListed = $state(false);
  /** Token count and example estimate of the shown dataset for one tokenizer. */
  tokenized: TokenizeResult | undefined = $state();
  isTokenizing = $state(false);
  /** The import in flight: its id (once the first event names it) and bytes read. */
  importing: { id: string | undefined; done: number; total: number | null } | undefined = $state();

  constructor() {
    subscribe(connection.bridge, 'datasets.importProgress', (p) => {
      if (!this.importing) return;
      this.importing = { id: p.datasetId, done: p.done, total: p.total };
      this.watch.ownImport(p.datasetId);
    });
    // A dataset imported elsewhere (a terminal on the same data directory, a tab reloaded while its
    // upload imports) joins the list as it starts, as importing (its progress is that process's or
    // page's to show), and is read again once ready or failed, and how it ended is said here
    // (load): a failure's why is its event's (another process's, from the note it left), or its
    // row's where that is kept (its page went); a cancel's event has no why; a cancelled or failed
    // one is deleted, and datasets.removed drops it. This window's own import is listed once it
    // lands (its progress shows above the list).
    subscribe(connection.bridge, 'datasets.statusChanged', ({ datasetId, status, error }) => {
      if (status === 'failed') this.watch.failed(datasetId, error);
      if (status !== 'importing' || this.importing === undefined) void this.load();
    });
    subscribe(connection.bridge, 'datasets.removed', ({ datasetId }) => {
      this.forget(datasetId);
      if (this.watch.isWatched(datasetId)) void this.load(); // (an import that ended so: said there)
    });
    subscribe(connection.bridge, 'datasets.renamed', ({ datasetId, name }) => {
      this.datasets = this.datasets.map((d) => (d.id === datasetId ? { ...d, name } : d));
      if (this.detail?.id === datasetId) this.detail = { ...this.detail, name };
    });
  }

  /** The id this window is removing now (its own notice says so; a removal elsewhere gets one here). */
  private removing: string | undefined;

  /** Drops a removed dataset from the list; a view showing it closes and says why. */
  private forget(id: string): void {
    const shown = this.detail;
    if (shown?.id === id) {
      this.detail = undefined;
      this.tokenized = undefined;
      if (this.removing !== id) this.notice = `Dataset ${shown.name} (${id}) was removed.`;
    }
    this.datasets = this.datasets.filter((d) => d.id !== id);
  }

  /**
   * Lets what is said on top (the notice, the error) go: the person has moved on from what it was
   * about (pressed something else on the screen, or left it). Never on a timer or for what happens
   * elsewhere, so a message is not gone before it could be read.
   */
  settle(): void {
    this.error = undefined;
    this.notice = undefined;
  }

  /** Every dataset, newest first: the order the Datasets table and the selects list them in (as runs are). */
  get newestFirst(): DatasetSummary[] {
    return [...this.datasets].reverse();
  }

  /** The datasets one can train on or mask, newest first. */
  get ready(): DatasetSummary[] {
    return this.newestFirst.filter((d) => d.status === 'ready');
  }

  /** The id a form starts from when none is picked yet: the newest ready dataset, or '' when none. */
  get newestReadyId(): string {
    return this.ready[0]?.id ?? '';
  }

  /** A run's dataset as people know it: its name, its id until the list is in, or 'removed'. */
  nameOf(id: string | null): string {
    return id === null ? 'removed' : (this.datasets.find((d) => d.id === id)?.name ?? id);
  }

  private readonly listing = new LatestWritten();
  /** The imports this page did not start, said as they end; and those it started. */
  private readonly watch = new ImportWatch(this);
  /** Browser mode's uploads of dropped or picked files, into `uploading` above. */
  private readonly upload = new DatasetUpload(this);

  /** Reads the list; false when it could not be read (the error shows). */
  async load(): Promise<boolean> {
    const read = this.listing.begin();
    this.isLoading = true;
    try {
      const datasets = await api.datasets.list({});
      if (read.claim()) {
        [this.datasets, this.isListed] = [datasets, true];
        this.watch.sayEnded(datasets);
      }
      return true;
    } catch (caught) {
      this.error = errorMessage(caught);
      return false;
    } finally {
      if (read.isLatest()) this.isLoading = false;
    }
  }

  /** Imports the paths typed in the form (paths on the machine running Spanfill), one a line. */
  async startImport(form: ImportForm): Promise<void> {
    const paths = typedPaths(form.paths);
    if (paths.length === 0) {
      this.error = 'Give at least one file or folder path, or drop files onto the window';
      return;
    }
    const typed = form.paths;
    const done = await this.importPaths(paths, form.name.trim() || undefined);
    if (this.error !== undefined) this.error = withPathsHint(this.error, paths);
    // Emptied for the next paths, unless the next were typed while this import ran (it can take minutes).
    if (done && form.paths === typed) form.paths = '';
  }

  /**
   * Dropped or picked files: their paths in the desktop app, else uploaded to the server first.
   * The dataset is named as `spanfill import` names the same files (by the first path; the
   * service's rule) unless the form gives a name; `what` calls the drop in progress and messages.
   */
  async importPicked(picked: readonly PickedFile[]): Promise<void> {
    if (picked.length === 0 || this.isBusy) return;
    const name = this.form.name.trim() || undefined;
    const what = name ?? describePicked(picked);
    const pathFor = window.files?.pathFor;
    if (connection.mode === 'electron' && pathFor) {
      const paths = picked.map((f) => pathFor(f.file)).filter((p) => p.length > 0);
      if (paths.length === 0) this.error = 'These files have no path on disk; save them to a folder first';
      else await this.importPaths(paths, name, what);
      return;
    }
    await this.upload.run(picked, what, (paths) => this.importPaths(paths, name, what));
  }

  /** A file or folder picker's choice. */
  importInput(list: FileList | null): Promise<void> {
    return this.importPicked(list ? filesFromInput(list) : []);
  }

  cancelUpload(): void {
    this.upload.cancel();
  }

  get isBusy(): boolean {
    return this.importing !== undefined || this.uploading !== undefined;
  }

  /** Imports `paths` as a dataset named `name` (the service's name when undefined); `what` names it if cancelled. */
  private async importPaths(
    paths: string[],
    name: string | undefined,
    what = name ?? describePaths(paths),
  ): Promise<boolean> {
    this.error = undefined;
    this.notice = undefined;
    this.importing = { id: undefined, done: 0, total: null };
    try {
      const ds = await api.datasets.import({ paths, name, ...importOptions(this.form) });
      this.watch.ownImport(ds.id);
      await this.load();
      await this.show(ds.id);
      // Said once the list and the dataset show it, as the import ends: the pickers take the next
      // files, and what the caller adds (skipped files, an emptied path box) comes with it.
      this.notice = importedNotice(ds);
      return true;
    } catch (caught) {
      // Cancelled by the person (here, or in another window): said as the notice, not an error.
      if (caught instanceof ApiError && caught.code === 'cancelled') this.notice = cancelledNotice('import', what);
      else this.error = errorMessage(caught);
      return false;
    } finally {
      this.importing = undefined;
    }
  }

  /**
   * Imports the bundled sample as this page's own import, as importPaths imports (its progress
   * events mark it so at once): the offer says its outcome, not importsEnded as one watched.
   */
  async importSample(): Promise<DatasetSummary> {
    this.importing = { id: undefined, done: 0, total: null };
    try {
      const ds = await api.datasets.importSample({});
      this.watch.ownImport(ds.id);
      return ds;
    } finally {
      this.importing = undefined;
    }
  }

  async cancelImport(): Promise<void> {
    const id = this.importing?.id;
    if (id !== undefined) await api.datasets.cancelImport({ id });
  }

  /** Shows a dataset with its first `documents` documents (at most DOCUMENTS_SHOWN_MAX). */
  async show(id: string, documents = 5): Promise<void> {
    try {
      this.detail = await api.datasets.get({ id, sample: Math.min(documents, DOCUMENTS_SHOWN_MAX) });
      if (this.tokenized?.datasetId !== id) this.tokenized = undefined;
    } catch (caught) {
      this.error = errorMessage(caught);
    }
  }

  async tokenize(id: string, model: string, inputLength: number): Promise<void> {
    this.isTokenizing = true;
    this.error = undefined;
    try {
      this.tokenized = await api.datasets.tokenize({ id, model: model.trim(), inputLength });
      await this.load(); // the list's Tokens column
    } catch (caught) {
      this.error = errorMessage(caught);
    } finally {
      this.isTokenizing = false;
    }
  }

  async remove(id: string): Promise<void> {
    this.error = undefined;
    this.notice = undefined;
    this.removing = id;
    const isFailed = this.datasets.some((d) => d.id === id && d.status === 'failed');
    try {
      const removed = await api.datasets.remove({ id });
      this.forget(id); // (as datasets.removed does, which may come before or after this reply)
      await this.load();
      const freed = diskGivenBack(removed.freedBytes);
      const runs = unresumableRunsNote(removed.unresumableRuns);
      const said = isFailed
        ? `Removed ${removed.name}, whose import failed.`
        : `Removed ${removed.name} and its ${plural(removed.documents, 'document')}${freed}.`;
      this.notice = runs === undefined ? said : `${said} ${runs}.`;
    } catch (caught) {
      this.error = errorMessage(caught);
    } finally {
      this.removing = undefined;
    }
  }

  /** Resolves true when renamed; the error shows in place otherwise. */
  async rename(id: string, name: string): Promise<boolean> {
    this.error = undefined;
    this.notice = undefined;
    try {
      const renamed = await api.datasets.rename({ id, name });
      await this.load();
      if (this.detail?.id === id) await this.show(id);
      this.notice = `Renamed to ${renamed.name}.`;
      return true;
    } catch (caught) {
      this.error = errorMessage(caught);
      return false;
    }
  }
}

export const datasetsStore = new DatasetsStore();
