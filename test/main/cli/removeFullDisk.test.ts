// `spanfill runs rm` and `spanfill models rm` on a real full disk (a small tmpfs,
// test/support/smallDisk.ts; mounting one needs root, elsewhere these tests are skipped): a
// removal writes SQLite's log before its row goes, so with no room it cannot delete the row.
// A run's checkpoints are what frees room: `runs rm` deletes them then, and removes the run. One
// that frees nothing (a run without files, an imported model, whose folder stays) ends with exit
// 3 saying to free space outside Spanfill, not 'deleting runs, models or datasets you no longer
// need', the very thing that failed. A pulled model's `models rm` and `models cache rm` delete
// their files before the row, and succeed (models.fullDisk.test.ts covers `cache rm`).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { openStore } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { runSpanfill as cli } from '../../support/cli';
import { fillDisk, smallDisks } from '../../support/smallDisk';
import { addDatasetRow } from '../../support/storeRows';

const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const disks = smallDisks();

/** Runs `ids` in a new store under `dataDir`, stopped, on dataset ds-1. */
function addRuns(dataDir: string, ids: string[]): void {
  const store = openStore(dataDir);
  addDatasetRow(store.db, 'ds-1');
  const config = runConfigSchema.parse({ datasetId: 'ds-1', model: 'builtin:byt5-tiny', maxSteps: 3 });
  for (const id of ids) new RunRepository(store.db).add({ id, name: id, config, totalSteps: 3, status: 'stopped' });
  store.close();
}

/** What a removal that freed too little says: room from outside Spanfill, then remove again. */
const ROOM_FROM_OUTSIDE =
  "free space on the data directory's disk .* by deleting files outside Spanfill or a run with checkpoints .*, then remove it again\n$";

describe.skipIf(!disks.canMount)('removals on a full disk', () => {
  it('runs rm deletes a run whose checkpoints make the room; one with no files says to free space outside Spanfill', async () => {
    const disk = disks.make(4096)!;
    const dataDir = path.join(disk, 'data');
    const data = ['--data-dir', dataDir];
    addRuns(dataDir, ['r-bare', 'r-big']);
    const step = path.join(dataDir, 'runs', 'r-big', 'checkpoints', 'step-00000001');
    fs.mkdirSync(step, { recursive: true });
    fs.writeFileSync(path.join(step, 'model.safetensors'), Buffer.alloc(1024 * 1024, 1));
    fillDisk(disk, 0);

    const bare = await cli(['runs', 'rm', 'r-bare', ...data]);
    expect(bare.code).toBe(exitCodes.store);
    expect(bare.stderr).toMatch(
      new RegExp(`^spanfill runs: The disk is full: removing run r-bare needs room to write .*; ${ROOM_FROM_OUTSIDE}`),
    );
    expect(bare.stderr).not.toContain('you no longer need');

    const big = await cli(['runs', 'rm', 'r-big', ...data]);
    expect({ code: big.code, stdout: big.stdout, stderr: big.stderr }).toEqual({
      code: exitCodes.ok,
      stdout: 'removed run r-big and its files\n',
      stderr: '',
    });
    // Gone whole: no folder set aside, no row; the room it made lets r-bare go too.
    expect(fs.readdirSync(path.join(dataDir, 'runs'))).toEqual([]);
    expect((await cli(['runs', 'rm', 'r-bare', ...data])).code).toBe(exitCodes.ok);
    expect(JSON.parse((await cli(['runs', '--json', ...data])).stdout).runs).toEqual([]);
  }, 60_000);

  it('models rm of an imported model, whose folder stays, says to free space outside Spanfill', async () => {
    const disk = disks.make(4096)!;
    const data = ['--data-dir', path.join(disk, 'data')];
    const imported = await cli(['models', 'import', FIXTURE, '--json', ...data]);
    const { id } = (JSON.parse(imported.stdout) as { model: { id: string } }).model;
    fillDisk(disk, 0);

    const removed = await cli(['models', 'rm', id, ...data]);
    expect(removed.code).toBe(exitCodes.store);
    expect(removed.stderr).toMatch(
      new RegExp(
        `^spanfill models: The disk is full: removing model ${id} writes before it frees anything; ${ROOM_FROM_OUTSIDE}`,
      ),
    );
    expect(removed.stderr).not.toContain('you no longer need');
    expect(fs.readdirSync(FIXTURE).length).toBeGreaterThan(0); // the imported folder is never deleted
  }, 60_000);
});
