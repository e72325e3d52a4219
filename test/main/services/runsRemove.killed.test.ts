// runs.remove killed part-way: its run folder is first set aside under a name that says it is
// being removed (and by which process), then its row goes, then the files. Killed while it
// deletes, no run is left listed with half its checkpoints gone; the next command (any
// RunService) finishes a removal whose process has gone, and leaves one whose process runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { recordInName, recordOfThisProcess } from '../../../src/main/processIdentity';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';

/** The run whose deletion is "killed": its first checkpoint folder is deleted, then the rest is not. */
const killed = vi.hoisted(() => ({ runId: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const rmSync: typeof actual.rmSync = (target, options) => {
    const folder = String(target);
    if (killed.runId === '' || !path.basename(folder).includes(killed.runId)) return actual.rmSync(target, options);
    const checkpoints = path.join(folder, 'checkpoints');
    actual.rmSync(path.join(checkpoints, actual.readdirSync(checkpoints)[0]), { recursive: true });
    throw new Error('killed while it deleted');
  };
  return { ...actual, default: { ...actual, rmSync }, rmSync };
});

const tempDir = tempDirs('spanfill-runs-remove-killed-');
const opened: AppServices[] = [];
afterEach(async () => {
  killed.runId = '';
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 30 });

function open(dataDir: string): AppServices {
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  return app;
}

/** A completed run `id` with checkpoints at steps 10, 20 and 30 in `folder` (its own by default). */
function completedRun(app: AppServices, dataDir: string, id: string, folder = path.join(dataDir, 'runs', id)): void {
  app.runs.repo.add({ id, name: `name of ${id}`, config, totalSteps: 30, status: 'completed' });
  for (const step of [10, 20, 30]) fakeCheckpoint(path.join(folder, 'checkpoints', `step-${step}`), step, null);
}

describe('runs.remove killed while it deletes', () => {
  it('leaves no run listed with part of its files gone, only a folder that says it is being removed', () => {
    const dataDir = tempDir();
    const app = open(dataDir);
    addDatasetRow(app.store.db, 'ds-1');
    completedRun(app, dataDir, 'r-killed');
    killed.runId = 'r-killed';
    expect(() => app.runs.remove('r-killed')).toThrow('killed while it deleted');
    expect(app.runs.repo.get('r-killed')).toBeUndefined();
    expect(app.runs.list().map((run) => run.id)).toEqual([]);
    const left = fs.readdirSync(path.join(dataDir, 'runs'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^\\.r-killed\\.removing-${process.pid}\\.`));
  });

  it('is finished by the next command once its process has gone; one whose process runs is left to it', () => {
    const dataDir = tempDir();
    const app = open(dataDir);
    addDatasetRow(app.store.db, 'ds-1');
    // Killed after setting its folder aside, before its row went: the row is still there.
    const bootedAt = Date.now() - os.uptime() * 1000;
    const gone = recordInName({ pid: process.ppid, ranAt: Math.round(bootedAt - 3_600_000) });
    completedRun(app, dataDir, 'r-left', path.join(dataDir, 'runs', `.r-left.removing-${gone}`));
    const live = `.r-live.removing-${recordInName(recordOfThisProcess(Date.now()))}`;
    completedRun(app, dataDir, 'r-live', path.join(dataDir, 'runs', live));
    completedRun(app, dataDir, 'r-kept');
    const next = open(dataDir);
    expect(
      next.runs
        .list()
        .map((run) => run.id)
        .sort(),
    ).toEqual(['r-kept', 'r-live']);
    // The finished one leaves only its note (a repeated `runs rm` says it was removed).
    expect(fs.readdirSync(path.join(dataDir, 'runs')).sort()).toEqual(['.removed', live, 'r-kept'].sort());
  });
});
