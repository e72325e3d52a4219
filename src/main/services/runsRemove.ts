// Removing a run (runs.remove): refused while it trains or starts to, while a run trains from
// its checkpoint, or while a model registered from its folder would go with it; its folder and
// row deleted (runFolders.ts removeRunFolder), and the copies of checkpoints that killed readers
// left (runsCheckpointReaders.ts) with them. A start that never began discards its run the same way.

import { checkpointOrigin } from '../../shared/contract/runNames';
import type { ModelRepository } from '../store/models';
import type { RunRepository, RunRow } from '../store/runs';
import { withRemovalDiskFullHint } from './errors';
import type { EventBus } from './events';
import { removeRunFolder, wasRemovalFinished } from './runFolders';
import { checkpointReadersFolder, removeStaleReadings } from './runsCheckpointReaders';
import { CHECKPOINT_COPIES, liveRunRemoval, liveRuns, trainingConflict } from './runsLock';
import { refuseRemovingModelFolders } from './runsModelFolders';

/** What discarding a run needs (discardRun). */
export interface RunDiscardDeps {
  readonly repo: RunRepository;
  readonly dataDir: string;
  readonly events: EventBus;
}

/** What removing a run needs (removeRun). */
export interface RunRemovalDeps extends RunDiscardDeps {
  /** The registered models: one whose folder is in the run's refuses its removal. */
  readonly models: ModelRepository;
  /** The run's row; not_found when there is none. */
  readonly mustGet: (id: string) => RunRow;
  /** Whether this process, or another, trains the run now (RunControl.isTraining). */
  readonly isTraining: (row: RunRow) => boolean;
}

/**
 * Deletes run `id` and its files, refused while it trains or starts to, or a run trains from its
 * checkpoint. One whose part-way removal was finished since (finishLeftRemovals) is said removed.
 */
export function removeRun(deps: RunRemovalDeps, id: string): { id: string; removed: boolean } {
  if (deps.repo.get(id) === undefined && wasRemovalFinished(deps.dataDir, id)) return { id, removed: true };
  const row = deps.mustGet(id);
  const live = liveRunRemoval(row, deps.isTraining(row));
  if (live) throw live;
  const continuing = liveRuns(deps.repo).find((run) => checkpointOrigin(run.baseModel)?.runId === id);
  if (continuing) throw trainingConflict(continuing, `from a checkpoint of run ${id}`, CHECKPOINT_COPIES);
  refuseRemovingModelFolders(deps.dataDir, id, deps.models);
  try {
    return { id, removed: discardRun(deps, id) };
  } catch (error) {
    // A full disk said as a removal's: its files went first (removeRunFolder), and were not room enough.
    throw withRemovalDiskFullHint(error, `run ${id}`, true);
  }
}

/**
 * Deletes a run's folder and row (runFolders.ts removeRunFolder: a kill part-way leaves no run
 * listed half gone) and tells the screens; whether there was a row. The copies of its
 * checkpoints being read stay (their reads finish; each reader removes its own), but those
 * whose reader was killed go now.
 */
export function discardRun(deps: RunDiscardDeps, id: string): boolean {
  const removed = removeRunFolder(deps.dataDir, id, () => deps.repo.remove(id));
  removeStaleReadings(checkpointReadersFolder(deps.dataDir));
  deps.events.emit('runs.removed', { runId: id });
  return removed;
}
