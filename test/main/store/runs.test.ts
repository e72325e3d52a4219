// The runs repository on a real SQLite store: schema 3 upgrades a schema-2 database, the
// config JSON comes back parsed (defaults applied), status updates write only what they are
// given, metric batches replace a repeated (name, step) (a resumed step), and one checkpoint
// at a time is best; retention's removed paths leave the table; a rename reaches the configuration too;
// a resume queues a run under its owner only while the run is as it saw it and its dataset is
// there, and puts it back with no owner; a run found with its owner gone is marked interrupted
// only while it is still as it was seen.
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { openStore } from '../../../src/main/store/db';
import { migrations } from '../../../src/main/store/migrations';
import { RunRepository } from '../../../src/main/store/runs';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-store-runs-');
const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 10 });

describe('runs repository', () => {
  it('upgrades a schema-2 database to the runs tables of schema 3', () => {
    const dir = tempDir();
    openStore(dir, { migrations: migrations.slice(0, 2) }).close();
    const store = openStore(dir, { migrations: migrations.slice(0, 3) });
    try {
      expect(store.schemaVersion).toBe(3);
      addDatasetRow(store.db);
      const repo = new RunRepository(store.db);
      repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'queued' });
      expect(repo.setStatus('r-1', 'interrupted', { error: 'gone' })).toMatchObject({
        status: 'interrupted',
        error: 'gone',
      });
    } finally {
      store.close();
    }
  });

  it('stores runs, metric series and checkpoints', () => {
    const store = openStore(tempDir());
    try {
      addDatasetRow(store.db);
      const repo = new RunRepository(store.db);
      const row = repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'queued' });
      expect(row.config).toEqual(config);
      expect(row.config.batchSize).toBe(8); // the schema's default, parsed back
      const running = repo.setStatus('r-1', 'running', { ownerPid: 42, provider: 'cpu' });
      expect(running).toMatchObject({ status: 'running', ownerPid: 42, provider: 'cpu', error: null, step: 0 });
      repo.addMetrics('r-1', [
        { step: 2, name: 'loss', value: 2 },
        { step: 1, name: 'loss', value: 3 },
        { step: 2, name: 'lr', value: 0.1 },
      ]);
      repo.addMetrics('r-1', [{ step: 2, name: 'loss', value: 1.5 }]);
      expect(Object.fromEntries(repo.metrics('r-1'))).toEqual({
        loss: { steps: [1, 2], values: [3, 1.5] },
        lr: { steps: [2], values: [0.1] },
      });
      expect([...repo.metrics('r-1', ['lr']).keys()]).toEqual(['lr']);
      repo.addCheckpoint('r-1', { step: 2, path: '/c/2', eval: { loss: 1 }, isBest: true }, []);
      repo.addCheckpoint('r-1', { step: 4, path: '/c/4', eval: { loss: 0.5 }, isBest: true }, []);
      repo.addCheckpoint('r-1', { step: 6, path: '/c/6', eval: null, isBest: false }, ['/c/2']);
      expect(repo.checkpoints('r-1').map((c) => [c.step, c.isBest, c.eval])).toEqual([
        [4, true, { loss: 0.5 }],
        [6, false, null],
      ]);
      store.db.prepare("DELETE FROM datasets WHERE id = 'ds-1'").run();
      expect(repo.get('r-1')?.datasetId).toBeNull(); // the run outlives its dataset
      expect(repo.remove('r-1')).toBe(true);
      expect(repo.metrics('r-1').size).toBe(0);
      expect(repo.checkpoints('r-1')).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('renames a run in its row and in its configuration, and says whether there was one', () => {
    const store = openStore(tempDir());
    try {
      addDatasetRow(store.db);
      const repo = new RunRepository(store.db);
      repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'completed' });
      repo.add({ id: 'r-2', name: 'two', config: { ...config, name: 'two' }, totalSteps: 10, status: 'queued' });
      expect(repo.rename('r-1', 'first "try"')).toBe(true);
      expect(repo.rename('r-2', 'second')).toBe(true);
      expect(repo.rename('r-none', 'x')).toBe(false);
      expect(repo.list().map((row) => [row.name, row.config.name, row.status])).toEqual([
        ['first "try"', 'first "try"', 'completed'],
        ['second', 'second', 'queued'],
      ]);
      expect(repo.mustGet('r-1').config).toEqual({ ...config, name: 'first "try"' });
    } finally {
      store.close();
    }
  });

  it('queues a run for a resume only while it is as seen and its dataset is there, and puts it back', () => {
    const store = openStore(tempDir());
    try {
      addDatasetRow(store.db);
      addDatasetRow(store.db, 'ds-2');
      const repo = new RunRepository(store.db);
      repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'paused' });
      repo.add({ id: 'r-2', name: 'two', config: { ...config, datasetId: 'ds-2' }, totalSteps: 10, status: 'paused' });
      const owner = { ownerPid: 42, ownerStartedAt: 1000, ownerBootId: 'a'.repeat(32), ownerStartTicks: 7 };
      // Seen otherwise (resumed elsewhere meanwhile): nothing changes.
      expect(repo.queueOwned('r-1', { status: 'stopped', ownerPid: null }, owner)).toBe(false);
      expect(repo.queueOwned('r-1', { status: 'paused', ownerPid: 9 }, owner)).toBe(false);
      expect(repo.queueOwned('r-1', { status: 'paused', ownerPid: null }, owner)).toBe(true);
      expect(repo.mustGet('r-1')).toMatchObject({ status: 'queued', ...owner });
      // Its dataset removed first: nothing changes.
      store.db.prepare("DELETE FROM datasets WHERE id = 'ds-2'").run();
      expect(repo.queueOwned('r-2', { status: 'paused', ownerPid: null }, owner)).toBe(false);
      expect(repo.mustGet('r-2').status).toBe('paused');
      // Back only by its owner, with none.
      expect(repo.unqueue('r-1', 'paused', 43)).toBeUndefined();
      const nobody = { ownerPid: null, ownerStartedAt: null, ownerBootId: null, ownerStartTicks: null };
      expect(repo.unqueue('r-1', 'paused', 42)).toMatchObject({ status: 'paused', ...nobody });
      expect(repo.unqueue('r-1', 'paused', 42)).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('marks a run interrupted only while it is as seen: one a resume took meanwhile stays its', () => {
    const store = openStore(tempDir());
    try {
      addDatasetRow(store.db);
      const repo = new RunRepository(store.db);
      repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'queued' });
      const dead = repo.setStatus('r-1', 'queued', { ownerPid: 41, ownerStartedAt: 1000 });
      // Another process resumed it after it was seen with its dead owner: it stays queued, its.
      const resumer = { ownerPid: 42, ownerStartedAt: 2000, ownerBootId: 'a'.repeat(32), ownerStartTicks: 7 };
      repo.setStatus('r-1', 'interrupted');
      expect(repo.queueOwned('r-1', { status: 'interrupted', ownerPid: 41 }, resumer)).toBe(true);
      expect(repo.interrupt('r-1', dead, 'gone', 'now')).toBeUndefined();
      expect(repo.mustGet('r-1')).toMatchObject({ status: 'queued', error: null, ...resumer });
      // As seen: marked.
      const seen = repo.mustGet('r-1');
      expect(repo.interrupt('r-1', seen, 'gone', 'now')).toMatchObject({ status: 'interrupted', error: 'gone' });
      expect(repo.interrupt('r-1', seen, 'gone', 'now')).toBeUndefined(); // (marked already)
    } finally {
      store.close();
    }
  });

  it('completes a run whose process is gone in one statement, only while it is as seen', () => {
    const store = openStore(tempDir());
    try {
      addDatasetRow(store.db);
      const repo = new RunRepository(store.db);
      repo.add({ id: 'r-1', name: 'one', config, totalSteps: 10, status: 'queued' });
      const dead = repo.setStatus('r-1', 'running', { ownerPid: 41, ownerStartedAt: 1000, step: 9, error: 'old' });
      const end = { step: 10, finishedAt: '2024-05-06T07:08:09.000Z', elapsedMs: 5000 };
      // A resume elsewhere took it after it was seen with its dead owner: it stays queued, its.
      const resumer = { ownerPid: 42, ownerStartedAt: 2000, ownerBootId: 'a'.repeat(32), ownerStartTicks: 7 };
      repo.setStatus('r-1', 'interrupted');
      expect(repo.queueOwned('r-1', { status: 'interrupted', ownerPid: 41 }, resumer)).toBe(true);
      expect(repo.completeGone('r-1', dead, end)).toBeUndefined();
      expect(repo.mustGet('r-1')).toMatchObject({ status: 'queued', step: 9, ...resumer });
      // As seen: completed at once, never interrupted on the way, with no error.
      const seen = repo.setStatus('r-1', 'running', { ownerPid: 41, ownerStartedAt: 1000 });
      expect(repo.completeGone('r-1', seen, end)).toMatchObject({ status: 'completed', error: null, ...end });
      expect(repo.completeGone('r-1', seen, end)).toBeUndefined(); // (completed already)
      // Without a training time kept, the row's stays.
      repo.setStatus('r-1', 'running', { ownerPid: 43, ownerStartedAt: null });
      const again = repo.mustGet('r-1');
      expect(repo.completeGone('r-1', again, { step: 10, finishedAt: 'then' })).toMatchObject({ elapsedMs: 5000 });
    } finally {
      store.close();
    }
  });
});
