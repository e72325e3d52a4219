// Runs written straight into the store that `spanfill serve` has open, for e2e files that need
// many runs, or runs with known figures, without training them: the store with the dataset row
// they refer to (ready: else the server would take it for an import in no process), and a run
// added as a trainer adds it (a "running" one owned by the test's process, as a `spanfill
// train` in a terminal would own it; the test then writes its steps).

import { thisProcessAsOwner } from '../../src/main/services/runsLock';
import { openStore, type Store } from '../../src/main/store/db';
import { RunRepository } from '../../src/main/store/runs';
import { runConfigSchema, type RunStatusName } from '../../src/shared/contract/runs';
import { addDatasetRow } from '../support/storeRows';
import { tinySpm } from './lossRuns';

export function openStoreForRuns(dataDir: string): { store: Store; repo: RunRepository } {
  const store = openStore(dataDir);
  addDatasetRow(store.db);
  store.db.prepare("UPDATE datasets SET status = 'ready' WHERE id = 'ds-1'").run();
  return { store, repo: new RunRepository(store.db) };
}

/** Run `id` of the tiny model on dataset ds-1; `config` adds to (or overrides) its configuration. */
export function addStoredRun(
  repo: RunRepository,
  run: { id: string; name: string; status: RunStatusName; totalSteps: number; config?: Record<string, unknown> },
): void {
  const config = runConfigSchema.parse({
    model: tinySpm,
    datasetId: 'ds-1',
    maxSteps: run.totalSteps,
    name: run.name,
    ...run.config,
  });
  const owner = run.status === 'running' ? thisProcessAsOwner() : undefined;
  repo.add({
    id: run.id,
    name: run.name,
    config,
    totalSteps: run.totalSteps,
    status: run.status,
    ...(owner && { owner }),
  });
}
