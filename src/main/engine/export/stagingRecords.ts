// Records of the staging folders exports are writing, kept in a folder the caller names (the
// export service: <data dir>/exporting) while each exists: an export into a new folder stages in
// `.<name>.export-<stamp>` beside it (folder.ts); one into a folder that exists, in
// `.spanfill-export-<stamp>` inside it, under the folder's lock `.spanfill-export.lock`
// (intoFolder.ts). What a killed export (SIGKILL, a crash, a power cut) left is otherwise found
// only by the next export beside it or into that folder; with a record, by the next export
// anywhere or the next start.
//
// A record is `<stamp>.json`, the stamp naming the export's process (processIdentity.ts), and
// holds the staging folder's full path and what the export exports (its label: "run 'tiny' (r-1)
// at checkpoint step 40"), by which an export in another process that it refuses is told who
// writes there (writers.ts; an older Spanfill's record holds no label). It is written before that folder is made (and before the
// lock is taken) and removed once the folder is gone (and the lock given back); the records
// folder goes with its last record. A record whose process still runs is left alone; of one whose
// process is gone, only what is provably that export's is cleared: a folder itself (not a link)
// named `.<name>.export-<the record's own stamp>` is removed; one named `.spanfill-export-<the
// record's own stamp>`, or that export's lock left in the folder, is cleared as the next export
// into that folder would (intoFolder.ts clearKilledExport: under its lock, a staging folder whose
// manifest was written is moved in, any other removed). No other process can make a folder of
// those names: the stamp names a process that has ended.

