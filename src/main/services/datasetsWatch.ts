// Datasets imported by another process on the same data directory (a `spanfill import` in a
// terminal while the app or `spanfill serve` is open): the watcher (rowsWatch.ts) reads their
// ids, statuses and names every interval and sends datasets.statusChanged for each new one or
// changed status, as an import in this process does, so an open Datasets screen lists it,
// datasets.renamed for a new name and datasets.removed for one that is gone. (What this
// process does is announced twice: once by its service, once here; the screens only reload,
// rename or drop.)

import type { DatasetRepository } from '../store/datasets';
import type { EventBus } from './events';
import { RowsWatcher } from './rowsWatch';

type DatasetState = ReturnType<DatasetRepository['states']>[number];

export class DatasetsWatcher extends RowsWatcher<DatasetState> {
  constructor(deps: { readonly repo: DatasetRepository; readonly events: EventBus }) {
    const { repo, events } = deps;
    super(() => repo.states(), {
      status: ({ id, status }) => events.emit('datasets.statusChanged', { datasetId: id, status }),
      renamed: ({ id, name }) => events.emit('datasets.renamed', { datasetId: id, name }),
      removed: (id) => events.emit('datasets.removed', { datasetId: id }),
    });
  }
}
