// The runs a dataset's removal leaves unable to resume (datasets.remove names them): a run on it
// that could be resumed now cannot once its dataset is gone, since resuming needs the data it
// trained on (runsResumable.ts refuses it then). Read in the removal's transaction, after live
// runs were refused, so a run whose process is gone is the interrupted run it is marked as later.

import type { RunOnRemovedDataset } from '../../shared/contract/datasets';
import { canResume } from '../../shared/contract/runResults';
import type { RunRepository } from '../store/runs';

/** The runs on `datasetId` that could be resumed now, in the order they were made. */
export function resumableRunsOn(runs: RunRepository, datasetId: string): RunOnRemovedDataset[] {
  return runs
    .list()
    .filter((run) => run.datasetId === datasetId)
    .map((run) => ({
      ...run,
      // No live run is left here (the removal refused those): a running or queued one's process is gone.
      status: run.status === 'running' || run.status === 'queued' ? ('interrupted' as const) : run.status,
    }))
    .filter((run) => canResume(run))
    .map(({ id, name, status, step }) => ({ id, name, status, step }));
}