import { existsSync, lstatSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { makeFolder } from '../../makeFolder';
import {
  isRecordedProcessAlive,
  type ProcessTable,
  RECORD_IN_NAME,
  recordOfName,
  systemProcesses,
} from '../../processIdentity';
import { clearKilledExport } from './intoFolder';
import { EXPORT_LOCK, stagingInside } from './stagingName';

const RECORD = new RegExp(String.raw`^(${RECORD_IN_NAME})\.json$`);

/** What an export records while it writes (see above): its staging folder, its stamp, and what it exports. */
export interface StagingRecord {
  readonly staging: string;
  readonly stamp: string;
  readonly label: string;
}

/**
 * Records in `records` that the export `stamp` is writing `staging`; the record's file, or
 * undefined where it cannot be written (then what a kill leaves is found as before: by the next
 * export into the same parent folder).
 */
export function recordStaging(records: string, { staging, stamp, label }: StagingRecord): string | undefined {
  const file = join(records, `${stamp}.json`);
  for (let tries = 1; tries <= 2; tries++) {
    try {
      makeFolder(records);
      writeFileSync(file, JSON.stringify({ staging, label }), { flag: 'wx' });
      return file;
    } catch {
      // `records` removed by another export's forgetStaging between the two: made again, once
    }
  }
  return undefined;
}

/**
 * Runs `work` with `record` kept in `records` (when given) until it ends, whatever its end:
 * what a kill leaves meanwhile is found by the next export or start anywhere.
 */
export async function whileRecorded(
  records: string | undefined,
  record: StagingRecord,
  work: () => Promise<void>,
): Promise<void> {
  const file = records === undefined ? undefined : recordStaging(records, record);
  try {
    await work();
  } finally {
    forgetStaging(file); // its folder is gone: moved into place, or removed
  }
}

/**
 * What the export `stamp` recorded in `records` that it exports (recordStaging); undefined where
 * it recorded nothing there, its record holds no label (an older Spanfill's) or does not read
 * (being written just now, or cut short by a kill).
 */
export function recordedLabel(records: string, stamp: string): string | undefined {
  const name = `${stamp}.json`;
  if (!RECORD.test(name)) return undefined; // a stamp read from a lock file may be anything
  let label: unknown;
  try {
    label = (JSON.parse(readFileSync(join(records, name), 'utf8')) as { label?: unknown } | null)?.label;
  } catch {
    return undefined;
  }
  return typeof label === 'string' && label !== '' ? label : undefined;
}

/** Removes the record recordStaging wrote (its staging folder gone), if it wrote one, and `records` with its last one. */
export function forgetStaging(record: string | undefined): void {
  if (record === undefined) return;
  rmSync(record, { force: true });
  try {
    rmdirSync(dirname(record));
  } catch {
    // another export's record keeps it (ENOTEMPTY), or it went with that one's
  }
}

/**
 * Removes what exports recorded in `records` left when their process is gone: each one's staging
 * folder where it is still that export's (see above), then its record. A live export's record
 * and folder stay, here or in another process; so does a record whose folder cannot be removed
 * now, for a later look. Returns how many staging folders it removed.
 */
export function removeStagingOfGone(records: string, table: ProcessTable = systemProcesses): number {
  let names: string[];
  try {
    names = readdirSync(records);
  } catch {
    return 0; // no export has recorded one yet
  }
  let removed = 0;
  for (const name of names) {
    const stamp = RECORD.exec(name)?.[1];
    const writer = stamp === undefined ? null : recordOfName(stamp);
    if (!stamp || !writer || isRecordedProcessAlive(writer, table)) continue;
    const record = join(records, name);
    try {
      const cleared = clearStaging(stagingOf(record, stamp), stamp);
      if (cleared === 'busy') continue;
      if (cleared === 'removed') removed++;
      forgetStaging(record);
    } catch {
      // not ours to remove now (its disk read-only, say): the record stays for a later look
    }
  }
  return removed;
}

/**
 * Clears what the gone export `stamp` left of `staging` (stagingOf): 'removed' where it removed
 * (or finished) its staging folder, 'busy' where a live export holds the folder it staged in
 * (the record stays for a later look), 'none' where nothing of it is left.
 */
function clearStaging(staging: Staging | undefined, stamp: string): 'removed' | 'busy' | 'none' {
  if (staging === undefined) return 'none';
  const isThere = isFolderItself(staging.path);
  if (!staging.isInside) {
    if (isThere) rmSync(staging.path, { recursive: true, force: true });
    return isThere ? 'removed' : 'none';
  }
  const dir = dirname(staging.path);
  // Its lock is taken over only where that export left it (or its folder) there: no lock is made in a folder it left nothing in.
  if (!isThere && !holdsLockOf(dir, stamp)) return 'none';
  if (!clearKilledExport(dir, staging.path)) return existsSync(staging.path) ? 'busy' : 'none';
  return isThere ? 'removed' : 'none';
}

/** Whether `dir` holds the export lock (intoFolder.ts) naming `stamp`. */
function holdsLockOf(dir: string, stamp: string): boolean {
  try {
    return readFileSync(join(dir, EXPORT_LOCK), 'utf8') === stamp;
  } catch {
    return false;
  }
}

/** A recorded staging folder: beside its destination (a new folder), or inside it (one that exists). */
interface Staging {
  readonly path: string;
  readonly isInside: boolean;
}

/** The staging folder `record` names, when it is one the export `stamp` made; else undefined. */
function stagingOf(record: string, stamp: string): Staging | undefined {
  let staging: unknown;
  try {
    staging = (JSON.parse(readFileSync(record, 'utf8')) as { staging?: unknown } | null)?.staging;
  } catch {
    return undefined; // cut short by the kill, before its folder was made
  }
  if (typeof staging !== 'string' || !isAbsolute(staging)) return undefined;
  const name = basename(staging);
  if (name === basename(stagingInside(staging, stamp))) return { path: staging, isInside: true };
  return name.startsWith('.') && name.endsWith(`.export-${stamp}`) && name.length > `..export-${stamp}`.length
    ? { path: staging, isInside: false }
    : undefined;
}

/** Whether `path` is a folder, not a link to one; a path that is not there (or runs through a file) is not. */
function isFolderItself(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}
