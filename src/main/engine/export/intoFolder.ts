// Writing an export into a folder that already exists (destination.ts decides whether it may): the
// folder itself stays — its permissions, owner and group, a link to it, a file system mounted on
// it — and only files are added to it (and, when forced, the earlier export's own files, those
// its manifest lists, removed). Not the destination rules: see destination.ts.
//
// One export at a time: `.spanfill-export.lock` in the folder names the process writing into it
// (processIdentity.ts; a stale one is taken over in one step, stampLock.ts). The files are
// written under `.spanfill-export-<record>` inside the folder, listed in its manifest, then moved
// in, the manifest last, so the folder never looks like a finished export before it is one. Once the staging folder holds its manifest the export is
// decided: if its process is killed, the next export into the folder finishes the move (or,
// where it was recorded, stagingRecords.ts, the next export or start anywhere: clearKilledExport).

import { existsSync, lstatSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isStrictlyWithin } from '../../pathWithin';
import { createStampLock, releaseStampLock, takeBriefLock, takeStampLock } from '../../stampLock';
import { earlierExportFiles, EXPORT_MANIFEST, FINDER_FILE } from './manifest';
import { EXPORT_LOCK, freshStamp, STAGING_INSIDE } from './stagingName';

/**
 * Takes `dir`'s lock for the export `stamp` (stampLock.ts), after clearing what a killed export
 * left there. Returns false when a live export holds it (or one is making it just now). A stale
 * lock is taken over in one step (takeStampLock), never removed and made anew: two exports that
 * found it stale would both write, the second clearing the first's staging folder as left behind.
 */
export function lockFolder(dir: string, stamp: string): boolean {
  const lock = join(dir, EXPORT_LOCK);
  if (createStampLock(lock, stamp)) return true;
  if (takeStampLock(lock, stamp) !== null) return false;
  clearLeftBehind(dir);
  return true;
}

/** Gives up `dir`'s lock (only if it is still this export's). */
export function unlockFolder(dir: string, stamp: string): void {
  releaseStampLock(join(dir, EXPORT_LOCK), stamp);
}

/**
 * Clears what the killed export that staged in `staging` left in `dir` (found by its record,
 * stagingRecords.ts), as the next export into `dir` would: under `dir`'s lock (its stale lock
 * taken over, what every killed export left then cleared, and given back), `staging` is finished
 * or removed (settleStaging). That only removes and renames, and frees what may be gigabytes on a
 * disk that may be full, so the lock is taken as a brief holder's (stampLock.ts takeBriefLock:
 * held empty where the disk has no room for its stamp). False, and nothing done, when a live
 * export holds the lock (it cleared what was left when it took it) or one is making it just now.
 */
export function clearKilledExport(dir: string, staging: string): boolean {
  const lock = join(dir, EXPORT_LOCK);
  const isTakeover = existsSync(lock); // one given back meanwhile is made anew: clearing under it is as safe
  const release = takeBriefLock(lock, freshStamp());
  if (typeof release === 'number') return false;
  try {
    if (isTakeover) clearLeftBehind(dir);
    if (existsSync(staging)) settleStaging(staging, dir); // there still where the lock was not stale
  } finally {
    release();
  }
  return true;
}

/**
 * What exports killed while writing into `dir` left, its lock held (settleStaging). The lock's
 * files are not these (a breaker or temp file may be another process's, taking over the lock just now).
 */
function clearLeftBehind(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!STAGING_INSIDE.test(name)) continue;
    try {
      settleStaging(join(dir, name), dir);
    } catch {
      // not ours to finish: it stays, and the folder with it is no export to replace
    }
  }
}

/**
 * A killed export's staging folder in `dir`, whose lock this process holds: moved in where its
 * manifest was written (that export was decided), else removed.
 */
function settleStaging(staging: string, dir: string): void {
  if (readdirSync(staging).includes(EXPORT_MANIFEST)) moveIn(staging, dir);
  else rmSync(staging, { recursive: true, force: true });
}

/**
 * Moves the finished export in `staging` (its manifest written) into `dir`: first the earlier
 * export's files there go (those its manifest lists, at the size it lists; that manifest last),
 * then the new files, then the new manifest. Run again after a kill, it goes on where it stopped.
 */
export function moveIn(staging: string, dir: string): void {
  removeEarlierExport(dir);
  for (const name of readdirSync(staging))
    if (name !== EXPORT_MANIFEST) moveEntry(join(staging, name), join(dir, name));
  renameSync(join(staging, EXPORT_MANIFEST), join(dir, EXPORT_MANIFEST));
  rmSync(staging, { recursive: true, force: true });
}

/** `from` to `to`; a folder into one already there, entry by entry; never over a file. */
function moveEntry(from: string, to: string): void {
  const there = lstatSync(to, { throwIfNoEntry: false });
  if (!there) return renameSync(from, to);
  if (!there.isDirectory() || !lstatSync(from).isDirectory())
    throw new Error(`${to} was put there while the export was written`);
  for (const name of readdirSync(from)) moveEntry(join(from, name), join(to, name));
  rmdirSync(from);
}

/**
 * Removes the files of the earlier export in `dir` (manifest.ts: those found in it that its
 * manifest lists, unchanged), the folders they leave empty, then the manifest. Each path is
 * checked to lie inside `dir` before anything is removed there.
 */
function removeEarlierExport(dir: string): void {
  const earlier = earlierExportFiles(dir);
  if (earlier === undefined) return;
  const inside = (path: string): string => {
    const full = join(dir, path);
    if (!isStrictlyWithin(full, dir)) throw new Error(`${path} is not inside ${dir}; it was left as it is`);
    return full;
  };
  for (const path of earlier.files) rmSync(inside(path));
  for (const folder of earlier.folders) {
    const full = inside(folder);
    try {
      if (readdirSync(full).join() === FINDER_FILE) rmSync(join(full, FINDER_FILE)); // opened in Finder
      rmdirSync(full);
    } catch {
      // not empty, or gone: the new export's files go into it
    }
  }
  rmSync(join(dir, EXPORT_MANIFEST), { force: true });
}
