// Giving disk space back (store/compact.ts): after a large delete the database file shrinks
// by what was freed, a small delete leaves it alone, a connection that holds the database
// makes it give up without harm, and what the rewrite keeps is unchanged (the Playground's
// history, ordered by rowid, included).

import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactStore, freeBytes } from '../../../src/main/store/compact';
import { databaseFileName, openStore, type Store } from '../../../src/main/store/db';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { PlaygroundRepository } from '../../../src/main/store/playground';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-compact-');
const MiB = 1024 * 1024;

/** A ready dataset of `documents` documents of 10 kB each. */
function addDataset(store: Store, id: string, documents: number): void {
  const repo = new DatasetRepository(store.db);
  repo.create({ id, name: id, sourcePath: '/x', importingPid: process.pid });
  const insert = store.db.prepare('INSERT INTO documents (dataset_id, ordinal, text, char_count) VALUES (?, ?, ?, ?)');
  store.db.transaction(() => {
    for (let i = 0; i < documents; i++) insert.run(id, i, `${id} ${i} `.padEnd(10_000, 'x'), 10_000);
  })();
}

/** The main file and its write-ahead log, as the disk holds them. */
function diskBytes(dir: string): number {
  const file = path.join(dir, databaseFileName);
  return [file, `${file}-wal`].reduce((sum, f) => sum + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0);
}

describe('compactStore', () => {
  it('gives back what a removed dataset held and keeps everything else as it was', () => {
    const dir = tempDir();
    const store = openStore(dir);
    try {
      addDataset(store, 'keep', 200);
      addDataset(store, 'big', 1000);
      const history = new PlaygroundRepository(store.db);
      for (const prompt of ['c', 'a', 'b']) history.remember(prompt, 10);
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      const before = diskBytes(dir);
      new DatasetRepository(store.db).delete('big');
      expect(freeBytes(store.db)).toBeGreaterThan(9 * MiB);
      expect(compactStore(store.db, { minFreeBytes: 20 * MiB })).toBe(0); // not worth a pass
      expect(diskBytes(dir)).toBeGreaterThanOrEqual(before);

      const freed = compactStore(store.db, { minFreeBytes: 1 * MiB });
      expect(freed).toBeGreaterThan(9 * MiB);
      expect(freeBytes(store.db)).toBe(0);
      expect(before - diskBytes(dir)).toBeGreaterThanOrEqual(freed);
      const repo = new DatasetRepository(store.db);
      expect(repo.documentCount('keep')).toBe(200);
      expect(repo.get('big')).toBeUndefined();
      expect(history.prompts(10)).toEqual(['b', 'a', 'c']);
    } finally {
      store.close();
    }
  });

  it('gives up, changing nothing, while another connection holds a write transaction', () => {
    const dir = tempDir();
    const store = openStore(dir);
    const other = new Database(path.join(dir, databaseFileName));
    try {
      addDataset(store, 'big', 300);
      new DatasetRepository(store.db).delete('big');
      const free = freeBytes(store.db);
      other.exec('BEGIN IMMEDIATE');
      expect(compactStore(store.db, { minFreeBytes: 1, busyMs: 50 })).toBe(0);
      expect(freeBytes(store.db)).toBe(free);
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000); // as openStore set it
      other.exec('ROLLBACK');
      expect(compactStore(store.db, { minFreeBytes: 1 })).toBeGreaterThan(0);
    } finally {
      other.close();
      store.close();
    }
  });
});
