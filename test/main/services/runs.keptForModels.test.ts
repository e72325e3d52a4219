// A run resumed with a checkpoint that a model was registered on (by a Spanfill from before
// models.import refused folders inside the data directory): keepLast prunes the checkpoints
// around it as it trains on, never that one (the model's files live in it), and the resume says
// so, once. (prepareRun's part: runsPrepare.keptCheckpoints.test.ts.)
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reached, runsServiceKit, smallRunConfig } from './runs-support';
import { registerFolderModel } from './runs-registered-support';

const { setUp } = runsServiceKit();

describe('runs.resume of a run a registered model lives in', () => {
  it('keeps that checkpoint through keepLast pruning, saying why once', async () => {
    const { app, datasetId } = await setUp();
    const config = smallRunConfig(datasetId, { maxSteps: 24, checkpointEvery: 4, evalEvery: 0, keepLast: 2 });
    const started = await app.runs.start(config);
    await reached(app, 'runs.checkpoint', 8);
    await app.runs.pause(started.id);
    const oldest = app.runs.checkpoints(started.id)[0];
    registerFolderModel(app, 'm-onit', 'kept checkpoint', oldest.path);

    const resumed = await app.runs.resume(started.id);
    expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 24 });
    expect(resumed.notices).toEqual([
      `Checkpoint ${oldest.step} is kept whatever keepLast says, because model m-onit (kept checkpoint) is registered on it; ` +
        'to let it go, export the model to a folder of its own and remove it (`spanfill models rm m-onit`)',
    ]);
    expect(existsSync(oldest.path)).toBe(true);
    expect(app.models.list()).toMatchObject([{ id: 'm-onit', isAvailable: true }]);
    // The others went as keepLast says: the last two, and the one kept for the model.
    expect(app.runs.checkpoints(started.id).map((c) => c.step)).toEqual([oldest.step, 20, 24]);
  });
});
