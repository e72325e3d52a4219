// Where runs keep their files in a data directory, in one place: <dataDir>/runs/<id>/ for each
// run, its checkpoints under checkpoints/ (engine/train/checkpoint.ts names each step's folder),
// and the one-trainer lock beside them (runsLock.ts). A run being removed has its folder set
// aside first, as `.<id>.removing-<record of the removing process>`, so that a removal killed
// part-way leaves no run folder half gone under its own name, and the next command finishes it,
// leaving a note (runs/.removed/<id>) that it did, so that `runs rm ID` asked again says removed.

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDiskFull } from '../../shared/errors';
import {
  isRecordedProcessAlive,
  RECORD_IN_NAME,
  recordInName,
  recordOfName,
  recordOfThisProcess,
} from '../processIdentity';

/** <dataDir>/runs: every run's folder, and the trainer lock. */
export function runsFolder(dataDir: string): string {
  return path.join(dataDir, 'runs');
}

/** <dataDir>/runs/<id>: what run `id` writes (its checkpoints, its logs). */
export function runFolder(dataDir: string, id: string): string {
  return path.join(runsFolder(dataDir), id);
}

/** <dataDir>/runs/<id>/checkpoints: run `id`'s step-NNNNNNNN checkpoint folders. */
export function runCheckpointsFolder(dataDir: string, id: string): string {
  return path.join(runFolder(dataDir, id), 'checkpoints');
}

/**
 * <dataDir>/runs/<id>/stop-request: a pause or stop of run `id` asked by a process that does not
 * train it, for the one that does (runsControl.ts); it holds 'paused' or 'stopped'.
 */
export function runStopRequestPath(dataDir: string, id: string): string {
  return path.join(runFolder(dataDir, id), 'stop-request');
}

/** A run folder set aside by a removal: the run's id, and the record of the process removing it. */
const SET_ASIDE = new RegExp(`^\\.([^./]+)\\.removing-(${RECORD_IN_NAME})$`);

/**
 * Removes run `id`'s folder and, through `removeRow`, its row (whose answer it returns): the
 * folder is set aside first (one rename), then the row goes, then the files. Killed part-way, the
 * run is either whole and listed, or set aside for finishLeftRemovals; never listed half gone.
 * On a full disk the row cannot go first (SQLite writes its log before it deletes): the files
 * go first then, to make the room, and the emptied folder stays set aside, should the row still
 * not go, for a later command to finish (finishLeftRemovals) once there is room.
 */
export function removeRunFolder(dataDir: string, id: string, removeRow: () => boolean): boolean {
  const aside = path.join(runsFolder(dataDir), `.${id}.removing-${recordInName(recordOfThisProcess(Date.now()))}`);
  try {
    renameSync(runFolder(dataDir, id), aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // it has no folder: its row alone
  }
  const removed = removeRowMakingRoom(aside, removeRow);
  rmSync(aside, { recursive: true, force: true });
  return removed;
}

/**
 * `removeRow()`; where it meets a full disk (SQLite writes its log before it deletes), the
 * files in the set-aside folder `aside` go first to make room, and it is tried once more.
 */
function removeRowMakingRoom<T>(aside: string, removeRow: () => T): T {
  try {
    return removeRow();
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    for (const name of readdirOrNone(aside)) rmSync(path.join(aside, name), { recursive: true, force: true });
    return removeRow();
  }
}

/** The names in `folder`; none when it is not there (a run without a folder). */
function readdirOrNone(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/** <dataDir>/runs/.removed/<id>: the note that run `id`'s removal, left part-way, was finished. */
function finishedRemovalNote(dataDir: string, id: string): string {
  return path.join(runsFolder(dataDir), '.removed', id);
}

/**
 * Whether run `id`'s removal was left part-way (killed, or its row not deleted on a full disk)
 * and finished since by finishLeftRemovals: a `runs rm ID` asked again is then done, not of a
 * run that never was.
 */
export function wasRemovalFinished(dataDir: string, id: string): boolean {
  return existsSync(finishedRemovalNote(dataDir, id));
}

/**
 * Finishes the removals that processes killed part-way left (removeRunFolder): for each folder
 * set aside by a process that has gone, `removeRow` its run (if its row is still there), then
 * delete the folder (its files first on a full disk, as removeRunFolder), noting that it did
 * (wasRemovalFinished). One whose process runs is left to it. Cleanup: what cannot be done now
 * (a read-only store or disk) is left for a later command rather than failing this one.
 */
export function finishLeftRemovals(dataDir: string, removeRow: (id: string) => void): void {
  let names: string[];
  try {
    names = readdirSync(runsFolder(dataDir));
  } catch {
    return; // no runs folder yet
  }
  for (const name of names) {
    const match = SET_ASIDE.exec(name);
    const remover = match && recordOfName(match[2]);
    if (!match || !remover || isRecordedProcessAlive(remover)) continue;
    const aside = path.join(runsFolder(dataDir), name);
    try {
      removeRowMakingRoom(aside, () => removeRow(match[1]));
      rmSync(aside, { recursive: true, force: true });
      noteFinishedRemoval(dataDir, match[1]);
    } catch {
      // a read-only store or disk: the folder stays set aside for a later command to finish
    }
  }
}

/** Notes that run `id`'s removal was finished (wasRemovalFinished); without room, the note is left out. */
function noteFinishedRemoval(dataDir: string, id: string): void {
  const note = finishedRemovalNote(dataDir, id);
  try {
    mkdirSync(path.dirname(note), { recursive: true });
    writeFileSync(note, '');
  } catch {
    // a repeated `runs rm ID` then says there is no such run, as it did before
  }
}
