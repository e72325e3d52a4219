// Removing a dataset (datasets.remove): refused while it imports (here or in another live
// process) or a run trains on it; its rows, token caches, split and folder deleted, the runs
// that can no longer be resumed named. And the space deletes free given back: the database
// file shrunk while nothing writes to it (store/compactWithRoom.ts).

import type { DatasetRemoved, RunOnRemovedDataset } from '../../shared/contract/datasets';
import { ApiError } from '../../shared/errors';
import { compactWithRoom } from '../store/compactWithRoom';
import type { Store } from '../store/db';
import type { DatasetRepository, DatasetRow } from '../store/datasets';
import type { RunRepository } from '../store/runs';
import { countTokenCaches, removeDatasetFiles, removeTokenCaches } from './datasetFiles';
import { importedElsewhereMessage, importOwner } from './datasetImport';
import { resumableRunsOn } from './datasetRuns';
import { withRemovalDiskFullHint } from './errors';
import type { EventBus } from './events';
import { liveRuns, trainingConflict } from './runsLock';

/** What giving back space needs (giveBackSpace). */
export interface DatasetSpaceDeps {
  readonly store: Store;
  readonly dataDir: string;
  readonly repo: DatasetRepository;
  /** Read only: which runs train on a dataset, or write to the store. */
  readonly runs: RunRepository;
  /** Only for tests: free space above which a removal rewrites the store (store/compactWithRoom.ts). */
  readonly compactMinFreeBytes?: number;
  /** Whether this process runs an import now. */
  readonly isImporting: () => boolean;
}

/** What removing a dataset needs (removeDataset). */
export interface DatasetRemovalDeps extends DatasetSpaceDeps {
  readonly events: EventBus;
  /** The dataset's row; not_found when there is none. */
  readonly mustGet: (id: string) => DatasetRow;
  /** Forgets the dataset's validation split kept in memory. */
  readonly forgetSplit: (id: string) => void;
}

/** Removes the dataset; a full disk said as a removal's (it writes before it frees). */
export function removeDataset(deps: DatasetRemovalDeps, id: string): DatasetRemoved {
  try {
    return removeNow(deps, id);
  } catch (error) {
    throw withRemovalDiskFullHint(error, `dataset ${id}`);
  }
}

function removeNow(deps: DatasetRemovalDeps, id: string): DatasetRemoved {
  const row = deps.mustGet(id);
  // A live import, here or in another process sharing the data directory, is refused; one
  // whose process is gone (killed since the last look) is removed like any dataset.
  const importer = row.status === 'importing' ? importOwner(row) : undefined;
  if (importer?.is === 'here')
    throw new ApiError('conflict', `Dataset ${id} is still importing; cancel the import first`);
  if (importer?.is === 'elsewhere')
    throw new ApiError('conflict', importedElsewhereMessage(row, importer.pid, 'remove'));
  const documents = deps.repo.documentCount(id);
  const tokenCaches = countTokenCaches(deps.dataDir, id);
  // An abandoned import's documents, a batch at a time as on a disk that import filled; no run
  // trains on a dataset that never became ready, so none can start on them meanwhile.
  if (importer?.is === 'gone') deps.repo.deleteDocuments(id);
  // One write transaction from the check to the delete: a run another process starts on this
  // dataset meanwhile either is seen training here, or fails its insert (runs.ts says why).
  let unresumableRuns: RunOnRemovedDataset[] = [];
  const removed = deps.repo.deleteChecked(id, () => {
    const training = liveRuns(deps.runs).find((run) => run.datasetId === id);
    if (training)
      throw trainingConflict(training, `on dataset ${id}`, 'A run whose dataset is removed cannot be resumed.');
    unresumableRuns = resumableRunsOn(deps.runs, id);
    // Before the rows go, not redundant with removeDatasetFiles below: on a full disk the
    // delete fails until something is freed, and the caches (rebuilt when needed) free it.
    removeTokenCaches(deps.dataDir, id);
  });
  deps.forgetSplit(id);
  removeDatasetFiles(deps.dataDir, id); // the rest: the split, the folder
  deps.events.emit('datasets.removed', { datasetId: id });
  return { id, removed, name: row.name, documents, tokenCaches, freedBytes: giveBackSpace(deps), unresumableRuns };
}

/**
 * Shrinks the database file after a large delete (store/compactWithRoom.ts), only while no
 * import or run, here or in another process, is writing to it: the rewrite would hold up their
 * writes. Best effort: it never throws (a full disk, a busy store); the free pages then serve
 * later writes. The bytes it freed.
 */
export function giveBackSpace(deps: DatasetSpaceDeps): number {
  try {
    if (deps.isImporting() || liveRuns(deps.runs).length > 0) return 0;
    if (deps.repo.states().some((row) => row.status === 'importing')) return 0;
    return compactWithRoom(deps.store.db, deps.dataDir, { minFreeBytes: deps.compactMinFreeBytes });
  } catch {
    return 0;
  }
}
