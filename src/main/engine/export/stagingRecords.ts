// Records of the staging folders exports into a new folder are writing (`.<name>.export-<stamp>`
// beside the destination, folder.ts), kept in a folder the caller names (the export service:
// <data dir>/exporting) while each exists. What a killed export (SIGKILL, a crash, a power cut)
// left beside its destination is otherwise found only by the next export into that same parent
// folder (removeLeftBehind); with a record, by the next export anywhere or the next start.
//
// A record is `<stamp>.json`, the stamp naming the export's process (processIdentity.ts), and
// holds the staging folder's full path. It is written before that folder is made and removed
// once the folder is gone (moved into place, or removed); the records folder goes with its last
// record. A record whose process still runs is left alone; of one whose process is gone, the
// folder is removed only when it is provably that export's: a folder itself (not a link) named
// `.<name>.export-<the record's own stamp>`. No other process can make a folder of that name: the
// stamp names a process that has ended.

import { lstatSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { makeFolder } from '../../makeFolder';
import {
  isRecordedProcessAlive,
  type ProcessTable,
  RECORD_IN_NAME,
  recordOfName,
  systemProcesses,
} from '../../processIdentity';

const RECORD = new RegExp(String.raw`^(${RECORD_IN_NAME})\.json$`);

/**
 * Records in `records` that the export `stamp` is writing `staging`; the record's file, or
 * undefined where it cannot be written (then what a kill leaves is found as before: by the next
 * export into the same parent folder).
 */
export function recordStaging(records: string, staging: string, stamp: string): string | undefined {
  const file = join(records, `${stamp}.json`);
  for (let tries = 1; tries <= 2; tries++) {
    try {
      makeFolder(records);
      writeFileSync(file, JSON.stringify({ staging }), { flag: 'wx' });
      return file;
    } catch {
      // `records` removed by another export's forgetStaging between the two: made again, once
    }
  }
  return undefined;
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
    const staging = stagingOf(record, stamp);
    try {
      if (staging !== undefined && isFolderItself(staging)) {
        rmSync(staging, { recursive: true, force: true });
        removed++;
      }
      forgetStaging(record);
    } catch {
      // not ours to remove now (its disk read-only, say): the record stays for a later look
    }
  }
  return removed;
}

/** The staging folder `record` names, when it is one the export `stamp` made; else undefined. */
function stagingOf(record: string, stamp: string): string | undefined {
  let staging: unknown;
  try {
    staging = (JSON.parse(readFileSync(record, 'utf8')) as { staging?: unknown } | null)?.staging;
  } catch {
    return undefined; // cut short by the kill, before its folder was made
  }
  if (typeof staging !== 'string' || !isAbsolute(staging)) return undefined;
  const name = basename(staging);
  return name.startsWith('.') && name.endsWith(`.export-${stamp}`) && name.length > `..export-${stamp}`.length
    ? staging
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
