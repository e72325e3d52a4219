// Deleting a dataset's documents (DatasetRepository.deleteDocuments): at once on a disk with room
// for it; on one without, a batch at a time, the log a batch writes staying about
// DELETE_BATCH_BYTES however many documents go; and where the disk lacks the room even for that
// (deleteRoom.ts) nothing is tried, so that nothing of the room is taken.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetRepository } from '../../../src/main/store/datasets';
import { databaseFileName, openStore, type FreeSpace, type Store } from '../../../src/main/store/db';
import { DELETE_BATCH_BYTES, roomLacking, wholeBytes } from '../../../src/main/store/deleteRoom';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-delete-room-');
const MiB = 1024 * 1024;

/**
 * A store holding dataset `id` of `documents` documents of `size` bytes, its log folded in (the
 * 1 kB of a paragraph by default: rows inside pages, whose delete writes them to the log).
 */
function storeWith(id: string, documents: number, size = 1000): { dir: string; store: Store; repo: DatasetRepository } {
  const dir = tempDir();
  const store = openStore(dir);
  const repo = new DatasetRepository(store.db);
  repo.create({ id, name: id, sourcePath: '/x', importingPid: process.pid });
  const docs = Array.from({ length: documents }, (_, i) => ({
    ordinal: i,
    text: `${id} ${i} `.padEnd(size, 'x'),
    splitKey: 0.5,
  }));
  repo.addDocuments(id, docs);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return { dir, store, repo };
}

const room = (bytes: number) => (): FreeSpace => ({ bytes, files: 1000 });

const walBytes = (dir: string): number =>
  fs.statSync(path.join(dir, `${databaseFileName}-wal`), { throwIfNoEntry: false })?.size ?? 0;

describe('deleteDocuments', () => {
  it('deletes 10 MB of documents on a disk with 5 MiB free, with a log of about one batch', () => {
    const { dir, store, repo } = storeWith('ds-big', 10_000);
    try {
      repo.deleteGradually('ds-big', room(5 * MiB));
      expect(repo.documentCount('ds-big')).toBe(0);
      expect(repo.get('ds-big')).toBeUndefined();
      expect(walBytes(dir)).toBeLessThan(2 * DELETE_BATCH_BYTES);
    } finally {
      store.close();
    }
  });

  it('deletes them at once where the disk has room for it', () => {
    const { dir, store, repo } = storeWith('ds-big', 3000);
    try {
      repo.deleteDocuments('ds-big', room(2 * wholeBytes(store.db)));
      expect(repo.documentCount('ds-big')).toBe(0);
      expect(walBytes(dir)).toBeGreaterThan(2_000_000); // one transaction: the log holds all of it
    } finally {
      store.close();
    }
  });

  it('deletes nothing, and says the disk is full and by how much, where the disk lacks room for one batch', () => {
    const { dir, store, repo } = storeWith('ds-big', 3000);
    try {
      const wal = walBytes(dir);
      expect(roomLacking(store.db, room(0))(DELETE_BATCH_BYTES)).toBe(2 * DELETE_BATCH_BYTES);
      expect(() => repo.deleteDocuments('ds-big', room(DELETE_BATCH_BYTES))).toThrow(
        'database or disk is full: deleting the documents of dataset ds-big needs 1.0 MiB more free on its disk',
      );
      expect(repo.documentCount('ds-big')).toBe(3000);
      expect(walBytes(dir)).toBe(wal);
      repo.deleteDocuments('ds-big', room(3 * MiB));
      expect(repo.documentCount('ds-big')).toBe(0);
    } finally {
      store.close();
    }
  });

  it('counts the growth a log that is not yet folded in needs first', () => {
    const { store, repo } = storeWith('ds-a', 10, 10_000);
    try {
      store.db.pragma('wal_autocheckpoint = 0');
      repo.create({ id: 'ds-b', name: 'ds-b', sourcePath: '/x', importingPid: process.pid });
      repo.addDocuments(
        'ds-b',
        Array.from({ length: 300 }, (_, i) => ({ ordinal: i, text: `b ${i} `.padEnd(10_000, 'y'), splitKey: 0.5 })),
      );
      const lacking = roomLacking(store.db, room(0))(DELETE_BATCH_BYTES);
      expect(lacking).toBeGreaterThan(2 * DELETE_BATCH_BYTES + 3_000_000); // the 3 MB in the log
    } finally {
      store.close();
    }
  });
});
