// Room on the disk for deleting rows. In WAL mode a delete writes the pages it changes (about the
// bytes of the rows deleted) to the write-ahead log before the database, and the log starts anew
// only once a checkpoint has folded it in, which first grows the database file to the size its
// committed pages give it. On a disk an import filled, a delete that tries without that room
// fails having taken whatever room there was (the file grown part way, the log longer): so the
// room is checked first, and a delete that lacks it does not start. Where the disk has room for
// the whole delete at once, it goes at once (DatasetRepository.deleteDocuments).
// Reference: https://sqlite.org/wal.html (checkpointing; the log is reset after a full one).

import fs from 'node:fs';
import path from 'node:path';
import { statFreeSpace, type Db, type FreeSpace } from './db';

/** Bytes of rows deleted per transaction (the log a batch writes is about as large). */
export const DELETE_BATCH_BYTES = 1024 * 1024;

/** How far the database file must grow before its log can be folded in: pages committed past its end. */
export function pendingGrowth(db: Db): number {
  const onDisk = fs.statSync(db.name, { throwIfNoEntry: false })?.size ?? 0;
  return Math.max(0, wholeBytes(db) - onDisk);
}

/**
 * What the disk lacks for a delete whose log holds up to `bytes` (the log folded in first, then
 * twice those bytes, for the log and what SQLite writes beside it): a function of `bytes`, 0
 * where the disk has the room, or where its free space cannot be read (the delete then tries).
 */
export function roomLacking(db: Db, freeSpace = statFreeSpace): (bytes: number) => number {
  const room: FreeSpace | undefined = freeSpace(path.dirname(db.name));
  const growth = pendingGrowth(db);
  return (bytes) => (room === undefined ? 0 : Math.max(0, growth + 2 * bytes - room.bytes));
}

/** The database's size as its pages give it: more than any rows it holds, so room for a delete of any of them. */
export function wholeBytes(db: Db): number {
  return (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
}
