// runs.checkpoints: every run that keeps a checkpoint, with them in step order and each folder in
// the data directory, in runs.list's order; a run that keeps none is left out. One call for the
// model lists that offer checkpoints (the screens asked once a run: 101 calls for 101 runs).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunCheckpoints } from '../../../src/shared/contract/runs';
import { type Envelope, unwrapEnvelope } from '../../../src/shared/errors';
import { AppServices } from '../../../src/main/services/app';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-kept-checkpoints-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 30 });

describe('runs.checkpoints', () => {
  it('gives each run that keeps a checkpoint with all of them, in list order, and leaves the others out', async () => {
    const dataDir = tempDir();
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    addDatasetRow(app.store.db, 'ds-1');
    const kept: Record<string, number[]> = { 'r-a': [20, 10], 'r-none': [], 'r-b': [30] };
    for (const [id, steps] of Object.entries(kept)) {
      app.runs.repo.add({ id, name: `name of ${id}`, config, totalSteps: 30, status: 'completed' });
      for (const step of steps) {
        const stored = { step, path: `runs/${id}/checkpoints/step-${step}`, eval: step === 20 ? { loss: 1.5 } : null };
        app.runs.repo.addCheckpoint(id, { ...stored, isBest: step === 20 }, []);
      }
    }
    const runs = unwrapEnvelope((await app.call('runs.checkpoints', {})) as Envelope<RunCheckpoints[]>);
    expect(runs.map(({ run }) => [run.id, run.name])).toEqual([
      ['r-a', 'name of r-a'],
      ['r-b', 'name of r-b'],
    ]);
    expect(
      runs.map(({ checkpoints }) => checkpoints.map(({ step, isBest, eval: scores }) => [step, isBest, scores])),
    ).toEqual([
      [
        [10, false, null],
        [20, true, { loss: 1.5 }],
      ],
      [[30, false, null]],
    ]);
    expect(runs[1].checkpoints[0].path).toBe(path.join(dataDir, 'runs', 'r-b', 'checkpoints', 'step-30'));
    // The order is runs.list's, whatever it is.
    expect(runs.map(({ run }) => run.id)).toEqual(
      app.runs
        .list()
        .map((run) => run.id)
        .filter((id) => id !== 'r-none'),
    );
    // No argument is taken: the old per-run form is refused as invalid.
    expect(await app.call('runs.checkpoints', { id: 'r-a' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument' },
    });
  });
});
