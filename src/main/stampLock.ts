// A lock file that names its holder: made exclusively, holding a stamp (processIdentity.ts
// recordInName) that says which process holds it. A holder whose process no longer runs left a
// stale lock; one still empty or unreadable is a lock being made, unless it is older than any
// making takes (then its maker was killed as it made it). Export folders (engine/export/
// intoFolder.ts) and Hub pulls (engine/hub/pullLock.ts) each lock this way; what a stale lock
// leaves to clear is theirs. replaceStaleLock takes over a stale lock of any content (the
// trainer lock's JSON too) without racing another process that found the same stale lock.

import { closeSync, lstatSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { isDiskFull } from '../shared/errors';
import { isRecordedProcessAlive, recordInName, recordOfName, recordOfThisProcess } from './processIdentity';

/** A lock this old and still empty or unreadable was left by a process killed as it made it. */
const UNREADABLE_LOCK_MS = 60_000;

/**
 * Makes `file` holding `stamp` if no lock is there: true; false when one is (live or not). A
 * stamp that cannot be written (ENOSPC) is thrown with no lock left behind.
 */
export function createStampLock(file: string, stamp: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    if (stamp !== '') writeSync(fd, stamp); // an empty lock is written nothing: it needs no room
  } catch (error) {
    // No room for the stamp (a full disk): an empty lock left here would read as one being made
    // by a process that does not exist, refusing everyone for UNREADABLE_LOCK_MS.
    try {
      closeSync(fd);
    } finally {
      rmSync(file, { force: true });
    }
    throw error;
  }
  closeSync(fd);
  return true;
}

/**
 * Takes the lock `file` for `stamp`: null once taken (made, or taken over from a holder that has
 * gone by replaceStaleLock, never removed and made anew); else the pid of the live holder (NaN:
 * one making it now, not named yet).
 */
export function takeStampLock(file: string, stamp: string): number | null {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createStampLock(file, stamp)) return null;
    const held = readLock(file);
    if (held === null) continue; // given back meanwhile
    const holder = stampHolder(file, held);
    if (holder !== null) return holder;
    if (replaceStaleLock(file, held, stamp)) return null;
  }
  return Number.NaN; // taken over by others each time: as busy as a lock being made
}

/**
 * takeStampLock for a holder that frees space and holds the lock for moments (a removal from the
 * Hub cache, the clearing of a killed export's staging folder: engine/export/intoFolder.ts
 * clearKilledExport; both must work on a full disk, and both only remove and rename): where the disk has no room even for the stamp, the
 * lock is taken empty, made so or taken over from a holder that has gone (its breaker empty too:
 * no new bytes), and read by others as one being made (busy) for UNREADABLE_LOCK_MS, far longer
 * than such a holder holds it. Returns what gives it back, or the pid of the live holder (NaN: one
 * not named yet). A holder that writes (a pull, an export, the trainer) is not one: an empty lock
 * would read as stale once that time passed, so a disk with no room for its stamp fails its
 * takeStampLock with the disk-full error, the lock as it was (said as a full disk by its caller).
 */
export function takeBriefLock(file: string, stamp: string): (() => void) | number {
  let held = stamp;
  let holder: number | null;
  try {
    holder = takeStampLock(file, stamp);
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    held = '';
    holder = takeStampLock(file, held);
  }
  return holder ?? (() => releaseStampLock(file, held));
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
  const text = readLock(file);
  return text === null ? null : stampHolder(file, text);
}

/** liveStampHolder of `file` read as `text`. */
function stampHolder(file: string, text: string): number | null {
  const holder = recordOfName(text.trim());
  if (holder !== null) return isRecordedProcessAlive(holder) ? holder.pid : null;
  return isLockBeingMade(file) ? Number.NaN : null;
}

/** Whether `file`, a lock that names no holder (empty, or unreadable), is young enough to be one its maker is still writing. */
export function isLockBeingMade(file: string): boolean {
  try {
    return Date.now() - lstatSync(file).mtimeMs < UNREADABLE_LOCK_MS;
  } catch {
    return false; // gone meanwhile
  }
}

/** What the lock `file` holds; null when there is none. */
function readLock(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Replaces the lock `file`, read as `stale` and found stale by its taker, with `fresh`: true;
 * false when `file` no longer holds `stale` (another process took it over first, or its holder
 * gave it back) or another live process is replacing it just now. Removing a stale lock and making
 * one anew would race: two takers that read the same stale lock could each remove it, the second
 * removing the lock the first had just made, and both hold it. So the replacement is made holding
 * `<file>.break`, a stamp lock (itself taken over from a holder that has gone the same way): under
 * it, `file` holding `stale` changes only by this process (its holder is gone, and a lock is made
 * only where none is), and it is replaced by a rename, in one step. Only an empty lock can hold
 * `stale` again (every lock is empty while it is made): it is replaced only while still too old for
 * one being made. An empty `fresh` (takeBriefLock on a full disk) writes nothing, its breaker empty too.
 */
export function replaceStaleLock(file: string, stale: string, fresh: string): boolean {
  const breaker = `${file}.break`;
  const record = recordInName(recordOfThisProcess(Date.now()));
  const stamp = fresh === '' ? '' : record;
  if (!takeBreaker(breaker, stamp)) return false;
  try {
    if (readLock(file) !== stale || (stale === '' && isLockBeingMade(file))) return false;
    const temp = `${file}.${record}.tmp`; // a name stagingName.ts IN_PROGRESS knows, in an export's folder
    try {
      if (!createStampLock(temp, fresh)) return false;
      renameSync(temp, file);
    } finally {
      rmSync(temp, { force: true });
    }
    return true;
  } finally {
    releaseStampLock(breaker, stamp);
  }
}

/** Takes the breaker lock for `stamp`, over a holder that has gone; false while a live one holds it. */
function takeBreaker(breaker: string, stamp: string): boolean {
  if (createStampLock(breaker, stamp)) return true;
  const held = readLock(breaker);
  if (held === null) return createStampLock(breaker, stamp); // given back meanwhile
  if (stampHolder(breaker, held) !== null) return false;
  return replaceStaleLock(breaker, held, stamp);
}
