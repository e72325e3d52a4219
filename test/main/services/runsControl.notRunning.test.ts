// runs.stop and runs.pause of a run that is not training nor starting to: refused, saying what it
// is and what can be done with it instead (resume or remove it; a completed one has nothing left
// to stop).
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { ApiError } from '../../../src/shared/errors';
import { AppServices } from '../../../src/main/services/app';
import { thisProcessAsOwner } from '../../../src/main/services/runsLock';
import type { RunRow } from '../../../src/main/store/runs';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-not-running-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 30 });

function withRuns(statuses: Record<string, RunRow['status']>): AppServices {
  const app = new AppServices({ dataDir: tempDir(), env: {} });
  opened.push(app);
  addDatasetRow(app.store.db, 'ds-1');
  for (const [id, status] of Object.entries(statuses)) {
    const owner = status === 'queued' ? thisProcessAsOwner() : undefined;
    app.runs.repo.add({ id, name: `name of ${id}`, config, totalSteps: 30, status, ...(owner ? { owner } : {}) });
  }
  return app;
}

describe('runs.stop and runs.pause of a run that is not training', () => {
  it('points an interrupted, failed or stopped run at Resume and Remove', async () => {
    const app = withRuns({ 'r-int': 'interrupted', 'r-fail': 'failed' });
    await expect(app.runs.stop('r-int')).rejects.toEqual(
      new ApiError(
        'conflict',
        'Run r-int is interrupted, not running: there is nothing to stop. Resume (in a terminal: ' +
          '`spanfill runs resume r-int`) continues it; Remove (`spanfill runs rm r-int`) deletes it',
      ),
    );
    await expect(app.runs.pause('r-fail')).rejects.toThrow(
      /^Run r-fail is failed, not running: there is nothing to pause\. Resume .*`spanfill runs resume r-fail`/,
    );
  });

  // One starting (queued by a live process) is stopped before it trains: runs.stopWhileQueued.test.ts.
  it('tells a completed run that nothing is left', async () => {
    const app = withRuns({ 'r-done': 'completed' });
    await expect(app.runs.pause('r-done')).rejects.toEqual(
      new ApiError('conflict', 'Run r-done is completed: there is nothing to pause; start a new run to train more'),
    );
  });
});
