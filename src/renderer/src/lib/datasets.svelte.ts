// The renderer's datasets store: the list from `datasets.list`, a running import with its
// byte progress (from `datasets.importProgress` events) and cancel, remove, and the last
// error. Built on `api` only, like every domain store.

import type {
  DatasetDetail,
  DatasetSplitMode,
  DatasetSummary,
  TokenizeResult,
} from '../../../shared/contract/datasets';
import { subscribe } from '../../../shared/transport';
import { api, connection } from './api';

export interface ImportForm {
  paths: string;
  name: string;
  field: string;
  column: string;
  split: DatasetSplitMode | 'auto';
  nfkc: boolean;
  collapseWhitespace: boolean;
}

class DatasetsStore {
  datasets: readonly DatasetSummary[] = $state([]);
  detail: DatasetDetail | undefined = $state();
  error: string | undefined = $state();
  isLoading = $state(false);
  /** Token count and example estimate of the shown dataset for one tokenizer. */
  tokenized: TokenizeResult | undefined = $state();
  isTokenizing = $state(false);
  /** The import in flight: its id (once the first event names it) and bytes read. */
  importing: { id: string | undefined; done: number; total: number | null } | undefined = $state();

  constructor() {
    subscribe(connection.bridge, 'datasets.importProgress', (p) => {
      if (this.importing) this.importing = { id: p.datasetId, done: p.done, total: p.total };
    });
  }

  async load(): Promise<void> {
    this.isLoading = true;
    try {
      this.datasets = await api.datasets.list({});
    } catch (caught) {
      this.error = message(caught);
    } finally {
      this.isLoading = false;
    }
  }

  async startImport(form: ImportForm): Promise<void> {
    const paths = form.paths
      .split('\n')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    if (paths.length === 0) {
      this.error = 'Give at least one file or folder path';
      return;
    }
    this.error = undefined;
    this.importing = { id: undefined, done: 0, total: null };
    try {
      const ds = await api.datasets.import({
        paths,
        name: form.name.trim() || undefined,
        field: form.field.trim() || undefined,
        column: form.column.trim() || undefined,
        split: form.split === 'auto' ? undefined : form.split,
        nfkc: form.nfkc,
        collapseWhitespace: form.collapseWhitespace,
      });
      await this.load();
      await this.show(ds.id);
    } catch (caught) {
      this.error = message(caught);
    } finally {
      this.importing = undefined;
    }
  }

  async cancelImport(): Promise<void> {
    const id = this.importing?.id;
    if (id !== undefined) await api.datasets.cancelImport({ id });
  }

  async show(id: string): Promise<void> {
    try {
      this.detail = await api.datasets.get({ id, sample: 5 });
      if (this.tokenized?.datasetId !== id) this.tokenized = undefined;
    } catch (caught) {
      this.error = message(caught);
    }
  }

  async tokenize(id: string, model: string, inputLength: number): Promise<void> {
    this.isTokenizing = true;
    this.error = undefined;
    try {
      this.tokenized = await api.datasets.tokenize({ id, model: model.trim(), inputLength });
    } catch (caught) {
      this.error = message(caught);
    } finally {
      this.isTokenizing = false;
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await api.datasets.remove({ id });
      if (this.detail?.id === id) this.detail = undefined;
      await this.load();
    } catch (caught) {
      this.error = message(caught);
    }
  }
}

function message(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}

export const datasetsStore = new DatasetsStore();
