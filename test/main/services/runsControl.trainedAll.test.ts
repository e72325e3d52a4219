// A run whose process was killed after its final checkpoint, with every step's loss recorded,
// is interrupted with nothing left to train: its message says so, and that Resume completes it
// at once (a run whose last losses were not recorded yet re-trains those steps, and is told
// that it continues from its last checkpoint, as any other).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import { deadPid } from '../../support/processes';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';

const tempDir = tempDirs('spanfill-runs-trained-all-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 30 });

/** The error run `id` is interrupted with: killed after checkpoints 20 and 30 of 30, its losses recorded to `lossesTo`. */
function interruptedAfterFinal(lossesTo: number): string | null | undefined {
  const dataDir = tempDir();
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  addDatasetRow(app.store.db, 'ds-1');
  const id = 'r-final';
  app.runs.repo.add({ id, name: 'final', config, totalSteps: 30, status: 'running', owner: { ownerPid: deadPid() } });
  for (const step of [20, 30])
    fakeCheckpoint(path.join(app.runs.checkpointDir(id), checkpointDirName(step)), step, null);
  app.runs.repo.addMetrics(
    id,
    Array.from({ length: lossesTo }, (_, i) => ({ step: i + 1, name: 'loss', value: 1 })),
  );
  expect(app.runs.recoverInterrupted()).toEqual([id]);
  return app.runs.repo.get(id)?.error;
}

describe('a run killed after its final checkpoint', () => {
  it('says every step is trained and saved, and that Resume completes it at once', () => {
    expect(interruptedAfterFinal(30)).toMatch(
      /^The process training it \(pid \d+\) ended without stopping it, after its final checkpoint \(step 30 of 30\): every step is trained and saved; Resume \(in a terminal: `spanfill runs resume r-final`\) completes it at once$/,
    );
  });

  it('continues from its last checkpoint while losses of its last steps are not recorded', () => {
    expect(interruptedAfterFinal(25)).toMatch(
      /; Resume \(in a terminal: `spanfill runs resume r-final`\) continues from its last checkpoint$/,
    );
  });
});
