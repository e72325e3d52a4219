// Datasets imported by another process on the same data directory (a `spanfill import` in a
// terminal while the app or `spanfill serve` is open): the watcher (rowsWatch.ts) reads their
// ids, statuses and names every interval and sends datasets.statusChanged for each new one or
// changed status, as an import in this process does, so an open Datasets screen lists it,
// datasets.renamed for a new name and datasets.removed for one that is gone. What this
// process's own service announces is heard and not said again here. Each look first clears
// imports whose process is gone (a `spanfill import` killed), as a service does when it opens
// the store, so their rows go from the screens within an interval instead of staying
// "importing" until the app restarts. What datasets.list answers is a look too (listedRows.ts).
// An import that failed there is announced failed, with the reason that process gave, and one
// cancelled there as cancelled, as its row goes (the note it left: store/importEndings.ts), as
// this process announces its own.

import type { DatasetSummary } from '../../shared/contract/datasets';
import type { EventMap } from '../../shared/events';
import type { DatasetRepository, DatasetRow } from '../store/datasets';
import type { EventBus } from './events';
import { announceImportEnded, announceRemovedElsewhere } from './datasetsImportEnded';
import { watchListed } from './listedRows';
import { RowsWatcher, type RowsListen } from './rowsWatch';

/** A dataset as a look has it: from the store (states) or a list's answer (DatasetSummary, no error but a failure's). */
type DatasetState = Pick<DatasetRow, 'id' | 'status' | 'name'> & { readonly error?: string | null };

export class DatasetsWatcher extends RowsWatcher<DatasetState> {
  /** `removeAbandonedImports`: DatasetService.removeAbandonedImports (datasetImport.ts). */
  constructor(deps: {
    readonly repo: DatasetRepository;
    readonly events: EventBus;
    readonly removeAbandonedImports?: () => unknown;
  }) {
    const { repo, events, removeAbandonedImports } = deps;
    super(
      () => {
        removeAbandonedImports?.();
        return repo.states();
      },
      {
        // (a failure kept as a row, with why, as this process says it: announceImportEnded)
        status: ({ id, status, error }) =>
          status === 'failed' && typeof error === 'string'
            ? announceImportEnded(events, id, { outcome: 'failed', reason: error })
            : events.emit('datasets.statusChanged', { datasetId: id, status }),
        renamed: ({ id, name }) => events.emit('datasets.renamed', { datasetId: id, name }),
        removed: (id) => announceRemovedElsewhere({ repo, events }, id),
      },
      hearDatasets(repo, events),
      (look) => watchListed<DatasetSummary>(repo, look),
    );
  }
}

/**
 * The datasets service's own announcements, as the watcher's changes (the service sends failed
 * for an import it deleted, and for one whose row it kept as failed: its page had gone).
 */
function hearDatasets(repo: DatasetRepository, events: EventBus): RowsListen {
  return (heard) =>
    events.subscribe((event, payload) => {
      if (event === 'datasets.statusChanged') {
        const { datasetId, status } = payload as EventMap['datasets.statusChanged'];
        heard(datasetId, status === 'failed' && repo.get(datasetId) === undefined ? 'removed' : { status });
      } else if (event === 'datasets.renamed') {
        const { datasetId, name } = payload as EventMap['datasets.renamed'];
        heard(datasetId, { name });
      } else if (event === 'datasets.removed') heard((payload as EventMap['datasets.removed']).datasetId, 'removed');
    });
}
