// runs.remove of a run whose checkpoint folder a model is registered on (a data directory from
// before models.import refused such folders, probe-odd F1): deleting the run would take the
// model's files with no word, leaving it "missing on disk". It is refused, naming the model and
// what to do; once the model is removed (its folder stays until then), the run goes.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';
import { registerFolderModel } from './runs-registered-support';

const tempDir = tempDirs('spanfill-runs-remove-registered-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 20 });

/** A completed run r-1 with checkpoints at 10 and 20, and model m-onit registered on the first. */
function runWithRegisteredCheckpoint() {
  const dataDir = tempDir();
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  addDatasetRow(app.store.db, 'ds-1');
  app.runs.repo.add({ id: 'r-1', name: 'first run', config, totalSteps: 20, status: 'completed' });
  const checkpoint = (step: number) => path.join(dataDir, 'runs', 'r-1', 'checkpoints', `step-${step}`);
  for (const step of [10, 20]) fakeCheckpoint(checkpoint(step), step, null);
  // As an import before the refusal registered it: a row of a folder model, at the checkpoint.
  registerFolderModel(app, 'm-onit', 'kept checkpoint', checkpoint(10));
  return { app, folder: checkpoint(10) };
}

describe('runs.remove of a run a registered model lives in', () => {
  it('is refused, naming the model and what to do, and deletes nothing', () => {
    const { app, folder } = runWithRegisteredCheckpoint();
    expect(() => app.runs.remove('r-1')).toThrow(
      `Run r-1 holds the folder of model m-onit (kept checkpoint), ${folder}, which removing the run would delete. ` +
        'Remove the model first (`spanfill models rm m-onit`, or Remove on the Models screen), after exporting it ' +
        'to a folder of its own to keep it (`spanfill export --model m-onit --format hf --out DIR`, then ' +
        '`spanfill models import DIR`)',
    );
    expect(app.runs.list().map((run) => run.id)).toEqual(['r-1']);
    expect(app.models.list()).toMatchObject([{ id: 'm-onit', isAvailable: true }]);
  });

  it('removes the run once the model is removed', () => {
    const { app } = runWithRegisteredCheckpoint();
    app.models.remove('m-onit');
    expect(app.runs.remove('r-1')).toEqual({ id: 'r-1', removed: true });
  });
});
