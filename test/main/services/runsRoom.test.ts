// A resume on a disk without room for one more checkpoint is refused before it loads anything
// (nothing prepared, the run not queued): a checkpoint it saves is as large as the
// one it resumes from, and the trainer writes it whole before it prunes (keepLast). The refusal
// names the room needed, what is free and what to delete, and reads as the data directory's full
// disk (the CLI's exit 3). With the room, or where the free space cannot be read, it goes ahead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { formatBytes } from '../../../src/shared/format';
import { AppServices } from '../../../src/main/services/app';
import { isDataDirectoryDiskFull } from '../../../src/main/services/errors';
import { RunService } from '../../../src/main/services/runs';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import type { FreeSpace } from '../../../src/main/store/db';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { fakeCheckpoint } from './runs-support';

const tempDir = tempDirs('spanfill-runs-room-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

/** The bytes of the files in `dir`, summed here (what a copy of the folder takes). */
const folderBytes = (dir: string): number =>
  readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);

/**
 * A stopped run with checkpoints at 4 and 8, and a runs service on its store whose disk has
 * `free(bytes of the last checkpoint)` bytes free (undefined: not known).
 */
function stoppedRunOn(free: (lastBytes: number) => number | undefined) {
  const app = new AppServices({ dataDir: tempDir(), env: {} });
  opened.push(app);
  addDatasetRow(app.store.db, 'ds-1');
  const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 20 });
  app.runs.repo.add({ id: 'r-full', name: 'full', config, totalSteps: 20, status: 'stopped' });
  for (const step of [4, 8])
    fakeCheckpoint(path.join(app.runs.checkpointDir('r-full'), checkpointDirName(step)), step, null);
  const last = path.join(app.runs.checkpointDir('r-full'), checkpointDirName(8));
  const asked: string[] = [];
  const freeSpace = (folder: string): FreeSpace | undefined => {
    asked.push(folder);
    const bytes = free(folderBytes(last));
    return bytes === undefined ? undefined : { bytes, files: Infinity };
  };
  const { store, dataDir, events, engine, datasets, models, system } = app;
  const runs = new RunService({ store, dataDir, events, engine, datasets, models, system, freeSpace });
  return { app, runs, asked, last };
}

describe('runs.resume on a disk without room for a checkpoint', () => {
  it('is refused before anything loads, naming the room needed, what is free and what to delete', async () => {
    const { app, runs, asked, last } = stoppedRunOn((lastBytes) => lastBytes - 1);
    const refusal = await runs.resume('r-full').catch((error: unknown) => error as Error);
    expect(refusal).toBeInstanceOf(Error);
    const { message } = refusal as Error;
    expect(message).toContain(`its next checkpoint needs ${formatBytes(folderBytes(last))}`);
    expect(message).toContain(`${formatBytes(folderBytes(last) - 1)} is free`);
    expect(message).toContain('`spanfill runs rm ID`, `spanfill models rm ID`');
    expect(isDataDirectoryDiskFull(refusal)).toBe(true);
    expect(asked).toEqual([app.runs.checkpointDir('r-full')]);
    // Nothing was prepared: its base model (/m, gone) would be stood in for by a copy of its checkpoint.
    expect(existsSync(path.join(app.runs.runDir('r-full'), 'base-model'))).toBe(false);
    expect(app.runs.get('r-full')).toMatchObject({ status: 'stopped', error: null });
    expect(app.runs.repo.get('r-full')?.ownerPid).toBeNull();
  });

  it('goes ahead with the room, or where the free space cannot be read', async () => {
    for (const free of [(lastBytes: number) => lastBytes, () => undefined]) {
      const { app, runs } = stoppedRunOn(free);
      // It prepares: the stand-in base made from the fake checkpoint, which holds no tokenizer, is refused.
      await expect(runs.resume('r-full')).rejects.toThrow(/has no tokenizer\.json/);
      expect(existsSync(path.join(app.runs.runDir('r-full'), 'base-model'))).toBe(true);
      expect(app.runs.get('r-full').status).toBe('stopped');
    }
  });
});
