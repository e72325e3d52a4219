// Reading a run's checkpoint while its run trains and prunes, or is removed, through a linked
// copy in <data dir>/readers that names its run and its reader, so the copies of a reader that
// was killed are removed by the next read; which checkpoint a read means is runsCheckpoint.ts's.

import {
  copyFileSync,
  cpSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../shared/errors';
import {
  CLOCK_TOLERANCE_MS,
  isRecordedProcessAlive,
  type ProcessTable,
  RECORD_IN_NAME,
  recordInName,
  recordOfName,
  recordOfThisProcess,
  systemProcesses,
} from '../processIdentity';
import { isGone } from './runsCheckpoint';

/** Picks made at most: a run that trains may delete the checkpoint picked before it is linked. */
const PICK_TRIES = 5;
/** Between tries, for the trainer's newest checkpoint to reach the store. */
const RETRY_MS = 100;

/**
 * <dataDir>/readers: the linked copies of checkpoints being read. Outside every run's folder, so
 * a run removed while one of its checkpoints is read (an export, then `runs rm`) takes no copy
 * along: the read finishes, and its copy goes after it.
 */
export function checkpointReadersFolder(dataDir: string): string {
  return path.join(dataDir, 'readers');
}

/**
 * <run>/reading: where versions before the readers folder kept the copies of a run's
 * checkpoints; what their killed readers left there is removed when the run is looked at.
 */
export const OLD_READING_FOLDER = 'reading';

/** Where a read puts its copy (`root`: checkpointReadersFolder) and the run whose checkpoint it reads. */
export interface CheckpointReading {
  readonly root: string;
  readonly runId: string;
}

/**
 * A copy's holder in the readers folder: `<run id>.step-N.<record>-<random>`, naming the run and
 * the process that reads through it (processIdentity.ts: `<pid>.<start ms>`, then on Linux
 * `.<start ticks>.<boot id>`), so a later read can tell a copy whose reader was killed (SIGKILL,
 * a crash, a power cut: its `finally` never ran) from one still in use. Copies in an older
 * version's <run>/reading are named the same without the run id.
 */
const HOLDER = new RegExp(String.raw`^.+?\.(${RECORD_IN_NAME})-[^.]+$`);

function holderPrefix(runId: string, name: string): string {
  return `${runId}.${name}.${recordInName(recordOfThisProcess())}-`;
}

/**
 * Removes the copies under `readingRoot` (the readers folder, or an older version's <run>/reading)
 * whose reader is gone: those whose named process no longer runs, whatever their run (one
 * removed since included), and those of versions that named none (step-N-<random>) made before
 * this machine booted. A live reader's copy, here or in another process, stays. Returns how
 * many it removed.
 */
export function removeStaleReadings(readingRoot: string, table: ProcessTable = systemProcesses): number {
  let entries: string[];
  try {
    entries = readdirSync(readingRoot);
  } catch {
    return 0; // no reading folder: nothing was ever read, or the last read removed it
  }
  let removed = 0;
  for (const name of entries) {
    const holder = path.join(readingRoot, name);
    if (!isStaleHolder(name, holder, table)) continue;
    rmSync(holder, { recursive: true, force: true });
    removed++;
  }
  if (removed > 0) removeIfEmpty(readingRoot);
  return removed;
}

function isStaleHolder(name: string, holder: string, table: ProcessTable): boolean {
  const owner = recordOfName(HOLDER.exec(name)?.[1] ?? '');
  if (owner) return !isRecordedProcessAlive(owner, table);
  const made = statSync(holder, { throwIfNoEntry: false })?.mtimeMs;
  return made !== undefined && made < table.bootedAt() - CLOCK_TOLERANCE_MS;
}

/**
 * <readers>/<holder>/step-N: the files of checkpoint `dir` (…/<run>/checkpoints/step-N)
 * hard-linked (copied where links cannot be made), so the trainer may delete the checkpoint, and
 * `runs rm` its run, while it is read; under its own name, which is what a model's messages call
 * it. Throws ENOENT when the checkpoint went before all its files were linked. Copies that
 * killed readers left are removed first.
 */
function linkCheckpoint(reading: CheckpointReading, dir: string): string {
  removeStaleReadings(reading.root);
  const holder = readingFolder(reading.root, holderPrefix(reading.runId, path.basename(dir)));
  const snapshot = path.join(holder, path.basename(dir));
  try {
    mkdirSync(snapshot);
    linkCheckpointFiles(dir, snapshot);
  } catch (error) {
    rmSync(holder, { recursive: true, force: true });
    throw error;
  }
  return snapshot;
}

/** `error` with the copy's path in its message put back as the checkpoint's own. */
function asOfCheckpoint(error: unknown, snapshot: string, dir: string): unknown {
  if (error instanceof Error && error.message.includes(snapshot))
    error.message = error.message.replaceAll(snapshot, dir);
  return error;
}

/** A new folder under `root`, made again should another read remove `root` (removeIfEmpty) in between. */
function readingFolder(root: string, prefix: string): string {
  for (let tries = 1; ; tries++) {
    mkdirSync(root, { recursive: true });
    try {
      return mkdtempSync(path.join(root, prefix));
    } catch (error) {
      if (tries >= 3 || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

/**
 * The files of checkpoint folder `from` into the existing folder `to`, hard-linked (copied where
 * links cannot be made), but those named in `except`; ENOENT when `from` goes meanwhile.
 */
export function linkCheckpointFiles(from: string, to: string, except: readonly string[] = []): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (except.includes(entry.name)) continue;
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) cpSync(source, target, { recursive: true });
    else linkOrCopy(source, target);
  }
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    copyFileSync(from, to); // a file system without hard links
  }
}

/** The readers folder goes with its last copy; another read's copy keeps it (ENOTEMPTY), as does a gone one. */
function removeIfEmpty(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // not empty: another read (here or in another process) still holds a copy in it
  }
}

/**
 * `read` of the checkpoint `pick` names, through a linked copy of it in `reading.root`
 * (linkCheckpoint): a run that is training deletes older checkpoints as it saves new ones
 * (keepLast), and a new best replaces the old, so the folder picked may go at any moment, as may
 * the whole run (removed). When it goes before it is linked (or the store still lists one the
 * disk no longer has), the checkpoint is picked again (`isAgain`: checkpointPicker), at most
 * PICK_TRIES times. `read`'s own failures are its own; the copy is removed after.
 */
export async function readingCheckpoint<T>(
  reading: CheckpointReading,
  pick: (isAgain: boolean) => string,
  read: (dir: string) => Promise<T>,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    if (tries > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    let dir: string | undefined;
    let snapshot: string;
    try {
      dir = pick(tries > 1);
      snapshot = linkCheckpoint(reading, dir);
    } catch (error) {
      if (tries < PICK_TRIES && isGone(error)) continue;
      if (dir === undefined || !isGone(error)) throw error;
      throw new ApiError(
        'conflict',
        `The checkpoint ${dir} was deleted before it could be read: its run is training and keeps only its ` +
          'latest and best checkpoints (keepLast). Try again, or stop the run first.',
      );
    }
    try {
      return await read(snapshot);
    } catch (error) {
      throw asOfCheckpoint(error, snapshot, dir);
    } finally {
      rmSync(path.dirname(snapshot), { recursive: true, force: true });
      removeIfEmpty(path.dirname(path.dirname(snapshot)));
    }
  }
}
