// runs.get (the run view, `spanfill runs show`) of a run whose trainer replaces and prunes its
// checkpoints while it is looked at: a checkpoint folder or file gone between a folder's listing
// and a look at it counts as gone, not as an error; a checkpoint replaced as it is read (set
// aside, the new one renamed in) is not said unreadable; one pruned whose row the store still
// lists is not said deleted outside Spanfill. Each race is made certain: the node:fs call named
// on the path named first runs the trainer's move (`races`).
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { thisProcessAsOwner } from '../../../src/main/services/runsLock';
import { directoryBytes } from '../../../src/main/engine/hub/cache';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import type { FsRace } from '../../support/fsRaces';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';

const races: FsRace[] = vi.hoisted(() => []); // (vi.mock below runs before this module's other lines)
vi.mock('node:fs', async (importOriginal) =>
  (await import('../../support/fsRaces')).racedFs(await importOriginal<typeof import('node:fs')>(), races),
);

const tempDir = tempDirs('spanfill-runs-get-');
const opened: AppServices[] = [];
afterEach(async () => {
  races.length = 0;
  for (const app of opened.splice(0)) await app.close();
});

/**
 * Run r-1 with checkpoints at `steps` on disk and in the store, marked running by this process
 * (as its trainer's process has it) unless `status` says otherwise.
 */
function runWithCheckpoints(steps: readonly number[], status: 'running' | 'stopped' = 'running') {
  const app = new AppServices({ dataDir: tempDir(), env: {} });
  opened.push(app);
  addDatasetRow(app.store.db);
  const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 10 });
  app.runs.repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'queued' });
  app.runs.repo.setStatus('r-1', status, status === 'running' ? { ...thisProcessAsOwner(), step: 6 } : { step: 6 });
  const folder = (step: number) => join(app.runs.checkpointDir('r-1'), checkpointDirName(step));
  for (const step of steps) {
    fakeCheckpoint(folder(step), step, null);
    const stored = { step, path: `runs/r-1/checkpoints/${checkpointDirName(step)}`, eval: null, isBest: false };
    app.runs.repo.addCheckpoint('r-1', stored, []);
  }
  const prune = (step: number) => () => fs.rmSync(folder(step), { recursive: true, force: true });
  return { app, folder, prune };
}

describe('runs.get while the trainer prunes and replaces checkpoints', () => {
  it('measures the run when a checkpoint goes between a folder listing and a look at its entries', () => {
    const { app, folder, prune } = runWithCheckpoints([2, 4, 6]);
    races.push(
      { call: 'statSync', path: join(folder(2), 'config.json'), before: prune(2) },
      { call: 'readdirSync', path: folder(4), before: prune(4) },
    );
    const detail = app.runs.get('r-1');
    expect(detail.diskBytes).toBe(directoryBytes(app.runs.runDir('r-1'))); // what is left: step 6
    expect(detail.diskBytes).toBeGreaterThan(0);
    expect(detail.checkpointProblems).toEqual([]); // pruned, its row not yet gone: not "deleted outside Spanfill"
    expect(races).toEqual([]); // each race was run
  });

  it('leaves out a checkpoint pruned as its files are checked', () => {
    const { app, folder, prune } = runWithCheckpoints([2, 4]);
    races.push({ call: 'openSync', path: join(folder(2), 'model.safetensors'), before: prune(2) });
    expect(app.runs.get('r-1').checkpointProblems).toEqual([]);
    expect(races).toEqual([]);
  });

  it('does not call a checkpoint unreadable that was replaced as it was read, but one that is', () => {
    const { app, folder } = runWithCheckpoints([2, 4]);
    const aside = join(app.runs.checkpointDir('r-1'), `.${checkpointDirName(4)}.1.del.tmp`);
    races.push({
      call: 'readFileSync',
      path: join(folder(4), 'config.json'),
      before: () => fs.renameSync(folder(4), aside), // the trainer saves step 4 again (a resumed run)
      after: () => {
        fakeCheckpoint(folder(4), 4, null);
        fs.rmSync(aside, { recursive: true });
      },
    });
    fs.writeFileSync(join(folder(2), 'config.json'), '{'); // unreadable, and stays so
    expect(app.runs.get('r-1').checkpointProblems).toEqual([
      {
        step: 2,
        path: folder(2),
        kind: 'unreadable',
        reason: expect.stringMatching(/^config\.json is not valid JSON/),
      },
    ]);
    expect(races).toEqual([]);
  });

  it("says a checkpoint gone from disk was deleted outside Spanfill only while its run doesn't train", () => {
    const { app, prune } = runWithCheckpoints([2, 4]);
    prune(2)(); // pruned by its trainer (keepLast), which has not yet told the store
    expect(app.runs.get('r-1').checkpointProblems).toEqual([]);
    const stopped = runWithCheckpoints([2, 4], 'stopped');
    stopped.prune(2)();
    expect(stopped.app.runs.get('r-1').checkpointProblems).toEqual([
      { step: 2, path: stopped.folder(2), kind: 'missing', reason: 'its folder was deleted outside Spanfill' },
    ]);
  });
});
