// Removing a dataset from the datasets service over a real store in a temp data dir: its token
// caches go first (so a full disk still gets room), a dataset a live run trains on stays, the
// runs on it that could have been resumed are named (they no longer can), and
// the disk space it took is given back unless a run is writing (also when an import fails).
// Removed by another service on the same data directory while this one works on it: what this
// one wrote for it goes, and what a killed writer left goes when a service next opens the store.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { freeBytes } from '../../../src/main/store/compact';
import { databaseFileName } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { deadPid } from '../../support/processes';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { DatasetService } from '../../../src/main/services/datasets';
import { EventBus } from '../../../src/main/services/events';
import { counts, datasetsTestKit, novel } from './datasets-support';

const { setup } = datasetsTestKit();

describe('datasets service', () => {
  it('frees the token caches first, so a store that cannot write (a full disk) still gets room, keeping the split', async () => {
    const { service, write, store, dataDir } = setup();
    const ds = await service.import({ paths: [write('notes.txt', novel)] });
    (await service.tokens(ds.id, 'bytes')).cache.close();
    const folder = path.join(dataDir, 'tokens', ds.id);
    expect(fs.readdirSync(folder).sort()).toEqual([expect.stringMatching(/\.tokens$/), 'validation.split']);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const repo = service.repo;
    const deleteRows = repo.delete.bind(repo);
    repo.delete = () => {
      throw full;
    };
    // Said as a removal's full disk: room from outside Spanfill, not from removing more of its data.
    expect(() => service.remove(ds.id)).toThrow(
      `The disk is full: removing dataset ${ds.id} writes before it frees anything; free space on the data directory's disk`,
    );
    expect(fs.readdirSync(folder)).toEqual(['validation.split']);
    expect(counts(store).datasets).toBe(1);
    repo.delete = deleteRows;
    expect(service.remove(ds.id)).toMatchObject({ removed: true, tokenCaches: 0 });
  });

  it('a dataset a live run trains on is not removed; one whose run process is gone, or stopped, is', async () => {
    const { service, store, write } = setup();
    const ds = await service.import({ paths: [write('a.txt', 'alpha one\n\nalpha two')] });
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: ds.id, model: 'builtin:byt5-tiny', maxSteps: 10 });
    runs.add({ id: 'r-live', name: 'tiny on a.txt', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-live', 'running', { ownerPid: process.pid });
    expect(() => service.remove(ds.id)).toThrow(
      new ApiError(
        'conflict',
        `Run r-live ("tiny on a.txt") is training on dataset ${ds.id}; stop it first (or let it finish). ` +
          'A run whose dataset is removed cannot be resumed.',
      ),
    );
    expect(service.list().map((d) => d.id)).toEqual([ds.id]);
    runs.setStatus('r-live', 'stopped');
    expect(service.remove(ds.id).removed).toBe(true);
    expect(runs.get('r-live')?.datasetId).toBeNull();

    const other = await service.import({ paths: [write('b.txt', 'beta')] });
    runs.add({ id: 'r-gone', name: 'x', config: { ...config, datasetId: other.id }, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-gone', 'running', { ownerPid: deadPid() });
    expect(service.remove(other.id).removed).toBe(true);
  });

  it('names the runs on it that could be resumed before and no longer can: paused, failed, interrupted', async () => {
    const { service, store, write } = setup();
    const ds = await service.import({ paths: [write('a.txt', 'alpha one\n\nalpha two')] });
    const other = await service.import({ paths: [write('b.txt', 'beta')] });
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: ds.id, model: 'builtin:byt5-tiny', maxSteps: 10 });
    const add = (id: string, status: 'paused' | 'completed' | 'failed' | 'running', update = {}, datasetId = ds.id) => {
      runs.add({ id, name: `run ${id}`, config: { ...config, datasetId }, totalSteps: 10, status: 'queued' });
      runs.setStatus(id, status, { step: 4, ...update });
    };
    add('r-paused', 'paused');
    add('r-done', 'completed');
    add('r-failed', 'failed', { error: 'The disk is full.' });
    add('r-diverged', 'failed', { error: 'training diverged at step 4: the loss is NaN' });
    add('r-killed', 'running', { ownerPid: deadPid() }); // its process gone: interrupted, resumable
    add('r-elsewhere', 'paused', {}, other.id);

    const removed = service.remove(ds.id);
    expect(removed.unresumableRuns).toEqual([
      { id: 'r-paused', name: 'run r-paused', status: 'paused', step: 4 },
      { id: 'r-failed', name: 'run r-failed', status: 'failed', step: 4 },
      { id: 'r-killed', name: 'run r-killed', status: 'interrupted', step: 4 },
    ]);
    expect(runs.get('r-paused')?.datasetId).toBeNull();
    expect(service.remove(other.id).unresumableRuns.map((run) => run.id)).toEqual(['r-elsewhere']);
  });

  it('removing a large dataset or failing its import gives the disk space back, unless a run is writing', async () => {
    const { service, store, dataDir, write } = setup({ compactMinFreeBytes: 256 * 1024 });
    const big = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} `.padEnd(1000, 'x')).join('\n\n');
    const file = path.join(dataDir, databaseFileName);
    const onDisk = (): number =>
      fs.statSync(file).size + (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const small = await service.import({ paths: [write('small.txt', 'a few words')] });
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: small.id, model: 'builtin:byt5-tiny', maxSteps: 10 });
    runs.add({ id: 'r-live', name: 'tiny', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-live', 'running', { ownerPid: process.pid });

    const first = await service.import({ paths: [write('big.txt', big)] });
    expect(service.remove(first.id).freedBytes).toBe(0); // the run's writes come first
    expect(freeBytes(store.db)).toBeGreaterThan(2_000_000);
    runs.setStatus('r-live', 'stopped');

    const second = await service.import({ paths: [write('big.txt', big)] });
    const before = onDisk();
    const { freedBytes } = service.remove(second.id);
    expect(freedBytes).toBeGreaterThan(2_000_000);
    expect(before - onDisk()).toBeGreaterThanOrEqual(freedBytes);
    expect(service.list().map((d) => d.id)).toEqual([small.id]);

    // The big file's documents are stored before the bad one fails the import.
    write('folder/a.txt', big);
    write('folder/b.jsonl', '{"body": 1}\n');
    await expect(service.import({ paths: [path.join(dataDir, 'in', 'folder')] })).rejects.toThrow('no field "text"');
    expect(freeBytes(store.db)).toBe(0);
  });

  it('a split worked out while another service removes the dataset says so and leaves no folder behind', async () => {
    const { service, store, dataDir, write } = setup();
    const ds = await service.import({ paths: [write('notes.txt', novel)] });
    const folder = path.join(dataDir, 'tokens', ds.id);
    fs.rmSync(path.join(folder, 'validation.split')); // worked out again from the documents
    const other = new DatasetService({ store, dataDir, events: new EventBus() });
    const splitKeys = service.repo.splitKeys.bind(service.repo);
    service.repo.splitKeys = (id, from, limit) => {
      const page = splitKeys(id, from, limit);
      if (from === 0) other.remove(id); // between two pages
      return page;
    };
    await expect(service.validationOrdinals(ds.id)).rejects.toEqual(
      new ApiError(
        'conflict',
        `Dataset ${ds.id} ("notes.txt") was removed elsewhere while its validation split was being worked out; ` +
          'what was written for it is deleted',
      ),
    );
    expect(fs.existsSync(folder)).toBe(false);
  });

  it('a token folder of a dataset the store no longer has (its writer killed after a removal elsewhere) goes when a service opens the store', async () => {
    const { service, store, dataDir, write } = setup();
    const kept = await service.import({ paths: [write('notes.txt', novel)] });
    const orphan = path.join(dataDir, 'tokens', 'ds-removed');
    fs.mkdirSync(orphan);
    fs.writeFileSync(path.join(orphan, 'eec3e2b350ed794f.tokens'), 'a cache cut short');
    new DatasetService({ store, dataDir, events: new EventBus() });
    expect(fs.readdirSync(path.join(dataDir, 'tokens'))).toEqual([kept.id]);
    expect(fs.readdirSync(path.join(dataDir, 'tokens', kept.id))).toEqual(['validation.split']);
  });
});
