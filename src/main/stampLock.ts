// A lock file that names its holder: made exclusively, holding a stamp (processIdentity.ts
// recordInName) that says which process holds it. A holder whose process no longer runs left a
// stale lock; one still empty or unreadable is a lock being made, unless it is older than any
// making takes (then its maker was killed as it made it). Export folders (engine/export/
// intoFolder.ts) and Hub pulls (engine/hub/pullLock.ts) each lock this way; what a stale lock
// leaves to clear is theirs.

import { closeSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isRecordedProcessAlive, recordOfName } from './processIdentity';

/** A lock this old and still empty or unreadable was left by a process killed as it made it. */
const UNREADABLE_LOCK_MS = 60_000;

/** Makes `file` holding `stamp` if no lock is there: true; false when one is (live or not). */
export function createStampLock(file: string, stamp: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, stamp);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes `file` if it still holds `stamp` (a lock taken over since is left alone). */
export function releaseStampLock(file: string, stamp: string): void {
  try {
    if (readFileSync(file, 'utf8') === stamp) rmSync(file, { force: true });
  } catch {
    // gone already
  }
}

/**
 * The pid of the process holding `file` while it runs (NaN while the lock is being made and
 * names no one yet); null when the lock is stale or gone.
 */
export function liveStampHolder(file: string): number | null {
  try {
    const holder = recordOfName(readFileSync(file, 'utf8').trim());
    if (holder !== null) return isRecordedProcessAlive(holder) ? holder.pid : null;
    return Date.now() - lstatSync(file).mtimeMs < UNREADABLE_LOCK_MS ? Number.NaN : null;
  } catch {
    return null; // gone meanwhile
  }
}
