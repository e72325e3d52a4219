// `runs rm ID` again after a removal that did not finish (its process killed part-way, or its row
// not deleted on a full disk: runFolders.ts), whose folder stays set aside: the next process to
// open the data directory finishes that removal as it starts (finishLeftRemovals), so the run is
// gone by the time the repeated rm looks for it. It says the run was removed (exit 0 in the CLI),
// not 'No run ID', whether that process or an earlier one finished it.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { recordInName } from '../../../src/main/processIdentity';
import { AppServices } from '../../../src/main/services/app';
import { runFolder, runsFolder } from '../../../src/main/services/runFolders';
import { deadPid } from '../../support/processes';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-remove-left-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

function open(dataDir: string): AppServices {
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  return app;
}

/** Run `id` with a checkpoint file, its removal left part-way by a process that has gone: its folder set aside. */
async function removalLeftPartWay(dataDir: string, id: string): Promise<void> {
  const app = open(dataDir);
  addDatasetRow(app.store.db, 'ds-1');
  const config = runConfigSchema.parse({ model: 'builtin:byt5-tiny', datasetId: 'ds-1', maxSteps: 3 });
  app.runs.repo.add({ id, name: id, config, totalSteps: 3, status: 'stopped' });
  const step = path.join(runFolder(dataDir, id), 'checkpoints', 'step-00000001');
  fs.mkdirSync(step, { recursive: true });
  fs.writeFileSync(path.join(step, 'model.safetensors'), 'weights');
  const remover = recordInName({ pid: deadPid(), ranAt: Date.now(), bootId: null, startTicks: null });
  fs.renameSync(runFolder(dataDir, id), path.join(runsFolder(dataDir), `.${id}.removing-${remover}`));
  await app.close();
  opened.splice(0);
}

describe('runs rm of a run whose removal was left part-way', () => {
  it('says it was removed when opening the data directory finished that removal', async () => {
    const dataDir = tempDir();
    await removalLeftPartWay(dataDir, 'r-left');
    const again = open(dataDir); // `spanfill runs rm r-left`, run again
    expect(again.runs.remove('r-left')).toEqual({ id: 'r-left', removed: true });
    expect(fs.readdirSync(runsFolder(dataDir)).filter((name) => name.includes('r-left'))).toEqual([]);
  });

  it('says so too when an earlier command finished it', async () => {
    const dataDir = tempDir();
    await removalLeftPartWay(dataDir, 'r-left');
    await open(dataDir).close(); // `spanfill runs list` meanwhile
    opened.splice(0);
    expect(open(dataDir).runs.remove('r-left')).toEqual({ id: 'r-left', removed: true });
  });

  it('still says No run for an id that was never a run here', () => {
    const app = open(tempDir());
    expect(() => app.runs.remove('r-never')).toThrow(/^No run r-never; /);
  });
});
