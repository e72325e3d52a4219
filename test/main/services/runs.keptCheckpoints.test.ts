// runs.checkpoints: every run that keeps a checkpoint, with them in step order and each folder in
// the data directory, in runs.list's order; a run that keeps none is left out. One call for the
// model lists that offer checkpoints (the screens asked once a run: 101 calls for 101 runs). Each
// checkpoint that cannot be used (its folder deleted by hand, its model not reading) says why, as
// runs.get's list says it and as a pick of it is refused; one whose trainer state alone does not
// read is usable (only resuming reads that), and a folder its run pruned while it trains is no problem.
import { rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunCheckpoints } from '../../../src/shared/contract/runs';
import { type Envelope, unwrapEnvelope } from '../../../src/shared/errors';
import { AppServices } from '../../../src/main/services/app';
import { thisProcessAsOwner } from '../../../src/main/services/runsLock';
import { checkpointDirName, TRAINER_STATE_FILE } from '../../../src/main/engine/train/checkpoint';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';

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

describe('runs.checkpoints of checkpoints that cannot be used', () => {
  /** Run `id` with checkpoints at `steps` on disk (fakeCheckpoint) and in the store; step 20 its best. */
  function runOnDisk(app: AppServices, id: string, steps: readonly number[], status: 'completed' | 'running') {
    app.runs.repo.add({ id, name: id, config, totalSteps: 40, status: 'queued' });
    app.runs.repo.setStatus(id, status, status === 'running' ? { ...thisProcessAsOwner(), step: 40 } : { step: 40 });
    for (const step of steps) {
      const relative = `runs/${id}/checkpoints/${checkpointDirName(step)}`;
      fakeCheckpoint(path.join(app.dataDir, relative), step, step === 20 ? 1.5 : null);
      app.runs.repo.addCheckpoint(id, { step, path: relative, eval: null, isBest: step === 20 }, []);
    }
    return (step: number) => path.join(app.runs.checkpointDir(id), checkpointDirName(step));
  }

  it('says which cannot be used and why, in one call, as runs.get does and as a pick refuses them', async () => {
    const app = new AppServices({ dataDir: tempDir(), env: {} });
    opened.push(app);
    addDatasetRow(app.store.db, 'ds-1');
    const folder = runOnDisk(app, 'r-hurt', [10, 20, 30, 40], 'completed');
    rmSync(folder(10), { recursive: true }); // deleted by hand
    const model = path.join(folder(20), 'model.safetensors');
    const size = statSync(model).size;
    truncateSync(model, size - 2); // the best's weights cut short
    writeFileSync(path.join(folder(30), TRAINER_STATE_FILE), '{"step": 1, "garbage'); // resuming alone reads it

    const runs = unwrapEnvelope((await app.call('runs.checkpoints', {})) as Envelope<RunCheckpoints[]>);
    const said = runs[0].checkpoints.map(({ step, problem }) => [step, problem]);
    const truncated = `model.safetensors is truncated (${size - 2} of ${size} bytes)`;
    expect(said).toEqual([
      [10, { kind: 'missing', reason: 'its folder was deleted outside Spanfill' }],
      [20, { kind: 'unreadable', reason: truncated }],
      [30, undefined],
      [40, undefined],
    ]);
    // The run view's list of the same run says the same of each.
    expect(app.runs.get('r-hurt').checkpoints.map(({ step, problem }) => [step, problem])).toEqual(said);
    // And a pick refuses exactly those: the best (20) says so, the others read.
    expect(() => app.runs.checkpointPath('r-hurt', 'best')).toThrow(/step 20 cannot be read: model\.safetensors/);
    expect(() => app.runs.checkpointPath('r-hurt', 10)).toThrow(/deleted outside Spanfill/);
    expect(app.runs.checkpointPath('r-hurt', 30)).toBe(folder(30));
    expect(app.runs.checkpointPath('r-hurt', 'last')).toBe(folder(40));
  });

  it('says nothing of a checkpoint that a run training now pruned before the store heard of it', async () => {
    const app = new AppServices({ dataDir: tempDir(), env: {} });
    opened.push(app);
    addDatasetRow(app.store.db, 'ds-1');
    const folder = runOnDisk(app, 'r-live', [10, 20], 'running');
    rmSync(folder(10), { recursive: true }); // pruned by its trainer (keepLast), not yet told to the store
    const runs = unwrapEnvelope((await app.call('runs.checkpoints', {})) as Envelope<RunCheckpoints[]>);
    expect(runs[0].checkpoints.map(({ step, problem }) => [step, problem])).toEqual([
      [10, undefined],
      [20, undefined],
    ]);
  });
});
