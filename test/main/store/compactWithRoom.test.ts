// When a removal gives the database's room back (store/compactWithRoom.ts): a file mostly free,
// as a failed import leaves it, is rewritten though under COMPACT_MIN_FREE_BYTES are free; a
// little free space is not worth it; and a disk without room for the rewrite is not asked for it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeBytes } from '../../../src/main/store/compact';
import { compactWithRoom } from '../../../src/main/store/compactWithRoom';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { databaseFileName, openStore, type FreeSpace, type Store } from '../../../src/main/store/db';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-compact-room-');
const MiB = 1024 * 1024;
const room = (bytes: number) => (): FreeSpace => ({ bytes, files: 1000 });

/** A store that kept dataset 'kept' (`keptDocs` of 10 kB) and deleted 'gone' (`goneDocs`). */
function storeWithFreePages(keptDocs: number, goneDocs: number): { dir: string; store: Store } {
  const dir = tempDir();
  const store = openStore(dir);
  const repo = new DatasetRepository(store.db);
  for (const [id, count] of [
    ['kept', keptDocs],
    ['gone', goneDocs],
  ] as const) {
    repo.create({ id, name: id, sourcePath: '/x', importingPid: process.pid });
    const docs = Array.from({ length: count }, (_, i) => ({
      ordinal: i,
      text: `${id} ${i} `.padEnd(10_000, 'x'),
      splitKey: 0.5,
    }));
    repo.addDocuments(id, docs);
  }
  repo.deleteGradually('gone');
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return { dir, store };
}

const fileBytes = (dir: string): number => fs.statSync(path.join(dir, databaseFileName)).size;

describe('compactWithRoom', () => {
  it('rewrites a file that is mostly free, under 32 MiB free, where the disk has room', () => {
    const { dir, store } = storeWithFreePages(50, 600);
    try {
      expect(freeBytes(store.db)).toBeGreaterThan(5 * MiB);
      expect(compactWithRoom(store.db, dir, { freeSpace: room(100 * MiB) })).toBeGreaterThan(5 * MiB);
      expect(fileBytes(dir)).toBeLessThan(MiB);
    } finally {
      store.close();
    }
  });

  it('leaves a file alone whose free part is small, or where the disk lacks room for twice what it keeps', () => {
    const little = storeWithFreePages(600, 50);
    const mostly = storeWithFreePages(150, 600);
    try {
      expect(compactWithRoom(little.store.db, little.dir, { freeSpace: room(100 * MiB) })).toBe(0);
      const before = fileBytes(mostly.dir);
      expect(compactWithRoom(mostly.store.db, mostly.dir, { freeSpace: room(2 * MiB) })).toBe(0);
      expect(fileBytes(mostly.dir)).toBe(before);
    } finally {
      little.store.close();
      mostly.store.close();
    }
  });
});
