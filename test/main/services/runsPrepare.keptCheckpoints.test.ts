// A resumed run whose checkpoint a model was registered on (by a Spanfill from before models.import
// refused folders inside the data directory) keeps that checkpoint whatever keepLast: prepareRun
// tells the trainer its step (settings.keepSteps) and says why, once; models in other runs'
// folders, or in no run's checkpoint, are none of its business. (Through a whole resume, where the
// checkpoint survives the run's pruning: runs.keptForModels.test.ts.)
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppServices } from '../../../src/main/services/app';
import { prepareRun } from '../../../src/main/services/runsPrepare';
import { openWithDataset, smallRunConfig } from './runs-support';
import { registerFolderModel } from './runs-registered-support';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-prepare-kept-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

describe('prepareRun of a run a registered model lives in', () => {
  it('keeps the checkpoints the models live in and says so, once for each', async () => {
    const { app, datasetId, dataDir } = await openWithDataset(tempDir(), opened);
    const checkpoints = (run: string) => path.join(dataDir, 'runs', run, 'checkpoints');
    registerFolderModel(app, 'm-four', 'at four', path.join(checkpoints('r-1'), 'step-00000004'));
    registerFolderModel(app, 'm-deep', 'inside twelve', path.join(checkpoints('r-1'), 'step-00000012', 'sub'));
    registerFolderModel(app, 'm-other', 'other run', path.join(checkpoints('r-2'), 'step-00000008'));
    registerFolderModel(app, 'm-base', 'base copy', path.join(dataDir, 'runs', 'r-1', 'base-model'));
    const deps = { dataDir, datasets: app.datasets, models: app.models, system: app.system };
    const config = smallRunConfig(datasetId, { keepLast: 1 });

    const resumed = await prepareRun(deps, config, undefined, { isResume: true, runId: 'r-1' });
    expect(resumed.payload.settings.keepSteps).toEqual([4, 12]);
    expect(resumed.keptNotices).toEqual([
      'Checkpoint 4 is kept whatever keepLast says, because model m-four (at four) is registered on it; ' +
        'to let it go, export the model to a folder of its own and remove it (`spanfill models rm m-four`)',
      'Checkpoint 12 is kept whatever keepLast says, because model m-deep (inside twelve) is registered on it; ' +
        'to let it go, export the model to a folder of its own and remove it (`spanfill models rm m-deep`)',
    ]);
    // Not among the notices every start says (runs.resume adds these to its own).
    expect(resumed.notices.some((n) => n.includes('m-four'))).toBe(false);

    const fresh = await prepareRun(deps, config);
    expect(fresh.payload.settings.keepSteps).toBeUndefined();
    expect(fresh.keptNotices).toEqual([]);
  });
});
