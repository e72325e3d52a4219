// When a removal gives the database's space back to the disk (compact.ts rewrites the file):
// when enough of it is free, and only where the disk has room for the rewrite. A failed import
// on a nearly full disk leaves a file mostly free (its rows deleted) on a disk with little room,
// the case where giving space back matters most and where a rewrite that fails half way would
// take the last room: the rewrite goes through the write-ahead log, which grows by the pages
// kept, and SQLite's temporary copy (in the temp folder, which may be on the same disk) as much.

import { COMPACT_MIN_FREE_BYTES, compactStore, freeBytes } from './compact';
import { statFreeSpace, type Db, type FreeSpace } from './db';

/** Free pages under this are never worth a rewrite; at or above it, worth one once they are half the file. */
const SMALL_FREE_BYTES = 1024 * 1024;

export interface CompactWithRoomOptions {
  /** Only for tests: free space above which the file is rewritten (else the rule below). */
  readonly minFreeBytes?: number;
  /** Only for tests: the room left on the disk that holds `folder` (statfs by default). */
  readonly freeSpace?: (folder: string) => FreeSpace | undefined;
}

/**
 * Rewrites the database in `folder` (compactStore) when at least COMPACT_MIN_FREE_BYTES of it
 * are free, or at least SMALL_FREE_BYTES that are half of it or more (so the rewrite, whose time
 * goes with the pages kept, is quick: a failed import's leftovers), and when the disk has room
 * for twice the pages kept. Returns the bytes given back (0: none). A rewrite that fails cuts the
 * log back, so that it keeps no room on the disk.
 */
export function compactWithRoom(db: Db, folder: string, options: CompactWithRoomOptions = {}): number {
  const free = freeBytes(db);
  const kept = (db.pragma('page_count', { simple: true }) as number) * pageSizeOf(db) - free;
  const worth =
    options.minFreeBytes !== undefined
      ? free >= options.minFreeBytes
      : free >= COMPACT_MIN_FREE_BYTES || (free >= SMALL_FREE_BYTES && free >= kept);
  if (!worth || free === 0) return 0;
  const room = (options.freeSpace ?? statFreeSpace)(folder);
  if (room !== undefined && room.bytes < 2 * kept + SMALL_FREE_BYTES) return 0;
  const freed = compactStore(db, { minFreeBytes: 0 });
  if (freed === 0) {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Another connection reads, or no room to fold the log in: it is cut at a later checkpoint.
    }
  }
  return freed;
}

function pageSizeOf(db: Db): number {
  return db.pragma('page_size', { simple: true }) as number;
}
